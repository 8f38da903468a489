"""The `citations` and `grounded` rules: every claim cites facts that support it.

A statement is grounded when what it asserts is in the facts it cites:
  - every drug or condition, organ system, adverse effect, evidence-strength
    claim, other medical term (MeSH, DrugCentral) and number it names appears in
    its cited facts (organ systems may also come from the facts' tags);
  - within each clause, what it says of a drug or condition is said of that same
    drug or condition by one cited fact (so an effect cannot move to another compound);
  - each clause keeps the polarity of the fact clause it restates (no negation flips).
Framing statements cite nothing, so they may name only the page's own compound,
condition and standard treatments, and no other medical term or number.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.checks.document import Unit, split_sentences
from pipeline.checks.findings import Finding, Severity
from pipeline.checks.lexicon import Lexicon, remember
from pipeline.checks.support import choose_support, unsupported
from pipeline.language.words import normalize, numbers_in, rare_words


@dataclass(frozen=True)
class GroundingOptions:
    """Which parts of the grounding test run: all of them, except when the evaluation measures each one's
    share (`eval/ablation.py`)."""

    specific_support: bool = True  # a hand edit is held to the few facts that say most of it
    strict_content: bool = True  # model-drafted and hand-edited text may add no content word


_OPTIONS = GroundingOptions()


@contextmanager
def grounding_options(options: GroundingOptions) -> Iterator[None]:
    """Run the grounding test with some parts switched off, for measuring them (never in production)."""
    global _OPTIONS
    saved, _OPTIONS = _OPTIONS, options
    try:
        yield
    finally:
        _OPTIONS = saved


@dataclass(frozen=True)
class FactView:
    """The parts of a fact the grounding rule needs (also what a sidecar stores)."""

    text: str
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    kind: str = ""


@dataclass
class GroundingContext:
    """The facts a page was given and the names it may use without citing."""

    lexicon: Lexicon
    facts: dict[str, FactView]
    page_entities: set[str]
    allowed_words: frozenset[str] = frozenset()  # technical words framing may use (page names, domains)
    # The built-in composer's own statements for this page, normalised: reviewed code, not model or hand
    # text, so its connecting words are not held to the strict new-content test.
    composed: frozenset[str] = frozenset()
    # the facts are the knowledge base's own, validated on loading (not a sidecar's, which anyone can edit)
    facts_verified: bool = False

    def is_composed(self, text: str) -> bool:
        return normalize(text) in self.composed


@functools.lru_cache(maxsize=64)
def composed_forms(statements: tuple[str, ...]) -> frozenset[str]:
    """The normalised forms a composer statement can take on a page: whole (in a draft) and sentence by
    sentence (on the rendered page)."""
    out: set[str] = set()
    for statement in statements:
        out.add(normalize(statement))
        out.update(normalize(sentence) for sentence in split_sentences(statement))
    return frozenset(out)


def check_citations(units: Iterable[Unit], ctx: GroundingContext) -> list[Finding]:
    """Every factual statement cites at least one fact, and only facts given for the page."""
    out = []
    for unit in units:
        if unit.fact_ids is None or not unit.drafted:
            continue
        if not unit.fact_ids and not unit.framing:
            out.append(
                Finding(
                    rule="citations",
                    severity=Severity.ERROR,
                    section=unit.section,
                    text=unit.text,
                    sentence=unit.text,
                    message="factual statement cites no fact; cite the fact ids it rests on",
                )
            )
        for fid in unit.fact_ids:
            if fid not in ctx.facts:
                out.append(
                    Finding(
                        rule="citations",
                        severity=Severity.ERROR,
                        section=unit.section,
                        text=fid,
                        sentence=unit.text,
                        fact_ids=[fid],
                        message=f"cites fact {fid!r}, which was not given for this page; cite only the selected facts",
                    )
                )
    return out


def _finding(unit: Unit, span: str, why: str, fact_ids: list[str]) -> Finding:
    return Finding(
        rule="grounded",
        severity=Severity.ERROR,
        section=unit.section,
        text=span,
        sentence=unit.text,
        fact_ids=fact_ids,
        message=why,
    )


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
        what = "names an entity outside this page" if term.kind == "entity" else f"states a medical {term.kind}"
        out.append(
            _finding(
                unit, term.surface, f"uncited framing sentence {what}; cite the fact that supports it or remove it", []
            )
        )
    for number in sorted(numbers_in(unit.text)):
        if number.lower() not in ctx.allowed_words:
            out.append(_finding(unit, number, "uncited framing sentence states a number; cite its fact", []))
    covered = {w for t in ctx.lexicon.find(unit.text) for w in t.surface.split()}
    for word in rare_words(unit.text):
        if word not in covered and word not in ctx.allowed_words:
            out.append(
                _finding(
                    unit,
                    word,
                    "uncited framing sentence uses a technical word; cite the fact that supports it or remove it",
                    [],
                )
            )
    return out


def _check_supported(unit: Unit, fact_ids: list[str], ctx: GroundingContext) -> list[Finding]:
    if unit.inferred and _OPTIONS.specific_support:  # a hand edit cites sources: hold it to the facts that say it
        fact_ids = choose_support(unit.text, [(fid, ctx.facts[fid].text) for fid in fact_ids])
    facts = tuple((fid, ctx.facts[fid].text, ctx.facts[fid].tags) for fid in fact_ids)
    strict = _OPTIONS.strict_content and (unit.inferred or not ctx.is_composed(unit.text))
    key = (unit.text, facts, strict)
    problems = remember(ctx.lexicon.verdicts, key, lambda: tuple(unsupported(unit.text, facts, ctx.lexicon, strict)))
    return [_finding(unit, span, why, fact_ids) for span, why in problems]
