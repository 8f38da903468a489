"""DDInter 1.0: the interaction severity of every compound with every standard treatment.

DDInter's bulk files carry DDInter ids and drug names only (no DrugBank ids, no mechanism text),
so a drug joins through its DrugBank id -> the DrugBank 4.2 name (read from the drugbank-4.2
release beside this one) -> the DDInter drug of exactly that name. A curator may pin a DDInter id
(``identifiers.ddinter``, or ``ddinter_<form>`` for one form of a compound) where the names differ
(lithium vs lithium carbonate) or DrugBank 4.2 lacks the drug (cannabidiol). Nothing is matched
by similarity: what does not join is reported, and its pairs are stated as having no curated
interaction data, never as having no interaction.

Wording follows the hand-curated interaction facts: a documented pair is "DDInter 1.0 classifies
the interaction of X with Y as Moderate; the release records a severity level only, omitting
mechanism text"; a pair without an entry is "... so there is no curated interaction data ...".
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
    for suffix in suffixes:
        label = entity.label if suffix == "" else suffix.replace("-", " ")
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


def pair(label: str, comp: Entity, cparts: list[Component], treat: Entity, tparts: list[Component],
         release: DDInterRelease) -> tuple[str, str | None, str, list[str]]:
    """(status, level, fact text, records) for one compound x treatment."""
    mc, mt = [c for c in cparts if c.ddinter], [t for t in tparts if t.ddinter]
    unmatched = [x.label for x in cparts + tparts if not x.ddinter]
    found = [(c, t, lvl) for c in mc for t in mt if (lvl := release.level(c.ddinter or "", t.ddinter or ""))]
    not_matched = [f"{x.label}: not matched ({x.reason})" for x in cparts + tparts if not x.ddinter]
    records = [f"{c.ddinter} x {t.ddinter}" for c, t, _ in found] + not_matched
    if found:
        text = f"{label} classifies the interaction " + join_and([f"of {c.label} with {t.label} as {lvl}"
                                                                 for c, t, lvl in found])
        missing = [f"{c.label} with {t.label}" for c in mc for t in mt
                   if not release.level(c.ddinter or "", t.ddinter or "")]
        if missing:
            text += " and has no entry for " + join_and(missing, "or")
        if unmatched:
            text += f", and it has no drug matched to {join_and(unmatched)}"
        level = min((lvl for _, _, lvl in found), key=_severity)
        return "documented", level, text + "; the release records a severity level only, omitting mechanism text.", \
            records
    cname, tname = comp.label, treat.label
    records = [f"{c.ddinter} x {t.ddinter} (no entry)" for c in mc for t in mt] + not_matched
    if not unmatched:
        if len(mc) == len(mt) == 1:
            text = (f"{label} lists {mt[0].label} but has no entry for the {mc[0].label} and {mt[0].label} pair, "
                    "so there is no curated interaction data for this combination.")
        else:
            text = (f"{label} lists {join_and([t.label for t in mt])} but has no entry for "
                    f"{join_and([c.label for c in mc], 'or')} with {join_and([t.label for t in mt], 'or')}, so there "
                    f"is no curated interaction data for {cname} with {tname}.")
    else:
        text = f"{label} has no drug matched to {join_and(unmatched)}"
        if mc and mt:
            text += (f" and no entry for {join_and([c.label for c in mc], 'or')} with "
                     f"{join_and([t.label for t in mt], 'or')}")
        text += f", so there is no curated interaction data for {cname} with {tname}."
    return "no-curated-data", None, text, records


class DDInterImporter:
    """Interaction entries for every compound x standard treatment pair."""

    family = "ddinter"
    default_release = "ddinter-1.0"
    files: tuple[str, ...] = ("code_A.csv",)

    def run(self, ctx: ImportContext) -> ImportOutput:
        """One interactions file per compound, one entry per standard treatment of any condition."""
        release = DDInterRelease.read(ctx)
        names = read_drugbank_names(ctx.sibling("drugbank", "drugbank-4.2", "join drugs by their DrugBank names"))
        label = display_release(ctx.release_id)
        ents = ctx.entities
        treatment_ids = sorted({tid for cond in ents.conditions for tid, _ in ents.effective_treatments(cond)
                                if tid in ents.treatments})
        parts = {t: components(ents.treatments[t], names, release) for t in treatment_ids}
        out = ImportOutput()
        unjoined: dict[str, list[dict[str, str]]] = {}
        self_pairs: list[str] = []
        counts = {"documented": 0, "no-curated-data": 0, "overridden_by_hand_entries": 0}
        for comp in sorted(ents.compounds.values(), key=lambda e: e.id):
            cparts = components(comp, names, release)
            entries: list[dict[str, Any]] = []
            for tid in treatment_ids:
                treat = ents.treatments[tid]
                if set(comp.drugbank_ids().values()) & set(treat.drugbank_ids().values()):
                    self_pairs.append(f"{comp.id} x {tid}")
                    continue
                status, level, text, records = pair(label, comp, cparts, treat, parts[tid], release)
                counts[status] += 1
                counts["overridden_by_hand_entries"] += (comp.id, tid) in ents.hand_pairs["interactions"]
                entry: dict[str, Any] = {"treatment": tid, "status": status}
                if level:
                    entry["level"] = level
                entry["facts"] = [fact(f"{comp.id}.interaction.{tid}.ddinter", "interaction", text, ctx.release_id,
                                       records)]
                entries.append(entry)
            out.files[f"interactions/{comp.id}.yaml"] = {"compound": comp.id, "interactions": entries}
            for part in cparts:
                if not part.ddinter:
                    unjoined.setdefault("compounds", []).append({"entity": comp.id, "drug": part.label,
                                                                 "reason": part.reason})
        for tid in treatment_ids:
            for part in parts[tid]:
                if not part.ddinter:
                    unjoined.setdefault("treatments", []).append({"entity": tid, "drug": part.label,
                                                                  "reason": part.reason})
        conflicts = sorted(f"{a} x {b}: {', '.join(sorted(lv))}" for (a, b), lv in release.levels.items()
                           if len(lv) > 1)
        out.report = {"release": ctx.release_id, "pairs": counts, "unjoined": unjoined,
                      "pairs_skipped_same_drug": self_pairs,
                      "release_pairs_with_conflicting_levels_most_severe_used": conflicts}
        return out


IMPORTER = DDInterImporter()
