"""Select the facts for one compound x condition: the only facts a page may cite.

With ``exclude_noncommercial`` (site settings, or REVIEWGEN_EXCLUDE_NC) every fact citing a
source whose license forbids commercial use is left out, and so is any interaction or evidence
entry left without facts: the page then says there is no curated data from the sources it uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pipeline.knowledge.base import KnowledgeBase
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
from pipeline.settings import SiteSettings, env_exclude_noncommercial


@dataclass(frozen=True)
class TreatmentFacts:
    """A standard treatment of the condition and what is curated about it with the compound."""

    standard: StandardTreatment
    treatment: Treatment
    interaction: Interaction | None

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The treatment's own facts, what is listed for it in this condition, then its interaction facts."""
        return self.treatment.facts + self.standard.facts + (self.interaction.facts if self.interaction else ())

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

    def of_kind(self, facts: tuple[Fact, ...], *kinds: FactKind) -> list[Fact]:
        """Facts among ``facts`` of the given kinds, in curated order."""
        return [f for f in facts if f.kind in kinds]

    def digest(self) -> str:
        """A hash of every selected fact and its sources: changes when any of them changes."""
        payload = {
            "facts": [f.model_dump(mode="json") for f in self.facts.values()],
            "sources": [s.model_dump(mode="json") for s in self.sources.values()],
            "compound": self.compound.model_dump(mode="json", exclude={"facts"}),
            "condition": self.condition.model_dump(mode="json", exclude={"facts"}),
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()


def select_facts(kb: KnowledgeBase, compound: Compound, condition: Condition,
                 settings: SiteSettings | None = None) -> Selection:
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
    condition = condition.model_copy(update={"standard_treatments": tuple(
        st.model_copy(update={"facts": tuple(filter(usable, st.facts))}) for st in condition.standard_treatments)})
    treatments = tuple(
        TreatmentFacts(st, _keep_facts(kb.treatments[st.treatment], usable),
                       _keep_facts_or_none(kb.interactions.get((compound.id, st.treatment)), usable))
        for st in condition.standard_treatments
        if not _same_drug(compound, kb.treatments[st.treatment])
    )
    evidence = _keep_facts_or_none(kb.evidence.get((compound.id, condition.id)), usable)
    ordered: list[Fact] = [*compound.facts, *condition.facts]
    for tf in treatments:
        ordered += tf.facts
    if evidence:
        ordered += evidence.facts
    facts = {f.id: f for f in ordered}
    source_ids = sorted({sid for f in ordered for sid in f.sources})
    organ_labels = {k: v.label for k, v in kb.vocabulary.organ_systems.items()}
    return Selection(compound, condition, treatments, evidence, facts,
                     {sid: kb.sources[sid] for sid in source_ids}, organ_labels, tuple(sorted(blocked)))


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
    shared = _drugbank_ids(compound.identifiers) & _drugbank_ids(treatment.identifiers)
    return compound.id == treatment.id or bool(shared)
