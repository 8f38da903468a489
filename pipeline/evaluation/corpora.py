"""Sentences and cited statements, labelled: precision and recall per text rule, grounding verdicts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from pipeline.checks import SENTENCE_RULES, check_sentence, check_statement
from pipeline.checks.grounding import FactView
from pipeline.errors import PipelineError
from pipeline.workspace import Workspace
from pipeline.yamlfile import load_yaml

# The goals the checks must meet (issue: measured checker).
GOALS = {"recall": 0.99, "benign_fp": 0.02, "unsupported_flagged": 0.95, "supported_pass": 0.95}


class TextCase(BaseModel):
    """One labelled sentence."""

    model_config = ConfigDict(extra="forbid")
    text: str
    rules: list[str]
    category: str = ""
    style: str = ""  # polished, non-native, faq, shorthand, forum, bullet, subordinate (blind sets from round 8)


class GroundingCase(BaseModel):
    """One statement, the facts it cites, and whether they support it."""

    model_config = ConfigDict(extra="forbid")
    statement: str
    fact_ids: list[str]
    supported: bool
    perturbation: str = ""
    page: str = ""  # the page whose sidecar the author read the facts in (blind sets from round 8)
    _facts: dict[str, FactView] = PrivateAttr(default_factory=dict)  # the file's own fact snapshot


C = TypeVar("C", TextCase, GroundingCase)


def _load(path: Path, model: type[C]) -> list[C]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        cases = [model.model_validate(c) for c in data["cases"]]
        facts = _fact_views(data.get("facts") or {})
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, ValidationError) as exc:
        raise PipelineError(f"{path}: cannot load corpus ({exc}); expected a 'cases:' list") from exc
    for case in cases:
        if isinstance(case, GroundingCase):
            case._facts = facts
    return cases


def _fact_views(data: dict[str, dict[str, object]]) -> dict[str, FactView]:
    """A ``facts: {id: {text, tags, sources}}`` snapshot: the fact texts a corpus was labelled against."""
    return {
        fid: FactView(str(f["text"]), tuple(f.get("tags") or ()), tuple(f.get("sources") or ()))  # type: ignore[arg-type]
        for fid, f in data.items()
    }


def corpus_files(directory: Path, kind: str, split: str) -> list[Path]:
    """The corpus files for a kind ('text_rules' or 'grounding') and split ('dev', 'holdout', 'all')."""
    splits = ("dev", "holdout") if split == "all" else (split,)
    files = sorted(f for s in splits for f in (directory / kind).glob(f"{s}-*.yaml"))
    if not files:
        raise PipelineError(f"no {kind} corpus for split {split!r} in {directory}; pass --corpus DIR")
    return files


@dataclass
class RuleScore:
    """Confusion counts for one rule."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class TextReport:
    """Per-rule scores on the text corpus, plus the benign false-positive rate."""

    scores: dict[str, RuleScore]
    benign: int
    benign_flagged: int
    failures: list[tuple[str, list[str], list[str], str]] = field(default_factory=list)  # text, want, got, cat
    caught: int = 0  # violating sentences flagged with every rule they break
    by_style: Counter[str] = field(default_factory=Counter)  # violating sentences per style
    caught_by_style: Counter[str] = field(default_factory=Counter)

    @property
    def caught_rate(self) -> float:
        sentences = sum(self.by_style.values())
        return self.caught / sentences if sentences else 1.0

    @property
    def benign_fp_rate(self) -> float:
        return self.benign_flagged / self.benign if self.benign else 0.0

    @property
    def violating(self) -> int:
        return sum(s.tp + s.fn for s in self.scores.values())

    def meets_goals(self) -> bool:
        return (
            all(s.recall >= GOALS["recall"] for s in self.scores.values()) and self.benign_fp_rate <= GOALS["benign_fp"]
        )


def evaluate_text(
    cases: list[TextCase], ws: Workspace, detect: Callable[[str], Iterable[str]] | None = None
) -> TextReport:
    """Run the sentence rules (or another ``detect``, e.g. a baseline) on every case and score them per rule."""
    scores = {rule: RuleScore() for rule in SENTENCE_RULES}
    report = TextReport(scores, 0, 0)
    for case in cases:
        found = detect(case.text) if detect else (f.rule for f in check_sentence(case.text, ws.settings))
        got = sorted(set(found))
        want = sorted(set(case.rules))
        for rule in SENTENCE_RULES:
            if rule in want and rule in got:
                scores[rule].tp += 1
            elif rule in got:
                scores[rule].fp += 1
            elif rule in want:
                scores[rule].fn += 1
        if not want:
            report.benign += 1
            report.benign_flagged += bool(got)
        else:
            style = case.style or "unstyled"
            report.by_style[style] += 1
            if set(want) <= set(got):
                report.caught += 1
                report.caught_by_style[style] += 1
        if got != want:
            report.failures.append((case.text, want, got, case.category))
    return report


