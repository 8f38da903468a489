"""The checks: rules every draft and every rendered page must pass.

Two entry points: ``check_draft`` on the structured draft (before rendering)
and ``check_markdown`` on a page as it is on disk, with or without its sidecar.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.checks import fact_rules, page_rules, text_rules  # noqa: F401 - importing registers the rules
from pipeline.checks.document import Unit, parse_page, plain, split_sentences, strip_markers
from pipeline.checks.findings import Finding, Severity, has_errors
from pipeline.checks.grounding import FactView, GroundingContext, composed_forms
from pipeline.checks.lexicon import Lexicon, build_lexicon
from pipeline.checks.registry import (
    RULES,
    CheckInput,
    PageNames,
    Rule,
    Scope,
    code_version,
    register,
    rule_ids,
    run_rules,
)
from pipeline.draft import Draft, StatementKind
from pipeline.knowledge.selection import Selection
from pipeline.language.normalize import foreign_letters, normalise
from pipeline.language.words import numbers_in, tokens
from pipeline.settings import SiteSettings

# Derived from the registry, never listed by hand.
RULE_IDS = rule_ids()
TEXT_ONLY_RULES = rule_ids(Scope.SENTENCE, Scope.PAGE)  # what runs on a page without its sidecar
SENTENCE_RULES = rule_ids(Scope.SENTENCE)  # what runs on one sentence (patient text, knowledge facts)
# Part of every page key and sidecar: "3" plus a hash of the rules' code, so no bump can be forgotten.
RULES_VERSION = f"3+{code_version()}"

__all__ = [
    "RULES",
    "RULES_VERSION",
    "RULE_IDS",
    "SENTENCE_RULES",
    "TEXT_ONLY_RULES",
    "FactView",
    "Finding",
    "Lexicon",
    "PageNames",
    "Rule",
    "Scope",
    "Severity",
    "Trusted",
    "build_lexicon",
    "check_draft",
    "check_markdown",
    "check_sentence",
    "check_statement",
    "grounding_context",
    "has_errors",
    "page_names",
    "register",
]


def page_names(selection: Selection) -> PageNames:
    """The names a page about this selection must use."""
    return PageNames(
        compound=selection.compound.name,
        condition=selection.condition.name,
        condition_short=selection.condition.short_name,
        treatments={tf.treatment.name: tf.treatment.aliases for tf in selection.treatments},
    )


def allowed_words(settings: SiteSettings, names: list[str]) -> frozenset[str]:
    """Technical words a framing sentence may use: the page's own names and the allowed link domains."""
    return _allowed_words(tuple(settings.allowed_domains), tuple(names))


@functools.lru_cache(maxsize=1024)
def _allowed_words(domains: tuple[str, ...], names: tuple[str, ...]) -> frozenset[str]:
    text = " ".join([*names, *(d.replace(".", " ") for d in domains)])
    # numbers and codes inside names ("interferon beta-1a") are part of the name, not a claim
    return frozenset(tokens(text)) | {n.lower() for n in numbers_in(" ".join(names))}


def _page_entities(selection: Selection, lexicon: Lexicon) -> frozenset[str]:
    """The entities a page may name without a citation: its compound, condition and treatments."""
    entities = {f"compound:{selection.compound.id}", f"condition:{selection.condition.id}"}
    entities |= {f"treatment:{tf.treatment.id}" for tf in selection.treatments}
    # a treatment that is also a compound, or a form of one (hydroxychloroquine, esketamine), is named on this
    # page as a treatment: whatever entity the lexicon reads its name as belongs to the page
    entities |= {f"compound:{tf.treatment.id}" for tf in selection.treatments}
    entities |= {
        term.key.split("/")[0]
        for tf in selection.treatments
        for name in (tf.treatment.name, *tf.treatment.aliases)
        for term in lexicon.find(name)
        if term.kind == "entity"
    }
    return frozenset(entities)


