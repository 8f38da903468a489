"""How a statement is compared with the facts it cites: clauses, entities and the roles they play, organs,
numbers, polarity, direction and scope. The `grounded` rule (grounding.py) reports what this finds."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.checks.lexicon import Lexicon, Term
from pipeline.language.comparison import OPPOSITES, QUALIFIERS, SCOPE, SCOPE_ALIKE, STOP
from pipeline.language.content import content_stems, new_content
from pipeline.language.spans import CACHE_SIZE
from pipeline.language.words import (
    clauses,
    normalize,
    numbers_in,
    rare_words,
    singular,
    tokens,
)

# "nor" continues a "neither" rather than undoing it, so it is not a negator here.
_NEGATION = re.compile(
    r"\b(no|not|never|neither|none|cannot|without|lacks?|absent|omitting|omits)\b|n't\b", re.IGNORECASE
)
_NON = re.compile(r"\bnon-?([a-z]+)", re.IGNORECASE)
# A fact clause that opens with a verb or pronoun continues the first clause's subject
# ("DDInter 1.0 classifies ... and has no entry for ..."): it is read with that subject.
# A clause that continues the one before it: a verb or pronoun with the same subject, or an
# elliptical parallel ("classifies X with Y, and of Z with Y, as Moderate").
_CONTINUATION = re.compile(
    r"^(?:has|have|had|is|are|was|were|lists|records|gives|does|did|warns|notes|states|"
    r"describes|calls|carries|reports|it|its|they|their|this|these|those|so|of|for|with)\b",
    re.IGNORECASE,
)
_MIN_CLAUSE_OVERLAP = 0.4


@dataclass(frozen=True)
class _Clause:
    """One clause of a cited fact, in comparable form."""

    norm: str  # the clause's words, with the fact's first clause when this one continues it
    words: frozenset[str]  # content words
    entities: frozenset[str]  # entity keys named (the whole fact's when the clause names none)
    names: frozenset[str]  # entity names as written (likewise inherited)
    forms: frozenset[str]  # compound forms named (likewise inherited)
    organs: frozenset[str]  # organ systems named, plus the fact's tags
    numbers: frozenset[str]
    negated: frozenset[str]  # content words under a negator
    negators: int = 0  # how many negators the clause has


@dataclass(frozen=True)
class _Support:
    """What one cited fact states, in comparable form."""

    norm: str
    entities: frozenset[str]
    names: frozenset[str]  # entity names as written
    organs: frozenset[str]
    numbers: frozenset[str]
    clauses: tuple[_Clause, ...]


@functools.lru_cache(maxsize=CACHE_SIZE)
def _negated_words(clause: str) -> frozenset[str]:
    """Content words a negator governs: those after it up to the next comma (a second negator
    undoes it); "non-" governs only the word it prefixes ("non-competitive")."""
    out: set[str] = set()
    for segment in re.split(r"[,;:()]", clause):
        negated = False
        pos = 0
        for m in _NEGATION.finditer(segment):
            if negated:
                out |= _content(segment[pos : m.start()])
            negated, pos = not negated, m.end()
        if negated:
            out |= _content(segment[pos:])
    out |= {singular(m.group(1).lower()) for m in _NON.finditer(clause)}
    return frozenset(out)


def _negators(clause: str) -> int:
    return len(_NEGATION.findall(clause)) + len(_NON.findall(clause))


def _content(text: str) -> frozenset[str]:
    return frozenset(w for w in tokens(text) if w not in STOP and not w.isdigit())


_VERB = re.compile(
    r"\b(?:classifies|lists|warns|states|notes|describes|calls|carries|reports|records|gives|is|are|"
    r"was|were|has|have|had|can|may|contraindicates|found|reported|lowered)\b",
    re.IGNORECASE,
)


def _subject(clause: str) -> str:
    """The words before a clause's first verb: what a continuing clause is about."""
    m = _VERB.search(clause)
    return clause[: m.start()] if m else ""


def _support(text: str, tags: tuple[str, ...], lexicon: Lexicon) -> _Support:
    terms = lexicon.find(text)
    entities = frozenset(t.key for t in terms if t.kind == "entity")
    names = frozenset(t.surface for t in terms if t.kind == "entity")
    forms = frozenset(t.form for t in terms if t.form)
    parts = []
    pieces = clauses(text)
    for c in pieces:
        found = lexicon.find(c)
        own = frozenset(t.key for t in found if t.kind == "entity")
        own_names = frozenset(t.surface for t in found if t.kind == "entity")
        continues = c is not pieces[0] and bool(_CONTINUATION.match(c))
        context = f"{_subject(pieces[0])} {c}" if continues else c
        # A continuing clause ("those with the highest frequencies include ... depression") is
        # still about its subject, whatever else it names.
        parts.append(
            _Clause(
                normalize(context),
                _content(c),
                (own | entities) if continues else (own or entities),
                (own_names | names) if continues else (own_names or names),
                frozenset(t.form for t in found if t.form) or (forms if not own or continues else frozenset()),
                frozenset(t.key for t in found if t.kind == "organ") | frozenset(tags),
                numbers_in(context),
                _negated_words(c),
                _negators(c),
            )
        )
    return _Support(
        normalize(text),
        entities,
        names,
        frozenset(t.key for t in terms if t.kind == "organ") | frozenset(tags),
        numbers_in(text),
        tuple(parts),
    )


