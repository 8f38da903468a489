"""The built-in drafter: deterministic, no model, cross-references curated facts.

It never writes a medical claim of its own. Fact statements reuse curated fact
text verbatim (so grounding holds by construction) and framing statements only
connect, name the page's compound, condition and treatments, or point the
reader to their clinicians.
"""

from __future__ import annotations

from pipeline.draft import Draft, Section, SectionId, Statement, StatementKind
from pipeline.knowledge.models import EvidenceTier, Fact, FactKind, InteractionStatus
from pipeline.knowledge.selection import Selection, TreatmentFacts

TIER_WORDING: dict[EvidenceTier, str] = {
    EvidenceTier.APPROVED: "approved for this condition",
    EvidenceTier.CURATED_INDICATION: "listed as a treatment for this condition in a physician-curated catalogue",
    EvidenceTier.RCT: "randomized controlled trials",
    EvidenceTier.PHASE_2: "phase 2 trials",
    EvidenceTier.OBSERVATIONAL: "observational studies",
    EvidenceTier.CASE_REPORTS: "case reports",
    EvidenceTier.PRECLINICAL: "preclinical studies only",
    EvidenceTier.NONE: "no condition-specific clinical data",
}


def _fact(fact: Fact, group: str | None = None, label: str | None = None) -> Statement:
    return Statement(text=fact.text, fact_ids=[fact.id], group=group, label=label)


def _cited(text: str, facts: list[Fact], group: str | None = None,
           label: str | None = None) -> Statement:
    return Statement(text=text, fact_ids=[f.id for f in facts], group=group, label=label)


def _framing(text: str, group: str | None = None, label: str | None = None) -> Statement:
    return Statement(text=text, kind=StatementKind.FRAMING, group=group, label=label)


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _list(labels: list[str]) -> str:
    """Labels that may contain 'and' themselves, joined unambiguously."""
    return "; ".join(labels)


