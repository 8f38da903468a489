"""What every importer shares: the entities to import for, text helpers, the page-rule gate.

Importers read only the hand-curated files and the output of *other* datasets' imports (never
their own earlier output), so running one twice on the same release gives the same files.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import KnowledgeError, KnowledgeIssue
from pipeline.knowledge.merging import IMPORTED_DIR, dataset_family, imported_releases
from pipeline.language import find_absolute_safety, find_cure_claims, find_directives
from pipeline.language.dosing import find_dosing
from pipeline.yamlfile import load_yaml

KINDS = ("compounds", "conditions", "treatments")
# How each dataset family is named in fact text ("SIDER 4.1"), with the release's version appended.
DISPLAY = {
    "drugcentral": "DrugCentral",
    "pharmacotherapydb": "PharmacotherapyDB",
    "ddinter": "DDInter",
    "sider": "SIDER",
    "drugbank": "DrugBank",
    "mesh": "MeSH",
}


def display_release(release_id: str) -> str:
    """'sider-4.1' -> 'SIDER 4.1', as fact text names a dataset release."""
    family = dataset_family(release_id)
    version = release_id[len(family) :].lstrip("-")
    return f"{DISPLAY.get(family, family)} {version}".strip()


@dataclass
class Entity:
    """A compound, condition or treatment as the importers see it (names and identifiers)."""

    kind: str
    id: str
    name: str = ""
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    identifiers: dict[str, str] = field(default_factory=dict)
    forms: tuple[str, ...] = ()
    hand: bool = False
    standard_treatments: list[dict[str, Any]] | None = None  # conditions: the hand list, if any
    organ_systems: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How fact text names the entity: its short name, else its name in running text."""
        return self.short_name or lower_name(self.name)

    def drugbank_ids(self) -> dict[str, str]:
        """Component -> DrugBank id: '' for the entity itself, a form name for ``drugbank_<form>``."""
        return {
            _suffix(k, "drugbank"): v
            for k, v in sorted(self.identifiers.items())
            if k == "drugbank" or k.startswith("drugbank_")
        }

    def pinned(self, prefix: str) -> dict[str, str]:
        """Curator-pinned dataset ids (``<prefix>`` or ``<prefix>_<form>``), by component."""
        return {
            _suffix(k, prefix): v
            for k, v in sorted(self.identifiers.items())
            if k == prefix or k.startswith(prefix + "_")
        }


def _suffix(key: str, prefix: str) -> str:
    return key[len(prefix) + 1 :] if key != prefix else ""


@dataclass
class EntityIndex:
    """Hand-curated entities plus those other datasets' imports added, and who answers for pairs."""

    compounds: dict[str, Entity]
    conditions: dict[str, Entity]
    treatments: dict[str, Entity]
    imported_treatment_lists: dict[str, list[dict[str, Any]]]
    hand_pairs: dict[str, set[tuple[str, str]]]

    def effective_treatments(self, condition: str) -> list[tuple[str, str]]:
        """(treatment id, role) a condition's pages list: the hand list, else the imported one."""
        hand = self.conditions[condition].standard_treatments
        entries = hand if hand is not None else self.imported_treatment_lists.get(condition, [])
        return [(str(e.get("treatment")), str(e.get("role"))) for e in entries if isinstance(e, dict)]


def _read_yaml(path: Path) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(
            [KnowledgeIssue(str(path), "(file)", f"cannot read ({exc}); fix it before importing")]
        ) from exc


def read_entities(knowledge: Path, skip_family: str) -> EntityIndex:
    """Hand files and the imports of every dataset family except ``skip_family``."""
    layers: list[tuple[bool, Path]] = [(True, knowledge)]
    layers += [(False, folder) for name, folder in imported_releases(knowledge) if dataset_family(name) != skip_family]
    found: dict[str, dict[str, Entity]] = {k: {} for k in KINDS}
    lists: dict[str, list[dict[str, Any]]] = {}
    for hand, base in layers:
        for kind in KINDS:
            for path in sorted((base / kind).glob("*.yaml")):
                data = _read_yaml(path)
                if isinstance(data, dict) and isinstance(data.get("id"), str):
                    _absorb(found[kind], kind, data, hand)
                    if kind == "conditions" and not hand and isinstance(data.get("standard_treatments"), list):
                        lists.setdefault(data["id"], data["standard_treatments"])
    pairs: dict[str, set[tuple[str, str]]] = {"interactions": set(), "evidence": set()}
    layout = (("interactions", "interactions", "treatment"), ("evidence", "conditions", "condition"))
    for dirname, items, other in layout:
        for path in sorted((knowledge / dirname).glob("*.yaml")):
            data = _read_yaml(path)
            if isinstance(data, dict):
                pairs[dirname] |= {
                    (str(data.get("compound")), str(i.get(other))) for i in data.get(items) or [] if isinstance(i, dict)
                }
    return EntityIndex(found["compounds"], found["conditions"], found["treatments"], lists, pairs)


