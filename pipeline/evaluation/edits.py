"""Hand edits of a saved page, measured the way a reviewer meets them: one sentence of a real page is edited in
place (its citation marker kept, the sidecar left as it was) and `check` runs on the page.

Corpus files are ``eval/hand_edits/<split>-NN.yaml``; each case names a page (``compound/condition``), the
sentence as the page has it, the edited sentence, and whether the edit is wrong (says what the cited facts do
not) or a harmless paraphrase. Pages are generated afresh from the knowledge base with the built-in drafter;
a case whose sentence the page no longer has is counted as stale, never scored.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.build import Outcome, check_page, generate_page
from pipeline.checks.findings import Severity
from pipeline.errors import PipelineError
from pipeline.workspace import Workspace
from pipeline.yamlfile import load_yaml

GROUNDING_RULES = ("grounded", "citations")


class EditCase(BaseModel):
    """One in-place edit of one sentence of a page."""

    model_config = ConfigDict(extra="forbid")
    page: str
    original: str
    edited: str
    wrong: bool
    category: str = ""


def load_edit_cases(files: list[Path]) -> list[EditCase]:
    """Hand-edit cases from corpus files."""
    out: list[EditCase] = []
    for path in files:
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
            out += [EditCase.model_validate(c) for c in data["cases"]]
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValidationError) as exc:
            raise PipelineError(f"{path}: cannot load corpus ({exc}); expected a 'cases:' list") from exc
    return out


@dataclass
class EditReport:
    """How often wrong edits are flagged (by grounding, by any rule) and harmless ones pass."""

    wrong: int = 0
    wrong_flagged: int = 0  # any error finding
    wrong_grounding: int = 0  # an error finding of the grounding or citation rule
    harmless: int = 0
    harmless_flagged: int = 0
    stale: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    missed_by_category: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[EditCase, list[str]]] = field(default_factory=list)

    @property
    def grounding_rate(self) -> float:
        return self.wrong_grounding / self.wrong if self.wrong else 1.0

    @property
    def flagged_rate(self) -> float:
        return self.wrong_flagged / self.wrong if self.wrong else 1.0

    @property
    def paraphrase_fp_rate(self) -> float:
        return self.harmless_flagged / self.harmless if self.harmless else 0.0


def evaluate_edits(cases: list[EditCase], ws: Workspace) -> EditReport:
    """Apply each edit to a freshly generated page, run `check` on it, and score the verdict."""
    report = EditReport()
    with tempfile.TemporaryDirectory(prefix="reviewgen-edits-") as tmp:
        pages: dict[str, tuple[Path, str] | None] = {}
        for case in cases:
            if case.page not in pages:
                pages[case.page] = _clean_page(case.page, ws, Path(tmp))
            found = pages[case.page]
            if found is None or case.original not in found[1]:
                report.stale += 1
                continue
            path, text = found
            path.write_text(text.replace(case.original, case.edited, 1), encoding="utf-8")
            try:
                findings, _ = check_page(path, workspace=ws)
            finally:
                path.write_text(text, encoding="utf-8")
            errors = [f for f in findings if f.severity is Severity.ERROR]
            flagged = bool(errors)
            grounding = any(f.rule in GROUNDING_RULES for f in errors)
            label = f"{'wrong' if case.wrong else 'harmless'}:{case.category or 'none'}"
            report.by_category[label] += 1
            if case.wrong:
                report.wrong += 1
                report.wrong_flagged += flagged
                report.wrong_grounding += grounding
            else:
                report.harmless += 1
                report.harmless_flagged += flagged
            if (case.wrong and not grounding) or (not case.wrong and flagged):
                report.missed_by_category[label] += 1
                report.failures.append((case, [f"{f.rule}: {f.text}" for f in errors]))
    return report


def _clean_page(page: str, ws: Workspace, out: Path) -> tuple[Path, str] | None:
    """The page generated afresh, when it is saved and passes `check` unedited (else no case on it is scored)."""
    compound, _, condition = page.partition("/")
    try:
        result = generate_page(compound, condition, out_dir=out, workspace=ws)
    except PipelineError:
        return None
    if result.outcome is not Outcome.SAVED or result.path is None:
        return None
    findings, _ = check_page(result.path, workspace=ws)
    if any(f.severity is Severity.ERROR for f in findings):
        return None
    return result.path, result.path.read_text(encoding="utf-8")


def format_edit_report(report: EditReport, title: str) -> str:
    """A plain-text summary: wrong edits flagged, paraphrases flagged, misses per category."""
    lines = [
        title,
        f"wrong edits flagged by grounding: {report.wrong_grounding}/{report.wrong} = {report.grounding_rate:.1%} "
        f"(by any rule: {report.flagged_rate:.1%})",
        f"harmless paraphrases flagged:     {report.harmless_flagged}/{report.harmless} "
        f"= {report.paraphrase_fp_rate:.1%}",
    ]
    if report.stale:
        lines.append(f"stale cases (the page no longer has the sentence): {report.stale}")
    lines.append(f"{'category':40}{'cases':>7}{'wrong':>7}")
    for name, count in sorted(report.by_category.items()):
        lines.append(f"{name:40}{count:7}{report.missed_by_category[name]:7}")
    return "\n".join(lines)