@dataclass
class GroundingReport:
    """How often unsupported statements are flagged and supported ones pass."""

    unsupported: int = 0
    flagged: int = 0
    supported: int = 0
    passed: int = 0
    by_perturbation: Counter[str] = field(default_factory=Counter)
    missed_by_perturbation: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, list[str], bool, str, list[str]]] = field(default_factory=list)

    @property
    def flagged_rate(self) -> float:
        return self.flagged / self.unsupported if self.unsupported else 1.0

    @property
    def pass_rate(self) -> float:
        return self.passed / self.supported if self.supported else 1.0

    def meets_goals(self) -> bool:
        return self.flagged_rate >= GOALS["unsupported_flagged"] and self.pass_rate >= GOALS["supported_pass"]


FACT_SNAPSHOT = "grounding/facts.yaml"


def case_key(text: str) -> str:
    """What makes two corpus cases the same case: the words, ignoring case, punctuation and spacing."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def load_fact_snapshot(directory: Path) -> dict[str, FactView]:
    """The fact texts a grounding corpus was labelled against (``eval/grounding/facts.yaml``), if kept."""
    path = directory / FACT_SNAPSHOT
    if not path.is_file():
        return {}
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        return _fact_views(data.get("facts") or {})
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise PipelineError(
            f"{path}: cannot load the fact snapshot ({exc}); expected 'facts: {{id: {{text: ...}}}}'"
        ) from exc


def evaluate_grounding(
    cases: list[GroundingCase], ws: Workspace, snapshot: dict[str, FactView] | None = None
) -> GroundingReport:
    """Ground every statement against the facts it cites and score the verdicts.

    A case is judged against the fact text its author labelled it by: its own file's snapshot, else the
    ``snapshot`` when it holds the fact (knowledge edits after the corpus was written must not flip its
    labels), else the live fact.
    """
    live = {fid: FactView(f.text, f.tags, f.sources) for fid, f in ws.kb.facts.items()}
    live.update(snapshot or {})
    report = GroundingReport()
    for case in cases:
        facts = {**live, **case._facts} if case._facts else live
        unknown = [fid for fid in case.fact_ids if fid not in facts]
        if unknown:
            raise PipelineError(
                f"grounding case cites unknown fact(s) {unknown}: {case.statement[:60]!r}; "
                "rebuild the corpus after editing the knowledge base"
            )
        findings = check_statement(case.statement, case.fact_ids, facts, ws.lexicon)
        flagged = bool(findings)
        report.by_perturbation[case.perturbation or "none"] += 1
        if case.supported:
            report.supported += 1
            report.passed += not flagged
        else:
            report.unsupported += 1
            report.flagged += flagged
        if flagged == case.supported:
            report.missed_by_perturbation[case.perturbation or "none"] += 1
            report.failures.append(
                (
                    case.statement,
                    case.fact_ids,
                    case.supported,
                    case.perturbation,
                    [f"{f.rule}: {f.text}" for f in findings],
                )
            )
    return report


def load_text_cases(files: list[Path]) -> list[TextCase]:
    """Text-rule cases from corpus files."""
    return [c for f in files for c in _load(f, TextCase)]


def load_grounding_cases(files: list[Path]) -> list[GroundingCase]:
    """Grounding cases from corpus files."""
    return [c for f in files for c in _load(f, GroundingCase)]


def format_text_report(report: TextReport, title: str) -> str:
    """A plain-text table: one row per rule, then the benign false-positive rate."""
    lines = [title, f"{'rule':22}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>9}"]
    for rule, s in report.scores.items():
        lines.append(f"{rule:22}{s.tp:5}{s.fp:5}{s.fn:5}{s.precision:11.3f}{s.recall:9.3f}")
    lines.append(
        f"benign sentences flagged: {report.benign_flagged}/{report.benign} "
        f"= {report.benign_fp_rate:.3%} (goal <= {GOALS['benign_fp']:.0%}); "
        f"violating sentences: {report.violating}"
    )
    if set(report.by_style) - {"unstyled"}:
        lines.append(
            f"violating sentences flagged with every rule they break: {report.caught}/{sum(report.by_style.values())}"
            f" = {report.caught_rate:.1%}; by style: "
            + ", ".join(f"{k} {report.caught_by_style[k]}/{n}" for k, n in sorted(report.by_style.items()))
        )
    return "\n".join(lines)


def format_grounding_report(report: GroundingReport, title: str) -> str:
    """A plain-text summary of grounding verdicts, with misses per perturbation."""
    lines = [
        title,
        f"unsupported flagged: {report.flagged}/{report.unsupported} = {report.flagged_rate:.3%} "
        f"(goal >= {GOALS['unsupported_flagged']:.0%})",
        f"supported passing:   {report.passed}/{report.supported} = {report.pass_rate:.3%} "
        f"(goal >= {GOALS['supported_pass']:.0%})",
        f"{'perturbation':28}{'cases':>7}{'wrong':>7}",
    ]
    for name, count in sorted(report.by_perturbation.items()):
        lines.append(f"{name:28}{count:7}{report.missed_by_perturbation[name]:7}")
    return "\n".join(lines)
