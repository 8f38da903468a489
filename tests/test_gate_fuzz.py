"""Fuzzing the safety gate: violating sentences, placed anywhere on a page and disguised, are never approved.

Each sentence is first shown to be flagged in plain form (so the test can fail); then every combination of
sentence x place x disguise (well over 1,000) goes through `check` and approval. Every variant must be
flagged, by at least the rules that flag the plain sentence wherever text is read as prose, and none may be
approved. A sample also goes through the CLI, as a reviewer would run it.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import Workspace, generate_page
from pipeline.build import check_page
from pipeline.checks import check_sentence
from pipeline.errors import ApprovalRefusedError
from pipeline.review.state import approve_page
from tests.conftest import run_cli

SENTENCES = [
    "Take 500 mg of ketamine twice daily.",
    "Ketamine cures ALS.",
    "Ketamine is completely safe for everyone with ALS.",
    "Stop taking riluzole before starting ketamine.",
    "Ketamine is a miracle treatment that reverses ALS.",
    "The usual dose is 0.5 mg/kg given over 40 minutes.",
    "You should start ketamine as soon as possible.",
    "Ketamine is guaranteed to halt disease progression.",
    "There are no risks with ketamine.",
    "Increase the dose by 10 mg every week.",
    "Ketamine is harmless.",
    "Switch from riluzole to ketamine.",
]

_LOOKALIKE = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440"})


def _in_words(insert: str) -> Callable[[str], str]:
    """Put ``insert`` in the middle of every word of four letters or more."""

    def apply(text: str) -> str:
        return " ".join(w[: len(w) // 2] + insert + w[len(w) // 2 :] if len(w) >= 4 else w for w in text.split(" "))

    return apply


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def _entity_e(text: str) -> str:
    return text.replace("e", "&#101;")


def _lookalike(text: str) -> str:
    """Swap look-alike letters into each word that keeps at least one Latin letter (mixed-script words)."""
    return " ".join(w[0] + w[1:].translate(_LOOKALIKE) for w in text.split(" "))


DISGUISES: dict[str, Callable[[str], str]] = {
    "plain": lambda t: t,
    "soft hyphen": _in_words("\u00ad"),
    "zero-width space": _in_words("\u200b"),
    "word joiner": _in_words("\u2060"),
    "full-width": _full_width,
    "entity &shy;": _in_words("&shy;"),
    "numeric entity": _entity_e,
    "inline tag": _in_words("<span></span>"),
    "look-alike letters": _lookalike,
}

AFTER_REFS = "references"


def _insert_before(heading: str) -> Callable[[str, str], str]:
    def place(page: str, sentence: str) -> str:
        assert heading in page
        return page.replace(heading, f"{sentence}\n\n{heading}", 1)

    return place


def _insert_after(heading: str, wrap: Callable[[str], str] = lambda s: s) -> Callable[[str, str], str]:
    def place(page: str, sentence: str) -> str:
        assert heading in page
        return page.replace(heading, f"{heading}\n\n{wrap(sentence)}\n", 1)

    return place


PLACES: dict[str, tuple[Callable[[str, str], str], bool]] = {  # name -> (how, whether read as prose)
    "after references": (lambda p, s: p + f"\n{s}\n", True),
    "as a reference entry": (lambda p, s: p + f"99. {s}\n", True),
    "in a code fence after references": (lambda p, s: p + f"\n```\n{s}\n```\n", True),
    "as a setext heading after references": (lambda p, s: p + f"\n{s}\n===\n", True),
    "as a sub-heading after references": (lambda p, s: p + f"\n### {s}\n", True),
    "in the bottom line": (_insert_after("## Bottom Line on Safety\n"), True),
    "in the introduction": (_insert_before("## General Safety Profile"), True),
    "in the disclaimer": (_insert_before("## Frequently Asked Questions"), True),
    "under the title": (_insert_after("*By Research Review Team*"), True),
    "as a condition bullet": (
        _insert_after("## Safety Considerations for ALS Patients Specifically\n", lambda s: f"- **Riluzole:** {s}"),
        True,
    ),
    "as a sub-heading": (_insert_after("## What the Published Literature Shows\n", lambda s: f"### {s}"), True),
    "in the title": (lambda p, s: p.replace(" — Research Review", f" {s} — Research Review", 1), False),
}


@pytest.fixture(scope="module")
def base(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fuzz") / "outputs"
    assert generate_page("ketamine", "als", out_dir=out, workspace=workspace).path
    return out


def _variants() -> list[tuple[str, str, str]]:
    return [(s, p, d) for s in SENTENCES for p in PLACES for d in DISGUISES]


def test_there_are_more_than_a_thousand_variants() -> None:
    assert len(_variants()) >= 1000


@pytest.mark.parametrize("sentence", SENTENCES)
def test_each_sentence_is_flagged_in_plain_form(workspace: Workspace, sentence: str) -> None:
    assert check_sentence(sentence, workspace.settings), sentence


def test_every_variant_is_flagged_and_none_is_approved(workspace: Workspace, base: Path) -> None:
    page = base / "drafts" / "ketamine" / "als.md"
    original = page.read_text()
    assert check_page(page, workspace=workspace)[0] == []
    escaped: list[str] = []
    for sentence, place, disguise in _variants():
        how, prose = PLACES[place]
        page.write_text(how(original, DISGUISES[disguise](sentence)))
        findings, _ = check_page(page, workspace=workspace)
        rules = {f.rule for f in findings if f.severity.value == "error"}
        wanted = {f.rule for f in check_sentence(sentence, workspace.settings)} if prose else set()
        if not rules or not wanted <= rules:
            escaped.append(f"{place} / {disguise}: {sentence} -> {sorted(rules)}, wanted {sorted(wanted)}")
            continue
        try:
            approve_page(workspace, base, "ketamine", "als", reviewer="mallory")
            escaped.append(f"APPROVED {place} / {disguise}: {sentence}")
        except ApprovalRefusedError:
            pass
    page.write_text(original)
    assert escaped == [], "\n".join(escaped[:20])


def test_a_sample_of_variants_is_flagged_by_the_cli(base: Path, tmp_path: Path) -> None:
    source = base / "drafts" / "ketamine" / "als.md"
    rng = random.Random(14)
    paths = []
    for i, (sentence, place, disguise) in enumerate(rng.sample(_variants(), 40)):
        target = tmp_path / str(i) / "als.md"
        target.parent.mkdir()
        shutil.copy(source.with_suffix(".json"), target.with_suffix(".json"))
        target.write_text(PLACES[place][0](source.read_text(), DISGUISES[disguise](sentence)))
        paths.append(str(target))
    result = run_cli("check", "--json", *paths, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    flagged = {f["path"] for f in json.loads(result.stdout) if f["severity"] == "error"}
    assert flagged == set(paths)
