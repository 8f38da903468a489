"""Merge hand-curated files with imported ones, curation first.

``knowledge/<kind>/<id>.yaml`` are written by curators; ``knowledge/imported/<release>/<kind>/<id>.yaml``
are written by ``reviewgen knowledge import`` and never edited by hand. The precedence rules:

- entities (compounds, conditions, treatments) with the same id are merged: fields the hand file
  sets win; imported files fill the rest, earlier datasets in ``IMPORT_ORDER`` first; aliases are
  united and identifiers merged key by key (hand first);
- a hand fact replaces an imported fact with the same id, and an imported fact is dropped when a
  hand fact about the same entity cites the same dataset (any release): the curator has taken over
  what that dataset says about it;
- a hand list of standard treatments wins (which treatments, their order and roles); imported
  facts attach to its entries for the same treatment only when the hand entry has no facts of its
  own (a curated entry has been reviewed against a guideline; a treatment's own facts do not count
  here: they may be about another condition);
- a hand interaction (compound x treatment) or evidence (compound x condition) entry replaces the
  imported entry for that pair.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from pipeline.knowledge.models import Fact, StandardTreatment, Strict, Text
from pipeline.knowledge.models import Slug as SlugT

IMPORTED_DIR = "imported"
# Which dataset fills an entity field first when several imports set it.
IMPORT_ORDER = ("pharmacotherapydb", "drugcentral", "drugbank", "mesh", "sider", "ddinter")
SCALARS = {
    "compounds": ("name", "short_name", "drug_class", "forms"),
    "conditions": ("name", "short_name", "specialist", "organ_systems"),
    "treatments": ("name", "drug_class", "forms"),
}


def dataset_family(source_id: str) -> str:
    """'sider-4.1' -> 'sider': releases of one dataset share a family."""
    return re.sub(r"-\d[\w.]*$", "", source_id)


class CompoundPatch(Strict):
    """What one file says about a compound; the merge must fill every required field."""

    id: SlugT
    name: Text | None = None
    short_name: Text | None = None
    aliases: tuple[Text, ...] = ()
    forms: dict[SlugT, tuple[Text, ...]] | None = None
    drug_class: Text | None = None
    identifiers: dict[str, str] = Field(default_factory=dict)
    facts: tuple[Fact, ...] = ()


class ConditionPatch(Strict):
    """What one file says about a condition."""

    id: SlugT
    name: Text | None = None
    short_name: Text | None = None
    aliases: tuple[Text, ...] = ()
    specialist: Text | None = None
    organ_systems: tuple[SlugT, ...] | None = None
    standard_treatments: tuple[StandardTreatment, ...] | None = None
    identifiers: dict[str, str] = Field(default_factory=dict)
    facts: tuple[Fact, ...] = ()


class TreatmentPatch(Strict):
    """What one file says about a treatment."""

    id: SlugT
    name: Text | None = None
    aliases: tuple[Text, ...] = ()
    forms: dict[SlugT, tuple[Text, ...]] | None = None
    drug_class: Text | None = None
    identifiers: dict[str, str] = Field(default_factory=dict)
    facts: tuple[Fact, ...] = ()


PATCHES: dict[str, type[CompoundPatch] | type[ConditionPatch] | type[TreatmentPatch]] = {
    "compounds": CompoundPatch,
    "conditions": ConditionPatch,
    "treatments": TreatmentPatch,
}


@dataclass(frozen=True)
class Doc:
    """One validated file: hand-curated when ``dataset`` is None."""

    path: Path
    patch: Any
    dataset: str | None = None


@dataclass
class LocatedFact:
    """A fact and where it was written, for error messages and the fact index."""

    fact: Fact
    path: Path
    where: str


@dataclass
class Merged:
    """One entity's merged fields, the facts it keeps and the file that answers for it."""

    data: dict[str, Any]
    path: Path
    facts: list[LocatedFact]
    dropped: list[str] = field(default_factory=list)  # imported fact ids that curation replaced