def grounding_context(selection: Selection, lexicon: Lexicon, settings: SiteSettings) -> GroundingContext:
    """The facts given for a page and the entities and words it may use without a citation."""
    # the same selection is checked as a draft, then as a page (and again on a re-ask), and its sidecar records
    # the same context: its fact views and entities are worked out once
    facts = selection.memo(
        "_fact_views",
        lambda: {fid: FactView(f.text, f.tags, f.sources, f.kind.value) for fid, f in selection.facts.items()},
    )
    # by lexicon: the memo holds the lexicon it was worked out with, and answers only for that one
    known: dict[int, tuple[Lexicon, frozenset[str]]] = selection.memo("_page_entities", dict)
    found = known.get(id(lexicon))
    if found is None or found[0] is not lexicon:
        found = known[id(lexicon)] = (lexicon, _page_entities(selection, lexicon))
    entities = set(found[1])
    names = [
        selection.compound.name,
        *selection.compound.aliases,
        selection.condition.name,
        selection.condition.specialist,
        *(tf.treatment.name for tf in selection.treatments),
    ]
    return GroundingContext(lexicon, facts, entities, allowed_words(settings, names), facts_verified=True)


def check_draft(
    draft: Draft,
    selection: Selection,
    settings: SiteSettings,
    lexicon: Lexicon,
    extra_words: frozenset[str] = frozenset(),
    composed: Collection[str] = (),
) -> list[Finding]:
    """Run every rule that applies to a structured draft.

    ``extra_words`` are technical words framing sentences may echo (a patient's own medication
    names in a personalized report), on top of the page's names. ``composed`` are the built-in composer's
    statements for this pair: reviewed wording, exempt from the strict new-content test.
    """
    units = [
        Unit(
            section.id._value_,  # _value_, not value: a plain attribute, read per statement
            st.text,
            tuple(st.fact_ids),
            st.kind is StatementKind.FRAMING,
            True,
            group=st.group,
            label=st.label,
        )
        for section in draft.sections
        for st in section.statements
    ]
    units += [Unit(section.id.value, st.label) for section in draft.sections for st in section.statements if st.label]
    ctx = grounding_context(selection, lexicon, settings)
    ctx.allowed_words = ctx.allowed_words | extra_words
    ctx.composed = composed_forms(tuple(composed))
    doc = CheckInput(
        units,
        settings,
        grounding=ctx,
        names=page_names(selection),
        is_draft=True,
        required=dict(selection.required),
        gaps=selection.gaps,
    )
    return run_rules(doc)


@dataclass
class Trusted:
    """What a saved page is checked against, taken from the knowledge base rather than from its sidecar:
    a hand-edited sidecar must not be able to ground a claim (see pipeline/provenance.py)."""

    facts: dict[str, FactView]
    citations: dict[str, str]  # source id -> its citation as the bibliography prints it
    page_entities: set[str]
    names: PageNames
    page_names: list[str]
    required: dict[str, str]
    gaps: tuple[str, ...]
    template: dict[str, frozenset[str]] | None = None
    findings: list[Finding] = field(default_factory=list)
    composed: tuple[str, ...] = ()  # the built-in composer's statements for the pair


