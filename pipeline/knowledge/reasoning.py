"""Interaction reasoning: what the sources say about a compound with a treatment, most specific first.

For each pair the answer is a list of notes, in this order:

1. ``label``: a label statement (an interaction, contraindication or warning fact with ``targets``)
   of either drug that names the other drug, one of its classes or one of its properties; the
   fact that puts the other drug in that class or gives it that property is cited beside it;
2. ``curated``: a hand-curated fact about the pair (``knowledge/interactions/``);
3. ``dataset``: a dataset record for the pair with the severity it gives (DDInter), only where
   the imported copy covers the pair;
4. ``inference``: a cited combination from ``pharmacology.yaml`` (two CNS depressants; a CYP1A2
   inhibitor with a CYP1A2 substrate) where one drug has a property on one side and the other on
   the other side, and no label statement already covers those properties.

No note means no source consulted records anything about the pair: the page says so, and says
that the absence of a record does not show the combination is safe.

Vulnerabilities work the same way for a compound and a condition: a condition fact with
``targets`` meets the compound facts that establish one of those properties or classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pipeline.knowledge.base import KnowledgeBase
from pipeline.knowledge.models import (
    Compound,
    Condition,
    Fact,
    FactKind,
    Interaction,
    InteractionStatus,
    SourceType,
    Treatment,
)

STATEMENT_KINDS = frozenset(
    {
        FactKind.INTERACTION,
        FactKind.CONTRAINDICATION,
        FactKind.BOXED_WARNING,
        FactKind.SAFETY,
        FactKind.PROPERTY,
        FactKind.MONITORING,
    }
)


class Basis(StrEnum):
    """Where a note about a pair comes from, most specific first."""

    LABEL = "label"
    CURATED = "curated"
    DATASET = "dataset"
    INFERENCE = "inference"


@dataclass(frozen=True)
class DrugView:
    """One drug's facts with the classes and properties they establish (each with its facts)."""

    id: str
    name: str
    facts: tuple[Fact, ...]
    classes: dict[str, tuple[Fact, ...]]
    properties: dict[str, tuple[Fact, ...]]
    ids: frozenset[str] = frozenset()  # the entity ids a label statement may name it by

    def establishing(self, name: str) -> tuple[Fact, ...]:
        """The facts that give this drug a class or property."""
        return self.classes.get(name) or self.properties.get(name) or ()


@dataclass(frozen=True)
class Note:
    """One thing the sources say about a compound with a treatment."""

    basis: Basis
    statement: Fact | None  # the label statement, curated or dataset fact, or combination fact
    support: tuple[Fact, ...] = ()  # facts that make the statement apply (class, property)
    matched: tuple[str, ...] = ()  # class, property or drug ids the statement met
    level: str | None = None  # a dataset's severity level

    @property
    def facts(self) -> tuple[Fact, ...]:
        """Every fact the note rests on, statement first, without repeats."""
        ordered = ((self.statement,) if self.statement else ()) + self.support
        return tuple({f.id: f for f in ordered}.values())


@dataclass(frozen=True)
class Vulnerability:
    """A condition fact naming a vulnerability, and the compound facts that meet it."""

    disease: Fact
    matched: tuple[str, ...]
    compound_facts: tuple[Fact, ...]


@dataclass
class _Index:
    classes: dict[str, list[Fact]] = field(default_factory=dict)
    properties: dict[str, list[Fact]] = field(default_factory=dict)


def _with_parents(kb: KnowledgeBase, name: str) -> list[str]:
    out, todo = [], [name]
    while todo:
        current = todo.pop()
        if current in out:
            continue
        out.append(current)
        known = kb.pharmacology.classes.get(current)
        todo += list(known.parents) if known else []
    return out


def drug_view(kb: KnowledgeBase, entity: Compound | Treatment) -> DrugView:
    """The facts of a compound or treatment, with a treatment's compound twin (same id) folded in."""
    facts = list(entity.facts)
    ids = {entity.id}
    twin = kb.compounds.get(entity.id) if isinstance(entity, Treatment) else kb.treatments.get(entity.id)
    if twin is not None:
        facts += [f for f in twin.facts if f.id not in {g.id for g in facts}]
        ids.add(twin.id)
    index = _Index()
    for fact in facts:
        for name in fact.classes:
            for cls in _with_parents(kb, name):
                index.classes.setdefault(cls, []).append(fact)
        for prop in fact.properties:
            index.properties.setdefault(prop, []).append(fact)
    name = getattr(entity, "short_name", None) or entity.name
    return DrugView(
        entity.id,
        name,
        tuple(facts),
        {k: tuple(v) for k, v in index.classes.items()},
        {k: tuple(v) for k, v in index.properties.items()},
        frozenset(ids),
    )


