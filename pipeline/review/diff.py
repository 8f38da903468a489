"""What changed since a page was last approved: the page text, the facts given for it, its inputs.

The base is ``<out>/approved/<compound>/<condition>.md`` with the sidecar as it was at approval;
facts are compared by id between that sidecar and the current one, so an edited fact shows with
its old and new text even where the page reuses it verbatim in several places.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pipeline.review.history import read_json
from pipeline.review.state import PageState, read_state
from pipeline.store import approved_page_path, sidecar_path


@dataclass(frozen=True)
class FactChange:
    """A fact given for the page that was added, removed or edited since the approval."""

    fact_id: str
    change: Literal["added", "removed", "edited"]
    old: str | None
    new: str | None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageDiff:
    """What changed since the last approval: the page text, the facts and the provenance."""

    state: PageState
    base_path: Path | None
    approval: dict[str, Any] | None
    lines: list[str]
    facts: list[FactChange]
    provenance: list[str] = field(default_factory=list)

    @property
    def has_base(self) -> bool:
        """False when the page was never approved: nothing to diff against."""
        return self.base_path is not None


def diff_page(out_dir: Path | str, compound: str, condition: str, context: int = 3) -> PageDiff:
    """Unified diff of the page against its last approved version, and the facts changed since."""
    state = read_state(out_dir, compound, condition)
    base = approved_page_path(Path(out_dir), compound, condition)
    if not base.is_file():
        return PageDiff(state, None, None, [], [])
    old = base.read_text(encoding="utf-8")
    lines = list(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            state.markdown.splitlines(keepends=True),
            fromfile=f"approved/{compound}/{condition}.md",
            tofile=f"drafts/{compound}/{condition}.md",
            n=context,
        )
    )
    approved_sidecar = read_json(sidecar_path(base)) or {}
    current = state.sidecar or {}
    return PageDiff(
        state,
        base,
        approved_sidecar.get("approval"),
        lines,
        fact_changes(approved_sidecar.get("facts", {}), current.get("facts", {})),
        _provenance_changes(approved_sidecar, current),
    )


def fact_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FactChange]:
    """Facts added, removed or edited between two sidecars' ``facts``, by fact id."""
    changes: list[FactChange] = []
    for fid in sorted(old.keys() | new.keys()):
        before: dict[str, Any] = old.get(fid) or {}
        after: dict[str, Any] = new.get(fid) or {}
        if not before:
            changes.append(FactChange(fid, "added", None, after.get("text", "")))
        elif not after:
            changes.append(FactChange(fid, "removed", before.get("text", ""), None))
        elif before != after:
            fields = tuple(k for k in sorted(before.keys() | after.keys()) if before.get(k) != after.get(k))
            changes.append(FactChange(fid, "edited", before.get("text", ""), after.get("text", ""), fields))
    return changes


def _provenance_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Which inputs of the page changed since approval (facts, templates, settings, rules, drafter)."""
    out = [
        f"{name} changed"
        for name in ("facts", "templates", "settings")
        if old.get("hashes", {}).get(name) != new.get("hashes", {}).get(name)
    ]
    for key in ("rules_version", "drafter"):
        if old.get(key) != new.get(key):
            out.append(f"{key}: {old.get(key)} -> {new.get(key)}")
    return out
