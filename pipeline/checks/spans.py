"""Shared helpers for the text rules: located hits and negation scope."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    """A located match: the offending span and why it offends."""

    start: int
    end: int
    text: str
    reason: str


# "No doubt", "without question", "not only", "nothing but" intensify the claim that
# follows rather than negate it, so they do not count as negators.
_AFFIRMING = r"(?!\s+(?:a\s+)?(?:doubt|question|only|but)\b)"
NEGATORS = re.compile(
    r"\b(no|not|never|cannot|can't|cant|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|"
    rf"won't|nothing|none|neither|nor|without|lacks?|unlikely|nobody)\b{_AFFIRMING}|n't\b{_AFFIRMING}",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[;:,()—–]|\bbut\b|\bhowever\b|\bwhile\b|\balthough\b", re.IGNORECASE)


def clause_before(text: str, start: int, max_words: int = 9) -> str:
    """The words of the same clause that precede ``start`` (at most ``max_words``)."""
    head = text[:start]
    breaks = list(_CLAUSE_BREAK.finditer(head))
    if breaks:
        head = head[breaks[-1].end():]
    words = head.split()
    return " ".join(words[-max_words:])


def is_negated(text: str, start: int, max_words: int = 9) -> bool:
    """True when a negator governs the clause leading up to ``start``."""
    return bool(NEGATORS.search(clause_before(text, start, max_words)))


def scan(text: str, patterns: Iterable[tuple[re.Pattern[str], str]]) -> list[Hit]:
    """Run patterns over text; return non-overlapping hits, earliest and longest first."""
    hits = [
        Hit(m.start(), m.end(), m.group(0), reason)
        for pattern, reason in patterns
        for m in pattern.finditer(text)
    ]
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept
