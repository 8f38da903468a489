"""Build the dev grounding corpus from the knowledge base: supported restatements and
realistic unsupported perturbations of real facts. Deterministic: same knowledge, same file.

    python eval/build_grounding_corpus.py [--out eval/grounding/dev-00.yaml]

The holdout corpus (grounding.holdout.yaml) is written by hand, blind to the checker.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.knowledge.loading import load_knowledge  # noqa: E402
from pipeline.knowledge.models import Fact, FactKind  # noqa: E402

# Real drugs absent from the knowledge base, and invented names, for the invented-drug perturbation.
OTHER_DRUGS = [
    "lamotrigine",
    "warfarin",
    "baclofen",
    "gabapentin",
    "clozapine",
    "tramadol",
    "lithium",
    "valproate",
    "amiodarone",
    "sertraline",
]
INVENTED = ["velaprazine", "Zorvexa", "tranimab", "olcetide", "Brevanol"]
# Plausible effect swaps a drafter might make (either direction).
EFFECT_SWAPS = [
    ("hypotension", "hypertension"),
    ("bradycardia", "tachycardia"),
    ("neutropenia", "thrombocytopenia"),
    ("hepatitis", "pancreatitis"),
    ("sedation", "insomnia"),
    ("nausea", "constipation"),
    ("hypoglycemia", "hyperglycemia"),
    ("lactic acidosis", "ketoacidosis"),
    ("cystitis", "nephritis"),
    ("dizziness", "syncope"),
    ("anaphylaxis", "angioedema"),
    ("infections", "malignancies"),
    ("respiratory depression", "respiratory infection"),
    ("seizures", "migraines"),
    ("hallucinations", "delusions"),
    ("somnolence", "agitation"),
]
ADDED = [
    "and it can also cause peripheral neuropathy",
    "which may also slow disease progression",
    "and it is also linked to pancreatitis",
    "and it also raises BDNF levels",
    "which also improves survival",
    "and it can also cause weight gain",
    "and it also protects motor neurons",
    "and it may also cause falls and fractures",
]
# Connecting wording a drafter may change while keeping the facts' medical terms.
REWORDINGS = [
    ("warns of", "cautions about"),
    ("calls for", "asks for"),
    ("is FDA-approved", "is approved by the FDA"),
    ("lists", "includes"),
    ("states that", "says that"),
    ("notes that", "points out that"),
    ("classifies the interaction of", "rates the interaction of"),
    ("reported", "described"),
    ("carries a boxed warning for", "has a boxed warning about"),
]
SUBSTANCE_SWAPS = [
    ("esketamine label", "ketamine injection label"),
    ("ketamine injection label", "esketamine label"),
    ("quinidine can", "dextromethorphan can"),
    ("dextromethorphan is", "quinidine is"),
    ("carbidopa", "entacapone"),
    ("interferon beta-1a", "interferon beta-1b"),
]
OVERSTATED = [
    "Strong evidence from phase 3 randomized trials shows that",
    "Large placebo-controlled trials have proven that",
    "Well-established clinical data show that",
]


def _pick(items: list[str], seed: str) -> str:
    return items[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(items)]


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _case(statement: str, fact_ids: list[str], supported: bool, perturbation: str) -> dict[str, object]:
    return {"statement": statement, "fact_ids": fact_ids, "supported": supported, "perturbation": perturbation}


def build() -> list[dict[str, object]]:
    kb = load_knowledge(ROOT / "knowledge")
    organ_terms = {oid: list(o.terms) for oid, o in kb.vocabulary.organ_systems.items()}
    names = {
        **{f"compound:{c.id}": c.short_name for c in kb.compounds.values()},
        **{f"treatment:{t.id}": t.name.lower() for t in kb.treatments.values()},
        **{f"condition:{d.id}": d.short_name for d in kb.conditions.values()},
    }
    facts: list[Fact] = sorted(kb.facts.values(), key=lambda f: f.id)
    cases: list[dict[str, object]] = []
    for i, fact in enumerate(facts):
        text, fid = fact.text, fact.id
        if i % 3 == 0:
            cases.append(_case(text, [fid], True, "verbatim"))
        parts = re.split(r"; |, and ", text)
        if len(parts) > 1 and i % 3 == 1:
            cases.append(_case(parts[0].rstrip(".") + ".", [fid], True, "trimmed"))
        if i % 5 == 2:
            cases.append(_case("According to the curated sources, " + _lower_first(text), [fid], True, "reworded"))
        for old, new in REWORDINGS:
            if old in text and i % 2 == 1:
                cases.append(_case(text.replace(old, new, 1), [fid], True, "reworded"))
                break
        # swapped organ: replace an organ word the fact uses with one from another organ system
        for oid, terms in organ_terms.items():
            used = [t for t in terms if re.search(rf"\b{re.escape(t)}\b", text, re.I)]
            if used and i % 2 == 0:
                other = _pick([o for o in organ_terms if o != oid and o not in fact.tags], fid)
                swapped = re.sub(rf"\b{re.escape(used[0])}\b", organ_terms[other][0], text, count=1, flags=re.I)
                cases.append(_case(swapped, [fid], False, "swapped-organ"))
                break
        number = re.search(r"(?<![A-Za-z0-9])(\d+)(?![A-Za-z0-9])", text)
        if number and i % 2 == 0 and not re.match(r"(19|20)\d\d$", number.group(1)):
            changed = text[: number.start()] + str(int(number.group(1)) + 7) + text[number.end() :]
            cases.append(_case(changed, [fid], False, "changed-number"))
        if i % 4 == 1:
            if "no curated interaction data" in text:
                flipped = text.replace("there is no curated interaction data", "DDInter documents an interaction")
            else:
                flipped = re.sub(
                    r"\b(warns|carries|lists|is|are|calls|reports|notes)\b",
                    lambda m: {
                        "warns": "does not warn",
                        "carries": "does not carry",
                        "lists": "does not list",
                        "is": "is not",
                        "are": "are not",
                        "calls": "does not call",
                        "reports": "does not report",
                        "notes": "does not note",
                    }[m.group(1)],
                    text,
                    count=1,
                )
            if flipped != text:
                cases.append(_case(flipped, [fid], False, "negation-flip"))
        mentioned = [k for k in names if re.search(rf"\b{re.escape(names[k])}\b", text, re.I)]
        if mentioned and i % 3 == 2:
            key = mentioned[0]
            other = _pick(OTHER_DRUGS + INVENTED, fid)
            replaced = re.sub(rf"\b{re.escape(names[key])}\b", other, text, count=1, flags=re.I)
            cases.append(_case(replaced, [fid], False, "invented-drug"))
        if mentioned and fact.kind in (FactKind.SAFETY, FactKind.MONITORING) and i % 3 == 0:
            key = mentioned[0]
            if key.startswith("compound:"):
                pool = [f"compound:{c}" for c in kb.compounds if f"compound:{c}" != key]
                other = names[_pick(pool, fid)]
                cases.append(
                    _case(
                        re.sub(rf"\b{re.escape(names[key])}\b", other, text, count=1, flags=re.I),
                        [fid],
                        False,
                        "wrong-compound",
                    )
                )
        for a, b in EFFECT_SWAPS:
            for old, new in ((a, b), (b, a)):
                if re.search(rf"\b{old}\b", text, re.I) and not re.search(rf"\b{new}\b", text, re.I):
                    swapped = re.sub(rf"\b{old}\b", new, text, count=1, flags=re.I)
                    cases.append(_case(swapped, [fid], False, "swapped-effect"))
                    break
        if fact.kind in (FactKind.SAFETY, FactKind.EVIDENCE, FactKind.MECHANISM) and i % 4 == 3:
            cases.append(_case(f"{text.rstrip('.')}, {_pick(ADDED, fid)}.", [fid], False, "added-claim"))
        for old, new in (
            ("did not improve", "improved"),
            ("has no entry", "has an entry"),
            ("is not in the DDInter", "is in the DDInter"),
            ("Schedule III", "Schedule II"),
        ):
            if old in text:
                cases.append(
                    _case(
                        text.replace(old, new, 1),
                        [fid],
                        False,
                        "changed-number" if "Schedule" in old else "negation-flip",
                    )
                )
                break
        # the same product family, a different substance or product: an effect moved between them
        for a, b in SUBSTANCE_SWAPS:
            if re.search(rf"\b{a}\b", text) and not re.search(rf"\b{b}\b", text):
                cases.append(_case(re.sub(rf"\b{a}\b", b, text, count=1), [fid], False, "wrong-compound"))
                break
        if fact.kind is FactKind.EVIDENCE and i % 2 == 0:
            lead = _pick(OVERSTATED, fid)
            cases.append(_case(f"{lead} {_lower_first(text)}", [fid], False, "tier-overstated"))
    # wrong standard treatment / wrong condition, from interaction and disease facts
    for (_, treatment), interaction in sorted(kb.interactions.items()):
        for fact in interaction.facts[:1]:
            conds = [
                d for d in kb.conditions.values() if any(st.treatment == treatment for st in d.standard_treatments)
            ]
            if not conds:
                continue
            siblings = [st.treatment for st in conds[0].standard_treatments if st.treatment != treatment]
            name = kb.treatments[treatment].name.lower()
            chosen = int(hashlib.sha256(fact.id.encode()).hexdigest(), 16) % 3 == 0
            if siblings and name in fact.text.lower() and chosen:
                other = kb.treatments[_pick(siblings, fact.id)].name.lower()
                wrong = re.sub(re.escape(name), other, fact.text, count=1, flags=re.I)
                cases.append(_case(wrong, [fact.id], False, "wrong-treatment"))
    for condition in sorted(kb.conditions.values(), key=lambda d: d.id):
        others = [d for d in kb.conditions.values() if d.id != condition.id]
        for fact in condition.facts:
            if re.search(rf"\b{re.escape(condition.short_name)}\b", fact.text):
                other = _pick([d.short_name for d in others], fact.id)
                cases.append(
                    _case(
                        re.sub(rf"\b{re.escape(condition.short_name)}\b", other, fact.text),
                        [fact.id],
                        False,
                        "wrong-condition",
                    )
                )
    # supported combinations of two facts about the same entity
    by_prefix: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.kind is FactKind.SAFETY:
            by_prefix.setdefault(fact.id.split(".")[0], []).append(fact)
    for _, group in sorted(by_prefix.items()):
        if len(group) >= 2:
            a, b = group[0], group[1]
            cases.append(_case(f"{a.text.rstrip('.')}; {_lower_first(b.text)}", [a.id, b.id], True, "combined"))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "grounding" / "dev-00.yaml")
    args = parser.parse_args()
    cases = build()
    header = "# Generated by eval/build_grounding_corpus.py from knowledge/; regenerate after editing facts.\n"
    args.out.write_text(header + yaml.safe_dump({"cases": cases}, sort_keys=False, allow_unicode=True, width=100))
    counts: dict[str, int] = {}
    for c in cases:
        counts[str(c["perturbation"])] = counts.get(str(c["perturbation"]), 0) + 1
    print(f"{len(cases)} cases -> {args.out}: {counts}")


if __name__ == "__main__":
    main()