def _states(fact: _Support | _Clause, term: Term) -> bool:
    if term.kind == "entity":
        return term.key in fact.entities
    if term.kind == "organ":
        return term.key in fact.organs
    if term.kind == "number":
        return term.key in fact.numbers
    return f" {term.surface} " in fact.norm or _said_alike(term.surface, fact.norm)


def _said_alike(words: str, fact_norm: str) -> bool:
    """Every word of ``words`` is carried by the fact as the same stem or a reviewed synonym ("fetus" for
    "fetal", "contraindicated" for "contraindicates")."""
    wanted = content_stems(words)
    return bool(wanted) and wanted <= content_stems(fact_norm)


_WHAT = {
    "entity": "names a drug or condition that its cited facts do not mention; cite the fact that names it",
    "organ": "speaks of an organ system its cited facts do not; cite the fact about that organ system",
    "effect": "states an adverse effect its cited facts do not contain; keep to what the facts say",
    "claim": "states an evidence claim its cited facts do not make; keep to the facts' evidence tier",
    "term": "names a medical term its cited facts do not contain; keep to what the facts say",
}


def unsupported(
    text: str, facts: tuple[tuple[str, str, tuple[str, ...]], ...], lexicon: Lexicon, strict: bool = True
) -> list[tuple[str, str]]:
    """(span, reason) for everything in ``text`` that the facts do not support. ``strict``: any content word
    none of the facts carries is unsupported too (model-drafted and hand-edited text)."""
    support = [_support(fact_text, tags, lexicon) for _, fact_text, tags in facts]
    out: list[tuple[str, str]] = []
    statement_terms = lexicon.find(text)
    for term in statement_terms:
        if not any(_states(s, term) for s in support):
            out.append((term.surface, _WHAT[term.kind]))
    all_numbers = frozenset().union(*(s.numbers for s in support))
    for number in sorted(numbers_in(text) - all_numbers):
        out.append((number, "states a number that its cited facts do not contain"))
    covered = {w for t in statement_terms for w in t.surface.split()}
    for word in rare_words(text):
        if word not in covered and not any(f" {word} " in s.norm or _said_alike(word, s.norm) for s in support):
            out.append(
                (
                    word,
                    "uses a technical word (drug, effect or other term) that its cited facts do "
                    "not contain; keep to the facts' wording",
                )
            )
    fact_words: set[str] = set().union(*(set(s.norm.split()) for s in support))
    named = {w for t in statement_terms if t.kind == "entity" for w in tokens(t.surface)}
    for word in new_content(text, tuple(fact_text for _, fact_text, _ in facts)) if strict else ():
        if word not in named and word not in covered:
            out.append((word, f"adds '{word}', which none of its cited facts says; keep to what they say"))
    out += _novel_modifiers(text, statement_terms, fact_words)
    out += _novel_scope(text, fact_words)
    out += _reversed_directions(text, fact_words)
    if out:
        return out
    # A clause that names nothing continues the subject of the clause before it; a leading clause
    # that names nothing ("Both labels address blood pressure:") has no subject to hold it to, and
    # its terms were already checked against the cited facts as a whole above.
    names: list[Term] = []
    for clause in clauses(text):
        own = [t for t in lexicon.find(clause) if t.kind == "entity"]
        names = own or names
        out += _clause_problems(clause, names, support, lexicon)
    return out


def _speaks_of(names: list[Term], fact: _Support, clause: _Clause) -> bool:
    """Does this fact clause speak of one of the statement clause's drugs or conditions?

    A name that denotes one form of a compound must meet the same form ("esketamine" is not
    the ketamine injection; "quinidine" is not dextromethorphan); a name the fact itself uses
    must meet that name; otherwise identity suffices (a brand for its generic).
    """
    formed = {name.form for name in names if name.form}
    if formed:
        return formed <= clause.forms
    for name in names:
        if name.surface in fact.names:  # "ketamine" inside "ketamine injection" is not the fact's name
            if name.surface in clause.names:
                return True
        elif name.key in clause.entities:
            return True
    return False


def _reversed_directions(text: str, fact_words: set[str]) -> list[tuple[str, str]]:
    """A direction word the facts do not use whose opposite they do ("lowered" for "elevated")."""
    out = []
    for word in dict.fromkeys(tokens(text)):
        opposite = sorted(o for o in OPPOSITES.get(word, ()) if singular(o) in fact_words)
        if opposite and word not in fact_words:
            out.append(
                (word, f"reverses the direction its cited facts give ('{opposite[0]}'); keep the facts' direction")
            )
    return out


