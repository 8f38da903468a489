"""What the rules read: units of text (sentences or statements) located by section.

A draft yields one unit per statement, with its cited fact ids. A rendered page
is parsed back into sections and sentences, so that hand edits are checked too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

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
_ABBREVIATIONS = ("e.g.", "i.e.", "U.S.", "vs.", "Dr.", "al.", "approx.", "No.", "Inc.", "Ltd.", "etc.")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(*])")


@dataclass(frozen=True)
class Unit:
    """A piece of text the rules inspect, with what it cites when known."""

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
    """Split prose into sentences without breaking common abbreviations (memoised: pure)."""
    # only the abbreviations the text has (a text with NUL characters, which could spell a placeholder, gets all)
    present = [(i, abbr) for i, abbr in enumerate(_ABBREVIATIONS) if abbr in text or "\x00" in text]
    protected = text
    for i, abbr in present:
        protected = protected.replace(abbr, f"\x00{i}\x00")
    parts = [p.strip() for p in _SPLIT.split(protected) if p.strip()]
    if not present:
        return tuple(parts)
    out = []
    for part in parts:
        for i, abbr in present:
            part = part.replace(f"\x00{i}\x00", abbr)
        out.append(part)
    return tuple(out)


@functools.lru_cache(maxsize=CACHE_SIZE)
def strip_markers(text: str) -> tuple[str, tuple[int, ...]]:
    """Remove citation markers, returning the plain text and the cited numbers."""
    numbers: list[int] = []
    for m in MARKER.finditer(text):
        numbers += [int(n) for n in m.group(1).split(",")]
    return MARKER.sub("", text).strip(), tuple(numbers)


_ESCAPED = re.compile(r"\\([*_`])")
_TO_ESCAPE = re.compile(r"([*`])")


def escape_markdown(text: str) -> str:
    """Fact text as Markdown that shows it literally: '*' and '`' escaped ("HLA-B*1502" stays one token)."""
    if "*" not in text and "`" not in text:  # most text: nothing to escape
        return text
    return _TO_ESCAPE.sub(r"\\\1", text)


@functools.lru_cache(maxsize=CACHE_SIZE)
def plain(text: str) -> str:
    """Markdown emphasis and link syntax removed, escaped characters kept as written, whitespace folded."""
    text = _ESCAPED.sub(lambda m: f"\x00{ord(m.group(1))}\x00", text)
    text = re.sub(r"\[([^\]]+)\]\((?:[^)]+)\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_|`)", "", text)
    text = re.sub("\x00(\\d+)\x00", lambda m: chr(int(m.group(1))), text)
    return re.sub(r"\s+", " ", text).strip()


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
    block: list[str] = []

    def flush() -> None:
        if not block:
            return
        raw = " ".join(line.strip() for line in block)
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
        label = _LABEL.match(raw)
        if label:
            units.append(Unit(current, plain(label.group("label"))))
            raw = raw[label.end() :]
        drafted = current in DRAFTED_SECTIONS
        for sentence in split_sentences(plain(raw)):
            text, numbers = strip_markers(sentence)
            if text:
                units.append(Unit(current, text, drafted=drafted, citations=numbers))

    for line in markdown.splitlines():
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if heading:
            flush()
            level, text = len(heading.group(1)), heading.group(2).strip()
            if level == 1 and title is None:
                title = text
                headings.append((1, text, "title"))
                continue
            section_id = section_of(text)[0] if level == 2 else None
            if level == 2:
                current = section_id or f"unknown:{text}"
            headings.append((level, text, section_id))
            units.append(Unit(current, text))
            if current == "references" and section_id != "references":
                stray.append(units[-1])
            continue
        section_lines.setdefault(current, []).append(line)
        if not stripped:
            flush()
        elif _ITEM.match(stripped):
            flush()
            block.append(_ITEM.sub("", stripped, count=1) if current != "references" else stripped)
        else:
            block.append(stripped)
    flush()
    return ParsedPage(
        title, headings, units, references, {k: "\n".join(v) for k, v in section_lines.items()}, entries, stray
    )