def _label_notes(speaker: DrugView, other: DrugView) -> list[Note]:
    """Statements of ``speaker``'s facts that name ``other``, its classes or its properties."""
    notes = []
    for fact in speaker.facts:
        if fact.kind not in STATEMENT_KINDS or not fact.targets:
            continue
        matched = [t for t in fact.targets if t in other.ids or t in other.classes or t in other.properties]
        if not matched:
            continue
        support: list[Fact] = []
        for name in matched:
            support += _briefest([f for f in other.establishing(name) if f.id != fact.id])
        notes.append(Note(Basis.LABEL, fact, tuple(dict.fromkeys(support)), tuple(matched)))
    return notes


def _briefest(facts: list[Fact]) -> list[Fact]:
    """One fact to show that a drug has a class or property: the shortest of those that say so (a class or
    property fact rather than a whole boxed warning)."""
    return [min(facts, key=lambda f: len(f.text))] if facts else []


def pair_notes(
    kb: KnowledgeBase,
    compound: DrugView,
    treatment: DrugView,
    entries: tuple[Interaction, ...],
    dataset_sources: frozenset[str],
) -> list[Note]:
    """Everything the sources say about the pair, most specific first (see the module docstring)."""
    notes = _label_notes(compound, treatment) + _label_notes(treatment, compound)
    found = [(e, f) for e in entries if e.status is InteractionStatus.DOCUMENTED for f in e.facts]
    for entry, fact in sorted(found, key=lambda ef: bool(dataset_sources.intersection(ef[1].sources))):
        from_dataset = bool(dataset_sources.intersection(fact.sources))
        notes.append(
            Note(Basis.DATASET if from_dataset else Basis.CURATED, fact, level=entry.level if from_dataset else None)
        )
    covered = {m for n in notes if n.basis is Basis.LABEL for m in n.matched}
    covered |= {p for n in notes if n.basis is Basis.LABEL and n.statement for p in n.statement.properties}
    for combo in kb.pharmacology.combinations:
        for first, second in ((compound, treatment), (treatment, compound)):
            mine = [p for p in combo.a if p in first.properties or p in first.classes]
            theirs = [p for p in combo.b if p in second.properties or p in second.classes]
            if not mine or not theirs or covered.intersection(mine + theirs):
                continue
            support = _briefest([f for p in mine for f in first.establishing(p)])
            support += _briefest([f for p in theirs for f in second.establishing(p)])
            notes.append(Note(Basis.INFERENCE, combo.fact, tuple(dict.fromkeys(support)), (mine[0], theirs[0])))
            break  # a symmetric combination is one note, not two
    return notes


def no_record_facts(entries: tuple[Interaction, ...]) -> tuple[Fact, ...]:
    """A source's explicit "no record for this pair" facts (only written where its copy covers the pair)."""
    return tuple(f for e in entries if e.status is InteractionStatus.NO_CURATED_DATA for f in e.facts)


def vulnerabilities(compound: DrugView, condition: Condition) -> list[Vulnerability]:
    """Condition facts with targets that the compound's properties or classes meet."""
    out = []
    for fact in condition.facts:
        named = tuple(t for t in fact.targets if t in compound.ids)  # the condition's fact names the drug itself
        matched = tuple(t for t in fact.targets if t in compound.properties or t in compound.classes)
        if not matched and not named:
            continue
        facts = [f for name in matched for f in _briefest(list(compound.establishing(name)))]
        out.append(Vulnerability(fact, matched + named, tuple(dict.fromkeys(facts))))
    return out


def dataset_source_ids(kb: KnowledgeBase) -> frozenset[str]:
    """Bibliography ids of dataset releases."""
    return frozenset(sid for sid, s in kb.sources.items() if s.type is SourceType.DATASET)


def label_level(kb: KnowledgeBase, facts: tuple[Fact, ...]) -> list[Fact]:
    """Facts from a label or an agency publication (not a dataset): what a page's safety profile rests on."""
    keep = {SourceType.LABEL, SourceType.AGENCY, SourceType.GUIDELINE}
    return [f for f in facts if any(s in kb.sources and kb.sources[s].type in keep for s in f.sources)]
