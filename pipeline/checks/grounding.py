"""The `citations` and `grounded` rules: every claim cites facts that support it.

Support is checked term by term: every drug or condition, organ system,
adverse effect, evidence-strength claim and number in a statement must appear
in the facts it cites (organ systems may also come from the facts' tags), and
a statement may not negate what its facts affirm or the reverse. Framing
statements cite nothing, so they may name only the page's own compound,
condition and standard treatments, and no organ, effect, claim or number.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.checks.document import Unit
from pipeline.checks.findings import Finding, Severity
from pipeline.knowledge.base import KnowledgeBase

_WORD_NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "hundred": "100", "i": "1", "ii": "2", "iii": "3", "iv": "4",
}
_NUMBER = re.compile(r"(?<![A-Za-z0-9])(\d+(?:[.,]\d+)*)(?![A-Za-z0-9])")
_NUMBER_WORD = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                          r"twenty|thirty|hundred)\b", re.IGNORECASE)
_PHASE = re.compile(r"\bphase\s+(i{1,3}|iv|\d)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(no|not|never|neither|nor|none|cannot|without|lacks?)\b|n't\b",
                       re.IGNORECASE)


@functools.lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Lower-case words separated by single spaces; keeps digits and % for numbers."""
    text = text.casefold().replace("’", "'").replace("'s", "").replace("'", "")
    return " " + re.sub(r"[^a-z0-9%]+", " ", text).strip() + " "


@functools.lru_cache(maxsize=65536)
def numbers_in(text: str) -> frozenset[str]:
    """Numbers a text states, with words and phase numerals folded to digits."""
    found = {m.group(1).replace(",", "") for m in _NUMBER.finditer(text)}
    found |= {_WORD_NUMBERS[m.group(1).lower()] for m in _NUMBER_WORD.finditer(text)}
    found |= {_WORD_NUMBERS.get(m.group(1).lower(), m.group(1)) for m in _PHASE.finditer(text)}
    return frozenset(found)


@dataclass(frozen=True)
class Term:
    """A recognised term: what kind it is and the key it resolves to."""

    kind: str  # entity | organ | effect | claim
    key: str
    surface: str


@dataclass
class Lexicon:
    """The medical vocabulary the grounding rule can recognise, built from the knowledge base."""

    terms: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalized phrase -> (kind, key)
    _pattern: re.Pattern[str] | None = None
    _found: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    verdicts: dict[tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]], tuple[tuple[str, str], ...]] = (
        field(default_factory=dict))

    def add(self, phrase: str, kind: str, key: str) -> None:
        norm = normalize(phrase).strip()
        if norm and norm not in self.terms:
            self.terms[norm] = (kind, key)
            self._pattern = None
            self._found.clear()

    def find(self, text: str) -> tuple[Term, ...]:
        """Every term in ``text``, longest match first, without overlaps (memoised per text)."""
        cached = self._found.get(text)
        if cached is None:
            cached = self._found[text] = tuple(self._scan(text))
        return cached

    def _scan(self, text: str) -> list[Term]:
        if self._pattern is None:
            alternatives = sorted(self.terms, key=len, reverse=True)
            self._pattern = re.compile(r" (" + "|".join(map(re.escape, alternatives)) + r")(?= )")
        norm = normalize(text)
        out: list[Term] = []
        pos = 0
        while True:
            m = self._pattern.search(norm, pos)
            if not m:
                return out
            kind, key = self.terms[m.group(1)]
            out.append(Term(kind, key, m.group(1)))
            pos = m.end()


def build_lexicon(kb: KnowledgeBase) -> Lexicon:
    """Entity names and aliases, organ terms, effect and claim terms from the knowledge base."""
    lex = Lexicon()
    groups = (("compound", kb.compounds), ("treatment", kb.treatments), ("condition", kb.conditions))
    for prefix, entities in groups:
        for entity in entities.values():
            key = f"{prefix}:{entity.id}"
            names = [entity.id.replace("-", " "), entity.name, *entity.aliases]
            names.append(getattr(entity, "short_name", entity.name))
            for name in names:
                lex.add(name, "entity", key)
                for part in re.split(r"[/()]| and ", name):
                    if len(part.strip()) > 3:
                        lex.add(part, "entity", key)
    for organ_id, organ in kb.vocabulary.organ_systems.items():
        for term in organ.terms:
            lex.add(term, "organ", organ_id)
    for term in kb.vocabulary.effect_terms:
        lex.add(term, "effect", normalize(term).strip())
    for term in kb.vocabulary.claim_terms:
        lex.add(term, "claim", normalize(term).strip())
    return lex


@dataclass(frozen=True)
class FactView:
    """The parts of a fact the grounding rule needs (also what a sidecar stores)."""

    text: str
    tags: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass
