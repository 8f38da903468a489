"""What the rules read: units of text (sentences or statements) located by section.

A draft yields one unit per statement, with its cited fact ids. A rendered page
is parsed back into sections and sentences, so that hand edits are checked too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from pipeline.language.spans import CACHE_SIZE
from pipeline.page import DRAFTED_SECTIONS, REQUIRED_SECTIONS, SECTION_PATTERNS, TITLE

__all__ = [
    "DRAFTED_SECTIONS",
    "REQUIRED_SECTIONS",
    "SECTION_PATTERNS",
    "TITLE",
    "ParsedPage",
    "Unit",
    "headline",
    "parse_page",
    "plain",
    "section_of",
    "split_sentences",
    "strip_markers",
]


def headline(name: str) -> str:
    """A condition's short name as a heading word: 'hypertension' -> 'Hypertension', 'bipolar disorder' ->
    'Bipolar Disorder'; acronyms and names already capitalised stay as written ('ALS', "Crohn's disease")."""
    return " ".join(w[:1].upper() + w[1:] if w[:1].islower() else w for w in name.split(" "))


MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
# Not "etc.": followed by a capital it nearly always ends a sentence ("..., nausea, etc. Ketamine ...").
_ABBREVIATIONS = ("e.g.", "i.e.", "U.S.", "vs.", "Dr.", "al.", "approx.", "No.", "Inc.", "Ltd.")
# the whitespace after a sentence's end: group 1 (a leading character, not a look-behind, is faster to find)
_SPLIT = re.compile(r"[.!?](\s+)(?=[A-Z0-9\"“(*])")


class Unit(NamedTuple):
    """A piece of text the rules inspect, with what it cites when known (a named tuple: pages have a hundred
    of them, built twice per page, and a frozen dataclass costs three times as much to make)."""

    section: str
    text: str
    fact_ids: tuple[str, ...] | None = None  # None: not known (page without sidecar)
    framing: bool = False
    drafted: bool = False
    citations: tuple[int, ...] = ()
    group: str | None = None
    label: str | None = None  # a drafted bullet's label (a treatment): the same fact may recur under another
    inferred: bool = False  # fact_ids are every fact of the sources its citation numbers name (a hand edit)


@dataclass
class ParsedPage:
    """A Markdown page split into title, headings, sections and sentences."""

    title: str | None
    headings: list[tuple[int, str, str | None]]  # (level, text, section id)
    units: list[Unit]
    references: dict[int, str] = field(default_factory=dict)
    section_text: dict[str, str] = field(default_factory=dict)
    entries: list[tuple[int, str]] = field(default_factory=list)  # reference entries as written, in order
    stray: list[Unit] = field(default_factory=list)  # text under References that is not a reference entry


@functools.lru_cache(maxsize=CACHE_SIZE)
def split_sentences(text: str) -> tuple[str, ...]:
    """Split prose into sentences, but not after an abbreviation (memoised: pure)."""
    parts: list[str] = []
    start = 0
    for m in _SPLIT.finditer(text):
        end = m.start(1)
        if not _abbreviated(text, end, text[m.end()]):
            parts.append(text[start:end].strip())
            start = m.end()
    parts.append(text[start:].strip())
    return tuple(p for p in parts if p)


def _abbreviated(text: str, end: int, following: str) -> bool:
    """True when ``text[:end]`` ends with an abbreviation written as a word of its own: "et al." does,
    "trial." does not, so a sentence that ends in "trial." is not run into the next one. "No." is one only
    before a number ("No. 5"); "No. Emerging evidence ..." is an answer, then a sentence."""
    for abbr in _ABBREVIATIONS:
        if text.endswith(abbr, 0, end):
            before = end - len(abbr) - 1
            if abbr == "No." and not following.isdigit():
                return False
            return before < 0 or not text[before].isalpha()
    return False


_DIGITS = re.compile(r"\d+")
_BRACKETS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")  # MARKER without its leading whitespace: faster to find


@functools.lru_cache(maxsize=CACHE_SIZE)
def strip_markers(text: str) -> tuple[str, tuple[int, ...]]:
    """Remove citation markers, returning the plain text and the cited numbers."""
    if "[" not in text:
        return text.strip(), ()
    numbers: list[int] = []
    pieces: list[str] = []
    last = 0
    for m in _BRACKETS.finditer(text):
        pieces.append(text[last : m.start()].rstrip())  # the whitespace before a marker goes with it (MARKER)
        numbers += [int(n) for n in _DIGITS.findall(m.group(1))]  # int() rejects some of \s (U+001C)
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces).strip(), tuple(numbers)


_ESCAPED = re.compile(r"\\([*_`])")
_TO_ESCAPE = re.compile(r"([*`])")


def escape_markdown(text: str) -> str:
    """Fact text as Markdown that shows it literally: '*' and '`' escaped ("HLA-B*1502" stays one token)."""
    if "*" not in text and "`" not in text:  # most text: nothing to escape
        return text
    return _TO_ESCAPE.sub(r"\\\1", text)


_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


@functools.lru_cache(maxsize=CACHE_SIZE)
def plain(text: str) -> str:
    """Markdown emphasis and link syntax removed, escaped characters kept as written, whitespace folded."""
    escapes = "\\" in text or "\x00" in text
    if escapes:  # escaped characters stand in as NUL-delimited placeholders while emphasis goes
        text = _ESCAPED.sub(lambda m: f"\x00{ord(m.group(1))}\x00", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "*" in text or "_" in text or "`" in text:
        text = _EMPHASIS.sub("", text)
    if escapes:
        text = _PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), text)
    return " ".join(text.split())  # the same whitespace as the pattern \s (str.isspace)


def section_of(heading: str) -> tuple[str | None, re.Match[str] | None]:
    """Which page section a level-2 heading opens, if any."""
    for section_id, pattern in SECTION_PATTERNS:
        m = pattern.match(heading.strip())
        if m:
            return section_id, m
    return None, None


_LABEL = re.compile(r"^\*\*(?P<label>[^*]+?):?\*\*:?\s*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^(?:[-*•]|\d+\.)\s+")
_REFERENCE = re.compile(r"^(\d+)\.\s+(.*)$")


def parse_page(markdown: str) -> ParsedPage:
    """Parse a rendered (possibly hand-edited) page into located units."""
    title: str | None = None
    headings: list[tuple[int, str, str | None]] = []
    units: list[Unit] = []
    references: dict[int, str] = {}
    entries: list[tuple[int, str]] = []
    stray: list[Unit] = []
    section_lines: dict[str, list[str]] = {}
    current = "front"
    lines: list[str] | None = None  # the current section's lines, once it has one
    block: list[str] = []  # stripped lines of the paragraph or list item being read

    def flush() -> None:
        raw = " ".join(block)  # every line in it is already stripped
        block.clear()
        if current == "references":
            m = _REFERENCE.match(raw)
            if m:
                entries.append((int(m.group(1)), plain(m.group(2))))
                references.setdefault(int(m.group(1)), plain(m.group(2)))
            else:  # a paragraph, code fence or setext heading slipped in after the bibliography
                stray.append(Unit(current, plain(raw)))
                units.append(stray[-1])
            return
        if raw.startswith("**"):
            label = _LABEL.match(raw)
            if label:
                units.append(Unit(current, plain(label.group("label"))))
                raw = raw[label.end() :]
        drafted = current in DRAFTED_SECTIONS
        for sentence in split_sentences(plain(raw)):
            text, numbers = strip_markers(sentence)
            if text:
                units.append(Unit(current, text, None, False, drafted, numbers))

    for line in markdown.splitlines():
        stripped = line.strip()
        heading = _HEADING.match(stripped) if stripped.startswith("#") else None
        if heading:
            if block:
                flush()
            level, text = len(heading.group(1)), heading.group(2).strip()
            if level == 1 and title is None:
                title = text
                headings.append((1, text, "title"))
                continue
            section_id = section_of(text)[0] if level == 2 else None
            if level == 2:
                current = section_id or f"unknown:{text}"
                lines = None
            headings.append((level, text, section_id))
            units.append(Unit(current, text))
            if current == "references" and section_id != "references":
                stray.append(units[-1])
            continue
        if lines is None:
            lines = section_lines.setdefault(current, [])
        lines.append(line)
        if not stripped:
            if block:
                flush()
        elif (stripped[0] in "-*•" or stripped[0].isdecimal()) and _ITEM.match(stripped):
            if block:
                flush()
            block.append(_ITEM.sub("", stripped, count=1) if current != "references" else stripped)
        else:
            block.append(stripped)
    if block:
        flush()
    return ParsedPage(
        title,
        headings,
        units,
        references,
        {k: "\n".join(v) for k, v in section_lines.items()},
        entries,
        stray,
    )