def check_markdown(
    markdown: str,
    settings: SiteSettings,
    sidecar: Mapping[str, Any] | None = None,
    lexicon: Lexicon | None = None,
    extra_words: frozenset[str] = frozenset(),
    trusted: Trusted | None = None,
    known_citations: Collection[str] = (),
    composed: Collection[str] = (),
    facts_verified: bool = False,
) -> tuple[list[Finding], bool]:
    """Check a rendered page; returns (findings, whether grounding ran).

    The page is normalised first (entities, tags, full-width and invisible characters, look-alike
    letters), so every rule reads what a reader sees. With a sidecar (and a lexicon) every rule runs:
    each sentence is matched to the statement it came from, and an edited sentence is grounded
    against the facts behind its citation numbers; ``trusted`` replaces what the sidecar claims about
    facts, sources and names with the knowledge base's. Without one only the text-only rules run, and
    reference entries that are not among ``known_citations`` are checked as text.
    """
    normal = normalise(markdown)
    page = parse_page(normal.text)
    disguises, foreign = normal.disguises, tuple(foreign_letters(normal.text))
    if sidecar is None or lexicon is None:
        known = {plain(c) for c in known_citations}
        units = page.units + [Unit("references", text) for _, text in page.entries if text not in known]
        doc = CheckInput(units, settings, page=page, disguises=disguises, foreign=foreign)
        return run_rules(doc, only=TEXT_ONLY_RULES), False
    # facts from the knowledge base (``trusted``, or a sidecar the caller has just built from it), not from a
    # sidecar read from disk
    verified = trusted is not None or facts_verified
    if trusted is None:
        if not composed and sidecar.get("drafter") == "composer":
            # unverified mode trusts the sidecar's facts; it trusts its record of the composer's own wording too
            composed = [str(st.get("text", "")) for st in sidecar.get("statements") or ()]
        facts = {
            fid: FactView(f["text"], tuple(f.get("tags", ())), tuple(f["sources"]), f.get("kind", ""))
            for fid, f in sidecar["facts"].items()
        }
        citations = {sid: s["citation"] for sid, s in sidecar["sources"].items()}
        trusted = Trusted(
            facts,
            citations,
            set(sidecar["page_entities"]),
            PageNames(sidecar["compound"]["name"], sidecar["condition"]["name"], sidecar["condition"]["short_name"]),
            list(sidecar.get("page_names", [])),
            dict((sidecar.get("completeness") or {}).get("required") or {}),
            tuple((sidecar.get("completeness") or {}).get("gaps") or ()),
        )
    ctx = GroundingContext(
        lexicon,
        trusted.facts,
        set(trusted.page_entities),
        allowed_words(settings, trusted.page_names) | extra_words,
        composed_forms(tuple(trusted.composed or composed)),
        facts_verified=verified,
    )
    bibliography = {
        int(n): plain(trusted.citations.get(sid, f"(unknown source {sid})")) for n, sid in sidecar["references"].items()
    }
    units = _attach_citations(page.units, sidecar, trusted.facts)
    units += [Unit("references", text) for n, text in page.entries if bibliography.get(n) != text]
    doc = CheckInput(
        units,
        settings,
        page=page,
        grounding=ctx,
        names=trusted.names,
        required=trusted.required,
        gaps=trusted.gaps,
        bibliography=bibliography,
        template=trusted.template,
        provenance=trusted.findings,
        disguises=disguises,
        foreign=foreign,
    )
    return run_rules(doc), True


_FRAMING = StatementKind.FRAMING.value


def _attach_citations(units: list[Unit], sidecar: Mapping[str, Any], facts: Mapping[str, FactView]) -> list[Unit]:
    """Give each drafted sentence the fact ids it rests on, from the sidecar or its markers."""
    known: dict[str, tuple[tuple[str, ...], bool]] = {}
    for st in sidecar["statements"]:
        cites = (tuple(st["fact_ids"]), st["kind"] == _FRAMING)
        for sentence in split_sentences(plain(st["rendered"])):
            known.setdefault(strip_markers(sentence)[0], cites)
    by_number = {int(n): sid for n, sid in sidecar["references"].items()}
    out = []
    for unit in units:
        if not unit.drafted:
            out.append(unit)
            continue
        found = known.get(unit.text)
        if found is not None:
            out.append(Unit(unit.section, unit.text, found[0], found[1], True, unit.citations))
            continue
        cited_sources = {by_number.get(n) for n in unit.citations}
        fact_ids = tuple(fid for fid, f in facts.items() if cited_sources & set(f.sources))
        out.append(Unit(unit.section, unit.text, fact_ids, False, True, unit.citations, inferred=bool(fact_ids)))
    return out


def check_sentence(text: str, settings: SiteSettings, section: str = "bottom_line") -> list[Finding]:
    """The sentence-level text rules on one sentence, as if it stood in ``section``."""
    doc = CheckInput([Unit(section, text, drafted=True)], settings)
    return run_rules(doc, only=SENTENCE_RULES)


def check_statement(
    text: str,
    fact_ids: list[str],
    facts: Mapping[str, FactView],
    lexicon: Lexicon,
    page_entities: set[str] | None = None,
) -> list[Finding]:
    """The citation and grounding rules on one statement citing ``fact_ids`` among ``facts``."""
    ctx = GroundingContext(lexicon, dict(facts), page_entities or set())
    unit = Unit("condition", text, tuple(fact_ids), not fact_ids, True)
    doc = CheckInput([unit], SiteSettings(organisation="-", disclaimer="-"), grounding=ctx)
    return run_rules(doc, only=("citations", "grounded"))
