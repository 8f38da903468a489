"""Select the facts for one compound x condition: the only facts a page may cite."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

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


@dataclass(frozen=True)
class TreatmentFacts:
    """A standard treatment of the condition and what is curated about it with the compound."""

    standard: StandardTreatment
    treatment: Treatment
    interaction: Interaction | None

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The treatment's own facts, then its interaction facts with the compound."""
        return self.treatment.facts + (self.interaction.facts if self.interaction else ())


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


def select_facts(kb: KnowledgeBase, compound: Compound, condition: Condition) -> Selection:
    """Gather compound, condition, treatment, interaction and evidence facts for one pair."""
    treatments = tuple(
        TreatmentFacts(st, kb.treatments[st.treatment], kb.interactions.get((compound.id, st.treatment)))
        for st in condition.standard_treatments
    )
    evidence = kb.evidence.get((compound.id, condition.id))
    ordered: list[Fact] = [*compound.facts, *condition.facts]
    for tf in treatments:
        ordered += tf.facts
    if evidence:
        ordered += evidence.facts
    facts = {f.id: f for f in ordered}
    source_ids = sorted({sid for f in ordered for sid in f.sources})
    organ_labels = {k: v.label for k, v in kb.vocabulary.organ_systems.items()}
    return Selection(compound, condition, treatments, evidence, facts,
                     {sid: kb.sources[sid] for sid in source_ids}, organ_labels)
