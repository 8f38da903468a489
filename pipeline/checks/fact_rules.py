"""The rules that read the facts behind a page: every claim cites facts, and the facts it cites support it.

The logic lives in grounding.py; these classes register it.
"""

from __future__ import annotations

from pipeline.checks.findings import Finding
from pipeline.checks.grounding import check_citations, check_grounded
from pipeline.checks.registry import CheckInput, Rule, Scope, register


@register
class Citations(Rule):
    id = "citations"
    summary = "every factual statement cites facts given for the page"
    scope = Scope.FACTS
    rank = 60

    def check(self, doc: CheckInput) -> list[Finding]:
        return check_citations(doc.units, doc.grounding) if doc.grounding is not None else []


@register
class Grounded(Rule):
    id = "grounded"
    summary = "every statement is supported by the facts it cites"
    scope = Scope.FACTS
    rank = 70

    def check(self, doc: CheckInput) -> list[Finding]:
        return check_grounded(doc.units, doc.grounding) if doc.grounding is not None else []
