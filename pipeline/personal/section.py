"""The patient's section of a report: medications, concerns, stage and question, from curated facts only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pipeline.draft import Statement, StatementKind
from pipeline.knowledge.base import KnowledgeBase, normalize_name
from pipeline.knowledge.models import Fact, FactKind
from pipeline.knowledge.reasoning import dataset_source_ids, drug_view, pair_notes
from pipeline.knowledge.selection import Selection
from pipeline.language.words import normalize, tokens
from pipeline.personal.patient import (
    _FRAMING_WORDS,
    FACTS_PER_TOPIC,
    _Drug,
    _drugbank,
    _names,
    _uncached_tokens,
)

if TYPE_CHECKING:
    from pipeline.personal.report import ReportBuilder


def _phrase_table(kb: KnowledgeBase) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}

    def add(phrase: str, kind: str, key: str) -> None:
        norm = " ".join(tokens(phrase))
        if norm:
            table.setdefault(norm, (kind, key))

    for organ_id, organ in kb.vocabulary.organ_systems.items():
        for phrase in (organ.label, *re.split(r",| and ", organ.label), *organ.terms):
            add(phrase, "organ", organ_id)
    for term in kb.vocabulary.effect_terms:
        add(term, "effect", " ".join(tokens(term)))
    for treatment in kb.treatments.values():
        for name in _names(treatment):
            add(name, "treatment", treatment.id)
    return table


class _PersonalPart:
    """The patient's section for one report: statements, the facts it adds, each fact cited once."""

    def __init__(self, builder: ReportBuilder, sel: Selection, stage: str | None) -> None:
        self.builder, self.sel, self.stage = builder, sel, stage
        self.statements: list[Statement] = []
        self.extra: dict[str, Fact] = {}
        self.used: set[str] = set()
        self.echoed: list[str] = []
        self.blocked = frozenset(sel.excluded_sources)
        self.cname, self.specialist = sel.compound.short_name, sel.condition.specialist

    def echo_words(self) -> frozenset[str]:
        """The shown medication names' words: framing may echo them (the checks' extra_words)."""
        return frozenset(_uncached_tokens(" ".join(self.echoed))) | _FRAMING_WORDS

    def _facts(self, facts: Iterable[Fact], group: str, label: str | None = None) -> int:
        added = 0
        for fact in facts:
            if fact.id in self.used or self.blocked.intersection(fact.sources):
                continue
            self.used.add(fact.id)
            if fact.id not in self.sel.facts:
                self.extra[fact.id] = fact
            self.statements.append(Statement(text=fact.text, fact_ids=[fact.id], group=group, label=label))
            added += 1
        return added

    def _framing(self, text: str, group: str, label: str | None = None) -> None:
        self.statements.append(Statement(text=text, kind=StatementKind.FRAMING, group=group, label=label))

    def _interaction_facts(self, drug: _Drug) -> list[Fact]:
        """What the page's reasoning finds for the compound with this medication: label statements (with the
        facts that make them apply), curated and dataset records, shared-property inferences."""
        kb = self.builder.ws.kb
        cview = self.sel.compound_view or drug_view(kb, kb.compounds[self.sel.compound.id])
        entries = kb.pair_entries(self.sel.compound.id, drug.entity.id) if drug.kind == "treatment" else ()
        notes = pair_notes(kb, cview, drug_view(kb, drug.entity), entries, dataset_source_ids(kb))
        facts = {f.id: f for n in notes for f in n.facts}
        return [f for f in facts.values() if not self.blocked.intersection(f.sources)]

    def _is_page_compound(self, drug: _Drug) -> bool:
        compound = self.sel.compound
        forms = {normalize_name(n) for names in compound.forms.values() for n in names}
        return (
            drug.entity.id == compound.id
            or bool(_drugbank(drug.entity) & _drugbank(compound))
            or normalize_name(drug.entity.name) in forms
        )

    def medications(self, medications: list[str]) -> None:
        """One bullet per medication with its curated interaction facts; one for those with none."""
        group, cname = "medications", self.cname
        if not medications:
            self._framing(
                f"You listed no medications; your pharmacist can review any you take alongside {cname}.", group
            )
            return
        self._framing(
            f"Each medication you listed is shown with what curated sources record about its use alongside {cname}.",
            group,
        )
        missing: dict[str, str] = {}
        unreadable, seen = 0, set()
        for raw in medications:
            drug = self.builder.resolve_drug(raw)
            if drug is None:
                name = self.builder.echo(raw)
                unreadable += name is None
                if name:
                    missing.setdefault(name.casefold(), name)
                continue
            if drug.key in seen:
                continue
            seen.add(drug.key)
            if self._is_page_compound(drug):
                self._framing(
                    f"This report is about {cname} itself; the sections above apply to it.", group, drug.entity.name
                )
            elif not self._facts(self._interaction_facts(drug), group, drug.entity.name):
                # Known to the knowledge base, but no source consulted records anything about the pair.
                self._framing(
                    f"The sources consulted record no interaction between this medication and {cname}; "
                    "the absence of a record does not show that the combination is safe; ask your "
                    "pharmacist.",
                    group,
                    drug.entity.name,
                )
        if missing:
            self.echoed += list(missing.values())
            which = "this medication" if len(missing) == 1 else "these medications"
            self._framing(
                f"No curated data on {which} with {cname}; ask your pharmacist.", group, ", ".join(missing.values())
            )
        if unreadable:
            text = (
                "One entry in your medication list was not recognised as a medication name, so it is not shown "
                "here; ask your pharmacist about it."
                if unreadable == 1
                else "Some entries in your medication list were not recognised as medication names, so "
                "they are not shown here; ask your pharmacist about them."
            )
            self._framing(text, group)
        self._framing(
            f"Your pharmacist, or your {self.specialist}, can review your full medication list with you.", group
        )

    def _organ_facts(self, organ: str) -> list[Fact]:
        """What the condition does to an organ system, then the compound's risks and checks for it."""

        def fits(f: Fact) -> bool:
            return organ in f.tags and f.stage in (None, self.stage)

        disease = [f for f in self.sel.condition.facts if fits(f) and f.kind in (FactKind.DISEASE, FactKind.MONITORING)]
        risks = [f for f in self.sel.compound.facts if fits(f) and f.kind in (FactKind.SAFETY, FactKind.MONITORING)]
        risks.sort(key=lambda f: f.detail)  # curated summaries before dataset detail
        half = FACTS_PER_TOPIC // 2
        return disease[:half] + risks[: FACTS_PER_TOPIC - min(len(disease), half)]

    def concerns(self, concerns: list[str]) -> None:
        """Concerns matched to organ systems, then the disease stage's own facts."""
        group = "concerns"
        organs: list[str] = []
        unmatched = False
        for concern in concerns:
            found = [key for kind, key in self.builder.phrases(concern) if kind == "organ"]
            unmatched |= not found
            organs += found
        labels = self.sel.organ_labels
        empty: list[str] = []
        for organ in dict.fromkeys(organs):
            facts = self._organ_facts(organ)
            if not facts:
                empty.append(labels[organ])
            self._facts(facts, group, labels[organ])
        if empty:
            which = "this body system" if len(empty) == 1 else "these body systems"
            self._framing(
                f"The curated facts for this report hold nothing on {which}; your {self.specialist} can advise.",
                group,
                "; ".join(empty),
            )
        if self.stage:
            label = f"{self.stage.replace('-', ' ').capitalize()} stage"
            staged = [f for f in self.sel.facts.values() if f.stage == self.stage][:FACTS_PER_TOPIC]
            if not self._facts(staged, group, label) and not staged:
                self._framing(
                    f"The curated facts for this report hold nothing specific to this disease stage; "
                    f"your {self.specialist} can advise how stage bears on safety.",
                    group,
                    label,
                )
        if unmatched:
            self._framing(
                "Some of your concerns did not match a body system in this knowledge base; ask your "
                f"clinician, such as your {self.specialist}, about them.",
                group,
            )

    def question(self, question: str) -> None:
        """Only the curated facts the question names, or 'ask your clinician'; the question is never shown."""
        group = "question"
        own = self.sel.compound.facts + self.sel.condition.facts
        facts: list[Fact] = []
        for kind, key in self.builder.phrases(question):
            if kind == "organ":
                facts += self._organ_facts(key)
            elif kind == "effect":
                facts += [f for f in own if f" {key} " in normalize(f.text) and f.stage in (None, self.stage)]
            elif kind == "treatment":
                facts += self._interaction_facts(_Drug(kind, self.builder.ws.kb.treatments[key]))
        facts = list({f.id: f for f in facts}.values())[:FACTS_PER_TOPIC]
        fresh = [f for f in facts if f.id not in self.used and not self.blocked.intersection(f.sources)]
        if fresh:
            self._framing("These curated facts bear on your question:", group)
            self._facts(fresh, group)
            self._framing(f"Your {self.specialist} can say how they apply to you.", group)
        elif facts:
            self._framing(
                "The curated facts that bear on your question appear above; ask your clinician, such as "
                f"your {self.specialist}, how they apply to you.",
                group,
            )
        else:
            self._framing(
                "The curated facts in this report do not answer your question; ask your clinician, "
                f"such as your {self.specialist}.",
                group,
            )
