"""Select the facts for one compound x condition: the only facts a page may cite.

With ``exclude_noncommercial`` (site settings, or REVIEWGEN_EXCLUDE_NC) every fact citing a
source whose license forbids commercial use is left out, and so is any interaction or evidence
entry left without facts: the page then says there is no curated data from the sources it uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from pipeline.knowledge.base import KnowledgeBase, normalize_name
from pipeline.knowledge.models import (
    Compound,
    Condition,
    Evidence,
    Fact,
    FactKind,
    Interaction,
    Source,
    StandardTreatment,
    Treatment,
)
from pipeline.knowledge.reasoning import (
    Basis,
    DrugView,
    Note,
    Vulnerability,
    dataset_source_ids,
    drug_view,
    pair_notes,
    vulnerabilities,
)
from pipeline.settings import SiteSettings, env_exclude_noncommercial

M = TypeVar("M")  # what Selection.memo computes


@dataclass(frozen=True)
class TreatmentFacts:
    """A standard treatment of the condition and what is curated about it with the compound."""

    standard: StandardTreatment
    treatment: Treatment
    interactions: tuple[Interaction, ...] = ()  # the hand entry first, then a dataset record beside it
    notes: tuple[Note, ...] = ()
    label_curated: bool = True  # False: the knowledge base holds none of its label's safety or interaction facts

    @property
    def interaction(self) -> Interaction | None:
        """The first entry about the pair, if any."""
        return self.interactions[0] if self.interactions else None

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The treatment's own facts, what is listed for it in this condition, then what the notes rest on."""
        own = self.treatment.facts + self.standard.facts + tuple(f for e in self.interactions for f in e.facts)
        seen = {f.id for f in own}
        extra = tuple({f.id: f for n in self.notes for f in n.facts if f.id not in seen}.values())
        return own + extra

    def notes_by(self, *bases: Basis) -> list[Note]:
        """The notes of the given kinds, in order."""
        return [n for n in self.notes if n.basis in bases]

    def indication(self) -> list[Fact]:
        """What sources say about this treatment for this condition, else its own first indication fact."""
        listed = [f for f in self.standard.facts if f.kind is FactKind.INDICATION]
        own = [f for f in self.treatment.facts if f.kind is FactKind.INDICATION]
        return listed or own[:1]


