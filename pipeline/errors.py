"""The error tree, one module so callers can catch by meaning.

    PipelineError                 anything this package raises on purpose
     +-- KnowledgeError           the knowledge base is invalid (carries every issue)
     +-- UnknownEntityError       a compound or condition name matched nothing
     +-- TemplateError            a page or prompt template failed to load or render
     +-- SettingsError            a site-settings file is missing or invalid
     +-- PageError                a page or its sidecar cannot be read for checking
     +-- DrafterError             a drafter could not produce a draft at all (reason given)
          +-- EndpointError       the model endpoint is misconfigured or unreachable
     +-- ReviewError              a review action cannot be carried out (no page, no note, bad history)
          +-- ReviewConflictError another reviewer or a regeneration got there first; nothing written
          +-- ApprovalRefusedError the page as it is now fails a check; carries the findings
     +-- PatientInputError        a personalized report's patient context is unusable (field named)
     +-- ServiceConfigError       the report service's configuration is missing or invalid

Every message says what was wrong, where (file, field, section) and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.checks.findings import Finding


class PipelineError(Exception):
    """Base of every error the pipeline raises deliberately."""


@dataclass(frozen=True)
class KnowledgeIssue:
    """One validation problem, located by file and field."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class KnowledgeError(PipelineError):
    """The knowledge base failed validation; ``issues`` lists every problem found."""

    def __init__(self, issues: list[KnowledgeIssue]) -> None:
        self.issues = issues
        head = f"knowledge base invalid ({len(issues)} issue{'s' if len(issues) != 1 else ''})"
        super().__init__(head + ":\n" + "\n".join(f"  {i}" for i in issues))


class UnknownEntityError(PipelineError):
    """A name did not resolve; ``suggestions`` holds close matches."""

    def __init__(self, kind: str, name: str, suggestions: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        hint = (
            f"; did you mean {', '.join(repr(s) for s in suggestions)}?"
            if suggestions
            else f"; run 'reviewgen list' to see known {kind}s"
        )
        shown = name if len(name) <= 80 else f"{name[:80]}... ({len(name)} characters)"
        super().__init__(f"unknown {kind} {shown!r}{hint}")


class TemplateError(PipelineError):
    """A jinja2 template is missing or failed to render."""


class SettingsError(PipelineError):
    """Site settings could not be loaded."""


class PageError(PipelineError):
    """A page given to the checker cannot be read."""


class DrafterError(PipelineError):
    """A drafter failed to produce a draft (transport exhausted, truncated output, ...)."""

    def __init__(self, message: str, attempts: list[dict[str, object]] | None = None) -> None:
        self.attempts = attempts or []
        super().__init__(message)


class EndpointError(DrafterError):
    """The model endpoint cannot be used: missing key, unreachable, or refusing our credentials."""


class ReviewError(PipelineError):
    """A review action (list, show, diff, approve, reject, report) cannot be carried out."""


class ReviewConflictError(ReviewError):
    """Someone else decided on, or regenerated, the page since the reviewer read it; nothing was written."""


class ApprovalRefusedError(ReviewError):
    """Approval re-ran the checks on the page as it is now and error findings remain."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(message)


class PatientInputError(PipelineError):
    """A patient field cannot be used for a personalized report; ``field`` names it (``patient.stage``)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class ServiceConfigError(PipelineError):
    """The report service cannot start: a setting (named in the message) is missing or invalid."""
