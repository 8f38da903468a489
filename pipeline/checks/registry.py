"""The rule registry: every rule is one class, registered by a decorator, and the registry does the rest.

A rule declares its id (as named in the design), severity, a one-line summary, its scope (does it need
the page, the facts?) and its place in the report order, and implements ``check``. The registry runs
the rules, stamps every finding with the rule's id and severity (a rule cannot mislabel its own
findings), derives which rules run without a sidecar, and derives ``RULES_VERSION`` from a hash of the
rules' code and the language layer, so a changed detector always changes every page key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pipeline.checks.document import ParsedPage, Unit
from pipeline.checks.findings import Finding, Severity
from pipeline.checks.grounding import GroundingContext
from pipeline.settings import SiteSettings


class Scope(StrEnum):
    """What a rule needs to run."""

    SENTENCE = "sentence"  # one sentence at a time: runs everywhere, patient text included
    PAGE = "page"  # the page (or draft) as a whole, no facts: runs without a sidecar too
    FACTS = "facts"  # the facts behind the page: needs a draft or a sidecar


@dataclass(frozen=True)
class PageNames:
    """How the page must name its compound, condition and the condition's treatments."""

    compound: str
    condition: str
    condition_short: str
    treatments: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> aliases


@dataclass
class CheckInput:
    """Everything a rule may look at; grounding and page are absent when unknown."""

    units: list[Unit]
    settings: SiteSettings
    page: ParsedPage | None = None
    grounding: GroundingContext | None = None
    names: PageNames | None = None
    is_draft: bool = False
    required: dict[str, str] | None = None  # fact id -> what the page must state (completeness)
    gaps: tuple[str, ...] = ()  # what the knowledge base lacks for this page
    bibliography: dict[int, str] | None = None  # reference number -> the citation it must read (plain text)
    disguises: tuple[str, ...] = ()  # character tricks the page needed undoing (see language/normalize.py)
    foreign: tuple[str, ...] = ()  # non-Latin letters left in words after normalising
    template: dict[str, frozenset[str]] | None = None  # section -> fixed text the template renders there
    provenance: list[Finding] = field(default_factory=list)  # sidecar entries that differ from the knowledge
    # work several rules share on this document, done once by the first rule that needs it (not an init field:
    # dataclasses.replace makes a new document with an empty memo, never a stale one)
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)


class Rule:
    """One rule. Subclass it, set the class attributes, implement ``check``, decorate with ``@register``."""

    id: ClassVar[str]
    summary: ClassVar[str]
    scope: ClassVar[Scope]
    rank: ClassVar[int]  # report order: findings are listed rule by rule, in rank order
    severity: ClassVar[Severity] = Severity.ERROR

    def check(self, doc: CheckInput) -> list[Finding]:
        """The rule's findings on ``doc``; the registry stamps their rule id and severity."""
        raise NotImplementedError


RULES: list[Rule] = []
R = TypeVar("R", bound=type[Rule])


def register(cls: R) -> R:
    """Add a rule class to the registry (one instance, kept in rank order)."""
    if any(r.id == cls.id for r in RULES):
        raise ValueError(f"rule id {cls.id!r} is registered twice")
    RULES.append(cls())
    RULES.sort(key=lambda r: r.rank)
    return cls


def rule_ids(*scopes: Scope) -> tuple[str, ...]:
    """The ids of the registered rules of these scopes (all of them when none is given), in rank order."""
    return tuple(r.id for r in RULES if not scopes or r.scope in scopes)


def run_rules(doc: CheckInput, only: tuple[str, ...] | None = None) -> list[Finding]:
    """Run every registered rule (or those in ``only``) and return all findings, in rank order."""
    findings: list[Finding] = []
    for rule in RULES:
        if only is None or rule.id in only:
            for finding in rule.check(doc):
                finding.rule, finding.severity = rule.id, rule.severity
                findings.append(finding)
    return findings


def code_version() -> str:
    """A hash of the rules' code, their trained weights and the language layer: part of every page key and
    sidecar."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    files = [*package.glob("*.py"), *(package / "data").glob("*.json"), *(package.parent / "language").glob("*.py")]
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