@dataclass(frozen=True)
class Selection:
    """Everything a drafter may use for one page, in a stable order."""

    compound: Compound
    condition: Condition
    treatments: tuple[TreatmentFacts, ...]
    evidence: Evidence | None
    facts: dict[str, Fact]
    sources: dict[str, Source]
    organ_labels: dict[str, str]
    excluded_sources: tuple[str, ...] = ()  # non-commercial sources left out by the site settings
    compound_view: DrugView | None = None
    vulnerabilities: tuple[Vulnerability, ...] = ()
    property_says: dict[str, str] | None = None  # property id -> "is a CNS depressant"
    class_labels: dict[str, str] | None = None  # class id -> "MAOIs"
    required: dict[str, str] = field(default_factory=dict)  # fact id -> why the page must cite it
    gaps: tuple[str, ...] = ()  # what the knowledge base lacks for this page (it is then held back)

    def of_kind(self, facts: tuple[Fact, ...], *kinds: FactKind) -> list[Fact]:
        """Facts among ``facts`` of the given kinds, in curated order."""
        return [f for f in facts if f.kind in kinds]

    def memo(self, key: str, compute: Callable[[], M]) -> M:
        """A value derived from this selection, computed on first use: a selection never changes once made,
        so neither does anything derived from it (its digest, the composer's statements, the facts each
        model slot may cite)."""
        if key not in self.__dict__:
            self.__dict__[key] = compute()
        value: M = self.__dict__[key]
        return value

    def digest(self) -> str:
        """A hash of every selected fact and its sources: changes when any of them changes."""
        return self.memo("_digest", self._digest)

    def _digest(self) -> str:
        payload = {
            "facts": [f.model_dump(mode="json") for f in self.facts.values()],
            "sources": [s.model_dump(mode="json") for s in self.sources.values()],
            "compound": self.compound.model_dump(mode="json", exclude={"facts"}),
            "condition": self.condition.model_dump(mode="json", exclude={"facts"}),
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()


def select_facts(
    kb: KnowledgeBase, compound: Compound, condition: Condition, settings: SiteSettings | None = None
) -> Selection:
    """Gather compound, condition, treatment, interaction and evidence facts for one pair.

    ``settings`` decides whether non-commercial sources are left out; without it the
    REVIEWGEN_EXCLUDE_NC environment variable does. A standard treatment that is the page's own
    compound (same id or DrugBank id) is not listed against itself.
    """
    exclude = settings.exclude_noncommercial if settings is not None else bool(env_exclude_noncommercial())
    blocked = frozenset(sid for sid, src in kb.sources.items() if src.noncommercial) if exclude else frozenset()

    def usable(fact: Fact) -> bool:
        return not blocked.intersection(fact.sources)

    compound = _keep_facts(compound, usable)
    condition = _keep_facts(condition, usable)
    condition = condition.model_copy(
        update={
            "standard_treatments": tuple(
                st.model_copy(update={"facts": tuple(filter(usable, st.facts))}) for st in condition.standard_treatments
            )
        }
    )
    datasets = dataset_source_ids(kb)
    cview = _usable_view(drug_view(kb, compound), usable)
    treatments: list[TreatmentFacts] = []
    for st in condition.standard_treatments:
        treatment = kb.treatments[st.treatment]
        if _same_drug(compound, treatment):
            continue
        treatment = _keep_facts(treatment, usable)
        entries = tuple(
            e
            for e in (_keep_facts_or_none(x, usable) for x in kb.pair_entries(compound.id, st.treatment))
            if e is not None
        )
        tview = _usable_view(drug_view(kb, treatment), usable)
        notes = tuple(n for n in pair_notes(kb, cview, tview, entries, datasets) if all(map(usable, n.facts)))
        treatments.append(TreatmentFacts(st, treatment, entries, notes))
    evidence = _keep_facts_or_none(kb.evidence.get((compound.id, condition.id)), usable)
    weak = tuple(v for v in vulnerabilities(cview, condition) if usable(v.disease))
    ordered: list[Fact] = [*compound.facts, *condition.facts]
    for tf in treatments:
        ordered += tf.facts
    for v in weak:
        ordered += v.compound_facts
    if evidence:
        ordered += evidence.facts
    facts = {f.id: f for f in ordered}
    source_ids = sorted({sid for f in ordered for sid in f.sources})
    organ_labels = {k: v.label for k, v in kb.vocabulary.organ_systems.items()}
    ph = kb.pharmacology
    sel = Selection(
        compound,
        condition,
        tuple(treatments),
        evidence,
        facts,
        {sid: kb.sources[sid] for sid in source_ids},
        organ_labels,
        tuple(sorted(blocked)),
        cview,
        weak,
        {k: p.says() for k, p in ph.properties.items()},
        {k: c.plural or c.label for k, c in ph.classes.items()},
    )
    from pipeline.knowledge.completeness import label_curated, pair_gaps, required_facts  # reads selections

    gaps = tuple(f"{g.subject}: {g.what}" for g in pair_gaps(kb, sel))
    curated = tuple(
        replace(tf, label_curated=label_curated(kb, kb.treatments[tf.treatment.id])) for tf in sel.treatments
    )
    sel = replace(sel, treatments=curated)
    return replace(sel, required=required_facts(kb, sel), gaps=gaps)


def _usable_view(view: DrugView, usable: Callable[[Fact], bool]) -> DrugView:
    """A drug view without the facts the site settings leave out."""

    def keep(index: dict[str, tuple[Fact, ...]]) -> dict[str, tuple[Fact, ...]]:
        kept = {k: tuple(filter(usable, v)) for k, v in index.items()}
        return {k: v for k, v in kept.items() if v}

    return DrugView(
        view.id, view.name, tuple(filter(usable, view.facts)), keep(view.classes), keep(view.properties), view.ids
    )


_Entry = TypeVar("_Entry", Interaction, Evidence)
_WithFacts = TypeVar("_WithFacts", Compound, Condition, Treatment, Interaction, Evidence)


def _keep_facts(entity: _WithFacts, usable: Callable[[Fact], bool]) -> _WithFacts:
    kept = tuple(filter(usable, entity.facts))
    return entity if len(kept) == len(entity.facts) else entity.model_copy(update={"facts": kept})


def _keep_facts_or_none(entry: _Entry | None, usable: Callable[[Fact], bool]) -> _Entry | None:
    """An interaction or evidence entry without any usable fact is as good as absent."""
    if entry is None:
        return None
    kept = _keep_facts(entry, usable)
    return kept if kept.facts else None


def _drugbank_ids(identifiers: dict[str, str]) -> set[str]:
    return {v for k, v in identifiers.items() if k.startswith("drugbank")}


def _same_drug(compound: Compound, treatment: Treatment) -> bool:
    """The treatment is the compound itself, or one of its forms (esketamine on a ketamine page)."""
    shared = _drugbank_ids(compound.identifiers) & _drugbank_ids(treatment.identifiers)
    forms = {normalize_name(n) for names in compound.forms.values() for n in names}
    return compound.id == treatment.id or bool(shared) or normalize_name(treatment.name) in forms
