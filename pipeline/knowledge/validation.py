"""What every fact and citation must satisfy beyond its schema: known sources, tags and pharmacology terms,
label sections, plain text, and no dosing or wording a page rule would reject."""

from __future__ import annotations

import functools
from pathlib import Path

from pipeline.knowledge.base import KnowledgeBase
from pipeline.knowledge.collector import Collector
from pipeline.knowledge.models import Fact, FactKind, LabelSection, SourceType
from pipeline.language import find_absolute_safety, find_cure_claims, find_directives, find_dosing
from pipeline.language.normalize import foreign_letters, normalise
from pipeline.language.spans import CACHE_SIZE, Hit

PHARMACOLOGY = "pharmacology.yaml"


def check_fact(c: Collector, kb: KnowledgeBase, fact: Fact, path: Path, where: str) -> None:
    if not fact.sources:
        c.add(path, f"{where}.sources", "a fact needs at least one source from sources.yaml")
    for sid in fact.sources:
        if sid not in kb.sources:
            c.add(path, f"{where}.sources", f"unknown source {sid!r}; add it to sources.yaml")
    for tag in fact.tags:
        if tag not in kb.vocabulary.organ_systems:
            c.add(
                path,
                f"{where}.tags",
                f"tag {tag!r} is not in vocabulary.yaml organ_systems; use one of them or add it there",
            )
    if fact.origin is not None and fact.origin.dataset not in kb.sources:
        c.add(path, f"{where}.origin.dataset", f"unknown dataset {fact.origin.dataset!r}; add it to sources.yaml")
    if fact.stage is not None and fact.stage not in kb.vocabulary.stages:
        c.add(path, f"{where}.stage", f"stage {fact.stage!r} is not in vocabulary.yaml stages")
    text = check_plain(c, path, f"{where}.text", fact.text)
    for hit in _dosing(text):
        c.add(
            path, f"{where}.text", f"contains dosing ({hit.text!r}); facts never carry doses, frequencies or titration"
        )
    for rule, hit in _page_rules(text):
        c.add(
            path,
            f"{where}.text",
            f"the page rule {rule} would reject {hit.text!r} ({hit.reason}); attribute it "
            "to its source without instructing the reader ('the label contraindicates...', 'the label warns...')",
        )
    _pharmacology_fields(c, kb, fact, path, where)


def check_plain(c: Collector, path: Path, where: str, text: str) -> str:
    """Text that reaches a page is plain: a disguise (entity, full-width digits, soft hyphen, look-alike letter)
    would hide a dose from the rules. Returns the text as a reader sees it, for the rules to read."""
    normal = normalise(text)
    if normal.disguises:
        c.add(path, where, f"uses {', '.join(normal.disguises)}; write plain text (as normalised: {normal.text!r})")
    foreign = foreign_letters(normal.text)
    if foreign:
        c.add(path, where, f"words spelt with non-Latin letters ({', '.join(foreign)}); write them in Latin letters")
    return normal.text


def _pharmacology_fields(c: Collector, kb: KnowledgeBase, fact: Fact, path: Path, where: str) -> None:
    """Classes, properties and targets come from the controlled vocabulary; label facts name their section."""
    ph = kb.pharmacology
    for name in fact.classes:
        if name not in ph.classes:
            c.add(path, f"{where}.classes", f"unknown class {name!r}; use one from {PHARMACOLOGY} or add it there")
    for name in fact.properties:
        if name not in ph.properties:
            c.add(
                path, f"{where}.properties", f"unknown property {name!r}; use one from {PHARMACOLOGY} or add it there"
            )
    for name in fact.targets:
        if not (name in ph.classes or name in ph.properties or name in kb.compounds or name in kb.treatments):
            c.add(
                path,
                f"{where}.targets",
                f"unknown target {name!r}: not a class or property in {PHARMACOLOGY}, nor a compound or treatment id",
            )
    labels = [s for s in fact.sources if s in kb.sources and kb.sources[s].type is SourceType.LABEL]
    if fact.kind is FactKind.BOXED_WARNING and (not labels or fact.section is not LabelSection.BOXED_WARNING):
        c.add(path, f"{where}.section", "a boxed-warning fact cites a label and has section: boxed-warning")
    if fact.kind is FactKind.BOXED_WARNING and "boxed warning" not in fact.text.lower():
        c.add(
            path,
            f"{where}.text",
            "a boxed-warning fact says 'boxed warning' in its text, so a reader and the grounding rule see what it is",
        )
    if (
        fact.kind is FactKind.CONTRAINDICATION
        and labels
        and fact.section not in (LabelSection.CONTRAINDICATIONS, LabelSection.BOXED_WARNING)
    ):
        c.add(path, f"{where}.section", "a contraindication from a label has section: contraindications")
    if fact.section is not None and not labels:
        c.add(path, f"{where}.section", "only a fact citing a label source names a label section")


@functools.lru_cache(maxsize=CACHE_SIZE)
def _page_rules(text: str) -> tuple[tuple[str, Hit], ...]:
    """The sentence rules a page applies, other than dosing: a fact that trips one can never be shown."""
    return tuple(
        [("no-directive-advice", h) for h in find_directives(text)]
        + [("no-absolute-safety", h) for h in find_absolute_safety(text)]
        + [("no-cure-claims", h) for h in find_cure_claims(text)]
    )


@functools.lru_cache(maxsize=CACHE_SIZE)
def _dosing(text: str) -> tuple[Hit, ...]:
    """The dosing detector is pure and slow on thousands of imported facts: re-loads in one process reuse it."""
    return tuple(find_dosing(text))
