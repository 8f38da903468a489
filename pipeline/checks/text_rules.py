"""The sentence rules: dosing, directive advice, absolute safety and cure claims, one class each.

Each wraps a detector from the language layer. Detectors are pure, and the same fact sentences recur
across a draft, its page and every page of a batch, so results are memoised per sentence.
"""

from __future__ import annotations

import functools
from typing import ClassVar

from pipeline.checks.findings import Finding, Severity
from pipeline.checks.registry import CheckInput, Rule, Scope, register
from pipeline.language import find_absolute_safety, find_cure_claims, find_directives, find_dosing
from pipeline.language.spans import CACHE_SIZE, Hit


class TextRule(Rule):
    """A rule that reads one sentence at a time through a detector; ``advice`` ends every finding."""

    scope = Scope.SENTENCE
    advice: ClassVar[str]

    def __init__(self) -> None:
        self._detect = functools.lru_cache(maxsize=CACHE_SIZE)(lambda text: tuple(self.find(text)))

    def find(self, text: str) -> list[Hit]:
        """What the detector finds in one sentence."""
        raise NotImplementedError

    def check(self, doc: CheckInput) -> list[Finding]:
        return [
            Finding(
                rule=self.id,
                severity=Severity.ERROR,
                section=unit.section,
                text=hit.text,
                sentence=unit.text,
                message=f"{hit.reason}; {self.advice}",
            )
            for unit in doc.units
            for hit in self._detect(unit.text)
        ]


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

    def find(self, text: str) -> list[Hit]:
        return find_cure_claims(text)
