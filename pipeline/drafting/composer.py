"""The built-in drafter: deterministic, no model, reasons over curated facts.

It never writes a medical claim of its own. Fact statements reuse curated fact text verbatim
(so grounding holds by construction); the few composed statements (a shared-property inference,
summaries) only connect cited facts, and framing statements only name the page's compound,
condition and treatments, state what the sources do not record, or point the reader to their
clinicians. A gap in the data is always written as a gap, never as reassurance.
"""

from __future__ import annotations

from pipeline.draft import Draft, Section, SectionId, Statement, StatementKind
from pipeline.drafting.summaries import (
    cited,
    fact_statement,
    faq,
    framing,
    interaction_summary,
    overlap_summary,
)
from pipeline.knowledge.models import EvidenceTier, Fact, FactKind
from pipeline.knowledge.reasoning import Basis, Note, no_record_facts
from pipeline.knowledge.selection import Selection, TreatmentFacts
from pipeline.page import PROFILE_GROUPS

TIER_WORDING: dict[EvidenceTier, str] = {
    EvidenceTier.APPROVED: "an approved indication",
    EvidenceTier.CURATED_INDICATION: "listed as a treatment for this condition in a physician-curated catalogue",
    EvidenceTier.RCT: "randomized controlled trials",
    EvidenceTier.PHASE_2: "phase 2 trials",
    EvidenceTier.PILOT: "small pilot studies only",
    EvidenceTier.OBSERVATIONAL: "observational studies",
    EvidenceTier.CASE_REPORTS: "case reports",
    EvidenceTier.PRECLINICAL: "preclinical studies only",
    EvidenceTier.NEGATIVE: "controlled trials that found no benefit",
    EvidenceTier.HARM: "a controlled trial that found harm",
    EvidenceTier.NONE: "no condition-specific clinical data",
}
RISK_KINDS = (FactKind.BOXED_WARNING, FactKind.CONTRAINDICATION, FactKind.SAFETY)


def _list(labels: list[str]) -> str:
    """Labels that may contain 'and' themselves, joined unambiguously."""
    return "; ".join(labels)


_FILLER = frozenset({"a", "an", "the", "is", "can", "has", "its", "of", "by", "to", "among", "mainly"})


