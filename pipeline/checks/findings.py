"""What a rule reports: rule id, severity, where, the offending text, and why."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """An error blocks saving or approval; a warning is shown to the reviewer."""

    ERROR = "error"
    WARNING = "warning"


class Finding(BaseModel):
    """One problem, located precisely enough for a reviewer to act on it."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    severity: Severity
    section: str
    text: str = Field(description="the exact offending span")
    message: str = Field(description="one-line reason and what to do")
    sentence: str = ""
    fact_ids: list[str] = Field(default_factory=list)
    path: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}[{self.severity.value}] {self.rule} in {self.section}: {self.message} ({self.text!r})"


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding blocks the page."""
    return any(f.severity is Severity.ERROR for f in findings)
