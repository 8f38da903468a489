"""Drafters turn a fact selection into a structured draft.

``composer`` (built in, deterministic, the default) needs no model; ``llm`` asks any
OpenAI-compatible endpoint and can be re-asked with the findings of its last attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pipeline.checks.findings import Finding
from pipeline.draft import Draft
from pipeline.drafting.composer import Composer
from pipeline.errors import PipelineError
from pipeline.knowledge.selection import Selection


@dataclass
class DraftResult:
    """One drafting attempt: the draft (None when unusable), schema findings, usage."""

    draft: Draft | None
    problems: list[Finding] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    state: Any = None  # what a re-ask needs (the conversation so far)


@runtime_checkable
class Drafter(Protocol):
    """Anything that can draft a page from a selection."""

    name: str

    def draft(self, sel: Selection) -> Draft | DraftResult: ...


@runtime_checkable
class Redrafter(Drafter, Protocol):
    """A drafter that can be re-asked with the findings of its last attempt."""

    max_reasks: int

    def redraft(self, sel: Selection, previous: DraftResult, findings: list[Finding]) -> DraftResult: ...


def as_result(outcome: Draft | DraftResult) -> DraftResult:
    """Accept drafters that return a bare Draft."""
    return outcome if isinstance(outcome, DraftResult) else DraftResult(outcome)


def get_drafter(name: str, **options: Any) -> Drafter:
    """The drafter registered under ``name``; options go to its constructor."""
    if name == "composer":
        return Composer()
    if name == "llm":
        from pipeline.drafting.llm import LLMDrafter  # the SDK is only imported when used

        return LLMDrafter(**options)
    raise PipelineError(f"unknown drafter {name!r}; choose 'composer' or 'llm'")
