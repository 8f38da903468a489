"""Generation records: pairs with no new page, because the checks refused the draft (``<out>/rejected/``) or it could
not be drafted at all (``<out>/failed/``). `review list --status refused|failed` lists them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.review.history import printable

RECORD_FILTERS = ("refused", "failed")


@dataclass(frozen=True)
class GenerationRecord:
    """A pair with no new page: its draft was refused by the checks, or it could not be drafted at all."""

    compound: str
    condition: str
    kind: str  # refused | failed
    path: Path
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "compound": self.compound,
            "condition": self.condition,
            "status": self.kind,
            "path": str(self.path),
            "reason": self.reason,
        }


def list_records(out_dir: Path | str, kind: str | None = None) -> list[GenerationRecord]:
    """Refused and failed generation records under ``<out>/rejected`` and ``<out>/failed``."""
    out: list[GenerationRecord] = []
    for name, folder in (("refused", "rejected"), ("failed", "failed")):
        if kind not in (None, name):
            continue
        for path in sorted((Path(out_dir) / folder).glob("*/*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {"error": "unreadable record"}
            if not isinstance(data, dict):
                data = {"error": "unreadable record"}
            errors = [
                f.get("rule", "?")
                for f in data.get("findings") or []
                if isinstance(f, dict) and f.get("severity") == "error"
            ]
            reason = str(
                data.get("error")
                or (f"{len(errors)} error finding(s): {', '.join(sorted(set(errors)))}" if errors else "refused")
            )
            out.append(GenerationRecord(path.parent.name, path.stem, name, path, printable(reason)[:200]))
    return out
