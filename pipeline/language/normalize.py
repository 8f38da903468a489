"""One normal form for text before any rule reads it: what a reader sees, not how it is encoded.

A rule that reads "cu\u00adres" or "Ｔａｋｅ ５００ ｍｇ" or a Cyrillic "е" inside "safе" as written would
miss what a reader sees. Every entry point (pages, facts, patient input) normalises once:
HTML entities decoded, inline tags removed, Unicode NFKC (full-width letters and digits, ligatures),
format characters removed (soft hyphen, zero-width space and joiners, bidi controls), and Latin
look-alikes from Cyrillic and Greek mapped to the Latin letters they imitate. ``disguises`` says what a
text used, so a page or a fact that needed any of it can be refused: the template and curated facts never
contain such characters.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from pipeline.language.spans import CACHE_SIZE

# Cyrillic and Greek letters drawn like Latin ones (lower and upper case).
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ɡ": "g",
        "һ": "h",
        "ӏ": "l",
        "А": "A",
        "В": "B",
        "Е": "E",
        "Ё": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "У": "Y",
        "Х": "X",
        "І": "I",
        "Ј": "J",
        "Ѕ": "S",
        "Ԁ": "D",
        "Ԛ": "Q",
        "Ԝ": "W",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "γ": "y",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ζ": "Z",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
    }
)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass(frozen=True)
class Normalised:
    """The normal form of a text and the disguises it had to undo (empty for ordinary text)."""

    text: str
    disguises: tuple[str, ...]


@functools.lru_cache(maxsize=CACHE_SIZE)
def normalise(text: str) -> Normalised:
    """The text as a reader sees it, and what it took to get there."""
    found: list[str] = []
    out = text
    for _ in range(3):  # "&amp;shy;" decodes in two steps
        decoded = html.unescape(out) if _ENTITY.search(out) else out
        if decoded == out:
            break
        found.append("HTML entities")
        out = decoded
    if _TAG.search(out):
        found.append("inline HTML tags")
        out = _TAG.sub("", out)
    folded = unicodedata.normalize("NFKC", out)
    if folded != out:
        found.append("compatibility characters (full-width or styled letters and digits)")
        out = folded
    stripped = _without_format_chars(out)
    if stripped != out:
        found.append("invisible format characters (soft hyphens, zero-width characters)")
        out = stripped
    mapped = out if out.isascii() else _unmix_words(out)
    if mapped != out:
        found.append("Cyrillic or Greek look-alikes of Latin letters")
        out = mapped
    return Normalised(out, tuple(found))


_WORD = re.compile(r"[^\W\d_]+")


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _without_format_chars(text: str) -> str:
    """The text without its format characters (Unicode category Cf: soft hyphen, zero-width and bidi
    controls, ...). Only the few non-ASCII characters a text has are looked up, not every character tested
    against the whole category."""
    if text.isascii():
        return text
    found = {ch for ch in set(_NON_ASCII.findall(text)) if unicodedata.category(ch) == "Cf"}
    return text.translate(dict.fromkeys(map(ord, found))) if found else text


def _non_ascii_words(text: str) -> list[tuple[int, int]]:
    """The spans of the letter-words (as _WORD) that hold a letter outside ASCII: only they can mix scripts."""
    spans: list[tuple[int, int]] = []
    for m in _NON_ASCII.finditer(text):
        if not m.group(0).isalpha() or (spans and m.start() < spans[-1][1]):
            continue
        start, end = m.start(), m.end()
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        while end < len(text) and text[end].isalpha():
            end += 1
        spans.append((start, end))
    return spans


def _unmix_words(text: str) -> str:
    parts, last = [], 0
    for start, end in _non_ascii_words(text):
        parts += [text[last:start], _unmix_word(text[start:end])]
        last = end
    return "".join([*parts, text[last:]])


def _unmix_word(word: str) -> str:
    """A word mixing Latin letters with look-alikes is the Latin word it imitates ("safе" -> "safe"); a Greek
    letter on its own ("ApoE ε4", "TNF-α") is left as written."""
    if any(ch.isascii() for ch in word) and any(not ch.isascii() for ch in word):
        return word.translate(_CONFUSABLES)
    return word


def foreign_letters(text: str) -> list[str]:
    """Letters from scripts other than Latin left after normalising, in words of two letters or more (a whole
    word spelt in look-alikes): a page or fact in English has none. A lone Greek letter ("ε4") is notation."""
    found = {
        ch
        for start, end in _non_ascii_words(text)
        if end - start > 1
        for ch in text[start:end]
        if not ch.isascii() and "LATIN" not in unicodedata.name(ch, "")
    }
    return sorted(found)
