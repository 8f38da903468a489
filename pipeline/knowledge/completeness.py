"""What a page must carry, and what the knowledge base still lacks (its gaps).

A page about a compound in a condition must state what a pharmacist checks first: the compound's
boxed warnings, its approval status, the monitoring its label requires, and for every standard
treatment the label interaction statements and shared-property inferences that apply. The
``completeness`` rule holds every draft and page to ``required_facts``; ``pair_gaps`` names what
the knowledge base lacks for the pair to be drafted at all (the page is then held back).
``reviewgen knowledge gaps`` lists both, so a curator knows what to add next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.knowledge.base import KnowledgeBase
from pipeline.knowledge.models import Compound, Condition, Fact, FactKind, SourceType, Treatment
from pipeline.knowledge.reasoning import Basis, drug_view

if TYPE_CHECKING:
    from pipeline.knowledge.selection import Selection

LABEL_LEVEL = frozenset({SourceType.LABEL, SourceType.AGENCY, SourceType.GUIDELINE})
SAFETY_KINDS = frozenset({FactKind.BOXED_WARNING, FactKind.CONTRAINDICATION, FactKind.SAFETY})


@dataclass(frozen=True)
class Gap:
    """One thing missing from the knowledge base; ``blocking`` gaps hold pages back."""

    subject: str  # "compound:lithium", "treatment:lisinopril", "condition:als"
    what: str
    blocking: bool


def _label_level(kb: KnowledgeBase, fact: Fact) -> bool:
    return any(s in kb.sources and kb.sources[s].type in LABEL_LEVEL for s in fact.sources)


def compound_gaps(kb: KnowledgeBase, compound: Compound) -> list[Gap]:
    """A compound without label-level safety facts or approval status cannot have a page."""
    subject = f"compound:{compound.id}"
    facts = [f for f in drug_view(kb, compound).facts if _label_level(kb, f)]
    out = []
    if not any(f.kind in SAFETY_KINDS for f in facts):
        out.append(Gap(subject, "no label-level safety facts (boxed warning, contraindications, warnings)", True))
    indications = [
        f
        for f in drug_view(kb, compound).facts
        if f.kind is FactKind.REGULATORY and f.origin and f.id.endswith(".regulatory.drugcentral-indications")
    ]
    if not any(f.kind is FactKind.REGULATORY for f in facts) and not indications:
        out.append(
            Gap(
                subject,
                "no approval or regulatory status from a label, an agency or a label-derived indication table",
                True,
            )
        )
    if not any(f.kind is FactKind.MONITORING for f in facts):
        out.append(
            Gap(subject, "no monitoring facts (add what the label requires, or confirm it requires none)", False)
        )
    if not any(f.classes for f in facts):
        out.append(Gap(subject, "no drug class with `classes`: label statements about a class cannot reach it", False))
    return out


def treatment_gaps(kb: KnowledgeBase, treatment: Treatment) -> list[Gap]:
    """A standard treatment with no label-level facts leaves its interactions unexamined: pages say so in
    plain words (the gap is not blocking, because the compound's own label may still name it)."""
    subject = f"treatment:{treatment.id}"
    facts = [f for f in drug_view(kb, treatment).facts if _label_level(kb, f)]
    out = []
    if not label_curated(kb, treatment):
        out.append(
            Gap(
                subject,
                "no label-level facts (class, warnings, interactions): pages say its label has not been curated",
                False,
            )
        )
    elif not any(f.classes for f in facts):
        out.append(Gap(subject, "no drug class with `classes`: label statements about a class cannot reach it", False))
    return out


def condition_gaps(kb: KnowledgeBase, condition: Condition) -> list[Gap]:
    """Treatments listed without a reviewed source, and no recorded vulnerabilities."""
    subject = f"condition:{condition.id}"
    out = []
    for st in condition.standard_treatments:
        if not any(_label_level(kb, f) for f in st.facts):
            out.append(
                Gap(subject, f"standard treatment {st.treatment} has no guideline or label fact for its role", False)
            )
    if not any(f.targets for f in condition.facts):
        out.append(Gap(subject, "no vulnerability facts with `targets`: disease-specific risks cannot be found", False))
    return out


def pair_gaps(kb: KnowledgeBase, sel: Selection) -> list[Gap]:
    """The blocking gaps that hold this pair's page back."""
    return [g for g in compound_gaps(kb, kb.compounds[sel.compound.id]) if g.blocking]


def label_curated(kb: KnowledgeBase, treatment: Treatment) -> bool:
    """True when the treatment has label-level facts beyond its indication."""
    facts = [f for f in drug_view(kb, treatment).facts if _label_level(kb, f)]
    return any(f.kind is not FactKind.INDICATION for f in facts)


def required_facts(kb: KnowledgeBase, sel: Selection) -> dict[str, str]:
    """Fact id -> why the page must cite it."""
    cname = sel.compound.short_name
    out: dict[str, str] = {}
    for fact in sel.compound.facts:
        if fact.kind is FactKind.BOXED_WARNING:
            out[fact.id] = f"the boxed warning of {cname}"
        elif fact.kind is FactKind.MONITORING and _label_level(kb, fact):
            out[fact.id] = f"monitoring the {cname} label requires"
    regulatory = [f for f in sel.compound.facts if f.kind is FactKind.REGULATORY and _label_level(kb, f)]
    regulatory += [f for f in sel.compound.facts if f.id.endswith(".regulatory.drugcentral-indications")]
    for fact in regulatory[:1]:
        out.setdefault(fact.id, f"the approval status of {cname}")
    for tf in sel.treatments:
        tname = tf.treatment.name
        for note in tf.notes_by(Basis.LABEL):
            if note.statement is not None:
                out.setdefault(
                    note.statement.id, f"the label interaction statement that applies to {cname} with {tname}"
                )
        for note in tf.notes_by(Basis.INFERENCE):
            if note.statement is not None:
                out.setdefault(note.statement.id, f"the shared-property inference for {cname} with {tname}")
    return out


def all_gaps(kb: KnowledgeBase) -> list[Gap]:
    """Every gap of every compound, standard treatment and condition."""
    out: list[Gap] = []
    for compound in sorted(kb.compounds.values(), key=lambda c: c.id):
        out += compound_gaps(kb, compound)
    used = sorted({st.treatment for c in kb.conditions.values() for st in c.standard_treatments})
    for tid in used:
        out += treatment_gaps(kb, kb.treatments[tid])
    for condition in sorted(kb.conditions.values(), key=lambda c: c.id):
        out += condition_gaps(kb, condition)
    return out


@dataclass(frozen=True)
class GapReport:
    """Every gap in the knowledge base and every pair it holds back, with the reasons."""

    gaps: list[Gap]
    held_back: dict[tuple[str, str], list[str]]

    def as_json(self) -> dict[str, object]:
        """A stable JSON form for tooling."""
        return {
            "gaps": [{"subject": g.subject, "what": g.what, "blocking": g.blocking} for g in self.gaps],
            "held_back": [
                {"compound": c, "condition": d, "reasons": r} for (c, d), r in sorted(self.held_back.items())
            ],
        }


def knowledge_gaps(kb: KnowledgeBase, exclude_noncommercial: bool = False) -> GapReport:
    """What to curate next: entity gaps, and the pairs whose pages are held back until they are filled."""
    from pipeline.knowledge.selection import select_facts  # selection computes each pair's gaps
    from pipeline.settings import SiteSettings

    settings = SiteSettings(organisation="-", disclaimer="-", exclude_noncommercial=exclude_noncommercial)
    held: dict[tuple[str, str], list[str]] = {}
    for cid in sorted(kb.compounds):
        for did in sorted(kb.conditions):
            sel = select_facts(kb, kb.compounds[cid], kb.conditions[did], settings)
            if sel.gaps:
                held[(cid, did)] = list(sel.gaps)
    return GapReport(all_gaps(kb), held)
