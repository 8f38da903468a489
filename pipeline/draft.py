"""The structured draft: sections of statements, each citing the fact ids it rests on.

A draft is data first and text second: drafters (composer or model) produce
it, checks read it, and rendering turns it into the page.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from pipeline.page import SectionId

__all__ = ["Draft", "Section", "SectionId", "Statement", "StatementKind"]


class StatementKind(StrEnum):
    """A fact statement must cite facts; a framing statement asserts nothing medical."""

    FACT = "fact"
    FRAMING = "framing"


class Statement(BaseModel):
    """One sentence (or a few) of the page and the facts it rests on."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    fact_ids: list[str] = Field(default_factory=list)
    kind: StatementKind = StatementKind.FACT
    group: str | None = None
    label: str | None = None


class Section(BaseModel):
    """A drafted section; statements sharing a group render under one sub-heading."""

    model_config = ConfigDict(extra="forbid")

    id: SectionId
    statements: list[Statement]


class Draft(BaseModel):
    """A whole draft for one compound x condition pair."""

    model_config = ConfigDict(extra="forbid")

    compound: str
    condition: str
    sections: list[Section]

    def section(self, section_id: SectionId) -> Section | None:
        """The section with this id, if drafted."""
        return next((s for s in self.sections if s.id == section_id), None)

    def cited_fact_ids(self) -> list[str]:
        """Every fact id cited, in order of first use."""
        seen: dict[str, None] = {}
        for section in self.sections:
            for statement in section.statements:
                for fid in statement.fact_ids:
                    seen.setdefault(fid, None)
        return list(seen)
