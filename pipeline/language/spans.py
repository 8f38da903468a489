"""Shared helpers for the text rules: located hits and negation scope."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.language.guards import lexicon_runnable

# Entries each per-sentence memo keeps. Pages of one batch share many sentences (a compound's facts
# recur across its conditions), so recent ones are worth keeping; older ones are let go so that a
# batch's memory stays flat however many pages it has.
CACHE_SIZE = 16384


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
        head = head[breaks[-1].end() :]
    words = head.split()
    return " ".join(words[-max_words:])


def is_negated(text: str, start: int, max_words: int = 9) -> bool:
    """True when a negator governs the clause leading up to ``start``."""
    return bool(NEGATORS.search(clause_before(text, start, max_words)))


def scan(text: str, patterns: Sequence[tuple[re.Pattern[str], str]], guarded: bool = True) -> list[Hit]:
    """Run patterns over text; return non-overlapping hits, earliest and longest first. A pattern whose
    literal guard rules it out is not run (guards.py; ``guarded=False`` runs every pattern, for tests)."""
    run = lexicon_runnable(patterns, text) if guarded else [True] * len(patterns)
    hits = [
        Hit(m.start(), m.end(), m.group(0), reason)
        for (pattern, reason), ok in zip(patterns, run, strict=True)
        if ok
        for m in pattern.finditer(text)
    ]
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


# Up to three words in quotes are a term being mentioned, and a quoted Title In Capitals is a
# title; a longer quote is a testimonial, still a claim.
_TITLE = r"[A-Z][\w']*(?:\s[A-Z][\w']*){1,7}"
# A straight single quote inside a word is an apostrophe ("dad's Parkinson's"), not a quote.
_WORD_IN_QUOTES = r"(?:[^'\s]|'(?=s\b))+"  # a possessive may sit inside: 'cures Alzheimer's'
_QUOTED = re.compile(
    rf"(?<!\w)'{_WORD_IN_QUOTES}(?:\s{_WORD_IN_QUOTES}){{0,2}}'(?!\w)|"
    rf"\"[^\"\s]+(?:\s[^\"\s]+){{0,2}}\"|‘[^’\s]+(?:\s[^’\s]+){{0,2}}’|“[^”\s]+(?:\s[^”\s]+){{0,2}}”|(?<!\w)'{_TITLE}'(?!\w)|"
    rf"\"{_TITLE}\"|‘{_TITLE}’|“{_TITLE}”"
)
# A quote right after a naming word ("the slogan 'no side effects, ever'") is mentioned whatever its length.
_NAMED_QUOTE = re.compile(
    r"\b(?:slogan|phrase|wording|words|tagline|term|expression|saying|headline|claim)s?,?\s+"
    r"(?:'[^']{1,80}'|\"[^\"]{1,80}\"|‘[^’]{1,80}’|“[^”]{1,80}”)",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=CACHE_SIZE)
def quoted_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where text is quoted in order to mention it, not to say it (memoised: several rules ask)."""
    return tuple(m.span() for pattern in (_QUOTED, _NAMED_QUOTE) for m in pattern.finditer(text))


def inside(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Does ``pos`` fall within one of ``spans``?"""
    return any(start <= pos < end for start, end in spans)
