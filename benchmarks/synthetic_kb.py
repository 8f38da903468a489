"""A generated knowledge base for scale benchmarks: the real one, with its compounds cloned.

Each clone is a distinct compound: its own id, names and facts (the real facts' text with the
compound's name replaced), so its pages pass every check just as the originals do. Pairs
grow as clones x the real conditions.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from pipeline.knowledge.loading import load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def _letters(i: int) -> str:
    """0 -> 'aaa', 1 -> 'aab', ...: clone names must not look like codes or numbers to the checks."""
    return chr(ord("a") + (i // 676) % 26) + chr(ord("a") + (i // 26) % 26) + chr(ord("a") + i % 26)


def _renamed(facts: list[dict[str, Any]], suffix: str, old: str, new: str) -> list[dict[str, Any]]:
    swap = re.compile(rf"\b{re.escape(old)}\b", re.IGNORECASE)
    return [{**f, "id": f"{f['id']}.{suffix}", "text": swap.sub(new, f["text"])} for f in facts]


def build(target: Path, compounds: int) -> Path:
    """Write a knowledge base with at least ``compounds`` compounds into ``target``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "knowledge", target)
    # compounds with several forms (ketamine / esketamine) name them in their facts; clone the others
    originals = [
        p for p in sorted((target / "compounds").glob("*.yaml")) if not yaml.safe_load(p.read_text()).get("forms")
    ]
    merged = load_knowledge(ROOT / "knowledge").compounds  # fields the imports supply (drug_class)
    for i in range(max(0, compounds - len(list((target / "compounds").glob("*.yaml"))))):
        source = originals[i % len(originals)]
        data = yaml.safe_load(source.read_text())
        suffix, letters = f"c{i:05d}", _letters(i)
        cid, short = f"{data['id']}-{suffix}", f"{data['short_name']}{letters}"
        old = data["short_name"]
        clone = {
            **data,
            "id": cid,
            "name": f"{data['name']} {letters.upper()}",
            "short_name": short,
            "drug_class": data.get("drug_class") or merged[data["id"]].drug_class,
            "aliases": [],
            "forms": {},
            "facts": _renamed(data.get("facts", []), suffix, old, short),
        }
        (target / "compounds" / f"{cid}.yaml").write_text(yaml.safe_dump(clone, sort_keys=False))
        for kind, key in (("interactions", "interactions"), ("evidence", "conditions")):
            path = target / kind / source.name
            if path.is_file():
                doc = yaml.safe_load(path.read_text())
                doc["compound"] = cid
                doc[key] = [{**item, "facts": _renamed(item["facts"], suffix, old, short)} for item in doc[key]]
                (target / kind / f"{cid}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return target