def imported_releases(root: Path) -> list[tuple[str, Path]]:
    """Imported release folders in precedence order (IMPORT_ORDER, then by name)."""
    base = root / IMPORTED_DIR
    if not base.is_dir():
        return []
    folders = [p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")]

    def rank(p: Path) -> tuple[int, str]:
        family = dataset_family(p.name)
        return (IMPORT_ORDER.index(family) if family in IMPORT_ORDER else len(IMPORT_ORDER), p.name)

    return [(p.name, p) for p in sorted(folders, key=rank)]


def _families(facts: Iterable[Fact]) -> set[str]:
    return {dataset_family(s) for f in facts for s in f.sources}


def _fact_families(fact: Fact) -> set[str]:
    return {dataset_family(fact.origin.dataset)} if fact.origin else {dataset_family(s) for s in fact.sources}


def _keep(fact: Fact, hand_ids: set[str], hand_families: set[str]) -> bool:
    return fact.id not in hand_ids and not (_fact_families(fact) & hand_families)


def merge_entity(kind: str, docs: list[Doc]) -> Merged:
    """Merge one entity's files (hand first, then imports in precedence order)."""
    hand = docs[0] if docs[0].dataset is None else None
    patches = [d.patch for d in docs]
    data: dict[str, Any] = {"id": patches[0].id}
    for name in SCALARS[kind]:
        value = next((getattr(p, name) for p in patches if getattr(p, name) is not None), None)
        if value is not None:
            data[name] = value
    data["aliases"] = tuple(dict.fromkeys(a for p in patches for a in p.aliases))
    identifiers: dict[str, str] = {}
    for p in reversed(patches):
        identifiers.update(p.identifiers)
    data["identifiers"] = identifiers
    hand_facts: tuple[Fact, ...] = hand.patch.facts if hand else ()
    hand_ids = {f.id for f in hand_facts}
    hand_families = _families(hand_facts)
    facts: list[LocatedFact] = []
    dropped: list[str] = []
    for doc in docs:
        for i, fact in enumerate(doc.patch.facts):
            if doc is not hand and not _keep(fact, hand_ids, hand_families):
                dropped.append(fact.id)
                continue
            facts.append(LocatedFact(fact, doc.path, f"facts[{i}] ({fact.id})"))
    data["facts"] = tuple(lf.fact for lf in facts)
    if kind == "conditions":
        data["standard_treatments"], located = _merge_treatments(docs, hand, dropped)
        facts += located
    return Merged(data, hand.path if hand else docs[0].path, facts, dropped)


def _merge_treatments(
    docs: list[Doc], hand: Doc | None, dropped: list[str]
) -> tuple[tuple[StandardTreatment, ...] | None, list[LocatedFact]]:
    """A hand list wins; imported facts attach to its entries for the same treatment."""
    source = next((d for d in docs if d.patch.standard_treatments is not None), None)
    if source is None:
        return None, []
    imported: dict[str, list[tuple[Fact, Doc, int, int]]] = {}
    for doc in docs:
        if doc is source or doc.dataset is None:
            continue
        for i, st in enumerate(doc.patch.standard_treatments or ()):
            imported.setdefault(st.treatment, []).extend((f, doc, i, j) for j, f in enumerate(st.facts))
    out: list[StandardTreatment] = []
    located: list[LocatedFact] = []
    for i, st in enumerate(source.patch.standard_treatments):
        own = [(f, source, i, j) for j, f in enumerate(st.facts)]
        curated = st.facts if source is hand else ()
        hand_ids, hand_families = {f.id for f in curated}, _families(curated)
        kept: list[Fact] = []
        for fact, doc, si, fj in own + imported.get(st.treatment, []):
            # A curated entry with facts has been reviewed: catalogue listings do not ride along with it.
            if doc.dataset is not None and (curated or not _keep(fact, hand_ids, hand_families)):
                dropped.append(fact.id)
                continue
            kept.append(fact)
            located.append(LocatedFact(fact, doc.path, f"standard_treatments[{si}].facts[{fj}] ({fact.id})"))
        out.append(st.model_copy(update={"facts": tuple(kept)}))
    return tuple(out), located


def merge_pairs(
    docs: list[Doc], items_field: str, other_field: str, on_duplicate: Callable[[Doc, int, tuple[str, str]], None]
) -> dict[tuple[str, str], tuple[Any, Doc, int]]:
    """Compound x other entries: hand entries replace imported ones for the same pair."""
    out: dict[tuple[str, str], tuple[Any, Doc, int]] = {}
    for doc in docs:  # hand docs first, then imports in precedence order
        for i, item in enumerate(getattr(doc.patch, items_field)):
            key = (doc.patch.compound, getattr(item, other_field))
            if key in out:
                first = out[key][1]
                if first.dataset == doc.dataset:
                    on_duplicate(doc, i, key)
                continue  # a hand entry, or an earlier import, already answers for the pair
            out[key] = (item, doc, i)
    return out
