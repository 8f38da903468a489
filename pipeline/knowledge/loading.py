"""Load knowledge/ from YAML and validate all of it, reporting every issue at once.

Layout (one entity per file so that reviews diff cleanly):

    vocabulary.yaml            organ-system tags, effect and claim terms
    sources.yaml               the bibliography
    compounds/<id>.yaml        one compound and its facts
    conditions/<id>.yaml       one condition, its standard treatments and facts
    treatments/<id>.yaml       one standard treatment and its facts
    interactions/<id>.yaml     one compound against many treatments
    evidence/<id>.yaml         one compound across conditions
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.checks.dosing import find_dosing
from pipeline.errors import KnowledgeError, KnowledgeIssue
from pipeline.knowledge.base import KnowledgeBase, normalize_name
from pipeline.knowledge.models import (
    Compound,
    Condition,
    Evidence,
    EvidenceFile,
    Fact,
    Interaction,
    InteractionFile,
    Source,
    SourceType,
    Treatment,
    Vocabulary,
)
from pipeline.knowledge.terms import read_medical_terms

# libyaml's C parser when PyYAML has it (the wheels do): an order of magnitude faster than pure Python.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", Compound, Condition, Treatment)
PF = TypeVar("PF", InteractionFile, EvidenceFile)

# Fields each source type must fill so that a reader can find the source.
REQUIRED_SOURCE_FIELDS: dict[SourceType, tuple[str, ...]] = {
    SourceType.LABEL: ("publisher",),
    SourceType.GUIDELINE: ("publisher", "year"),
    SourceType.DATASET: ("release", "license"),
    SourceType.PAPER: ("journal", "year"),
}


class _Collector:
    """Accumulates issues so one run reports everything wrong, not just the first thing."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.issues: list[KnowledgeIssue] = []

    def add(self, path: Path | str, field: str, message: str) -> None:
        shown = str(path.relative_to(self.root)) if isinstance(path, Path) else path
        self.issues.append(KnowledgeIssue(shown, field, message))

    def read(self, path: Path) -> Any:
        try:
            with path.open(encoding="utf-8") as handle:
                return yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader, in C when available
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "(parse)"
            self.add(path, where, f"invalid YAML: {getattr(exc, 'problem', exc)}; fix the syntax")
        except OSError as exc:
            self.add(path, "(file)", f"cannot read: {exc.strerror}")
        return None

    def model(self, path: Path, data: Any, cls: type[M], prefix: str = "") -> M | None:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = _format_loc(prefix, err["loc"], data)
                self.add(path, loc, _explain(err))
            return None


def _format_loc(prefix: str, loc: tuple[int | str, ...], data: Any) -> str:
    """Render a pydantic location as ``facts[2] (fact-id).text`` for humans."""
    out = prefix
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" ({node['id']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def _explain(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field; remove it or check its spelling"
    if err["type"] == "missing":
        return "required field is missing"
    return str(err["msg"])


K = TypeVar("K")
V = TypeVar("V")


def _unpaired(located: dict[K, tuple[V, Path]]) -> dict[K, V]:
    return {key: value for key, (value, _) in located.items()}


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml")) if directory.is_dir() else []