class GroundingContext:
    """The facts a page was given and the names it may use without citing."""

    lexicon: Lexicon
    facts: dict[str, FactView]
    page_entities: set[str]


def check_citations(units: Iterable[Unit], ctx: GroundingContext) -> list[Finding]:
    """Every factual statement cites at least one fact, and only facts given for the page."""
    out = []
    for unit in units:
        if unit.fact_ids is None or not unit.drafted:
            continue
        if not unit.fact_ids and not unit.framing:
            out.append(Finding(rule="citations", severity=Severity.ERROR, section=unit.section,
                               text=unit.text, sentence=unit.text,
                               message="factual statement cites no fact; cite the fact ids it rests on"))
        for fid in unit.fact_ids:
            if fid not in ctx.facts:
                out.append(Finding(rule="citations", severity=Severity.ERROR, section=unit.section,
                                   text=fid, sentence=unit.text, fact_ids=[fid],
                                   message=f"cites fact {fid!r}, which was not given for this page; "
                                           "cite only the selected facts"))
    return out


def _finding(unit: Unit, span: str, why: str, fact_ids: list[str]) -> Finding:
    return Finding(rule="grounded", severity=Severity.ERROR, section=unit.section, text=span,
                   sentence=unit.text, fact_ids=fact_ids, message=why)


def check_grounded(units: Iterable[Unit], ctx: GroundingContext) -> list[Finding]:
    """Each statement says only what its cited facts support."""
    out: list[Finding] = []
    for unit in units:
        if unit.fact_ids is None or not unit.drafted:
            continue
        known = [fid for fid in unit.fact_ids if fid in ctx.facts]
        if unit.framing and not unit.fact_ids:
            out += _check_framing(unit, ctx)
        elif known:
            out += _check_supported(unit, known, ctx)
    return out


def _check_framing(unit: Unit, ctx: GroundingContext) -> list[Finding]:
    out = []
    for term in ctx.lexicon.find(unit.text):
        if term.kind == "entity" and term.key in ctx.page_entities:
            continue
        what = "names an entity outside this page" if term.kind == "entity" else f"states a {term.kind}"
        out.append(_finding(unit, term.surface, f"uncited framing sentence {what}; "
                            "cite the fact that supports it or remove it", []))
    for number in sorted(numbers_in(unit.text)):
        out.append(_finding(unit, number, "uncited framing sentence states a number; cite its fact", []))
    return out


def _check_supported(unit: Unit, fact_ids: list[str], ctx: GroundingContext) -> list[Finding]:
    facts = tuple((fid, ctx.facts[fid].text, ctx.facts[fid].tags) for fid in fact_ids)
    key = (unit.text, facts)
    problems = ctx.lexicon.verdicts.get(key)
    if problems is None:
        # The same statement over the same facts recurs across a draft, its page and a batch.
        problems = ctx.lexicon.verdicts[key] = tuple(_unsupported(unit.text, facts, ctx.lexicon))
    return [_finding(unit, span, why, fact_ids) for span, why in problems]


def _unsupported(text: str, facts: tuple[tuple[str, str, tuple[str, ...]], ...],
                 lexicon: Lexicon) -> list[tuple[str, str]]:
    """(span, reason) for everything in ``text`` that the facts do not support."""
    support_text = " ".join(fact_text for _, fact_text, _ in facts)
    support_norm = normalize(support_text)
    support_terms = lexicon.find(support_text)
    entities = {t.key for t in support_terms if t.kind == "entity"}
    organs = {t.key for t in support_terms if t.kind == "organ"} | {t for _, _, tags in facts for t in tags}
    out = []
    for term in lexicon.find(text):
        if term.kind == "entity" and term.key not in entities:
            out.append((term.surface, "names a drug or condition that its cited facts do not mention; "
                        "cite the fact that names it"))
        elif term.kind == "organ" and term.key not in organs:
            out.append((term.surface, f"speaks of the {term.key} system but its cited facts do not; "
                        "cite the fact about that organ system"))
        elif term.kind in ("effect", "claim") and f" {term.surface} " not in support_norm:
            kind = "adverse effect" if term.kind == "effect" else "evidence claim"
            out.append((term.surface, f"states an {kind} that its cited facts do not contain; "
                        "keep to what the facts say"))
    for number in sorted(numbers_in(text) - numbers_in(support_text)):
        out.append((number, "states a number that its cited facts do not contain"))
    negation = _NEGATION.search(text)
    fact_negated = [bool(_NEGATION.search(fact_text)) for _, fact_text, _ in facts]
    if negation and not any(fact_negated):
        out.append((negation.group(0), "negates a claim that its cited facts state positively"))
    elif not negation and all(fact_negated):
        out.append((text[:60], "states positively what its cited facts negate"))
    return out
