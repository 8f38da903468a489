"""What a re-import changed: facts, entity fields, standard treatments, interactions, evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Changes:
    """Items added, removed and changed, each as a short human-readable key."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the import changed nothing."""
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        """'12 added, 0 removed, 3 changed' with the fact counts first."""
        facts = [sum(k.startswith("fact ") for k in group) for group in (self.added, self.removed, self.changed)]
        return (
            f"facts: {facts[0]} added, {facts[1]} removed, {facts[2]} changed; "
            f"all items: {len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"
        )


def read_tree(folder: Path) -> dict[str, Any]:
    """An earlier import's documents by path relative to its release folder (the report left out)."""
    out: dict[str, Any] = {}
    for path in sorted(folder.rglob("*.yaml")):
        rel = path.relative_to(folder).as_posix()
        if rel != "report.yaml":
            out[rel] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # safe loader
    return out


def _facts(facts: Any, out: dict[str, Any]) -> None:
    for f in facts or []:
        if isinstance(f, dict):
            out[f"fact {f.get('id')}"] = {k: v for k, v in f.items() if k != "origin"} | {
                "records": (f.get("origin") or {}).get("records")
            }


def flatten(docs: dict[str, Any]) -> dict[str, Any]:
    """Every comparable item of a set of documents, keyed for display."""
    out: dict[str, Any] = {}
    for rel, doc in docs.items():
        if not isinstance(doc, dict):
            continue
        kind = rel.split("/", 1)[0]
        if kind in ("compounds", "conditions", "treatments"):
            fields = {k: v for k, v in doc.items() if k not in ("facts", "standard_treatments")}
            out[f"{kind[:-1]} {doc.get('id')}"] = fields
            _facts(doc.get("facts"), out)
            for st in doc.get("standard_treatments") or []:
                out[f"standard treatment {doc.get('id')} x {st.get('treatment')}"] = st.get("role")
                _facts(st.get("facts"), out)
        elif kind == "interactions":
            for item in doc.get("interactions") or []:
                out[f"interaction {doc.get('compound')} x {item.get('treatment')}"] = [
                    item.get("status"),
                    item.get("level"),
                ]
                _facts(item.get("facts"), out)
        elif kind == "evidence":
            for item in doc.get("conditions") or []:
                out[f"evidence {doc.get('compound')} x {item.get('condition')}"] = item.get("tier")
                _facts(item.get("facts"), out)
    return out


def diff_trees(old: dict[str, Any], new: dict[str, Any]) -> Changes:
    """Compare two imports of one dataset item by item."""
    a, b = flatten(old), flatten(new)
    changes = Changes()
    for key in sorted(a.keys() | b.keys()):
        if key not in a:
            changes.added.append(key)
        elif key not in b:
            changes.removed.append(key)
        elif json.dumps(a[key], sort_keys=True, default=str) != json.dumps(b[key], sort_keys=True, default=str):
            changes.changed.append(key)
    return changes
