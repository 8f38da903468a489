"""The lexicon the grounding rule reads statements with: every name and term the knowledge base knows.

Built once per workspace from compound, condition and treatment names, aliases and forms, the
vocabulary's organ, effect and claim terms, and the generated medical-term list; ``find`` returns the
terms a text names, longest first. Per-text results are memoised in bounded dictionaries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from pipeline.knowledge.base import KnowledgeBase
from pipeline.language.spans import CACHE_SIZE
from pipeline.language.words import tokens

MAX_TERM_WORDS = 6

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, compute: Callable[[], V]) -> V:
    """``memo[key]``, computed on first use; the memo is emptied when full, so a long batch's
    memory stays bounded."""
    found = memo.get(key)
    if found is None:
        if len(memo) >= CACHE_SIZE:
            memo.clear()
        found = memo[key] = compute()
    return found


@dataclass(frozen=True)
class Term:
    """A recognised term: what kind it is and the key it resolves to."""

    kind: str  # entity | organ | effect | claim | term (and, inside the rule, rare | number)
    key: str
    surface: str
    form: str | None = None  # for entity names that denote one form of a compound ("esketamine")


@dataclass
class Lexicon:
    """The medical vocabulary the grounding rule recognises, built from the knowledge base.

    Also memoises its scans and grounding verdicts: the same sentences over the same facts
    recur across a draft, its rendered page and every page of a batch.
    """

    terms: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalized phrase -> (kind, key)
    forms: dict[str, str] = field(default_factory=dict)  # normalized entity name -> form key
    _found: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    # (statement, its facts, strict) -> the grounding problems found
    verdicts: dict[tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...], bool], tuple[tuple[str, str], ...]] = field(
        default_factory=dict
    )

    def add(self, phrase: str, kind: str, key: str) -> None:
        """Register a phrase; the first kind registered for a phrase wins."""
        norm = " ".join(tokens(phrase))
        if norm and norm not in self.terms and len(norm.split()) <= MAX_TERM_WORDS:
            self.terms[norm] = (kind, key)
            self._found.clear()

    def find(self, text: str) -> tuple[Term, ...]:
        """Every term in ``text``, longest match first, without overlaps (memoised per text)."""
        return remember(self._found, text, lambda: tuple(self._scan(tokens(text))))

    def _scan(self, words: Sequence[str]) -> list[Term]:
        out: list[Term] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_TERM_WORDS, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + n])
                hit = self.terms.get(phrase)
                if hit:
                    out.append(Term(hit[0], hit[1], phrase, self.forms.get(phrase)))
                    i += n
                    break
            else:
                i += 1
        return out


def build_lexicon(kb: KnowledgeBase) -> Lexicon:
    """Entity names, organ terms, effect and claim terms, then general medical terms."""
    lex = Lexicon()
    groups = (("compound", kb.compounds), ("treatment", kb.treatments), ("condition", kb.conditions))
    parts: list[tuple[str, str]] = []
    for prefix, entities in groups:
        for entity in entities.values():
            key = f"{prefix}:{entity.id}"
            for form, synonyms in getattr(entity, "forms", {}).items():
                for synonym in synonyms:
                    lex.add(synonym, "entity", key)
                    lex.forms[" ".join(tokens(synonym))] = f"{key}/{form}"
            names = [entity.id.replace("-", " "), entity.name, *entity.aliases]
            names.append(getattr(entity, "short_name", entity.name))
            # "neurologist or movement disorder specialist" names the condition's clinician, not a claim
            names += [getattr(entity, "specialist", "")] if prefix == "condition" else []
            for name in filter(None, names):
                lex.add(name, "entity", key)
                parts += [(part, key) for part in re.split(r"[/()]| and ", name) if len(part.strip()) > 3]
    # Pieces of names ("Dextromethorphan" of "Dextromethorphan/quinidine") only where no entity
    # is called that outright, whichever file was read first.
    for part, key in parts:
        lex.add(part, "entity", key)
    # Effects before organ words: a phrase that names a condition or effect ("thrombocytopenia")
    # must appear in the facts as written; only anatomy and system words ("liver", "breathing")
    # may be supported by a fact's organ-system tag instead.
    for term in kb.vocabulary.effect_terms:
        lex.add(term, "effect", " ".join(tokens(term)))
    for organ_id, organ in kb.vocabulary.organ_systems.items():
        lex.add(organ.label, "organ", organ_id)
        for term in organ.terms:
            if kb.medical_terms.get(term.lower(), "anatomy") == "anatomy":
                lex.add(term, "organ", organ_id)
            else:
                lex.add(term, "effect", " ".join(tokens(term)))
    for term in kb.vocabulary.claim_terms:
        lex.add(term, "claim", " ".join(tokens(term)))
    for term in kb.medical_terms:
        lex.add(term, "term", " ".join(tokens(term)))
    return lex
