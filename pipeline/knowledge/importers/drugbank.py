"""DrugBank 4.2: a compound's regulatory status groups and ATC codes; a fallback drug class.

Join: the entity's DrugBank id (``identifiers.drugbank``). Groups are DrugBank's own
(approved, investigational, experimental, nutraceutical, illicit, withdrawn) and are stated as
DrugBank's listing, not as a regulator's decision. Categories fill ``drug_class`` where
DrugCentral gives none (DrugCentral comes first in the merge).
"""

from __future__ import annotations

from typing import Any

from pipeline.knowledge.importers.base import ImportContext, ImportOutput
from pipeline.knowledge.importers.common import display_release, fact, join_and, need, read_tsv, rule_problems

GROUP_ORDER = ("approved", "investigational", "experimental", "nutraceutical", "illicit", "withdrawn")


class DrugBankImporter:
    """Regulatory-status facts for compounds; category-based drug classes for compounds and treatments."""

    family = "drugbank"
    default_release = "drugbank-4.2"
    files: tuple[str, ...] = ("drugbank.tsv",)

    def run(self, ctx: ImportContext) -> ImportOutput:
        """One regulatory fact per compound found in the release."""
        rows = {
            r["drugbank_id"]: r
            for r in read_tsv(
                need(ctx.release_dir, "drugbank.tsv"), ("drugbank_id", "name", "groups", "atc_codes", "categories")
            )
        }
        label = display_release(ctx.release_id)
        out = ImportOutput()
        unjoined: list[dict[str, str]] = []
        dropped: list[dict[str, str]] = []
        for kind, group in (("compounds", ctx.entities.compounds), ("treatments", ctx.entities.treatments)):
            for entity in sorted(group.values(), key=lambda e: e.id):
                drugbank = entity.drugbank_ids().get("")
                if not drugbank:
                    if not entity.drugbank_ids():
                        unjoined.append({"entity": f"{kind}/{entity.id}", "reason": "no DrugBank id"})
                    continue
                row = rows.get(drugbank)
                if row is not None:
                    codes = ctx.corrected(drugbank, "atc_codes", [c for c in row["atc_codes"].split("|") if c])
                    row = {**row, "atc_codes": "|".join(codes)}
                if row is None:
                    unjoined.append(
                        {
                            "entity": f"{kind}/{entity.id}",
                            "reason": f"{drugbank} not in the release (added to DrugBank later?)",
                        }
                    )
                    continue
                doc: dict[str, Any] = {"id": entity.id}
                categories = [c for c in row["categories"].split("|") if c]
                if categories:
                    doc["drug_class"] = "; ".join(categories[:2])
                if kind == "compounds":
                    text = self._text(label, entity.label, row)
                    problems = rule_problems(text)
                    if problems:
                        dropped.append({"entity": entity.id, "text": text, "why": ", ".join(problems)})
                        doc["facts"] = []
                    else:
                        doc["facts"] = [
                            fact(f"{entity.id}.regulatory.drugbank", "regulatory", text, ctx.release_id, [drugbank])
                        ]
                if len(doc) > 1:
                    out.files[f"{kind}/{entity.id}.yaml"] = doc
        out.report = {
            "release": ctx.release_id,
            "entities_imported": len(out.files),
            "unjoined": unjoined,
            "facts_dropped_by_page_rules": dropped,
        }
        return out

    @staticmethod
    def _text(label: str, name: str, row: dict[str, str]) -> str:
        groups = [g for g in GROUP_ORDER if g in row["groups"].split("|")]
        groups += sorted(g for g in row["groups"].split("|") if g and g not in GROUP_ORDER)
        plural = "groups" if len(groups) > 1 else "group"
        text = f"{label} lists {name} in its {join_and(groups)} {plural}"
        atc = [c for c in row["atc_codes"].split("|") if c]
        if atc:
            text += f", with ATC code{'s' if len(atc) > 1 else ''} {join_and(atc)}"
        return text + "."


IMPORTER = DrugBankImporter()
