"""Literal guards: a quick, exact test that a pattern cannot match a text, so the rules skip running it.

Most sentences break no rule, and most patterns are large alternations that Python's regular expression
engine tries at every position of the sentence. But nearly every pattern needs some literal word to match:
"regain" or one of the verbs "reversed", "cured", "halted"... A pattern's guard is a set of such strings, read
off its parse tree, one of which occurs in every text it matches; where none occurs in a text (compared
case-insensitively), the pattern is not run on it. The answer is the same, with or without guards: a guard
only ever rules out a pattern that could not have matched (tests/test_guards.py checks this on every labelled
sentence, and checks the case folding against every Unicode character).

The guard is derived, never written by hand, so it cannot drift from the pattern. Only ASCII literals count;
a pattern with nothing certain to read (a number, a capitalised word) has no guard and always runs.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Sequence
from typing import Any

# CPython's own parser, the one re.compile uses (private, so untyped; a shape it does not expect means no guard)
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

Guard = frozenset[str]
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def fold(text: str) -> str:
    """The text as guards compare it: case-folded, with the two letters that match an ASCII letter under
    re.IGNORECASE but do not case-fold to that one letter mapped first: dotless i, and dotted capital I (which
    folds to two characters, i and a combining dot, and would split a literal in two)."""
    return text.replace("İ", "i").casefold().replace("ı", "i")


@functools.cache
def guard_of(pattern: re.Pattern[str]) -> Guard | None:
    """Strings one of which occurs (case-folded) in every match of ``pattern``; None when there is no such set
    to read off it, or its tree is not one this reading understands."""
    try:
        return _required(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # a parse-tree shape from another Python version: no guard, the pattern always runs
        return None


@functools.lru_cache(maxsize=64)
def guards_of(patterns: tuple[re.Pattern[str], ...]) -> tuple[tuple[str, ...], tuple[Guard | None, ...]]:
    """A lexicon's guards, and every literal any of them names: a text is searched for each literal once, not
    once per pattern that names it."""
    guards = tuple(guard_of(p) for p in patterns)
    return tuple(sorted(set().union(*(g for g in guards if g)))), guards


def runnable(patterns: tuple[re.Pattern[str], ...], text: str) -> list[bool]:
    """For each pattern, whether its guard lets it run on ``text``."""
    return _runnable(guards_of(patterns), text)


def _runnable(found: tuple[tuple[str, ...], tuple[Guard | None, ...]], text: str) -> list[bool]:
    literals, guards = found
    folded = fold(text)
    present = {literal for literal in literals if literal in folded}
    return [guard is None or not guard.isdisjoint(present) for guard in guards]


# A lexicon's guards by the identity of its pattern list (a module constant): looking a tuple of compiled patterns
# up by value would hash every pattern's compiled code on every sentence, which costs more than the guards save.
# The entry keeps the items it was made from, so a list changed in place (or an id reused) is never mistaken
# for the one it was; at most _KEPT lexicons are kept.
_KEPT = 64
_BY_LEXICON: dict[
    int, tuple[tuple[tuple[re.Pattern[str], str], ...], tuple[tuple[str, ...], tuple[Guard | None, ...]]]
] = {}


def lexicon_runnable(lexicon: Sequence[tuple[re.Pattern[str], str]], text: str) -> list[bool]:
    """``runnable`` for a lexicon of (pattern, reason) pairs, worked out once per lexicon."""
    entry = _BY_LEXICON.get(id(lexicon))
    if (
        entry is None
        or len(entry[0]) != len(lexicon)
        or any(a is not b for a, b in zip(entry[0], lexicon, strict=True))
    ):
        if len(_BY_LEXICON) >= _KEPT:
            _BY_LEXICON.clear()
        items = tuple(lexicon)
        entry = _BY_LEXICON[id(lexicon)] = (items, guards_of(tuple(p for p, _ in items)))
    return _runnable(entry[1], text)


_BY_PATTERN: dict[int, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text``: none of its guard's literals occurs in it.
    For the filters the rules search every sentence with before their lexicons (a debunked claim, a hedge)."""
    entry = _BY_PATTERN.get(id(pattern))
    if entry is None or entry[0] is not pattern:  # by identity, like lexicon_runnable
        if len(_BY_PATTERN) >= _KEPT:
            _BY_PATTERN.clear()
        guard = guard_of(pattern)
        entry = _BY_PATTERN[id(pattern)] = (pattern, None if guard is None else tuple(sorted(guard)))
    literals = entry[1]
    if literals is None:
        return True
    folded = fold(text)
    return any(literal in folded for literal in literals)


def guarded_search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern.search(text)``, without running the pattern where its guard rules it out."""
    return pattern.search(text) if may_match(pattern, text) else None


def _required(items: Any) -> Guard | None:
    """The most selective of the literal sets a match of this sequence must contain: a run of consecutive
    literals, or the union over a required alternation's branches."""
    candidates: list[Guard] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, arg in items:
        if op is sre.LITERAL and chr(arg).isascii():
            run.append(chr(arg).lower())
            continue
        if op in _ZERO_WIDTH:  # consumes nothing: the literals either side stay adjacent
            continue
        close_run()
        found = _node(op, arg)
        if found:
            candidates.append(found)
    close_run()
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(len(x) for x in s), -len(s)))


def _node(op: Any, arg: Any) -> Guard | None:
    if op is sre.SUBPATTERN:
        return _required(arg[-1])
    if op is sre.ATOMIC_GROUP:
        return _required(arg)
    if op in _REPEATS:
        return _required(arg[2]) if arg[0] >= 1 else None
    if op is sre.BRANCH:
        branches = [_required(branch) for branch in arg[1]]
        if any(b is None for b in branches):
            return None
        return frozenset().union(*(b for b in branches if b is not None))
    if op is sre.IN and arg and all(o is sre.LITERAL and chr(v).isascii() for o, v in arg):
        return frozenset(chr(v).lower() for _, v in arg)
    return None  # any character, a class, a category, a back-reference: nothing certain to read
