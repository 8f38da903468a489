"""The loaded knowledge base: indexed entities and name resolution."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import UnknownEntityError
from pipeline.knowledge.models import (
    Compound,
    Condition,
    Evidence,
    Fact,
    Interaction,
    Pharmacology,
    Source,
    Treatment,
    Vocabulary,
)


def normalize_name(name: str) -> str:
    """Fold case, punctuation and spacing so that 'Lou Gehrig's' and 'lou gehrigs' meet."""
    folded = name.casefold().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", " ", folded).strip()


@dataclass
class KnowledgeBase:
    """Everything under knowledge/, validated and indexed by id."""

    root: Path
    vocabulary: Vocabulary
    sources: dict[str, Source]
    compounds: dict[str, Compound]
    conditions: dict[str, Condition]
    treatments: dict[str, Treatment]
    interactions: dict[tuple[str, str], Interaction]
    evidence: dict[tuple[str, str], Evidence]
    facts: dict[str, Fact] = field(default_factory=dict)
    medical_terms: dict[str, str] = field(default_factory=dict)  # term -> category
    fact_files: dict[str, str] = field(default_factory=dict)
    pharmacology: Pharmacology = field(default_factory=Pharmacology)
    # Dataset records for pairs whose hand entry cites no dataset: they stand beside the hand entry.
    dataset_records: dict[tuple[str, str], Interaction] = field(default_factory=dict)
    # name -> id indexes per kind, built on first lookup (the entities never change after loading)
    _indexes: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def pair_entries(self, compound_id: str, treatment_id: str) -> tuple[Interaction, ...]:
        """Everything curated or imported about a compound with a treatment: the hand entry first."""
        return tuple(
            e
            for e in (
                self.interactions.get((compound_id, treatment_id)),
                self.dataset_records.get((compound_id, treatment_id)),
            )
            if e is not None
        )

    def resolve_compound(self, name: str) -> Compound:
        """Find a compound by id, name or alias, case-insensitively."""
        return self.compounds[self._resolve("compound", name, self.compounds)]

    def resolve_condition(self, name: str) -> Condition:
        """Find a condition by id, name or alias, case-insensitively."""
        return self.conditions[self._resolve("condition", name, self.conditions)]

    def resolve_treatment(self, name: str) -> Treatment | None:
        """Find a treatment by id, name or alias; None when unknown."""
        index = self._index("treatment", self.treatments)
        key = index.get(normalize_name(name))
        return self.treatments[key] if key else None

    def _index(
        self, kind: str, entities: dict[str, Compound] | dict[str, Condition] | dict[str, Treatment]
    ) -> dict[str, str]:
        if kind not in self._indexes:
            self._indexes[kind] = _name_index(entities)
        return self._indexes[kind]

    def _resolve(self, kind: str, name: str, entities: dict[str, Compound] | dict[str, Condition]) -> str:
        index = self._index(kind, entities)
        wanted = normalize_name(name)
        if wanted in index:
            return index[wanted]
        close = difflib.get_close_matches(wanted, list(index), n=3, cutoff=0.6)
        suggestions = sorted({entities[index[c]].id for c in close})
        return _raise_unknown(kind, name, suggestions)


def _raise_unknown(kind: str, name: str, suggestions: list[str]) -> str:
    raise UnknownEntityError(kind, name, suggestions)


def _name_index(
    entities: dict[str, Compound] | dict[str, Condition] | dict[str, Treatment],
) -> dict[str, str]:
    """Map every normalized id, name, short name and alias to the entity id."""
    index: dict[str, str] = {}
    for entity in entities.values():
        names = [entity.id, entity.name, *entity.aliases]
        names += [n for group in getattr(entity, "forms", {}).values() for n in group]
        short = getattr(entity, "short_name", None)
        if short:
            names.append(short)
        for n in names:
            index.setdefault(normalize_name(n), entity.id)
    return index
