"""The rule registry: a rule is one class; the registry runs it, stamps its findings and derives the rest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline import Workspace
from pipeline.checks import (
    RULE_IDS,
    RULES,
    SENTENCE_RULES,
    TEXT_ONLY_RULES,
    Finding,
    Rule,
    Scope,
    Severity,
    check_sentence,
    register,
)
from pipeline.checks.document import Unit
from pipeline.checks.registry import CheckInput


class NoWeasel(Rule):
    """The docs' worked example: flag "some say", which hides who says so."""

    id = "no-weasel-words"
    summary = "no claims attributed to nobody ('some say', 'it is believed')"
    scope = Scope.SENTENCE
    rank = 55
    severity = Severity.WARNING

    def check(self, doc: CheckInput) -> list[Finding]:
        return [
            Finding(
                rule="anything",
                severity=Severity.ERROR,
                section=u.section,
                text="some say",
                message="attribute the claim to its source",
            )
            for u in doc.units
            if "some say" in u.text.lower()
        ]


@pytest.fixture
def weasel() -> Iterator[None]:
    register(NoWeasel)
    yield
    RULES[:] = [r for r in RULES if r.id != NoWeasel.id]


def test_a_registered_rule_runs_and_its_findings_are_stamped(workspace: Workspace, weasel: None) -> None:
    from pipeline.checks import registry

    assert [r.id for r in RULES].index("no-weasel-words") == [r.id for r in RULES].index("no-cure-claims") + 1
    doc = registry.CheckInput([Unit("bottom_line", "Some say ketamine helps.")], workspace.settings)
    found = registry.run_rules(doc)
    assert [(f.rule, f.severity) for f in found] == [("no-weasel-words", Severity.WARNING)]


def test_the_same_id_cannot_be_registered_twice(weasel: None) -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register(NoWeasel)


def test_groupings_are_derived_from_the_registry() -> None:
    assert SENTENCE_RULES == ("no-dosing", "no-directive-advice", "no-absolute-safety", "no-cure-claims")
    assert ("disclaimer", *SENTENCE_RULES, "structure") == TEXT_ONLY_RULES
    assert (
        "disclaimer",
        *SENTENCE_RULES,
        "citations",
        "grounded",
        "structure",
        "completeness",
        "provenance",
    ) == RULE_IDS
    assert all(r.summary and r.severity for r in RULES)


def test_check_sentence_uses_the_sentence_rules(workspace: Workspace) -> None:
    rules = {f.rule for f in check_sentence("Take 500 mg daily; it cures ALS.", workspace.settings)}
    assert rules == {"no-dosing", "no-directive-advice", "no-cure-claims"}
