"""The contract between the import runner and one dataset's importer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import KnowledgeError, KnowledgeIssue
from pipeline.knowledge.importers.common import EntityIndex


@dataclass(frozen=True)
class Correction:
    """A reviewed correction to one dataset record (knowledge/import-corrections.yaml)."""

    record: str
    field: str  # "row" drops the whole record
    drop: tuple[str, ...]
    reason: str


@dataclass
class ImportContext:
    """What an importer may read, and the reviewed corrections it must apply to the release's rows."""

    release_id: str
    release_dir: Path
    data_root: Path
    knowledge: Path
    entities: EntityIndex
    corrections: tuple[Correction, ...] = ()
    applied: list[dict[str, str]] = field(default_factory=list)

    def drops_row(self, record: str) -> bool:
        """True when a correction removes this record entirely (the report says so)."""
        for c in self.corrections:
            if c.record == record and c.field == "row":
                self.applied.append({"record": record, "dropped": "the whole record", "reason": c.reason})
                return True
        return False

    def corrected(self, record: str, field_name: str, values: list[str]) -> list[str]:
        """``values`` of one field of a record, without those a correction removes (the report says so)."""
        drop = {v for c in self.corrections if c.record == record and c.field == field_name for v in c.drop}
        removed = [v for v in values if v in drop]
        if removed:
            reason = "; ".join(c.reason for c in self.corrections if c.record == record and c.field == field_name)
            self.applied.append({"record": record, "dropped": f"{field_name}: {', '.join(removed)}", "reason": reason})
        return [v for v in values if v not in drop]

    def sibling(self, family: str, default_release: str, what: str) -> Path:
        """Another dataset's release beside this one, for a join through it."""
        candidates = sorted(p for p in self.data_root.glob(f"{family}-*") if p.is_dir())
        preferred = self.data_root / default_release
        if preferred.is_dir():
            return preferred
        if candidates:
            return candidates[-1]
        raise KnowledgeError(
            [
                KnowledgeIssue(
                    str(self.data_root),
                    "(directory)",
                    f"no {default_release} release beside {self.release_dir.name}; "
                    f"{self.release_dir.name} needs it to {what}",
                )
            ]
        )


@dataclass
class ImportOutput:
    """Files to write (path relative to the release folder -> YAML document) and the report."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


class Importer(Protocol):
    """One dataset's importer."""

    family: str
    default_release: str
    files: tuple[str, ...]

    def run(self, ctx: ImportContext) -> ImportOutput:
        """Build the files and the report."""
        ...