def _tagged(facts: list[Fact], tag: str) -> list[Fact]:
    return [f for f in facts if tag in f.tags]


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
                Section(id=SectionId.FAQ, statements=self._faq(sel)),
            ],
        )

    # -- sections ---------------------------------------------------------------

    def _profile(self, sel: Selection) -> list[Statement]:
        """Class, safety and regulatory facts; detail facts (one organ system each) wait for the
        disease-specific risks, so a compound with hundreds of dataset side effects stays readable."""
        facts = sel.compound.facts
        out = [_fact(f, "class") for f in sel.of_kind(facts, FactKind.CLASS)]
        safety = [f for f in sel.of_kind(facts, FactKind.SAFETY) if not f.detail]
        out += [_fact(f, "safety") for f in safety]
        if not safety:
            out.append(_framing(f"The sources used for this page hold no general safety summary for "
                                f"{sel.compound.short_name}.", "safety"))
        out += [_fact(f, "regulatory") for f in sel.of_kind(facts, FactKind.REGULATORY)]
        return out

    def _condition(self, sel: Selection) -> list[Statement]:
        return (self._interactions(sel) + self._disease_risks(sel)
                + self._monitoring(sel) + self._evidence_quality(sel))

    def _interactions(self, sel: Selection) -> list[Statement]:
        cname, dname = sel.compound.short_name, sel.condition.short_name
        out = [_framing(f"Each standard {dname} treatment below is listed with what curated "
                        f"sources record about its use alongside {cname}.", "interactions")]
        for tf in sel.treatments:
            label = self.treatment_label(tf)
            out += [_fact(f, "interactions", label) for f in tf.indication()]
            if tf.interaction is not None:
                out += [_fact(f, "interactions", label) for f in tf.interaction.facts]
        if any(tf.interaction is None for tf in sel.treatments):
            # Said once, without naming treatments: an uncited sentence may only name the page's compound,
            # and a treatment's name may also be another compound's.
            out.append(_framing(f"Where a treatment above has no interaction statement, the sources used for this "
                                f"page hold no curated interaction data for it with {cname}.", "interactions"))
        return out

    @staticmethod
    def treatment_label(tf: TreatmentFacts) -> str:
        """The bullet label of a standard treatment: its name, role and who it is for."""
        detail = tf.standard.role.value
        if tf.standard.applies_to:
            detail += f"; for {tf.standard.applies_to}"
        return f"{tf.treatment.name} ({detail})"

    def _risk_facts(self, sel: Selection) -> list[Fact]:
        return sel.of_kind(sel.compound.facts, FactKind.SAFETY)

    def _disease_risks(self, sel: Selection) -> list[Statement]:
        """Bullets where the compound's risks meet an organ system; each fact appears once."""
        group = "disease-risks"
        risks = self._risk_facts(sel)
        disease = sel.of_kind(sel.condition.facts, FactKind.DISEASE)
        out: list[Statement] = []
        used: set[str] = set()

        def fresh(facts: list[Fact]) -> list[Fact]:
            return [f for f in facts if f.id not in used]

        for organ in sel.condition.organ_systems:
            mine, theirs = fresh(_tagged(risks, organ)), _tagged(disease, organ)
            if mine and theirs:
                label = sel.organ_labels[organ]
                out += [_fact(f, group, label) for f in fresh(theirs) + mine]
                used.update(f.id for f in theirs + mine)
        covered = set(sel.condition.organ_systems)
        shared: dict[str, list[TreatmentFacts]] = {}
        for tf in sel.treatments:
            tags = {t for f in sel.of_kind(tf.treatment.facts, FactKind.SAFETY) for t in f.tags}
            for organ in sorted(tags - covered):
                if _tagged(risks, organ):
                    shared.setdefault(organ, []).append(tf)
        for organ, tfs in sorted(shared.items()):
            theirs = fresh([f for tf in tfs for f in _tagged(sel.of_kind(tf.treatment.facts, FactKind.SAFETY), organ)])
            mine = fresh(_tagged(risks, organ))
            if not theirs or not mine:
                continue
            names = _join([tf.treatment.name.lower() for tf in tfs])
            label = f"{sel.organ_labels[organ]}: shared with {names}"
            out += [_fact(f, group, label) for f in theirs + mine]
            used.update(f.id for f in theirs + mine)
        if not out:
            out.append(_framing(
                f"No documented {sel.compound.short_name} risk in this knowledge base is tagged to "
                f"the body systems that {sel.condition.short_name} affects.", group))
        return out

    def _monitoring(self, sel: Selection) -> list[Statement]:
        """The compound's monitoring, and the condition's and treatments' where they concern its risks
        (a detail fact counts only in the condition's own organ systems, so that dataset side effects
        in every organ do not pull in every treatment's checks)."""
        group = "monitoring"
        organs = set(sel.condition.organ_systems)
        risk_tags = {t for f in self._risk_facts(sel) for t in f.tags if not f.detail or t in organs}
        facts = sel.of_kind(sel.compound.facts, FactKind.MONITORING)
        facts += [f for f in sel.of_kind(sel.condition.facts, FactKind.MONITORING)
                  if risk_tags & set(f.tags)]
        for tf in sel.treatments:
            facts += [f for f in sel.of_kind(tf.treatment.facts, FactKind.MONITORING)
                      if risk_tags & set(f.tags)]
        out = [_fact(f, group) for f in facts]
        if out:
            out.append(_framing(f"Your {sel.condition.specialist} can advise which of these checks "
                                "apply to you.", group))
        else:
            out.append(_framing(f"The sources used for this page describe no monitoring specific to "
                                f"{sel.compound.short_name}; your {sel.condition.specialist} can advise on "
                                "monitoring.", group))
        return out

    def _evidence_quality(self, sel: Selection) -> list[Statement]:
        group = "evidence"
        cname, dname = sel.compound.short_name, sel.condition.short_name
        if sel.evidence is None:
            return [_framing(f"This knowledge base holds no curated evidence on {cname} in "
                             f"{dname}.", group)]
        wording = TIER_WORDING[sel.evidence.tier]
        return [_cited(f"Evidence tier for {cname} in {dname}: {wording}.",
                       list(sel.evidence.facts), group)]

    def _literature(self, sel: Selection) -> list[Statement]:
        facts = sel.compound.facts
        out = [_fact(f, "mechanism") for f in sel.of_kind(facts, FactKind.MECHANISM)]
        out += [_fact(f, "sources-of-data") for f in sel.of_kind(facts, FactKind.EVIDENCE)]
        if sel.evidence:
            out += [_fact(f, "condition-evidence") for f in sel.evidence.facts]
        else:
            out.append(_framing(f"This knowledge base holds no curated studies of "
                                f"{sel.compound.short_name} in {sel.condition.short_name}.",
                                "condition-evidence"))
        return out

    def _bottom_line(self, sel: Selection) -> list[Statement]:
        dname = sel.condition.short_name
        out = [_framing(f"No compound can be declared universally safe for all {dname} patients.")]
        overlap = self._overlap_summary(sel)
        if overlap:
            out.append(overlap)
        out += self._interaction_summary(sel)
        if sel.evidence:
            out.append(_cited(f"Evidence tier for {sel.compound.short_name} in {dname}: "
                              f"{TIER_WORDING[sel.evidence.tier]}.", list(sel.evidence.facts)))
        out.append(_framing(
            "Safety depends on individual factors including disease stage, organ function, "
            f"current treatments and genetic factors; your {sel.condition.specialist} can make "
            "an individualized assessment."))
        return out

    def _overlap_summary(self, sel: Selection) -> Statement | None:
        risks = self._risk_facts(sel)
        disease = sel.of_kind(sel.condition.facts, FactKind.DISEASE)
        organs = [o for o in sel.condition.organ_systems if _tagged(risks, o) and _tagged(disease, o)]
        if not organs:
            return None
        cited = [f for o in organs for f in _tagged(disease, o) + _tagged(risks, o)]
        labels = [sel.organ_labels[o].lower() for o in organs]
        return _cited(f"Where {sel.compound.short_name}'s documented risks meet "
                      f"{sel.condition.short_name}, they concern: {_list(labels)}.",
                      list(dict.fromkeys(cited)))

    def _interaction_summary(self, sel: Selection, group: str | None = None) -> list[Statement]:
        """The cited summary of documented and no-data entries, then, uncited, the treatments the
        sources used have nothing on (named only by the bullets above)."""
        out: list[Statement] = []
        cited = self._cited_interaction_summary(sel, group)
        if cited:
            out.append(cited)
        if any(tf.interaction is None for tf in sel.treatments):
            which = "the other" if cited else "the"
            out.append(_framing(f"For {which} standard {sel.condition.short_name} treatments listed above, the "
                                f"sources used for this page hold no curated interaction data with "
                                f"{sel.compound.short_name}.", group))
        return out

    def _cited_interaction_summary(self, sel: Selection, group: str | None) -> Statement | None:
        documented = [tf for tf in sel.treatments if tf.interaction
                      and tf.interaction.status is InteractionStatus.DOCUMENTED]
        missing = [tf for tf in sel.treatments if tf.interaction
                   and tf.interaction.status is InteractionStatus.NO_CURATED_DATA]
        if not documented and not missing:
            return None
        parts = []
        cname = sel.compound.short_name
        if documented:
            names = _join([tf.treatment.name.lower() for tf in documented])
            parts.append(f"curated sources document an interaction of {cname} with {names}")
        if missing:
            names = _join([tf.treatment.name.lower() for tf in missing])
            parts.append(f"there is no curated interaction data for {cname} with {names}")
        text = "; ".join(parts)
        facts = [f for tf in documented + missing if tf.interaction for f in tf.interaction.facts]
        return _cited(text[0].upper() + text[1:] + ".", facts, group)

    def _faq(self, sel: Selection) -> list[Statement]:
        specialist = sel.condition.specialist
        cname = sel.compound.short_name
        out: list[Statement] = []
        out += self._interaction_summary(sel, "q-interactions")
        out.append(_framing(f"Your {specialist}, or a pharmacist, can review your full "
                            "medication list for interactions.", "q-interactions"))
        monitoring = sel.of_kind(sel.compound.facts, FactKind.MONITORING)
        tags = list(dict.fromkeys(t for f in monitoring for t in f.tags))
        if tags:
            labels = _list([sel.organ_labels[t].lower() for t in tags])
            out.append(_cited(f"Monitoring described in the curated sources for {cname} "
                              f"covers: {labels}.", monitoring, "q-monitoring"))
        out.append(_framing(f"Your {specialist} can decide which monitoring applies to you.",
                            "q-monitoring"))
        out += [
            _framing(f"The prescribing information listed in the References is the primary "
                     f"source for {cname} safety warnings.", "q-sources"),
            _framing("PubMed (pubmed.ncbi.nlm.nih.gov) indexes peer-reviewed studies, and "
                     "ClinicalTrials.gov (clinicaltrials.gov) lists registered trials.", "q-sources"),
            _framing(f"Your {specialist} can help you interpret new findings for your situation.",
                     "q-sources"),
        ]
        return out
