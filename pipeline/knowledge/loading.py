"""Load knowledge/ from YAML and validate all of it, reporting every issue at once.

Layout (one entity per file so that reviews diff cleanly):

    vocabulary.yaml            organ-system tags, effect and claim terms
    sources.yaml, sources/*.yaml  the bibliography
    pharmacology.yaml          drug classes, pharmacological properties and their combinations
    compounds/<id>.yaml        one compound and its facts
    conditions/<id>.yaml       one condition, its standard treatments and facts
    treatments/<id>.yaml       one standard treatment and its facts
    interactions/<id>.yaml     one compound against many treatments
    evidence/<id>.yaml         one compound across conditions
    side-effect-organs.yaml    reviewed side effect -> organ-system table (importer input)
    imported/<release>/...     the same layout, written by `reviewgen knowledge import`

Hand-curated and imported files are merged by the rules in merging.py; everything is validated
after the merge, and every issue names the file it came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.errors import KnowledgeError, KnowledgeIssue
from pipeline.knowledge.base import KnowledgeBase, normalize_name
from pipeline.knowledge.collector import Collector, explain, format_loc
from pipeline.knowledge.merging import (
    PATCHES,
    Doc,
    LocatedFact,
    dataset_family,
    imported_releases,
    merge_entity,
    merge_pairs,
)
from pipeline.knowledge.models import (
    Compound,
    Condition,
    EvidenceFile,
    InteractionFile,
    Pharmacology,
    Source,
    SourceType,
    Treatment,
    Vocabulary,
)
from pipeline.knowledge.terms import read_medical_terms
from pipeline.knowledge.validation import PHARMACOLOGY, check_fact, check_plain

M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", Compound, Condition, Treatment)
PF = TypeVar("PF", InteractionFile, EvidenceFile)
ORGAN_TABLE = "side-effect-organs.yaml"

# Fields each source type must fill so that a reader can find the source.
REQUIRED_SOURCE_FIELDS: dict[SourceType, tuple[str, ...]] = {
    SourceType.LABEL: (),  # the product and "US prescribing information" in the title find it; publisher when known
    SourceType.GUIDELINE: ("publisher", "year"),
    SourceType.DATASET: ("release", "license"),
    SourceType.PAPER: ("journal", "year"),
    SourceType.AGENCY: ("publisher",),
}


K = TypeVar("K")
V = TypeVar("V")


def _unpaired(located: dict[K, tuple[V, Path]]) -> dict[K, V]:
    return {key: value for key, (value, _) in located.items()}


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml")) if directory.is_dir() else []


def load_knowledge(root: Path | str) -> KnowledgeBase:
    """Load, merge and validate a knowledge directory; raise KnowledgeError listing every issue."""
    root = Path(root).resolve()
    c = Collector(root)
    if not root.is_dir():
        raise KnowledgeError([KnowledgeIssue(str(root), "(directory)", "not a directory; pass --knowledge DIR")])
    vocab = _load_vocabulary(c, root / "vocabulary.yaml")
    pharmacology = _load_pharmacology(c, root / PHARMACOLOGY)
    sources = _load_sources(c, root / "sources.yaml")
    releases = imported_releases(root)
    located: list[LocatedFact] = []
    treatments = _load_entities(c, root, "treatments", Treatment, releases, located)
    compounds = _load_entities(c, root, "compounds", Compound, releases, located)
    conditions = _load_entities(c, root, "conditions", Condition, releases, located)
    records: dict[tuple[str, str], tuple[Any, Path]] = {}
    interactions = _load_pairs(
        c,
        root,
        releases,
        "interactions",
        InteractionFile,
        "interactions",
        "treatment",
        compounds,
        treatments,
        located,
        records,
    )
    evidence = _load_pairs(
        c, root, releases, "evidence", EvidenceFile, "conditions", "condition", compounds, conditions, located
    )
    kb = KnowledgeBase(
        root=root,
        vocabulary=vocab or Vocabulary(organ_systems={}),
        sources=sources,
        compounds=_unpaired(compounds),
        conditions=_unpaired(conditions),
        treatments=_unpaired(treatments),
        interactions=_unpaired(interactions),
        dataset_records=_unpaired(records),
        evidence=_unpaired(evidence),
        medical_terms=read_medical_terms(root / "lexicon" / "medical-terms.txt"),
        pharmacology=pharmacology,
    )
    if vocab is not None:
        _check_conditions(c, root, conditions, treatments, vocab)
        _check_organ_table(c, root / ORGAN_TABLE, vocab)
    _check_aliases(c, root, compounds, conditions, treatments)
    _check_specialists(c, conditions)
    located += [
        LocatedFact(combo.fact, root / PHARMACOLOGY, f"combinations[{i}].fact ({combo.fact.id})")
        for i, combo in enumerate(pharmacology.combinations)
    ]
    _index_facts(c, kb, root, located)
    if c.issues:
        raise KnowledgeError(c.issues)
    return kb


def _load_vocabulary(c: Collector, path: Path) -> Vocabulary | None:
    if not path.is_file():
        c.add(path.name, "(file)", "missing; the controlled vocabulary is required")
        return None
    return c.model(path, c.read(path), Vocabulary)


def _load_pharmacology(c: Collector, path: Path) -> Pharmacology:
    """Drug classes, properties and combinations; a knowledge base without the file has none."""
    if not path.is_file():
        return Pharmacology()
    data = c.read(path)
    ph = c.model(path, data if data is not None else {}, Pharmacology)
    if ph is None:
        return Pharmacology()
    for cid, cls in ph.classes.items():
        for parent in cls.parents:
            if parent not in ph.classes:
                c.add(path, f"classes.{cid}.parents", f"unknown class {parent!r}; define it under 'classes'")
    for i, combo in enumerate(ph.combinations):
        for side in ("a", "b"):
            for name in getattr(combo, side):
                if name not in ph.properties and name not in ph.classes:
                    c.add(
                        path,
                        f"combinations[{i}].{side}",
                        f"{name!r} is neither a property nor a class; define it first",
                    )
    return ph


def _load_sources(c: Collector, path: Path) -> dict[str, Source]:
    """``sources.yaml`` and every ``sources/*.yaml`` beside it (one file per curation batch diffs cleanly)."""
    if not path.is_file():
        c.add(path.name, "(file)", "missing; every fact must cite a source listed here")
        return {}
    out: dict[str, Source] = {}
    for file in [path, *_yaml_files(path.parent / "sources")]:
        _read_source_file(c, file, out)
    return out


def _read_source_file(c: Collector, path: Path, out: dict[str, Source]) -> None:
    data = c.read(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        c.add(path, "sources", "expected a top-level 'sources:' list")
        return
    for i, raw in enumerate(data["sources"]):
        src = c.model(path, raw, Source, prefix=f"sources[{i}]")
        if src is None:
            continue
        where = f"sources[{i}] ({src.id})"
        if src.id in out:
            c.add(path, f"{where}.id", f"duplicate source id {src.id!r}; ids must be unique across source files")
        for needed in REQUIRED_SOURCE_FIELDS[src.type]:
            if getattr(src, needed) in (None, ""):
                c.add(path, f"{where}.{needed}", f"a {src.type.value} source needs '{needed}' so readers can find it")
        check_plain(c, path, f"{where}.citation", src.citation())
        out[src.id] = src


def _read_docs(c: Collector, directory: Path, cls: type[M], dataset: str | None) -> list[Doc]:
    docs = []
    for path in _yaml_files(directory):
        patch = c.model(path, c.read(path), cls)
        if patch is not None:
            docs.append(Doc(path, patch, dataset))
    return docs


def _load_entities(
    c: Collector, root: Path, kind: str, cls: type[E], releases: list[tuple[str, Path]], located: list[LocatedFact]
) -> dict[str, tuple[E, Path]]:
    """Hand files, then each imported release's files, merged per id and validated as a whole."""
    patch_cls = PATCHES[kind]
    layers = [_read_docs(c, root / kind, patch_cls, None)]
    layers += [_read_docs(c, folder / kind, patch_cls, name) for name, folder in releases]
    grouped: dict[str, list[Doc]] = {}
    for layer in layers:
        seen: set[str] = set()
        for doc in layer:
            ident = doc.patch.id
            if ident != doc.path.stem:
                c.add(doc.path, "id", f"id {ident!r} does not match the file name; rename one of them")
            if ident in seen:
                c.add(doc.path, "id", f"duplicate {kind[:-1]} id {ident!r}")
                continue
            seen.add(ident)
            grouped.setdefault(ident, []).append(doc)
    out: dict[str, tuple[E, Path]] = {}
    for ident, docs in grouped.items():
        merged = merge_entity(kind, docs)
        try:
            entity = cls.model_validate(merged.data)
        except ValidationError as exc:
            for err in exc.errors():
                hint = (
                    ""
                    if err["type"] != "missing"
                    else (
                        "; neither the hand file nor an import supplies it: add it to "
                        f"{kind}/{ident}.yaml or run 'reviewgen knowledge import'"
                    )
                )
                c.add(merged.path, format_loc("", err["loc"], merged.data), explain(err) + hint)
            continue
        out[ident] = (entity, merged.path)
        located += merged.facts
    return out


def _load_pairs(
    c: Collector,
    root: Path,
    releases: list[tuple[str, Path]],
    dirname: str,
    file_model: type[PF],
    items_field: str,
    other_field: str,
    compounds: dict[str, Any],
    others: dict[str, Any],
    located: list[LocatedFact],
    beside: dict[tuple[str, str], tuple[Any, Path]] | None = None,
) -> dict[tuple[str, str], tuple[Any, Path]]:
    """Load compound x <other> files (interactions with treatments, evidence in conditions)."""
    other_dir = {"treatment": "treatments", "condition": "conditions"}[other_field]
    docs = _read_docs(c, root / dirname, file_model, None)
    for name, folder in releases:
        docs += _read_docs(c, folder / dirname, file_model, name)
    for doc in docs:
        if doc.patch.compound not in compounds:
            c.add(
                doc.path,
                "compound",
                f"unknown compound {doc.patch.compound!r}; add compounds/{doc.patch.compound}.yaml first",
            )
        for i, item in enumerate(getattr(doc.patch, items_field)):
            other = getattr(item, other_field)
            if other not in others:
                c.add(
                    doc.path,
                    f"{items_field}[{i}].{other_field}",
                    f"unknown {other_field} {other!r}; add {other_dir}/{other}.yaml first",
                )

    def duplicate(doc: Doc, i: int, key: tuple[str, str]) -> None:
        c.add(doc.path, f"{items_field}[{i}]", f"duplicate {dirname} entry for {key[0]} x {key[1]}")

    out: dict[tuple[str, str], tuple[Any, Path]] = {}
    chosen = merge_pairs(docs, items_field, other_field, duplicate)
    for key, (item, doc, _) in chosen.items():
        out[key] = (item, doc.path)
        located += [
            LocatedFact(f, doc.path, f"{items_field}[{key[1]}].facts[{j}] ({f.id})") for j, f in enumerate(item.facts)
        ]
    if beside is not None:
        # A hand entry that cites no dataset leaves the dataset's record for the pair standing beside it.
        for doc in docs:
            if doc.dataset is None:
                continue
            for item in getattr(doc.patch, items_field):
                key = (doc.patch.compound, getattr(item, other_field))
                hand = chosen.get(key)
                if hand is None or hand[1].dataset is not None or key in beside:
                    continue
                if dataset_family(doc.dataset) in {dataset_family(s) for f in hand[0].facts for s in f.sources}:
                    continue
                beside[key] = (item, doc.path)
                located += [
                    LocatedFact(f, doc.path, f"{items_field}[{key[1]}].facts[{j}] ({f.id})")
                    for j, f in enumerate(item.facts)
                ]
    return out


def _check_conditions(
    c: Collector,
    root: Path,
    conditions: dict[str, tuple[Condition, Path]],
    treatments: dict[str, Any],
    vocab: Vocabulary,
) -> None:
    for cond, path in conditions.values():
        for i, organ in enumerate(cond.organ_systems):
            if organ not in vocab.organ_systems:
                c.add(
                    path,
                    f"organ_systems[{i}]",
                    f"{organ!r} is not in vocabulary.yaml organ_systems; use one of them or add it there",
                )
        for i, st in enumerate(cond.standard_treatments):
            if st.treatment not in treatments:
                c.add(
                    path,
                    f"standard_treatments[{i}].treatment",
                    f"unknown treatment {st.treatment!r}; add treatments/{st.treatment}.yaml first",
                )


def _check_aliases(c: Collector, root: Path, *groups: dict[str, Any]) -> None:
    """Two entities of one kind answering to the same name would make resolution a guess."""
    for group in groups:
        seen: dict[str, str] = {}
        for entity, path in group.values():
            for name in {normalize_name(n) for n in (entity.id, entity.name, *entity.aliases)}:
                other = seen.setdefault(name, entity.id)
                if other != entity.id:
                    c.add(path, "aliases", f"name {name!r} also names {other!r}; make it unique")


def _check_specialists(c: Collector, conditions: dict[str, tuple[Condition, Path]]) -> None:
    """A specialist phrase names its condition for the grounding rule, so two conditions cannot share one."""
    seen: dict[str, str] = {}
    for cond, path in conditions.values():
        other = seen.setdefault(normalize_name(cond.specialist), cond.id)
        if other != cond.id:
            c.add(
                path,
                "specialist",
                f"{cond.specialist!r} is also the specialist of {other!r}; make it unique "
                "(e.g. 'neurologist or epilepsy specialist')",
            )


def _check_organ_table(c: Collector, path: Path, vocab: Vocabulary) -> None:
    """The reviewed side effect -> organ table may only use organ systems from the vocabulary."""
    if not path.is_file():
        return
    data = c.read(path)
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        c.add(path, "terms", "expected a top-level 'terms:' list")
        return
    seen: set[str] = set()
    for i, entry in enumerate(data["terms"]):
        where = f"terms[{i}]"
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("cui"), str)
            or not isinstance(entry.get("organs"), list)
        ):
            c.add(path, where, "each entry needs 'name', 'cui' and an 'organs' list")
            continue
        where += f" ({entry['cui']})"
        if entry["cui"] in seen:
            c.add(path, f"{where}.cui", "duplicate side-effect term; keep one entry per term")
        seen.add(entry["cui"])
        for organ in entry["organs"]:
            if organ not in vocab.organ_systems:
                c.add(path, f"{where}.organs", f"{organ!r} is not in vocabulary.yaml organ_systems")


def _index_facts(c: Collector, kb: KnowledgeBase, root: Path, located: list[LocatedFact]) -> None:
    """Check every fact where it was written and index it by id."""
    for lf in located:
        fact, path, where = lf.fact, lf.path, lf.where
        check_fact(c, kb, fact, path, where)
        if fact.id in kb.facts:
            c.add(path, f"{where}.id", f"duplicate fact id {fact.id!r} (first in {kb.fact_files[fact.id]})")
            continue
        kb.facts[fact.id] = fact
        kb.fact_files[fact.id] = str(path.relative_to(root))
