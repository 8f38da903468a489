"""The sentence rules: dosing, directive advice, absolute safety and cure claims, one class each.

Each wraps a detector from the language layer (the patterns: the high-precision layer). Beside them, a
trained classifier (classifier.py) reads each drafted sentence that is not a verbatim quote of a fact it
cites: it flags wording the patterns have no entry for, and drops a pattern hit it scores as all but
certainly benign (its veto). Detectors are pure, and the same fact sentences
recur across a draft, its page and every page of a batch, so results are memoised per sentence.
"""

from __future__ import annotations

import functools
import re
from typing import ClassVar

from pipeline.checks.classifier import TextClassifier, shipped_classifier
from pipeline.checks.document import Unit
from pipeline.checks.findings import Finding, Severity
from pipeline.checks.registry import CheckInput, Rule, Scope, register
from pipeline.language import find_absolute_safety, find_cure_claims, find_directives, find_dosing
from pipeline.language.spans import CACHE_SIZE, Hit
from pipeline.language.words import normalize


class TextRule(Rule):
    """A rule that reads one sentence at a time through a detector; ``advice`` ends every finding."""

    scope = Scope.SENTENCE
    advice: ClassVar[str]
    # The classifier reads words, not their scope: where a negator usually excuses the claim ("does not halt
    # progression"), its flag alone does not stand in a sentence that has one (measured on the dev rounds).
    negation_excuses_classifier: ClassVar[bool] = False

    def __init__(self) -> None:
        self._detect = functools.lru_cache(maxsize=CACHE_SIZE)(lambda text: tuple(self.find(text)))

    def find(self, text: str) -> list[Hit]:
        """What the detector finds in one sentence."""
        raise NotImplementedError

    def check(self, doc: CheckInput) -> list[Finding]:
        model = shipped_classifier()
        out = []
        for unit, own_words in _sentences(doc):
            hits = self._detect(unit.text)
            if model is not None and own_words:
                hits = self._vetted(hits, unit.text, model) or self._classified(unit.text, model)
            if not hits:  # most sentences: nothing to report
                continue
            out += [
                Finding(
                    rule=self.id,
                    severity=Severity.ERROR,
                    section=unit.section,
                    text=hit.text,
                    sentence=unit.text,
                    message=f"{hit.reason}; {self.advice}",
                )
                for hit in hits
            ]
        return out

    def _vetted(self, hits: tuple[Hit, ...], text: str, model: TextClassifier) -> tuple[Hit, ...]:
        """The patterns' hits, unless the classifier is all but sure a drafted sentence is a near-miss
        (a debunked claim, a hoped-for research goal) that the patterns over-read."""
        if not hits or not model.veto:
            return hits
        return hits if model.scores(text)[self.id] >= model.veto else ()

    def _classified(self, text: str, model: TextClassifier) -> tuple[Hit, ...]:
        """The classifier's verdict on a drafted sentence that is not a fact's own words."""
        probability = model.flags(text).get(self.id)
        if probability is None or (self.negation_excuses_classifier and _NEGATOR.search(text)):
            return ()
        why = f"reads as breaking this rule to the trained classifier (p={probability:.2f}), though no pattern matched"
        return (Hit(0, len(text), text, why),)


def _sentences(doc: CheckInput) -> list[tuple[Unit, bool]]:
    """The units every sentence rule reads (validated fact text is skipped), each with whether it is drafted
    text in its own words, which the classifier reads (not a quote of a fact or of the composer's wording):
    worked out once per document, not once per rule."""
    found: list[tuple[Unit, bool]] | None = doc.memo.get("sentences")
    if found is None:
        found = doc.memo["sentences"] = [
            (unit, unit.drafted and not _quotes_a_fact(unit, doc))
            for unit in doc.units
            if not _is_validated_fact(unit, doc)
        ]
    return found


def _is_validated_fact(unit: Unit, doc: CheckInput) -> bool:
    """The sentence is exactly the text of a fact it cites, and the facts are the knowledge base's own: every
    sentence rule already passed on that text when the knowledge base was validated."""
    ctx = doc.grounding
    if ctx is None or not ctx.facts_verified or not unit.fact_ids:
        return False
    return any(fid in ctx.facts and ctx.facts[fid].text == unit.text for fid in unit.fact_ids)


_NEGATOR = re.compile(r"\b(?:no|not|never|neither|none|cannot|without|nor)\b|n't\b", re.IGNORECASE)


def _quotes_a_fact(unit: Unit, doc: CheckInput) -> bool:
    """The sentence is a verbatim part of a fact it cites (curated text, checked on entry) or of the built-in
    composer's own reviewed wording for the page (asked once per unit of a document, by ``_sentences``)."""
    ctx = doc.grounding
    if ctx is None:
        return False
    mine = normalize(unit.text)
    return ctx.is_composed(unit.text) or any(
        mine in normalize(ctx.facts[fid].text) for fid in unit.fact_ids or () if fid in ctx.facts
    )


@register
class NoDosing(TextRule):
    id = "no-dosing"
    summary = "no dose amounts, frequencies, titration or schedules"
    rank = 20
    advice = "pages never give doses; remove it"

    def find(self, text: str) -> list[Hit]:
        return find_dosing(text)


@register
class NoDirectiveAdvice(TextRule):
    id = "no-directive-advice"
    summary = "no telling the reader to start, stop, switch, take or avoid"
    rank = 30
    advice = "only point the reader to their clinicians; rephrase"

    def find(self, text: str) -> list[Hit]:
        return find_directives(text)


@register
class NoAbsoluteSafety(TextRule):
    id = "no-absolute-safety"
    summary = "nothing declares the compound safe or unsafe for everyone"
    rank = 40
    advice = "state the documented risks instead"

    def find(self, text: str) -> list[Hit]:
        return find_absolute_safety(text)


@register
class NoCureClaims(TextRule):
    id = "no-cure-claims"
    summary = "no cure, miracle or guaranteed-outcome language"
    rank = 50
    advice = "describe the evidence instead"
    negation_excuses_classifier = True

    def find(self, text: str) -> list[Hit]:
        return find_cure_claims(text)