def _absorb(group: dict[str, Entity], kind: str, data: dict[str, Any], hand: bool) -> None:
    entity = group.setdefault(data["id"], Entity(kind, data["id"]))
    entity.name = entity.name or str(data.get("name") or "")
    entity.short_name = entity.short_name or str(data.get("short_name") or "")
    entity.aliases = tuple(dict.fromkeys([*entity.aliases, *map(str, data.get("aliases") or [])]))
    entity.identifiers = {**{str(k): str(v) for k, v in (data.get("identifiers") or {}).items()}, **entity.identifiers}
    entity.forms = entity.forms or tuple(map(str, data.get("forms") or {}))
    if hand:
        entity.hand = True
        if isinstance(data.get("standard_treatments"), list):
            entity.standard_treatments = data["standard_treatments"]
        entity.organ_systems = tuple(map(str, data.get("organ_systems") or ()))


# -- reading release files ----------------------------------------------------------------------


def need(release: Path, name: str) -> Path:
    """A file of the release, or an error that names it and says what to pass."""
    path = release / name
    if not path.is_file():
        raise KnowledgeError(
            [KnowledgeIssue(str(path), "(file)", f"missing from the release; pass --path the folder holding {name}")]
        )
    return path


def read_tsv(path: Path, columns: Iterable[str], delimiter: str = "\t") -> Iterator[dict[str, str]]:
    """Rows of a delimited file, checking the header has the columns the importer relies on."""
    opener = _open_gz if path.suffix == ".gz" else _open_text
    with opener(path) as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise KnowledgeError(
                [
                    KnowledgeIssue(
                        str(path), f"column {missing[0]!r}", "missing from the header; is this the expected release?"
                    )
                ]
            )
        for row in reader:
            yield {k: (v or "").strip().strip('"') for k, v in row.items() if k is not None}


def _open_text(path: Path) -> Any:
    return path.open(encoding="utf-8", newline="")


def _open_gz(path: Path) -> Any:
    import gzip

    return gzip.open(path, "rt", encoding="utf-8", newline="")


def read_drugbank_names(release: Path) -> dict[str, str]:
    """DrugBank id -> name from a DrugBank 4.x tabular extract."""
    return {r["drugbank_id"]: r["name"] for r in read_tsv(need(release, "drugbank.tsv"), ("drugbank_id", "name"))}


def read_drugbank_atc(release: Path) -> dict[str, tuple[str, ...]]:
    """DrugBank id -> its ATC codes, from a DrugBank 4.x tabular extract."""
    rows = read_tsv(need(release, "drugbank.tsv"), ("drugbank_id", "atc_codes"))
    return {r["drugbank_id"]: tuple(c for c in r["atc_codes"].split("|") if c) for r in rows}


# -- text ---------------------------------------------------------------------------------------


def lower_name(name: str) -> str:
    """Running-text form of a name: 'Valproic Acid' -> 'valproic acid', keeping 'L-DOPA', 'HMG-CoA', 'mTOR'."""

    def fold(word: str) -> str:
        core = word.strip("(),")
        # a capital single letter is part of a name ('GABA A', 'influenza A', 'vitamin B'), not a word to fold
        if core.isupper() or any(ch.isupper() for ch in core[1:]) or core[:1].islower():
            return word
        return word.lower()

    return " ".join(fold(w) for w in name.split())


def join_and(items: list[str], word: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def slug(text: str) -> str:
    """An id-safe form of a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def rule_problems(text: str) -> list[str]:
    """What the page rules would reject in a fact text (dosing, directives, absolute safety, cure claims)."""
    hits = [*find_dosing(text), *find_directives(text), *find_absolute_safety(text), *find_cure_claims(text)]
    return [h.text for h in hits]


def fact(
    fid: str, kind: str, text: str, release: str, records: Iterable[str], tags: Iterable[str] = (), detail: bool = False
) -> dict[str, Any]:
    """An imported fact as written to YAML: cited to its release, with its origin records."""
    out: dict[str, Any] = {"id": fid, "kind": kind, "text": text}
    if tags:
        out["tags"] = list(tags)
    out["sources"] = [release]
    if detail:
        out["detail"] = True
    out["origin"] = {"dataset": release, "records": list(records)}
    return out


__all__ = [
    "IMPORTED_DIR",
    "Entity",
    "EntityIndex",
    "display_release",
    "fact",
    "join_and",
    "lower_name",
    "need",
    "read_drugbank_names",
    "read_entities",
    "read_tsv",
    "rule_problems",
    "slug",
]