def _backed(predicate: str, facts: list[Fact]) -> bool:
    """True when one of a drug's own facts carries every content word of the predicate said of it."""
    words = [w for w in predicate.lower().replace("-", " ").split() if w not in _FILLER]
    return any(all(w.rstrip("s") in f.text.lower().replace("-", " ") for w in words) for f in facts)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Composer:
    """Drafts every section from the selected facts alone."""

    name = "composer"

    def fingerprint(self) -> dict[str, str]:
        """Everything about this drafter that shapes a page: the code itself, versioned by the package."""
        return {"drafter": self.name}

    def draft(self, sel: Selection) -> Draft:
        """Build the structured draft for one pair."""
        return Draft(
            compound=sel.compound.id,
            condition=sel.condition.id,
            sections=[
                Section(id=SectionId.PROFILE, statements=self._profile(sel)),
                Section(id=SectionId.CONDITION, statements=self._condition(sel)),
                Section(id=SectionId.LITERATURE, statements=self._literature(sel)),
                Section(id=SectionId.BOTTOM_LINE, statements=self._bottom_line(sel)),
                Section(id=SectionId.FAQ, statements=faq(sel)),
            ],
        )

    # -- sections ---------------------------------------------------------------

    def _profile(self, sel: Selection) -> list[Statement]:
        """Class, boxed warnings, contraindications, warnings, label interactions, properties, approval.
        Detail facts (one organ system each, from datasets) stay out: the profile must stay readable."""
        facts = [f for f in sel.compound.facts if not f.detail]
        if any(f.kind is FactKind.REGULATORY and not f.origin for f in facts):
            # a dataset's indication table is only the fallback for approval status: labels say it better
            facts = [f for f in facts if not f.id.endswith(".regulatory.drugcentral-indications")]
        out = [fact_statement(f, "class") for f in sel.of_kind(tuple(facts), FactKind.CLASS)]
        for group, kind in PROFILE_GROUPS:
            out += [fact_statement(f, group) for f in facts if f.kind == kind]  # a StrEnum equals its value
        if not any(f.kind in RISK_KINDS for f in facts):
            out.append(
                framing(
                    f"The sources used for this page hold no general safety summary for {sel.compound.short_name}.",
                    "safety",
                )
            )
        if sel.evidence is None or sel.evidence.tier is not EvidenceTier.APPROVED:
            out.append(
                framing(
                    f"This knowledge base records no FDA approval of {sel.compound.short_name} for "
                    f"{sel.condition.short_name}; the approvals it holds are the ones listed here.",
                    "regulatory",
                )
            )
        return out

    def _condition(self, sel: Selection) -> list[Statement]:
        return self._interactions(sel) + self._disease_risks(sel) + self._monitoring(sel) + self._evidence_quality(sel)

    def _interactions(self, sel: Selection) -> list[Statement]:
        cname, dname = sel.compound.short_name, sel.condition.short_name
        out = [
            framing(
                f"Each standard {dname} treatment below is listed with what its label, {cname}'s "
                "label and the curated datasets say about combining them, most specific "
                "first.",
                "interactions",
            )
        ]
        if any(tf.notes_by(Basis.DATASET) for tf in sel.treatments):
            out.append(
                framing(
                    "A grade from a drug-interaction dataset says how serious the dataset judges a "
                    "combination to be; it gives no mechanism and no advice on managing it.",
                    "interactions",
                )
            )
        first: dict[str, str] = {}  # fact id -> the treatment whose bullet quoted it first
        for tf in sel.treatments:
            own = {f.id for f in (*tf.treatment.facts, *tf.standard.facts)}
            referred: set[str] = set()
            for st in self.treatment_statements(sel, tf):
                shared = [fid for fid in st.fact_ids if fid not in own]
                if st.kind is StatementKind.FACT and len(st.fact_ids) == 1 and shared and shared[0] in first:
                    # Said once: a later bullet points back instead of quoting the same sentence again.
                    where = first[shared[0]]
                    if where not in referred:
                        referred.add(where)
                        out.append(
                            framing(
                                f"What is quoted above for {where} applies to {tf.treatment.name.lower()} as well.",
                                st.group,
                                st.label,
                            )
                        )
                    continue
                out.append(st)
                for fid in shared:
                    first.setdefault(fid, tf.treatment.name.lower())
        return out

    def treatment_statements(self, sel: Selection, tf: TreatmentFacts) -> list[Statement]:
        """One treatment's bullet: what it is for, then label statements, curated and dataset records,
        shared-property inferences, or an honest coverage sentence when there is nothing."""
        group, label = "interactions", self.treatment_label(tf)
        out = [fact_statement(f, group, label) for f in tf.indication()]
        shown = {f.id for f in tf.indication()}

        def emit(fact: Fact) -> None:
            if fact.id not in shown:
                shown.add(fact.id)
                out.append(fact_statement(fact, group, label))

        for note in tf.notes_by(Basis.LABEL, Basis.CURATED, Basis.DATASET):
            for fact in note.facts:
                emit(fact)
        for note in tf.notes_by(Basis.INFERENCE):
            out += [
                st
                for st in self._inference(sel, tf, note, group, label)
                if not (len(st.fact_ids) == 1 and st.fact_ids[0] in shown)
            ]
            shown.update(fid for st in out for fid in st.fact_ids)
        if not tf.notes:
            out += [fact_statement(f, group, label) for f in no_record_facts(tf.interactions)]
            out.append(self.coverage(sel, tf))
        return out

    def _inference(self, sel: Selection, tf: TreatmentFacts, note: Note, group: str, label: str) -> list[Statement]:
        """'X is a CNS depressant and Y is a CNS depressant, according to the sources cited here. <combination>'
        when each drug's own facts say what its predicate says; otherwise the facts themselves, then the
        combination, so that nothing is said of a drug that its facts do not say."""
        says = sel.property_says or {}
        classes = sel.class_labels or {}

        def phrase(name: str) -> str:
            return says.get(name) or f"is among {classes.get(name, name)}"

        first, second = note.matched
        cview = sel.compound_view
        c_first = cview is not None and (first in cview.properties or first in cview.classes)
        mine, theirs = (first, second) if c_first else (second, first)
        combo = note.statement
        own = {f.id for f in sel.compound.facts}
        mine_facts = [f for f in note.support if f.id in own]
        theirs_facts = [f for f in note.support if f.id not in own]
        if combo and _backed(phrase(mine), mine_facts) and _backed(phrase(theirs), theirs_facts):
            text = (
                f"{_cap(sel.compound.short_name)} {phrase(mine)} and {tf.treatment.name.lower()} "
                f"{phrase(theirs)}, according to the sources cited here. {combo.text}"
            )
            return [cited(text, note.facts, group, label)]
        return [fact_statement(f, group, label) for f in note.support] + (
            [fact_statement(combo, group, label)] if combo else []
        )

    def coverage(self, sel: Selection, tf: TreatmentFacts) -> Statement:
        """The honest sentence for a treatment about which no source consulted records anything."""
        group, label = "interactions", self.treatment_label(tf)
        cname, tname = sel.compound.short_name, tf.treatment.name.lower()
        if not tf.label_curated:
            return framing(
                f"This knowledge base does not yet hold the {tname} label's warnings and interaction "
                f"statements, so this combination with {cname} has not been checked against that label; "
                f"a pharmacist can review it.",
                group,
                label,
            )
        consulted = (
            "both drugs' curated label facts and the interaction dataset"
            if no_record_facts(tf.interactions)
            else "both drugs' curated label facts"
        )
        return framing(
            f"The facts this page holds ({consulted}) do not cover how {cname} and {tname} interact; "
            "that is a gap in the curated data, not evidence that the combination is safe, and a "
            "pharmacist can check it.",
            group,
            label,
        )

    @staticmethod
    def treatment_label(tf: TreatmentFacts) -> str:
        """The bullet label of a standard treatment: its name, role and who it is for."""
        detail = tf.standard.role.value
        if tf.standard.applies_to:
            detail += f"; for {tf.standard.applies_to}"
        return f"{tf.treatment.name} ({detail})"

    def _risk_facts(self, sel: Selection) -> list[Fact]:
        return sel.of_kind(sel.compound.facts, *RISK_KINDS)

    def _disease_risks(self, sel: Selection) -> list[Statement]:
        """Bullets where a compound property or warning meets a cited vulnerability of the condition."""
        group = "disease-risks"
        out: list[Statement] = []
        shown: set[tuple[str, str]] = set()  # (label, fact id): two vulnerabilities under one label share a bullet
        for v in sel.vulnerabilities:
            label = self._vulnerability_label(sel, v.disease, v.matched)
            for fact in (v.disease, *v.compound_facts):
                if (label, fact.id) not in shown:
                    shown.add((label, fact.id))
                    out.append(fact_statement(fact, group, label))
        if not out:
            out.append(
                framing(
                    f"Disease-specific risks of {sel.compound.short_name} in {sel.condition.short_name} have not been "
                    f"assessed here: this knowledge base holds no fact that links a property of "
                    f"{sel.compound.short_name} to a known vulnerability of {sel.condition.short_name}. "
                    f"That is a gap in the curated data, not evidence that there is no such risk; "
                    f"the warnings in the safety profile above still apply, "
                    f"and your {sel.condition.specialist} can judge them for you.",
                    group,
                )
            )
        return out

    @staticmethod
    def _vulnerability_label(sel: Selection, disease: Fact, matched: tuple[str, ...]) -> str:
        organ = next((sel.organ_labels[t] for t in disease.tags if t in sel.organ_labels), None)
        return organ or _cap(sel.condition.short_name)

    def _monitoring(self, sel: Selection) -> list[Statement]:
        """The compound's monitoring, and the condition's and treatments' where they concern its risks
        (a detail fact counts only in the condition's own organ systems, so that dataset side effects
        in every organ do not pull in every treatment's checks)."""
        group = "monitoring"
        organs = set(sel.condition.organ_systems)
        risk_tags = {t for f in self._risk_facts(sel) for t in f.tags if not f.detail or t in organs}
        facts = sel.of_kind(sel.compound.facts, FactKind.MONITORING)
        facts += [f for f in sel.of_kind(sel.condition.facts, FactKind.MONITORING) if risk_tags & set(f.tags)]
        facts = list({f.id: f for f in facts}.values())
        out = [fact_statement(f, group) for f in facts]
        if out:
            out.append(
                framing(f"Your {sel.condition.specialist} can advise which of these checks apply to you.", group)
            )
        else:
            out.append(
                framing(
                    f"This knowledge base does not yet hold a monitoring statement for "
                    f"{sel.compound.short_name}; that is a gap in the curated data, not a sign that no "
                    f"tests are needed, and your {sel.condition.specialist} can advise on monitoring.",
                    group,
                )
            )
        return out

    def _evidence_quality(self, sel: Selection) -> list[Statement]:
        group = "evidence"
        cname, dname = sel.compound.short_name, sel.condition.short_name
        if sel.evidence is None:
            return [framing(f"This knowledge base holds no curated evidence on {cname} in {dname}.", group)]
        wording = TIER_WORDING[sel.evidence.tier]
        return [cited(f"Evidence tier for {cname} in {dname}: {wording}.", list(sel.evidence.facts), group)]

    def _literature(self, sel: Selection) -> list[Statement]:
        facts = sel.compound.facts
        out = [fact_statement(f, "mechanism") for f in sel.of_kind(facts, FactKind.MECHANISM)]
        out += [fact_statement(f, "sources-of-data") for f in sel.of_kind(facts, FactKind.EVIDENCE)]
        if sel.evidence:
            out += [fact_statement(f, "condition-evidence") for f in sel.evidence.facts]
        else:
            out.append(
                framing(
                    f"This knowledge base holds no curated studies of "
                    f"{sel.compound.short_name} in {sel.condition.short_name}; studies it does not "
                    "include may exist.",
                    "condition-evidence",
                )
            )
        return out

    def _bottom_line(self, sel: Selection) -> list[Statement]:
        dname = sel.condition.short_name
        out = [framing(f"No compound can be declared universally safe for all {dname} patients.")]
        boxed = sel.of_kind(sel.compound.facts, FactKind.BOXED_WARNING)
        if boxed:
            out.append(cited("The boxed warning quoted in the safety profile above applies.", boxed))
        overlap = overlap_summary(sel)
        if overlap:
            out.append(overlap)
        out += interaction_summary(sel)
        if sel.evidence:
            out.append(
                cited(
                    f"Evidence tier for {sel.compound.short_name} in {dname}: {TIER_WORDING[sel.evidence.tier]}.",
                    list(sel.evidence.facts),
                )
            )
        out.append(
            framing(
                "Safety depends on individual factors including disease stage, organ function, "
                f"current treatments and genetic factors; your {sel.condition.specialist} can make "
                "an individualized assessment."
            )
        )
        return out


def composed_statements(sel: Selection) -> tuple[str, ...]:
    """Every statement the built-in composer writes for this selection: reviewed wording that the checks
    exempt from the strict new-content test (memoised on the selection)."""

    def compose() -> tuple[str, ...]:
        return tuple(st.text for section in Composer().draft(sel).sections for st in section.statements)

    return sel.memo("_composed", compose)
