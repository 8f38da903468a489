"""SIDER 4.1: a compound's side effects from drug labels, ranked by reported frequency, placed in organ systems.

Join: DrugBank id -> PubChem CID through the release's pubchem-mapping.tsv (or a curator-pinned
``identifiers.pubchem``); a SIDER row matches when its flat id (CID1xxxxxxxx: int(id[3:]) -
100000000) or its stereo id (CID0xxxxxxxx: int(id[3:])) is that CID. Only MedDRA preferred terms
(PT) count. Frequencies (meddra_freq, placebo rows left out) only rank the effects: by the median
of the numeric frequencies the compound's labels give, else by the most frequent category. No
figure is shown: a single label's highest figure (a high-dose arm, a special population, a
combination regimen) misleads, and SIDER does not pair drug and placebo rates reliably.

SIDER has no organ system, so effects are placed through the reviewed table
knowledge/side-effect-organs.yaml (MedDRA term CUI -> organ systems; ``organs: []`` marks a
general effect such as fatigue, ``exclude: true`` a term that is not an effect). Terms the table
lacks are counted in the report, with MeSH-seeded proposals for a curator to review.

Facts per compound, so pages stay readable however many effects SIDER lists:
  - ``<id>.safety.sider``: how many effects and the most frequent few (the general profile);
  - ``<id>.safety.sider-<organ>``: detail facts, one per organ system, naming the most frequent
    few effects there (shown only on pages whose condition affects that organ system).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import KnowledgeError
from pipeline.knowledge.importers.base import ImportContext, ImportOutput
from pipeline.knowledge.importers.common import (
    Entity,
    display_release,
    fact,
    join_and,
    rule_problems,
)
from pipeline.knowledge.importers.mesh import MeshTree
from pipeline.knowledge.importers.sider_release import Effect, SiderRelease
from pipeline.yamlfile import load_yaml

ORGAN_TABLE = "side-effect-organs.yaml"
SHOWN = 6  # effects named per fact
PROPOSALS = 150  # unreviewed terms proposed in the report, most frequent first


@dataclass(frozen=True)
class Placement:
    """A reviewed row of the side-effect table."""

    organs: tuple[str, ...]
    exclude: bool


def read_organ_table(knowledge: Path) -> dict[str, Placement]:
    """The reviewed side effect -> organ-system table, by MedDRA term CUI."""
    path = knowledge / ORGAN_TABLE
    if not path.is_file():
        return {}
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    return {
        str(t["cui"]): Placement(tuple(t.get("organs") or ()), bool(t.get("exclude")))
        for t in data.get("terms") or []
        if isinstance(t, dict) and "cui" in t
    }


# Organ-system labels that read as body parts take "the" in running text ("concerning the liver").
_BODY_PARTS = frozenset(
    {"brain", "heart", "liver", "kidneys", "bladder", "blood", "immune", "eyes", "bones", "skin", "muscles"}
)


def _organ_labels(knowledge: Path) -> dict[str, str]:
    """Organ id -> how fact text names it ("the brain and nervous system", "breathing and lungs")."""
    data = load_yaml((knowledge / "vocabulary.yaml").read_text(encoding="utf-8")) or {}
    out = {}
    for key, organ in (data.get("organ_systems") or {}).items():
        label = str(organ.get("label", key)).lower()
        out[str(key)] = f"the {label}" if label.split()[0] in _BODY_PARTS else label
    return out


class SiderImporter:
    """Side-effect facts for compounds."""

    family = "sider"
    default_release = "sider-4.1"
    files: tuple[str, ...] = ("pubchem-mapping.tsv", "meddra_all_se.tsv.gz", "meddra_freq.tsv.gz")

    def run(self, ctx: ImportContext) -> ImportOutput:
        """An overview fact and per-organ detail facts for every compound SIDER lists."""
        sider = SiderRelease.read(ctx.release_dir)
        table = read_organ_table(ctx.knowledge)
        organs = _organ_labels(ctx.knowledge)
        label = display_release(ctx.release_id)
        out = ImportOutput()
        unjoined: list[dict[str, str]] = []
        summary: dict[str, dict[str, int]] = {}
        dropped: list[dict[str, str]] = []
        unplaced: Counter[str] = Counter()
        for comp in sorted(ctx.entities.compounds.values(), key=lambda e: e.id):
            cids, why = self._cids(comp, sider)
            if not cids:
                unjoined.append({"compound": comp.id, "reason": why})
                continue
            effects = self._effects(cids, sider)
            placed: dict[str, list[Effect]] = {}
            general: list[Effect] = []
            counts = Counter[str]()
            for effect in effects:
                row = table.get(effect.cui)
                if row is None:
                    unplaced[effect.cui] += 1
                    counts["unplaced"] += 1
                    continue
                if row.exclude:
                    counts["excluded"] += 1
                    continue
                problems = rule_problems(effect.text())
                if problems:
                    dropped.append({"compound": comp.id, "effect": effect.name, "why": ", ".join(problems)})
                    continue
                counts["placed" if row.organs else "general"] += 1
                if not row.organs:
                    general.append(effect)
                for organ in row.organs:
                    placed.setdefault(organ, []).append(effect)
            summary[comp.id] = {"effects": len(effects), **dict(sorted(counts.items()))}
            records = sorted({i for cid in cids for i in sider.ids[cid]})
            facts = [self._overview(ctx, label, comp, effects, placed, general, organs, sider, records)]
            for organ in sorted(placed, key=lambda o: list(organs).index(o) if o in organs else 99):
                facts.append(self._organ_fact(ctx, label, comp, organ, placed[organ], organs, sider, records))
            out.files[f"compounds/{comp.id}.yaml"] = {"id": comp.id, "facts": facts}
        total = sum(sider.term_drugs.values())
        covered = sum(n for cui, n in sider.term_drugs.items() if cui in table)
        out.report = {
            "release": ctx.release_id,
            "compounds_imported": len(out.files),
            "unjoined_compounds": unjoined,
            "organ_table": {
                "reviewed_terms": len(table),
                "sider_drug_effect_pairs": total,
                "pairs_covered": covered,
                "coverage": round(covered / total, 3) if total else 0.0,
            },
            "compounds": summary,
            "effects_dropped_by_page_rules": dropped,
            "unplaced_terms_of_imported_compounds": [
                {"cui": cui, "name": sider.term_names.get(cui, ""), "compounds": n}
                for cui, n in sorted(unplaced.items(), key=lambda kv: (-kv[1], kv[0]))[:100]
            ],
            "organ_table_proposals": self._proposals(ctx, sider, table),
        }
        return out

    @staticmethod
    def _cids(comp: Entity, sider: SiderRelease) -> tuple[set[int], str]:
        pinned = comp.pinned("pubchem").get("")
        drugbank = comp.drugbank_ids().get("")
        if pinned:
            cids = {int(pinned)} if pinned.isdigit() else set()
        elif drugbank:
            cids = sider.mapping.get(drugbank, set())
            if not cids:
                return set(), f"DrugBank id {drugbank} not in pubchem-mapping.tsv"
        else:
            return set(), "no DrugBank or PubChem id to join through"
        found = {c for c in cids if c in sider.effects}
        return found, "" if found else f"PubChem CID {', '.join(map(str, sorted(cids)))} has no SIDER side effects"

    @staticmethod
    def _effects(cids: set[int], sider: SiderRelease) -> list[Effect]:
        merged: dict[str, Effect] = {}
        for cid in sorted(cids):
            for cui, name in sider.effects[cid].items():
                effect = merged.setdefault(cui, Effect(cui, name))
                ranked = sider.frequencies.get(cid, {}).get(cui)
                if ranked and ranked[0] > effect.value:
                    effect.value, effect.shown = ranked
        return sorted(merged.values(), key=lambda e: _order(e, sider))

    @staticmethod
    def _overview(
        ctx: ImportContext,
        label: str,
        comp: Entity,
        effects: list[Effect],
        placed: dict[str, list[Effect]],
        general: list[Effect],
        organs: dict[str, str],
        sider: SiderRelease,
        records: list[str],
    ) -> dict[str, Any]:
        shown_from = sorted(
            {e.cui: e for group in [*placed.values(), general] for e in group}.values(), key=lambda e: _order(e, sider)
        )
        frequent = [e for e in shown_from if e.shown][:SHOWN]
        head = f"{label} lists {len(effects)} side effects of {comp.label} from drug labels"
        if frequent:
            items = join_and([e.text() for e in frequent])
            text = f"{head}; those its labels report most often include {items}."
            used = frequent
        else:
            busiest = sorted(placed, key=lambda o: (-len(placed[o]), list(organs).index(o) if o in organs else 99))
            text = head + ", without frequency data"
            if busiest:
                text += "; the organ systems with the most of them: " + "; ".join(
                    organs[o].removeprefix("the ") for o in busiest[:3]
                )
            text += "."
            used = []
        return fact(
            f"{comp.id}.safety.sider", "safety", text, ctx.release_id, records + [f"{records[0]} {e.cui}" for e in used]
        )

    @staticmethod
    def _organ_fact(
        ctx: ImportContext,
        label: str,
        comp: Entity,
        organ: str,
        effects: list[Effect],
        organs: dict[str, str],
        sider: SiderRelease,
        records: list[str],
    ) -> dict[str, Any]:
        shown = effects[:SHOWN]
        frequent = [e for e in shown if e.shown]
        where = organs.get(organ, organ)
        items = join_and([e.text() for e in shown])
        if len(effects) == 1:
            text = f"{label} lists one side effect of {comp.label} concerning {where}: {items}."
        elif len(effects) <= SHOWN:
            text = f"{label} lists {len(effects)} side effects of {comp.label} concerning {where}: {items}."
        elif frequent:
            shown = frequent  # effects are sorted most frequent first: those without a frequency come last
            text = (
                f"{label} lists {len(effects)} side effects of {comp.label} concerning {where}; those its labels "
                f"report most often include {join_and([e.text() for e in frequent])}."
            )
        else:
            text = f"{label} lists {len(effects)} side effects of {comp.label} concerning {where}, among them {items}."
        return fact(
            f"{comp.id}.safety.sider-{organ}",
            "safety",
            text,
            ctx.release_id,
            records + [f"{records[0]} {e.cui}" for e in shown],
            tags=[organ],
            detail=True,
        )

    @staticmethod
    def _proposals(ctx: ImportContext, sider: SiderRelease, table: dict[str, Placement]) -> list[dict[str, Any]]:
        """The most frequent terms the table lacks, seeded from MeSH when that release is beside this one."""
        try:
            mesh: MeshTree | None = MeshTree.read(ctx.sibling("mesh", "mesh-2015", "seed organ systems"))
        except KnowledgeError:
            mesh = None
        missing = [
            cui for cui, _ in sorted(sider.term_drugs.items(), key=lambda kv: (-kv[1], kv[0])) if cui not in table
        ][:PROPOSALS]
        out = []
        for cui in missing:
            entry: dict[str, Any] = {"name": sider.term_names.get(cui, ""), "cui": cui, "drugs": sider.term_drugs[cui]}
            if mesh is not None:
                mid, organs = mesh.seed(entry["name"])
                entry.update({"organs": organs, "basis": f"MeSH {mid}" if mid else "no MeSH match"})
            out.append(entry)
        return out


def _order(effect: Effect, sider: SiderRelease) -> tuple[float, int, str]:
    """Most frequent first; without frequencies, the effects most drugs list first; then by name."""
    return (-effect.value, -sider.term_drugs.get(effect.cui, 0), effect.name.casefold())


IMPORTER = SiderImporter()
