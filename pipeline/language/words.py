"""Words as the checks count them: tokens, plurals folded, numbers, clauses, and rarity in English.

A leaf module (see the package docstring): the grounding rule and the knowledge base both read text
through these functions, so a fact and a statement are always cut the same way.
"""

from __future__ import annotations

import functools
import re

from wordfreq import zipf_frequency

from pipeline.language.spans import CACHE_SIZE

_WORD_NUMBERS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "thirty": "30",
    "hundred": "100",
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
}
_NUMBER = re.compile(r"(?<![A-Za-z0-9])(\d+(?:[.,]\d+)*)(?![A-Za-z0-9])")
# "one" is left out: it is as often a pronoun ("one found ..., the other ...") as a number.
_NUMBER_WORD = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|hundred)\b",
    re.IGNORECASE,
)
_ONE_UNIT = re.compile(
    r"\bone\s+(?:hours?|days?|weeks?|months?|years?|minutes?|percent|dose|in\s+\d+)\b", re.IGNORECASE
)
_PHASE = re.compile(r"\b(?:phase|schedule|type|stage|grade|class|tier|level)\s+(i{1,3}|iv|v|\d)\b", re.IGNORECASE)
# Codes mixing letters and digits (genes, enzymes, ATC codes) must be copied exactly from the facts.
_CODE = re.compile(r"\b(?=[A-Za-z0-9-]*[A-Za-z])(?=[A-Za-z0-9-]*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b")
CLAUSE = re.compile(
    r";|:|(?<=[a-z0-9)]\.)\s+(?=[A-Z])|,\s*(?:so|and|but|while|whereas|although)\b|"
    r"\bbut\b|\bwhereas\b|\bwhile\b|"
    r"\balthough\b|\band\s+(?=(?:has|have|had|is|are|was|were|lists|records|gives|does|did|"
    r"warns|notes|states|describes|calls|carries|reports)\b)",
    re.IGNORECASE,
)
TOKEN = re.compile(r"[a-z0-9%]+")
# Words rarer than this in general English (wordfreq's Zipf scale) are technical: drug names,
# effects, invented names. A statement may use one only if its cited facts do.
RARE_ZIPF = 3.0


@functools.lru_cache(maxsize=CACHE_SIZE)
def is_rare(word: str) -> bool:
    """True for alphabetic words of 4+ letters that are rare in general English."""
    return len(word) >= 4 and word.isalpha() and zipf_frequency(word, "en") < RARE_ZIPF


@functools.lru_cache(maxsize=CACHE_SIZE)
def rare_words(text: str) -> tuple[str, ...]:
    """The technical words of a text, as matching (singular) tokens; rarity is judged on the word as written
    (memoised: pure, and framing sentences recur on every page)."""
    raw = TOKEN.findall(text.casefold().replace("’", "'").replace("'s ", " ").replace("'", ""))
    return tuple(dict.fromkeys(singular(w) for w in raw if is_rare(w) and is_rare(singular(w))))


def singular(word: str) -> str:
    if len(word) > 4 and word.isalpha():
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
            return word[:-1]
    return word


@functools.lru_cache(maxsize=CACHE_SIZE)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-case word tokens, possessives dropped and plurals folded, for matching."""
    folded = text.casefold().replace("’", "'").replace("'s ", " ").replace("'", "")
    return tuple(singular(t) for t in TOKEN.findall(folded))


@functools.lru_cache(maxsize=CACHE_SIZE)
def normalize(text: str) -> str:
    """Tokens joined by single spaces, padded so phrases match on word boundaries."""
    return " " + " ".join(tokens(text)) + " "


@functools.lru_cache(maxsize=CACHE_SIZE)
def numbers_in(text: str) -> frozenset[str]:
    """Numbers a text states, with words and phase numerals folded to digits."""
    found = {m.group(1).replace(",", "") for m in _NUMBER.finditer(text)}
    found |= {_WORD_NUMBERS[m.group(1).lower()] for m in _NUMBER_WORD.finditer(text)}
    found |= {"1" for _ in _ONE_UNIT.finditer(text)}
    found |= {_WORD_NUMBERS.get(m.group(1).lower(), m.group(1)) for m in _PHASE.finditer(text)}
    found |= {m.group(0).upper() for m in _CODE.finditer(text)}
    return frozenset(found)


@functools.lru_cache(maxsize=CACHE_SIZE)
def clauses(text: str) -> tuple[str, ...]:
    """A sentence cut at semicolons, colons and clause-joining conjunctions."""
    parts = [p.strip() for p in CLAUSE.split(text)]
    return tuple(p for p in parts if p)
