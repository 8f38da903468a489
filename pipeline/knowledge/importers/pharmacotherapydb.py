"""PharmacotherapyDB 1.0: a condition's standard treatments, and compounds listed for a condition.

Joins: a condition through the Disease Ontology id its hand file names (``identifiers.doid``); a
drug through its DrugBank id (a hand-curated treatment with that id is reused, else a treatment is
created under its DrugBank name). Only DM (disease-modifying) and SYM (symptomatic) rows count;
NOT rows are reported, never turned into facts.

Which treatments a condition's pages list: the hand file's ``standard_treatments`` when it has
them (rows only supply facts for those), else the best-supported rows — disease-modifying first,
then by how many resources and curators support the row, then by name — up to ``MAX_DM``
disease-modifying and ``MAX_TOTAL`` in all (at least ``MIN_SYM`` symptomatic when listed).
Everything left out is in the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.knowledge.importers.base import ImportContext, ImportOutput
from pipeline.knowledge.importers.common import (
    Entity,
    display_release,
    fact,
    join_and,
    lower_name,
    need,
    read_tsv,
    slug,
)

MAX_DM, MAX_TOTAL, MIN_SYM = 4, 6, 2
ROLES = {"DM": "disease-modifying", "SYM": "symptomatic"}
COLUMNS = ("doid_id", "drugbank_id", "disease", "drug", "category", "n_curators", "n_resources")


@dataclass(frozen=True)
class Row:
    """One drug-disease pair of the release."""

    doid: str
    drugbank: str
    disease: str
    drug: str
    category: str
    curators: int
    resources: int

    @property
    def rank(self) -> tuple[int, int, int, str]:
        """Sort key: disease-modifying first, best supported first, then by name."""
        return (0 if self.category == "DM" else 1, -self.resources, -self.curators, self.drug.casefold())


def read_rows(ctx: ImportContext) -> list[Row]:
    """Every row of indications.tsv."""
    rows = []
    for r in read_tsv(need(ctx.release_dir, "indications.tsv"), COLUMNS):
        if ctx.drops_row(f"{r['doid_id']} {r['drugbank_id']}"):
            continue
        rows.append(
            Row(
                r["doid_id"],
                r["drugbank_id"],
                r["disease"],
                r["drug"],
                r["category"],
                int(r["n_curators"] or 0),
                int(r["n_resources"] or 0),
            )
        )
    return rows


def _listing(label: str, rows: list[Row], subject: str | None = None) -> str:
    names = subject or join_and([lower_name(r.drug) for r in rows])
    role = ROLES[rows[0].category]
    plural = "treatments" if subject is None and len(rows) > 1 else "treatment"
    article = "" if plural == "treatments" else "a "
    return f"{label} lists {names} as {article}{role} {plural} for {rows[0].disease}."


class PharmacotherapyDBImporter:
    """Standard treatments of conditions; compound x condition evidence where a compound is listed."""

    family = "pharmacotherapydb"
    default_release = "pharmacotherapydb-1.0"
    files: tuple[str, ...] = ("indications.tsv",)

    def run(self, ctx: ImportContext) -> ImportOutput:
        """Condition files with standard treatments, new treatment files, evidence files."""
        rows = read_rows(ctx)
        label = display_release(ctx.release_id)
        by_doid: dict[str, list[Row]] = {}
        for row in rows:
            by_doid.setdefault(row.doid, []).append(row)
        known = {db: t.id for t in ctx.entities.treatments.values() if t.hand for db in t.drugbank_ids().values()}
        compound_ids = {db for c in ctx.entities.compounds.values() for db in c.drugbank_ids().values()}
        out = ImportOutput()
        report: dict[str, Any] = {
            "release": ctx.release_id,
            "unjoined_conditions": [],
            "not_listed": {},
            "role_disagrees_with_hand_list": [],
            "pinned_not_in_release": [],
            "non_indications_ignored": {},
        }
        treatments: dict[str, dict[str, Any]] = {}
        for cond in sorted(ctx.entities.conditions.values(), key=lambda e: e.id):
            doid = cond.identifiers.get("doid")
            if not doid:
                continue
            mine = by_doid.get(doid, [])
            if not mine:
                report["unjoined_conditions"].append(
                    {"condition": cond.id, "doid": doid, "reason": "no rows for this DOID in the release"}
                )
                continue
            nots = sorted(r.drug for r in mine if r.category == "NOT")
            if nots:
                report["non_indications_ignored"][cond.id] = nots
            groups: dict[str, list[Row]] = {}
            for row in sorted((r for r in mine if r.category in ROLES), key=lambda r: r.rank):
                tid = known.get(row.drugbank) or slug(row.drug)
                groups.setdefault(tid, []).append(row)
            chosen = self._choose(cond, groups, report)
            if cond.standard_treatments is not None:  # a curated list: curators write its treatments' facts
                chosen = [tid for tid in chosen if tid not in known.values()]
            entries = []
            for tid in chosen:
                group = groups[tid]
                best = [r for r in group if r.category == group[0].category]
                entries.append(
                    {
                        "treatment": tid,
                        "role": ROLES[best[0].category],
                        "facts": [
                            fact(
                                f"{cond.id}.treatment.{tid}.pharmacotherapydb",
                                "indication",
                                _listing(label, best),
                                ctx.release_id,
                                [f"{r.doid} {r.drugbank}" for r in best],
                            )
                        ],
                    }
                )
                if tid not in known.values() and tid not in treatments:
                    treatments[tid] = {"id": tid, "name": group[0].drug, "identifiers": {"drugbank": group[0].drugbank}}
            if entries:
                out.files[f"conditions/{cond.id}.yaml"] = {"id": cond.id, "standard_treatments": entries}
            self._evidence(ctx, cond, mine, compound_ids, label, out)
        for tid, doc in sorted(treatments.items()):
            out.files[f"treatments/{tid}.yaml"] = doc
        report["treatments_created"] = len(treatments)
        report["conditions_imported"] = sum(k.startswith("conditions/") for k in out.files)
        out.report = report
        return out

    @staticmethod
    def _choose(cond: Entity, groups: dict[str, list[Row]], report: dict[str, Any]) -> list[str]:
        if cond.standard_treatments is not None:
            chosen = []
            for entry in cond.standard_treatments:
                tid, role = str(entry.get("treatment")), str(entry.get("role"))
                if tid not in groups:
                    report["pinned_not_in_release"].append({"condition": cond.id, "treatment": tid})
                elif ROLES[groups[tid][0].category] != role:
                    report["role_disagrees_with_hand_list"].append(
                        {
                            "condition": cond.id,
                            "treatment": tid,
                            "hand": role,
                            "release": ROLES[groups[tid][0].category],
                        }
                    )
                else:
                    chosen.append(tid)
            return chosen
        dm = [t for t, g in groups.items() if g[0].category == "DM"]
        sym = [t for t, g in groups.items() if g[0].category == "SYM"]
        take_dm = dm[: min(MAX_DM, MAX_TOTAL - min(MIN_SYM, len(sym)))]
        chosen = take_dm + sym[: MAX_TOTAL - len(take_dm)]
        left = [groups[t][0].drug for t in groups if t not in chosen]
        if left:
            report["not_listed"][cond.id] = left
        return chosen

    @staticmethod
    def _evidence(
        ctx: ImportContext, cond: Entity, rows: list[Row], compound_ids: set[str], label: str, out: ImportOutput
    ) -> None:
        """A compound the release lists for the condition gets a curated-indication evidence entry."""
        for comp in sorted(ctx.entities.compounds.values(), key=lambda e: e.id):
            ids = set(comp.drugbank_ids().values()) & compound_ids
            listed = sorted((r for r in rows if r.drugbank in ids and r.category in ROLES), key=lambda r: r.rank)
            if not listed:
                continue
            text = _listing(label, listed[:1], comp.label).replace(
                f"{label} lists", f"{label}, a physician-curated catalogue of drug therapies, lists", 1
            )
            doc = out.files.setdefault(f"evidence/{comp.id}.yaml", {"compound": comp.id, "conditions": []})
            doc["conditions"].append(
                {
                    "condition": cond.id,
                    "tier": "curated-indication",
                    "facts": [
                        fact(
                            f"{comp.id}.evidence.{cond.id}.pharmacotherapydb",
                            "evidence",
                            text,
                            ctx.release_id,
                            [f"{r.doid} {r.drugbank}" for r in listed[:1]],
                        )
                    ],
                }
            )


IMPORTER = PharmacotherapyDBImporter()