def load_knowledge(root: Path | str) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError listing every issue."""
    root = Path(root).resolve()
    c = _Collector(root)
    if not root.is_dir():
        raise KnowledgeError(
            [KnowledgeIssue(str(root), "(directory)", "not a directory; pass --knowledge DIR")]
        )
    vocab = _load_vocabulary(c, root / "vocabulary.yaml")
    sources = _load_sources(c, root / "sources.yaml")
    compounds = _load_entities(c, root / "compounds", Compound)
    conditions = _load_entities(c, root / "conditions", Condition)
    treatments = _load_entities(c, root / "treatments", Treatment)
    interactions = _load_pairs(c, root / "interactions", InteractionFile, "interactions", "treatment",
                               compounds, treatments)
    evidence = _load_pairs(c, root / "evidence", EvidenceFile, "conditions", "condition", compounds, conditions)
    kb = KnowledgeBase(
        root=root,
        vocabulary=vocab or Vocabulary(organ_systems={}),
        sources=sources,
        compounds=_unpaired(compounds),
        conditions=_unpaired(conditions),
        treatments=_unpaired(treatments),
        interactions=_unpaired(interactions),
        evidence=_unpaired(evidence),
        medical_terms=read_medical_terms(root / "lexicon" / "medical-terms.txt"),
    )
    if vocab is not None:
        _check_conditions(c, root, conditions, treatments, vocab)
    _check_aliases(c, root, compounds, conditions, treatments)
    _index_facts(c, kb, root, compounds, conditions, treatments, interactions, evidence)
    if c.issues:
        raise KnowledgeError(c.issues)
    return kb


def _load_vocabulary(c: _Collector, path: Path) -> Vocabulary | None:
    if not path.is_file():
        c.add(path.name, "(file)", "missing; the controlled vocabulary is required")
        return None
    return c.model(path, c.read(path), Vocabulary)


def _load_sources(c: _Collector, path: Path) -> dict[str, Source]:
    if not path.is_file():
        c.add(path.name, "(file)", "missing; every fact must cite a source listed here")
        return {}
    data = c.read(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        c.add(path, "sources", "expected a top-level 'sources:' list")
        return {}
    out: dict[str, Source] = {}
    for i, raw in enumerate(data["sources"]):
        src = c.model(path, raw, Source, prefix=f"sources[{i}]")
        if src is None:
            continue
        where = f"sources[{i}] ({src.id})"
        if src.id in out:
            c.add(path, f"{where}.id", f"duplicate source id {src.id!r}; ids must be unique")
        for needed in REQUIRED_SOURCE_FIELDS[src.type]:
            if getattr(src, needed) in (None, ""):
                c.add(path, f"{where}.{needed}",
                      f"a {src.type.value} source needs '{needed}' so readers can find it")
        out[src.id] = src
    return out


def _load_entities(c: _Collector, directory: Path, cls: type[E]) -> dict[str, tuple[E, Path]]:
    out: dict[str, tuple[E, Path]] = {}
    for path in _yaml_files(directory):
        entity = c.model(path, c.read(path), cls)
        if entity is None:
            continue
        ident = entity.id
        if ident != path.stem:
            c.add(path, "id", f"id {ident!r} does not match the file name; rename one of them")
        if ident in out:
            c.add(path, "id", f"duplicate {directory.name[:-1]} id {ident!r}")
            continue
        out[ident] = (entity, path)
    return out


def _load_pairs(c: _Collector, directory: Path, file_model: type[PF], items_field: str, other_field: str,
                compounds: dict[str, Any], others: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, Path]]:
    """Load compound x <other> files (interactions with treatments, evidence in conditions)."""
    other_dir = {"treatment": "treatments", "condition": "conditions"}[other_field]
    out: dict[tuple[str, str], tuple[Any, Path]] = {}
    for path in _yaml_files(directory):
        doc = c.model(path, c.read(path), file_model)
        if doc is None:
            continue
        if doc.compound not in compounds:
            c.add(path, "compound", f"unknown compound {doc.compound!r}; add compounds/{doc.compound}.yaml first")
        for i, item in enumerate(getattr(doc, items_field)):
            other = getattr(item, other_field)
            if other not in others:
                c.add(path, f"{items_field}[{i}].{other_field}",
                      f"unknown {other_field} {other!r}; add {other_dir}/{other}.yaml first")
            key = (doc.compound, other)
            if key in out:
                c.add(path, f"{items_field}[{i}]", f"duplicate {directory.name} entry for {key[0]} x {key[1]}")
            out[key] = (item, path)
    return out


def _check_conditions(c: _Collector, root: Path, conditions: dict[str, tuple[Condition, Path]],
                      treatments: dict[str, Any], vocab: Vocabulary) -> None:
    for cond, path in conditions.values():
        for i, organ in enumerate(cond.organ_systems):
            if organ not in vocab.organ_systems:
                c.add(path, f"organ_systems[{i}]",
                      f"{organ!r} is not in vocabulary.yaml organ_systems; use one of them or add it there")
        for i, st in enumerate(cond.standard_treatments):
            if st.treatment not in treatments:
                c.add(path, f"standard_treatments[{i}].treatment",
                      f"unknown treatment {st.treatment!r}; add treatments/{st.treatment}.yaml first")


def _check_aliases(c: _Collector, root: Path, *groups: dict[str, Any]) -> None:
    """Two entities of one kind answering to the same name would make resolution a guess."""
    for group in groups:
        seen: dict[str, str] = {}
        for entity, path in group.values():
            for name in {normalize_name(n) for n in (entity.id, entity.name, *entity.aliases)}:
                other = seen.setdefault(name, entity.id)
                if other != entity.id:
                    c.add(path, "aliases", f"name {name!r} also names {other!r}; make it unique")


def _index_facts(
    c: _Collector,
    kb: KnowledgeBase,
    root: Path,
    compounds: dict[str, tuple[Compound, Path]],
    conditions: dict[str, tuple[Condition, Path]],
    treatments: dict[str, tuple[Treatment, Path]],
    interactions: dict[tuple[str, str], tuple[Interaction, Path]],
    evidence: dict[tuple[str, str], tuple[Evidence, Path]],
) -> None:
    """Check every fact where it was written and index it by id."""
    located: list[tuple[Fact, Path, str]] = []
    for group in (compounds, conditions, treatments):
        for entity, path in group.values():
            located += [(f, path, f"facts[{i}] ({f.id})") for i, f in enumerate(entity.facts)]
    for (_, tid), (item, path) in interactions.items():
        located += [(f, path, f"interactions[{tid}].facts[{i}] ({f.id})") for i, f in enumerate(item.facts)]
    for (_, cid), (ev, path) in evidence.items():
        located += [(f, path, f"conditions[{cid}].facts[{i}] ({f.id})") for i, f in enumerate(ev.facts)]
    for fact, path, where in located:
        _check_fact(c, kb, fact, path, where)
        if fact.id in kb.facts:
            c.add(path, f"{where}.id", f"duplicate fact id {fact.id!r} (first in {kb.fact_files[fact.id]})")
            continue
        kb.facts[fact.id] = fact
        kb.fact_files[fact.id] = str(path.relative_to(root))


def _check_fact(c: _Collector, kb: KnowledgeBase, fact: Fact, path: Path, where: str) -> None:
    if not fact.sources:
        c.add(path, f"{where}.sources", "a fact needs at least one source from sources.yaml")
    for sid in fact.sources:
        if sid not in kb.sources:
            c.add(path, f"{where}.sources", f"unknown source {sid!r}; add it to sources.yaml")
    for tag in fact.tags:
        if tag not in kb.vocabulary.organ_systems:
            c.add(path, f"{where}.tags",
                  f"tag {tag!r} is not in vocabulary.yaml organ_systems; use one of them or add it there")
    if fact.stage is not None and fact.stage not in kb.vocabulary.stages:
        c.add(path, f"{where}.stage", f"stage {fact.stage!r} is not in vocabulary.yaml stages")
    for hit in find_dosing(fact.text):
        c.add(path, f"{where}.text",
              f"contains dosing ({hit.text!r}); facts never carry doses, frequencies or titration")


def iter_facts(kb: KnowledgeBase, ids: Iterable[str]) -> list[Fact]:
    """Facts for ids, in the order given."""
    return [kb.facts[i] for i in ids]
