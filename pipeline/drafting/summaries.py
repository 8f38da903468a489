"""Statement builders the composer shares, and its summary sections: what the interaction findings add up to, and
the FAQ. Like the rest of the composer they only connect cited facts or say what the sources do not record."""

from __future__ import annotations

from pipeline.draft import Statement, StatementKind
from pipeline.knowledge.models import Fact, FactKind
from pipeline.knowledge.reasoning import Basis
from pipeline.knowledge.selection import Selection, TreatmentFacts


def fact_statement(fact: Fact, group: str | None = None, label: str | None = None) -> Statement:
    return Statement(text=fact.text, fact_ids=[fact.id], group=group, label=label)


def cited(
    text: str, facts: list[Fact] | tuple[Fact, ...], group: str | None = None, label: str | None = None
) -> Statement:
    return Statement(text=text, fact_ids=list(dict.fromkeys(f.id for f in facts)), group=group, label=label)


def framing(text: str, group: str | None = None, label: str | None = None) -> Statement:
    return Statement(text=text, kind=StatementKind.FRAMING, group=group, label=label)


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def overlap_summary(sel: Selection) -> Statement | None:
    if not sel.vulnerabilities:
        return None
    return framing(
        f"Some documented properties of {sel.compound.short_name} meet known vulnerabilities of "
        f"{sel.condition.short_name}: see the disease-specific risks above."
    )


def interaction_summary(sel: Selection, group: str | None = None) -> list[Statement]:
    """Which treatments have label statements, dataset grades or shared properties (cited), and
    which have no record in any source consulted (said as a gap)."""
    cname = sel.compound.short_name
    out: list[Statement] = []

    def names(tfs: list[TreatmentFacts]) -> str:
        return join_names([tf.treatment.name.lower() for tf in tfs])

    labelled = [tf for tf in sel.treatments if tf.notes_by(Basis.LABEL, Basis.CURATED)]
    if labelled:
        out.append(
            framing(
                f"Label or curated interaction statements apply to {cname} with "
                f"{names(labelled)}: see each treatment above.",
                group,
            )
        )
    levels: dict[str, list[TreatmentFacts]] = {}
    for tf in sel.treatments:
        for note in tf.notes_by(Basis.DATASET):
            levels.setdefault(note.level or "no severity", [])
            if tf not in levels[note.level or "no severity"]:
                levels[note.level or "no severity"].append(tf)
    for level, tfs in levels.items():
        facts = [f for tf in tfs for n in tf.notes_by(Basis.DATASET) for f in n.facts]
        graded = "Unknown (a record without a severity grade)" if level == "Unknown" else level
        out.append(cited(f"DDInter 1.0 grades the interaction of {cname} with {names(tfs)} as {graded}.", facts, group))
    inferred = [tf for tf in sel.treatments if tf.notes_by(Basis.INFERENCE)]
    if inferred:
        out.append(
            framing(f"Shared drug properties apply to {cname} with {names(inferred)}: see each treatment above.", group)
        )
    silent = [tf for tf in sel.treatments if not tf.notes and tf.label_curated]
    if silent:
        out.append(
            framing(
                f"For {names(silent)}, the sources consulted record no interaction with "
                f"{cname}; that does not show the combination is safe.",
                group,
            )
        )
    unchecked = [tf for tf in sel.treatments if not tf.notes and not tf.label_curated]
    if unchecked:
        out.append(
            framing(
                f"For {names(unchecked)}, this knowledge base does not yet hold the label's "
                f"interaction statements, so the combination with {cname} has not been checked.",
                group,
            )
        )
    return out


def faq(sel: Selection) -> list[Statement]:
    specialist = sel.condition.specialist
    cname = sel.compound.short_name
    out: list[Statement] = [
        framing(
            f"The interactions section above takes each standard {sel.condition.short_name} treatment in "
            f"turn and gives what the labels and the curated datasets record with {cname}, or says that "
            "nothing is recorded, which does not show a combination is safe.",
            "q-interactions",
        ),
        framing(
            f"Your {specialist}, or a pharmacist, can review your full medication list for interactions.",
            "q-interactions",
        ),
    ]
    monitoring = sel.of_kind(sel.compound.facts, FactKind.MONITORING)
    out += [fact_statement(f, "q-monitoring") for f in monitoring[:3]]
    if not monitoring:
        out.append(
            framing(
                f"This knowledge base does not yet hold a monitoring statement for {cname}; that "
                "is a gap in the curated data, not a sign that no tests are needed.",
                "q-monitoring",
            )
        )
    out.append(framing(f"Your {specialist} can decide which monitoring applies to you.", "q-monitoring"))
    labels = [s for s in sel.sources.values() if s.type.value == "label"]
    compound_sources = {sid for f in sel.compound.facts for sid in f.sources}
    if any(s.id in compound_sources for s in labels):
        out.append(
            framing(
                f"The prescribing information listed in the References is the primary "
                f"source for {cname} safety warnings.",
                "q-sources",
            )
        )
    else:
        out.append(
            framing(
                f"No prescribing information for {cname} is among this page's sources; "
                "the References list what was used.",
                "q-sources",
            )
        )
    out += [
        framing(
            "PubMed (pubmed.ncbi.nlm.nih.gov) indexes peer-reviewed studies, and "
            "ClinicalTrials.gov (clinicaltrials.gov) lists registered trials.",
            "q-sources",
        ),
        framing(f"Your {specialist} can help you interpret new findings for your situation.", "q-sources"),
    ]
    return out
