"""DrugCentral 2016: a compound's pharmacologic class (FDA EPC, else MeSH pharmacological actions) and
FDA mechanism-of-action class; a treatment's class for its ``drug_class`` field.

Join: the entity's DrugBank id -> DrugCentral DRUG_ID through identifiers.tsv (or a curator-pinned
``identifiers.drugcentral``). When DrugCentral maps one DrugBank id to several drugs (sirolimus
and temsirolimus), the one whose DrugCentral name is the entity's name or alias is taken; if none
or several are, the entity is reported and gets nothing.
"""

from __future__ import annotations

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
    rule_problems,
)

MAX_ACTIONS = 5


class DrugCentralImporter:
    """Class and mechanism facts for compounds; drug classes for treatments."""

    family = "drugcentral"
    default_release = "drugcentral-2016"
    files: tuple[str, ...] = ("identifiers.tsv", "pharm_class.tsv")  # drug_indication.tsv is read when present

    def run(self, ctx: ImportContext) -> ImportOutput:
        """One class fact (and a mechanism fact where given) per compound; drug_class for every entity."""
        dc_by_drugbank: dict[str, list[str]] = {}
        dc_names: dict[str, str] = {}
        columns = ("DRUG_ID", "DRUG_NAME", "ID_TYPE", "IDENTIFIER")
        for row in read_tsv(need(ctx.release_dir, "identifiers.tsv"), columns):
            dc_names[row["DRUG_ID"]] = row["DRUG_NAME"]
            if row["ID_TYPE"] == "DRUGBANK_ID":
                dc_by_drugbank.setdefault(row["IDENTIFIER"], []).append(row["DRUG_ID"])
        classes: dict[str, dict[str, dict[str, str]]] = {}
        for row in read_tsv(
            need(ctx.release_dir, "pharm_class.tsv"), ("DRUG_ID", "TYPE", "CLASS_SOURCE_ID", "CLASS", "SOURCE")
        ):
            if ctx.corrected(row["DRUG_ID"], "class", [row["CLASS"]]):
                by_type = classes.setdefault(row["DRUG_ID"], {}).setdefault(row["TYPE"], {})
                by_type[row["CLASS"]] = row["CLASS_SOURCE_ID"]
        indications: dict[str, list[str]] = {}
        if (ctx.release_dir / "drug_indication.tsv").is_file():
            for row in read_tsv(ctx.release_dir / "drug_indication.tsv", ("DRUG_ID", "INDICATION_FDB")):
                if row["INDICATION_FDB"] and ctx.corrected(row["DRUG_ID"], "indication", [row["INDICATION_FDB"]]):
                    indications.setdefault(row["DRUG_ID"], []).append(row["INDICATION_FDB"])
        label = display_release(ctx.release_id)
        out = ImportOutput()
        unjoined: list[dict[str, Any]] = []
        unclassified: list[str] = []
        dropped: list[dict[str, str]] = []
        for kind, group in (("compounds", ctx.entities.compounds), ("treatments", ctx.entities.treatments)):
            for entity in sorted(group.values(), key=lambda e: e.id):
                dcid, why = self._join(entity, dc_by_drugbank, dc_names)
                if dcid is None:
                    if why:
                        unjoined.append({"entity": f"{kind}/{entity.id}", "reason": why})
                    continue
                found = classes.get(dcid, {})
                epc, moa, pa = (sorted(found.get(t, {})) for t in ("EPC", "MoA", "PA"))
                if not (epc or pa):
                    unclassified.append(f"{kind}/{entity.id}")
                    continue
                doc: dict[str, Any] = {"id": entity.id, "drug_class": _sentence_case("; ".join(epc or pa[:3]))}
                if kind == "compounds":
                    records = [f"DRUG_ID {dcid}"]
                    facts = []
                    text = self._class_text(label, entity, epc, pa)
                    problems = rule_problems(text)
                    if problems:
                        dropped.append({"entity": entity.id, "text": text, "why": ", ".join(problems)})
                    else:
                        used = [("EPC", c) for c in epc] if epc else [("PA", c) for c in pa]
                        facts.append(
                            fact(
                                f"{entity.id}.class.drugcentral",
                                "class",
                                text,
                                ctx.release_id,
                                records + [f"{t} {found[t][c]}" for t, c in used],
                            )
                        )
                    if moa:
                        plural = "classes" if len(moa) > 1 else "class"
                        text = (
                            f"{label} lists {join_and([lower_name(m) for m in moa])} as the FDA mechanism of "
                            f"action {plural} of {entity.label}."
                        )
                        facts.append(
                            fact(
                                f"{entity.id}.mechanism.drugcentral",
                                "mechanism",
                                text,
                                ctx.release_id,
                                records + [f"MoA {found['MoA'][m]}" for m in moa],
                            )
                        )
                    listed = sorted(dict.fromkeys(indications.get(dcid, [])), key=str.casefold)
                    if listed:
                        text = self._indication_text(label, entity, listed)
                        if not rule_problems(text):
                            facts.append(
                                fact(
                                    f"{entity.id}.regulatory.drugcentral-indications",
                                    "regulatory",
                                    text,
                                    ctx.release_id,
                                    [*records, "drug_indication.tsv"],
                                )
                            )
                    doc["facts"] = facts
                out.files[f"{kind}/{entity.id}.yaml"] = doc
        out.report = {
            "release": ctx.release_id,
            "entities_imported": len(out.files),
            "unjoined": unjoined,
            "joined_without_class": unclassified,
            "facts_dropped_by_page_rules": dropped,
        }
        return out

    @staticmethod
    def _join(entity: Entity, by_drugbank: dict[str, list[str]], names: dict[str, str]) -> tuple[str | None, str]:
        pinned = entity.pinned("drugcentral").get("")
        if pinned:
            return (pinned, "") if pinned in names else (None, f"pinned DrugCentral id {pinned} not in the release")
        drugbank = entity.drugbank_ids().get("")
        if not drugbank:
            return None, "" if entity.drugbank_ids() else "no DrugBank id to join through"
        candidates = by_drugbank.get(drugbank, [])
        if not candidates:
            return None, f"DrugBank id {drugbank} not in identifiers.tsv"
        if len(candidates) == 1:
            return candidates[0], ""
        wanted = {n.casefold() for n in (entity.name, entity.short_name, *entity.aliases, entity.id) if n}
        named = [c for c in candidates if names[c].casefold() in wanted]
        if len(named) == 1:
            return named[0], ""
        shown = ", ".join(f"{c} ({names[c]})" for c in candidates)
        return None, f"DrugBank id {drugbank} maps to several DrugCentral drugs: {shown}; pin identifiers.drugcentral"

    @staticmethod
    def _indication_text(label: str, entity: Entity, listed: list[str]) -> str:
        """'DrugCentral 2016 lists 23 indications of doxycycline, including acne vulgaris, ...'."""
        shown = [lower_name(i) for i in listed[:MAX_ACTIONS]]
        if len(listed) == 1:
            return f"{label} lists {shown[0]} as the indication of {entity.label} in its drug-indication table."
        more = (
            f"{len(listed)} indications of {entity.label} in its drug-indication table, including"
            if len(listed) > MAX_ACTIONS
            else f"these indications of {entity.label} in its drug-indication table:"
        )
        return f"{label} lists {more} {join_and(shown)}."

    @staticmethod
    def _class_text(label: str, entity: Entity, epc: list[str], pa: list[str]) -> str:
        if epc:
            plural = "classes" if len(epc) > 1 else "class"
            return (
                f"{label} lists {join_and([lower_name(c) for c in epc])} as the FDA established "
                f"pharmacologic {plural} of {entity.label}."
            )
        shown = [lower_name(c) for c in pa[:MAX_ACTIONS]]
        if len(pa) > MAX_ACTIONS:
            return (
                f"{label} lists {len(pa)} MeSH pharmacological actions of {entity.label}, including {join_and(shown)}."
            )
        plural = "actions" if len(pa) > 1 else "action"
        return f"{label} lists {join_and(shown)} as the MeSH pharmacological {plural} of {entity.label}."


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


IMPORTER = DrugCentralImporter()
