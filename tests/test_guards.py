"""Literal guards (pipeline/language/guards.py) must never change what the patterns find."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.language import claims, cures, directives, dosing
from pipeline.language.guards import fold, guard_of, may_match, runnable
from pipeline.language.spans import scan

ROOT = Path(__file__).resolve().parent.parent
LEXICONS = {
    "dosing": dosing.PATTERNS,
    "absolute safety": claims.SAFETY_CLAIMS,
    "directives": directives.DIRECTIVE_PATTERNS,
    "cures": cures.CURE_CLAIMS,
}


def _sentences() -> list[str]:
    """Every labelled sentence, and every line of the committed pages: text like what the rules read."""
    out = []
    for path in sorted((ROOT / "eval" / "text_rules").glob("*.yaml")):
        out += [case["text"] for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]]
    for page in sorted((ROOT / "outputs" / "drafts").glob("*/*.md")):
        out += [line for line in page.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


SENTENCES = _sentences()


# Letters that match an ASCII letter under re.IGNORECASE without being it: dotted capital I, dotless i, long s,
# the Kelvin sign. Text written with them must be read exactly as without guards.
LOOKALIKES = [("i", "İ"), ("I", "İ"), ("i", "ı"), ("s", "ſ"), ("k", "K")]


@pytest.mark.parametrize("name", sorted(LEXICONS))
@pytest.mark.parametrize(
    "lookalike", [None, *LOOKALIKES], ids=["as-written", *(f"{a}-as-U+{ord(b):04X}" for a, b in LOOKALIKES)]
)
def test_guards_change_nothing_the_patterns_find(name: str, lookalike: tuple[str, str] | None) -> None:
    patterns = LEXICONS[name]
    assert len(SENTENCES) > 5000
    texts = SENTENCES if lookalike is None else [t.replace(*lookalike) for t in SENTENCES]
    differ = [text for text in texts if scan(text, patterns) != scan(text, patterns, guarded=False)]
    assert not differ, differ[:5]


def test_a_claim_written_with_a_dotted_capital_i_is_still_found() -> None:
    text = "Metformin is RİSK-FREE for everyone."
    assert scan(text, claims.SAFETY_CLAIMS) == scan(text, claims.SAFETY_CLAIMS, guarded=False) != []


@pytest.mark.parametrize("name", sorted(LEXICONS))
def test_most_patterns_have_a_guard_and_it_skips_work(name: str) -> None:
    patterns = [pattern for pattern, _ in LEXICONS[name]]
    guarded = [p for p in patterns if guard_of(p) is not None]
    assert len(guarded) >= len(patterns) * 0.8
    # on benign prose most guarded patterns are ruled out
    run = runnable(tuple(patterns), "The label describes liver enzyme rises in a small number of patients.")
    assert run.count(False) >= len(guarded) * 0.8


def test_a_guard_is_the_most_selective_literal_set_a_match_needs() -> None:
    assert guard_of(re.compile(r"\bregain(?:s|ed)?\s+(?:full|normal)\b", re.IGNORECASE)) == frozenset({"regain"})
    assert guard_of(re.compile(r"\b(?:is|are)\s+(?:cured|halted|reversed)\b", re.I)) == frozenset(
        {"cured", "halted", "reversed"}
    )
    # an optional part is never required; a branch that can be empty guards nothing
    assert guard_of(re.compile(r"(?:foo)?bar")) == frozenset({"bar"})
    assert guard_of(re.compile(r"(?:abc|)x")) == frozenset({"x"})
    # nothing certain to read: no guard, the pattern always runs
    assert guard_of(re.compile(r"[A-Z][a-z]+\d+")) is None
    assert guard_of(re.compile(r"(?:ab)*c?")) is None


def test_guarded_scan_finds_the_same_on_tricky_text() -> None:
    pattern = re.compile(r"\b(?:completely|totally)\s+safe\b", re.IGNORECASE)
    for text in ("It is COMPLETELY SAFE.", "It is totally\tsafe for all", "perfectly safe"):
        assert scan(text, [(pattern, "x")]) == scan(text, [(pattern, "x")], guarded=False)
    # the guard of this one is "safe": a long s must still let it through
    safe = re.compile(r"\bsafe\b", re.IGNORECASE)
    assert guard_of(safe) == frozenset({"safe"})
    assert scan("ſafe", [(safe, "x")]) == scan("ſafe", [(safe, "x")], guarded=False) != []
    # the dotless i matches an ASCII i under IGNORECASE: the guard must let it through
    dotless = re.compile(r"\bcuring\b", re.IGNORECASE)
    assert scan("curıng", [(dotless, "x")]) == scan("curıng", [(dotless, "x")], guarded=False) != []


def test_case_folding_never_hides_a_match() -> None:
    """Every character that matches an ASCII character under re.IGNORECASE folds to a text containing it."""
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for code in range(0x20, 0x7F):
        char = chr(code)
        for m in re.finditer(re.escape(char), every, re.IGNORECASE):
            # exactly that one letter: a longer fold would split a literal run in two
            assert fold(m.group(0)) == char.lower(), (char, m.group(0), hex(ord(m.group(0))))


FILTERS = {"debunked": claims.DEBUNK, "hedged": claims._HEDGE, "cure near-miss": cures._CURE_BENIGN}


@pytest.mark.parametrize("name", sorted(FILTERS))
@pytest.mark.parametrize(
    "lookalike", [None, *LOOKALIKES], ids=["as-written", *(f"{a}-as-U+{ord(b):04X}" for a, b in LOOKALIKES)]
)
def test_may_match_never_rules_out_a_filter_that_matches(name: str, lookalike: tuple[str, str] | None) -> None:
    pattern = FILTERS[name]
    assert guard_of(pattern) is not None  # else may_match is always True and this test shows nothing
    texts = SENTENCES if lookalike is None else [t.replace(*lookalike) for t in SENTENCES]
    matched = [text for text in texts if pattern.search(text)]
    assert matched  # the corpus exercises the filter
    assert all(may_match(pattern, text) for text in matched), [t for t in matched if not may_match(pattern, t)][:5]
    assert not all(may_match(pattern, text) for text in texts)  # and it does rule some text out


def test_a_lexicon_changed_in_place_is_read_as_it_is_now() -> None:
    """Guards are kept per lexicon list; a list changed after its first use must not keep its old guards."""
    lexicon = [(re.compile(r"\bhalts?\b", re.IGNORECASE), "halts")]
    text = "It reverses ALS."
    assert scan(text, lexicon) == []
    lexicon[0] = (re.compile(r"\breverses\b", re.IGNORECASE), "reverses")
    assert [hit.text for hit in scan(text, lexicon)] == ["reverses"]
    lexicon.append((re.compile(r"\bALS\b"), "names the disease"))
    assert [hit.text for hit in scan(text, lexicon)] == ["reverses", "ALS"]
