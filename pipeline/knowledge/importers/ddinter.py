"""DDInter 1.0: the interaction severity of every compound with every standard treatment.

DDInter's bulk files carry DDInter ids and drug names only (no DrugBank ids, no mechanism text),
so a drug joins through its DrugBank id -> the DrugBank 4.2 name (read from the drugbank-4.2
release beside this one) -> the DDInter drug of exactly that name. A curator may pin a DDInter id
(``identifiers.ddinter``, or ``ddinter_<form>`` for one form of a compound) where the names differ
(lithium vs lithium carbonate) or DrugBank 4.2 lacks the drug (cannabidiol). Nothing is matched
by similarity: what does not join is reported, and its pairs are stated as having no curated
interaction data, never as having no interaction.

A documented pair is "DDInter 1.0 grades the interaction of X with Y as Moderate" ("Unknown" and
"Minor" said as such). A pair without a record is stated ("DDInter 1.0 holds no record for X with
Y") only where the copy covers it: the copy holds some of DDInter's per-ATC-group files
(code_A.csv...), so a pair is covered only when one of its drugs has an ATC code (DrugBank 4.2)
in an imported group. Uncovered and unjoined pairs get no entry at all, and the report lists them.
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
    read_drugbank_atc,
    read_drugbank_names,
    read_tsv,
)

SEVERITY = ("Major", "Moderate", "Minor", "Unknown")  # most severe first


@dataclass(frozen=True)
class Component:
    """One drug of an entity (a compound and its forms, or a combination's parts) as DDInter knows it."""

    label: str
    ddinter: str | None
    reason: str = ""


@dataclass
class DDInterRelease:
    """Drug ids by exact name, and interaction levels by unordered id pair."""

    names: dict[str, set[str]]  # casefolded name -> DDInter ids
    levels: dict[tuple[str, str], set[str]]

    @classmethod
    def read(cls, ctx: ImportContext) -> DDInterRelease:
        """Every code_*.csv file of the release."""
        names: dict[str, set[str]] = {}
        levels: dict[tuple[str, str], set[str]] = {}
        for path in sorted(ctx.release_dir.glob("code_*.csv")):
            for row in read_tsv(path, ("DDInterID_A", "Drug_A", "DDInterID_B", "Drug_B", "Level"), delimiter=","):
                a, b = row["DDInterID_A"], row["DDInterID_B"]
                names.setdefault(row["Drug_A"].casefold(), set()).add(a)
                names.setdefault(row["Drug_B"].casefold(), set()).add(b)
                levels.setdefault((min(a, b), max(a, b)), set()).add(row["Level"])
        return cls(names, levels)

    def level(self, a: str, b: str) -> str | None:
        """The most severe level DDInter gives the pair, if any."""
        found = self.levels.get((min(a, b), max(a, b)))
        return min(found, key=_severity) if found else None


def _severity(level: str) -> int:
    return SEVERITY.index(level) if level in SEVERITY else len(SEVERITY)


def components(entity: Entity, drugbank_names: dict[str, str], release: DDInterRelease) -> list[Component]:
    """An entity's drugs with their DDInter ids: pinned, else by the exact DrugBank 4.2 name."""
    drugbank, pinned = entity.drugbank_ids(), entity.pinned("ddinter")
    suffixes = sorted(set(drugbank) | set(pinned))
    if not suffixes:
        return [Component(entity.label, None, "no DrugBank id or pinned DDInter id")]
    out = []
    combination = "" not in suffixes  # a product of several drugs, each under its own id
    for suffix in suffixes:
        label = entity.label if suffix == "" else suffix.replace("-", " ")
        if combination and label != entity.label:
            label = f"{label} (in {entity.label})"
        if suffix in pinned:
            out.append(Component(label, pinned[suffix]))
            continue
        name = drugbank_names.get(drugbank[suffix])
        if name is None:
            out.append(Component(label, None, f"DrugBank id {drugbank[suffix]} not in DrugBank 4.2"))
            continue
        ids = release.names.get(name.casefold(), set())
        if len(ids) == 1:
            out.append(Component(label, next(iter(ids))))
        else:
            why = "no DDInter drug of that name" if not ids else f"several DDInter ids: {', '.join(sorted(ids))}"
            out.append(Component(label, None, f"DrugBank name {name!r}: {why}"))
    return out


def pair(
    label: str, cparts: list[Component], tparts: list[Component], release: DDInterRelease
) -> tuple[str, str | None, str, list[str]] | None:
    """(status, level, fact text, records) for one compound x treatment the copy covers, else None.

    A pair with a record is stated with the grade DDInter gives it ("Unknown" and "Minor" as such).
    A pair without one is stated as having no record only when every drug of both entities joined:
    a drug the release does not hold says nothing about the pair.
    """
    mc, mt = [c for c in cparts if c.ddinter], [t for t in tparts if t.ddinter]
    found = [(c, t, lvl) for c in mc for t in mt if (lvl := release.level(c.ddinter or "", t.ddinter or ""))]
    if found:
        records = [f"{c.ddinter} x {t.ddinter}" for c, t, _ in found]
        text = f"{label} grades the interaction " + join_and(
            [f"of {c.label} with {t.label} as {_graded(lvl)}" for c, t, lvl in found]
        )
        level = min((lvl for _, _, lvl in found), key=_severity)
        return "documented", level, text + ".", records
    if len(mc) != len(cparts) or len(mt) != len(tparts):
        return None
    records = [f"{c.ddinter} x {t.ddinter} (no entry)" for c in mc for t in mt]
    text = (
        f"{label} holds no record for {join_and([c.label for c in mc], 'or')} with "
        f"{join_and([t.label for t in mt], 'or')}."
    )
    return "no-curated-data", None, text, records


def _graded(level: str) -> str:
    return "Unknown (a record without a severity grade)" if level == "Unknown" else level


class DDInterImporter:
    """Interaction entries for every compound x standard treatment pair."""

    family = "ddinter"
    default_release = "ddinter-1.0"
    files: tuple[str, ...] = ("code_A.csv",)

    def run(self, ctx: ImportContext) -> ImportOutput:
        """One interactions file per compound, one entry per standard treatment of any condition."""
        release = DDInterRelease.read(ctx)
        drugbank_dir = ctx.sibling("drugbank", "drugbank-4.2", "join drugs by their DrugBank names")
        names, atc = read_drugbank_names(drugbank_dir), read_drugbank_atc(drugbank_dir)
        files = sorted(p.stem.removeprefix("code_") for p in ctx.release_dir.glob("code_*.csv"))
        label = display_release(ctx.release_id)
        ents = ctx.entities
        treatment_ids = sorted(
            {tid for cond in ents.conditions for tid, _ in ents.effective_treatments(cond) if tid in ents.treatments}
        )
        parts = {t: components(ents.treatments[t], names, release) for t in treatment_ids}
        out = ImportOutput()
        unjoined: dict[str, list[dict[str, str]]] = {}
        self_pairs: list[str] = []
        counts = {
            "documented": 0,
            "no-curated-data": 0,
            "not-covered": 0,
            "not-joined": 0,
            "overridden_by_hand_entries": 0,
        }
        letters = {e.id: _atc_letters(e, atc) for e in [*ents.compounds.values(), *ents.treatments.values()]}
        uncovered: list[str] = []
        for comp in sorted(ents.compounds.values(), key=lambda e: e.id):
            cparts = components(comp, names, release)
            entries: list[dict[str, Any]] = []
            for tid in treatment_ids:
                treat = ents.treatments[tid]
                if set(comp.drugbank_ids().values()) & set(treat.drugbank_ids().values()):
                    self_pairs.append(f"{comp.id} x {tid}")
                    continue
                stated = pair(label, cparts, parts[tid], release)
                if (
                    stated is not None
                    and stated[0] == "no-curated-data"
                    and not ((letters[comp.id] | letters[tid]) & set(files))
                ):
                    # Neither drug has an ATC code in a file this copy holds: its silence says nothing.
                    uncovered.append(f"{comp.id} x {tid}")
                    counts["not-covered"] += 1
                    continue
                if stated is None:
                    counts["not-joined"] += 1
                    continue
                status, level, text, records = stated
                counts[status] += 1
                counts["overridden_by_hand_entries"] += (comp.id, tid) in ents.hand_pairs["interactions"]
                entry: dict[str, Any] = {"treatment": tid, "status": status}
                if level:
                    entry["level"] = level
                entry["facts"] = [
                    fact(f"{comp.id}.interaction.{tid}.ddinter", "interaction", text, ctx.release_id, records)
                ]
                entries.append(entry)
            out.files[f"interactions/{comp.id}.yaml"] = {"compound": comp.id, "interactions": entries}
            for part in cparts:
                if not part.ddinter:
                    unjoined.setdefault("compounds", []).append(
                        {"entity": comp.id, "drug": part.label, "reason": part.reason}
                    )
        for tid in treatment_ids:
            for part in parts[tid]:
                if not part.ddinter:
                    unjoined.setdefault("treatments", []).append(
                        {"entity": tid, "drug": part.label, "reason": part.reason}
                    )
        conflicts = sorted(
            f"{a} x {b}: {', '.join(sorted(lv))}" for (a, b), lv in release.levels.items() if len(lv) > 1
        )
        out.report = {
            "release": ctx.release_id,
            "atc_files_imported": files,
            "coverage": "a pair without a record is stated only when one of its drugs has an ATC code "
            "(DrugBank 4.2) whose first letter names an imported file",
            "pairs": counts,
            "pairs_not_covered_by_this_copy": uncovered,
            "unjoined": unjoined,
            "pairs_skipped_same_drug": self_pairs,
            "release_pairs_with_conflicting_levels_most_severe_used": conflicts,
        }
        return out


def _atc_letters(entity: Entity, atc: dict[str, tuple[str, ...]]) -> set[str]:
    """The ATC main groups of an entity's drugs, by its DrugBank ids."""
    return {code[0] for db in entity.drugbank_ids().values() for code in atc.get(db, ())}


IMPORTER = DDInterImporter()