# "all" as a quantifier over people; "the labels all warn" and "all from postmarketing reports" are not.
_ALL_PEOPLE = re.compile(
    r"\ball\s+(?:people|patients|persons|adults|children|cases|users|individuals)\b", re.IGNORECASE
)


def _novel_scope(text: str, fact_words: set[str]) -> list[tuple[str, str]]:
    why = "widens or narrows the claim with a word its cited facts do not use; keep the facts' scope"
    out = [
        (word, why)
        for word in dict.fromkeys(tokens(text))
        if word in SCOPE and word not in fact_words and not (SCOPE_ALIKE.get(word, set()) & fact_words)
    ]
    if "all" not in fact_words:
        out += [(m.group(0), why) for m in _ALL_PEOPLE.finditer(text)]
    return out


def _novel_modifiers(text: str, terms: tuple[Term, ...], fact_words: set[str]) -> list[tuple[str, str]]:
    """Disease qualifiers the facts do not use ("primary progressive" where they say "secondary
    progressive", "severe" where they say "mild"): the qualifier changes who the claim is about."""
    words = tokens(text)
    named = {w for t in terms for w in t.surface.split()}
    out = []
    for i, word in enumerate(words):
        if word in QUALIFIERS and word not in fact_words and any(w in named for w in words[i + 1 : i + 4]):
            out.append(
                (
                    word,
                    "qualifies the condition or drug with a word its cited facts do not use; "
                    "keep the facts' own description",
                )
            )
    return out


def _clause_problems(
    clause: str, statement_names: list[Term], support: list[_Support], lexicon: Lexicon
) -> list[tuple[str, str]]:
    out = []
    terms = lexicon.find(clause)
    names = [t for t in terms if t.kind == "entity"] or statement_names
    if names:
        covered = {w for t in terms for w in t.surface.split()}
        items = [t for t in terms if t.kind != "entity"]
        items += [Term("rare", w, w) for w in rare_words(clause) if w not in covered]
        items += [Term("number", n, n) for n in sorted(numbers_in(clause))]
        for item in items:
            if not any(_states(fc, item) and _speaks_of(names, s, fc) for s in support for fc in s.clauses):
                out.append(
                    (
                        item.surface,
                        "says this of a drug or condition that no cited fact says it of; "
                        "keep each statement with the compound the facts give it",
                    )
                )
    words = _content(clause)
    if not words:
        return out
    # Align the clause with the fact clause that says most of it about the same entities, then
    # compare which of their shared words each negates; flag only when every best alignment differs.
    clause_entities = {t.key for t in terms if t.kind == "entity"}
    # Negation is about what is said, not who it is said of: entity names are left out of the comparison.
    entity_words = {w for t in terms if t.kind == "entity" for w in t.surface.split()}
    mine = _negated_words(clause) - entity_words
    best: tuple[int, float] = (0, 0.0)
    verdicts: set[bool] = set()
    for s in support:
        for fc in s.clauses:
            shared = words & fc.words
            score = (len(clause_entities & fc.entities), len(shared) / len(words))
            # a flip changes what is negated and how often: moving a "not" within a faithful paraphrase
            # changes the first but not the second
            flipped = (mine & shared) != (fc.negated & shared - entity_words) and _negators(
                clause
            ) % 2 != fc.negators % 2
            if score > best:
                best, verdicts = score, {flipped}
            elif score == best:
                verdicts.add(flipped)
    if best[1] >= _MIN_CLAUSE_OVERLAP and verdicts == {True}:
        why = "negates what its cited fact states" if mine else "states positively what its cited fact negates"
        out.append((clause[:80], why))
    return out


MIN_GAIN = 3  # content words a further fact must add to join a hand edit's support


def choose_support(text: str, candidates: list[tuple[str, str]]) -> list[str]:
    """The few facts (at most three) that say most of ``text``: the one sharing the most content, then each
    fact that adds at least MIN_GAIN of the statement's remaining content words. A hand edit is grounded
    against these, not against everything its cited sources say."""
    if not candidates:
        return []
    want = content_stems(text)
    stems = {fid: content_stems(fact_text) for fid, fact_text in candidates}
    first = min(candidates, key=lambda c: (-len(want & stems[c[0]]), len(stems[c[0]] - want)))[0]
    chosen, remaining = [first], want - stems[first]
    while remaining and len(chosen) < 3:
        best = max(
            (fid for fid, _ in candidates if fid not in chosen), key=lambda f: len(remaining & stems[f]), default=None
        )
        if best is None or len(remaining & stems[best]) < MIN_GAIN:
            break
        chosen.append(best)
        remaining -= stems[best]
    return chosen
