"""Drafters turn a fact selection into a structured draft.

``composer`` (built in, deterministic, the default) needs no model.
"""

from __future__ import annotations

from typing import Protocol

from pipeline.checks.findings import Finding
from pipeline.draft import Draft
from pipeline.drafting.composer import Composer
from pipeline.errors import PipelineError
from pipeline.knowledge.selection import Selection


class Drafter(Protocol):
    """Anything that can draft a page from a selection, optionally given prior findings."""

    name: str

    def draft(self, sel: Selection) -> Draft: ...


class Redrafter(Drafter, Protocol):
    """A drafter that can be re-asked with the findings of its last attempt."""

    def redraft(self, sel: Selection, previous: Draft, findings: list[Finding]) -> Draft: ...


DRAFTERS = {"composer": Composer}


def get_drafter(name: str) -> Drafter:
    """The drafter registered under ``name``."""
    try:
        return DRAFTERS[name]()
    except KeyError:
        known = ", ".join(sorted(DRAFTERS))
        raise PipelineError(f"unknown drafter {name!r}; choose one of: {known}") from None
