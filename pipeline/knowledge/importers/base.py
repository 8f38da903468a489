"""The contract between the import runner and one dataset's importer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import KnowledgeError, KnowledgeIssue
from pipeline.knowledge.importers.common import EntityIndex


@dataclass
class ImportContext:
    """What an importer may read."""

    release_id: str
    release_dir: Path
    data_root: Path
    knowledge: Path
    entities: EntityIndex

    def sibling(self, family: str, default_release: str, what: str) -> Path:
        """Another dataset's release beside this one, for a join through it."""
        candidates = sorted(p for p in self.data_root.glob(f"{family}-*") if p.is_dir())
        preferred = self.data_root / default_release
        if preferred.is_dir():
            return preferred
        if candidates:
            return candidates[-1]
        raise KnowledgeError([KnowledgeIssue(str(self.data_root), "(directory)",
                                             f"no {default_release} release beside {self.release_dir.name}; "
                                             f"{self.release_dir.name} needs it to {what}")])


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
