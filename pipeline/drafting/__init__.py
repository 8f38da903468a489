"""Drafters turn a fact selection into a structured draft.

``composer`` (built in, deterministic, the default) needs no model; ``llm`` asks any
OpenAI-compatible endpoint and can be re-asked with the findings of its last attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard, runtime_checkable

from pipeline.checks.findings import Finding
from pipeline.draft import Draft
from pipeline.drafting.composer import Composer
from pipeline.errors import PipelineError
from pipeline.knowledge.selection import Selection

if TYPE_CHECKING:
    from pipeline.drafting.transport import Throttle


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


@runtime_checkable
class ModelDrafter(Redrafter, Protocol):
    """A drafter that calls a model: its settings are part of every page key (``fingerprint``), a batch
    awaits it (``adraft``/``aredraft``), and ``throttle`` paces its calls (``--rpm``/``--tpm``)."""

    throttle: Throttle

    def fingerprint(self) -> dict[str, Any]: ...

    async def adraft(self, sel: Selection) -> DraftResult: ...

    async def aredraft(self, sel: Selection, previous: DraftResult, findings: list[Finding]) -> DraftResult: ...


def _is_model(drafter: Drafter) -> TypeGuard[ModelDrafter]:
    """isinstance against the ModelDrafter protocol, which checks every member (about 14 us); a drafter
    without ``adraft`` cannot be one, and that is one attribute lookup."""
    return hasattr(drafter, "adraft") and isinstance(drafter, ModelDrafter)


def fingerprint(drafter: Drafter) -> dict[str, Any]:
    """What about a drafter shapes its pages (its name, or a model drafter's settings and prompts)."""
    return drafter.fingerprint() if _is_model(drafter) else {"drafter": drafter.name}


async def adraft(drafter: Drafter, sel: Selection) -> DraftResult:
    """One draft, awaited when the drafter is a model, called directly otherwise."""
    return as_result(await drafter.adraft(sel) if _is_model(drafter) else drafter.draft(sel))


async def aredraft(drafter: Redrafter, sel: Selection, previous: DraftResult, findings: list[Finding]) -> DraftResult:
    """A re-ask, awaited when the drafter is a model."""
    if _is_model(drafter):
        return await drafter.aredraft(sel, previous, findings)
    return drafter.redraft(sel, previous, findings)


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
