"""MeSH 2015: where a condition sits in the disease tree, as organ-system facts; organ seeds for side effects.

A condition joins through the MeSH descriptor its hand file names (``identifiers.mesh``). Each
branch of the C (diseases) and F03 (mental disorders) trees it sits in is placed in an organ
system by ``ORGAN_PREFIXES`` (longest prefix wins), giving one fact per organ system, e.g.
"MeSH 2015 lists rheumatoid arthritis (descriptor Arthritis, Rheumatoid) under Musculoskeletal
Diseases and Connective Tissue Diseases." The same placement seeds the reviewed side effect ->
organ-system table (see sider.py): seeds are proposals in the report, never used unreviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.knowledge.importers.base import ImportContext, ImportOutput
from pipeline.knowledge.importers.common import display_release, fact, join_and, lower_name, need, read_tsv

# MeSH tree branch -> organ system (vocabulary.yaml). Reviewed by hand; branches not listed
# (congenital, environmental, animal, injuries, general pathology) place nothing.
ORGAN_PREFIXES: dict[str, str] = {
    "C01": "immune",
    "C02": "immune",
    "C03": "immune",
    "C04": "oncologic",
    "C05": "musculoskeletal",
    "C05.651": "neuromuscular",
    "C06": "gastrointestinal",
    "C06.130": "hepatic",
    "C06.552": "hepatic",
    "C06.405.117.119": "oropharyngeal",
    "C07": "gastrointestinal",
    "C07.550": "oropharyngeal",
    "C08": "respiratory",
    "C09.400": "respiratory",
    "C09.603": "respiratory",
    "C09.775": "oropharyngeal",
    "C10": "nervous",
    "C10.668": "neuromuscular",
    "C10.597.613": "neuromuscular",
    "C10.597.975": "oropharyngeal",
    "C11": "eye",
    "C12.294": "reproductive",
    "C12.777": "urinary",
    "C12.777.419": "renal",
    "C13.351.500": "reproductive",
    "C13.351.968": "urinary",
    "C13.351.968.419": "renal",
    "C13.703": "reproductive",
    "C14": "cardiovascular",
    "C15.378": "hematologic",
    "C15.604": "immune",
    "C17.300": "musculoskeletal",
    "C17.800": "skin",
    "C18": "endocrine-metabolic",
    "C19": "endocrine-metabolic",
    "C20": "immune",
    "C23.550.073": "cardiovascular",
    "C23.550.695": "neuromuscular",
    "C23.888.144": "endocrine-metabolic",
    "C23.888.307": "eye",
    "C23.888.592": "nervous",
    "C23.888.619": "gastrointestinal",
    "C23.888.821": "gastrointestinal",
    "C23.888.852": "respiratory",
    "C23.888.885": "skin",
    "C23.888.942": "urinary",
    "C25.775": "psychiatric",
    "F01.145": "psychiatric",
    "F01.470": "psychiatric",
    "F01.700": "psychiatric",
    "F03": "psychiatric",
    "F03.870": "nervous",
}
# MedDRA (British) spellings -> MeSH (American) ones, for seeding only.
_SPELLING = [
    ("oedema", "edema"),
    ("diarrhoea", "diarrhea"),
    ("dyspnoea", "dyspnea"),
    ("apnoea", "apnea"),
    ("orthopnoea", "orthopnea"),
    ("rhoea", "rhea"),
    ("oesophag", "esophag"),
    ("oestr", "estr"),
    ("haem", "hem"),
    ("anaem", "anem"),
    ("aemia", "emia"),
    ("leukaem", "leukem"),
    ("paed", "ped"),
    ("hypoaesthesia", "hypesthesia"),
    ("aesthesia", "esthesia"),
    ("ischaem", "ischem"),
    ("faec", "fec"),
    ("tumour", "tumor"),
    ("behaviour", "behavior"),
    ("coeliac", "celiac"),
    ("gynaecom", "gynecom"),
]


@dataclass
class MeshTree:
    """Descriptor names and tree numbers of one MeSH release."""

    names: dict[str, str]  # descriptor id -> name
    trees: dict[str, list[str]]  # descriptor id -> tree numbers
    by_tree: dict[str, str]  # tree number -> descriptor name
    by_name: dict[str, str]  # running-text name (lower case) -> descriptor id

    @classmethod
    def read(cls, release: Path) -> MeshTree:
        """Read tree-numbers.tsv."""
        names: dict[str, str] = {}
        trees: dict[str, list[str]] = {}
        by_tree: dict[str, str] = {}
        by_name: dict[str, str] = {}
        for row in read_tsv(need(release, "tree-numbers.tsv"), ("mesh_id", "mesh_name", "mesh_tree_number")):
            mid, name, tree = row["mesh_id"], row["mesh_name"], row["mesh_tree_number"]
            names[mid] = name
            trees.setdefault(mid, []).append(tree)
            by_tree[tree] = name
            for form in _running_forms(name):
                by_name.setdefault(form, mid)
        return cls(names, {k: sorted(v) for k, v in trees.items()}, by_tree, by_name)

    def placements(self, mesh_id: str) -> dict[str, list[str]]:
        """Organ system -> the tree branches (prefixes) that place the descriptor there."""
        out: dict[str, list[str]] = {}
        for tree in self.trees.get(mesh_id, []):
            prefix = longest_prefix(tree)
            if prefix:
                branches = out.setdefault(ORGAN_PREFIXES[prefix], [])
                if prefix not in branches:
                    branches.append(prefix)
        return {organ: sorted(branches) for organ, branches in sorted(out.items())}

    def seed(self, term: str) -> tuple[str | None, list[str]]:
        """(descriptor id, organ systems) for a side-effect name, or (None, []) when no descriptor matches."""
        key = term.casefold()
        for old, new in _SPELLING:
            key = key.replace(old, new)
        mid = self.by_name.get(key)
        return (mid, sorted(self.placements(mid))) if mid else (None, [])


def _running_forms(name: str) -> list[str]:
    lowered = name.casefold()
    forms = [lowered]
    if ", " in lowered:
        head, _, rest = lowered.partition(", ")
        forms.append(f"{rest} {head}")
    return forms


def longest_prefix(tree: str) -> str | None:
    """The most specific ORGAN_PREFIXES branch containing a tree number."""
    parts = tree.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in ORGAN_PREFIXES:
            return prefix
    return None


class MeshImporter:
    """Condition organ-system facts from the MeSH disease tree."""

    family = "mesh"
    default_release = "mesh-2015"
    files: tuple[str, ...] = ("tree-numbers.tsv",)

    def run(self, ctx: ImportContext) -> ImportOutput:
        """One disease fact per organ system a condition's descriptor is placed in."""
        tree = MeshTree.read(ctx.release_dir)
        label = display_release(ctx.release_id)
        out = ImportOutput()
        unjoined: list[dict[str, str]] = []
        unplaced: dict[str, list[str]] = {}
        for cond in sorted(ctx.entities.conditions.values(), key=lambda e: e.id):
            mesh_id = cond.identifiers.get("mesh")
            if not mesh_id:
                continue
            if mesh_id not in tree.names:
                unjoined.append({"condition": cond.id, "mesh": mesh_id, "reason": "descriptor not in the release"})
                continue
            placements = tree.placements(mesh_id)
            missed = [t for t in tree.trees[mesh_id] if longest_prefix(t) is None]
            if missed:
                unplaced[cond.id] = missed
            name, descriptor = lower_name(cond.name.split(" (")[0]), tree.names[mesh_id]  # "Lupus (SLE)" -> "lupus"
            shown = name if descriptor.casefold() == name.casefold() else f"{name} (descriptor {descriptor})"
            facts: list[dict[str, Any]] = []
            for organ, branches in placements.items():
                categories = [tree.by_tree.get(b, b) for b in branches]
                records = [mesh_id] + [t for t in tree.trees[mesh_id] if longest_prefix(t) in branches]
                facts.append(
                    fact(
                        f"{cond.id}.disease.mesh-{organ}",
                        "disease",
                        f"{label} lists {shown} under {join_and(categories)}.",
                        ctx.release_id,
                        records,
                        tags=[organ],
                    )
                )
            doc: dict[str, Any] = {"id": cond.id}
            if not cond.organ_systems:
                doc["organ_systems"] = list(placements)
            doc["facts"] = facts
            out.files[f"conditions/{cond.id}.yaml"] = doc
        out.report = {
            "release": ctx.release_id,
            "conditions_imported": len(out.files),
            "unjoined_conditions": unjoined,
            "tree_numbers_without_organ_system": unplaced,
        }
        return out


IMPORTER = MeshImporter()
