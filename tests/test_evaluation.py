"""The measured checker: the rules meet their goals on the labelled corpora in eval/.

dev*.yaml corpora are what the rules were tuned on: they are held to the goals. holdout*.yaml
corpora were written blind to the rules and are never tuned on: they measure how the rules
generalise, and are held to floors at their last measured level (below the goals for recall
and for unsupported statements flagged; see eval/RESULTS.md) so that a change that makes the rules
generalise worse fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import Workspace
from pipeline.evaluation import (
    corpus_files,
    evaluate_grounding,
    evaluate_text,
    format_grounding_report,
    format_text_report,
    load_fact_snapshot,
    load_grounding_cases,
    load_text_cases,
)
from tests.conftest import ROOT, run_cli

EVAL = ROOT / "eval"
# Floors at the measured level (eval/RESULTS.md), so a change that makes the checks worse fails CI; the goals
# (GOALS) are higher and not yet met on every split.
DEV_FLOORS = {"recall": 0.966, "benign_fp": 0.015, "unsupported_flagged": 0.984, "supported_pass": 0.919}
HOLDOUT_FLOORS = {"recall": 0.850, "benign_fp": 0.042, "unsupported_flagged": 0.951, "supported_pass": 0.717}
TARGETS = {"dev": DEV_FLOORS, "holdout": HOLDOUT_FLOORS}
EDIT_FLOORS = {
    "dev": {"wrong_flagged": 0.919, "paraphrase_fp": 0.30},
    "holdout": {"wrong_flagged": 0.922, "paraphrase_fp": 0.453},
}


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_text_rules_meet_goals(workspace: Workspace, split: str) -> None:
    cases = load_text_cases(corpus_files(EVAL, "text_rules", split))
    assert sum(bool(c.rules) for c in cases) >= 180 and sum(not c.rules for c in cases) >= 180
    report = evaluate_text(cases, workspace)
    table = format_text_report(report, split)
    target = TARGETS[split]
    for rule, score in report.scores.items():
        assert score.recall >= target["recall"], f"{rule} recall below {target['recall']}\n{table}"
    assert report.benign_fp_rate <= target["benign_fp"], table


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_grounding_meets_goals(workspace: Workspace, split: str) -> None:
    cases = load_grounding_cases(corpus_files(EVAL, "grounding", split))
    assert len(cases) >= 200
    report = evaluate_grounding(cases, workspace, load_fact_snapshot(EVAL))
    table = format_grounding_report(report, split)
    target = TARGETS[split]
    assert report.flagged_rate >= target["unsupported_flagged"], table
    assert report.pass_rate >= target["supported_pass"], table


@pytest.mark.parametrize(
    ("kind", "key"), [("text_rules", "text"), ("grounding", "statement"), ("hand_edits", "edited")]
)
def test_no_holdout_case_appears_in_a_dev_file(kind: str, key: str) -> None:
    import yaml

    from pipeline.evaluation import case_key

    def keys(split: str) -> list[tuple[str, str]]:
        return [
            (f.name, case_key(c[key]))
            for f in corpus_files(EVAL, kind, split)
            for c in yaml.safe_load(f.read_text(encoding="utf-8"))["cases"]
        ]

    dev = {k for _, k in keys("dev")}
    holdout = keys("holdout")
    assert holdout and not [(name, k) for name, k in holdout if k in dev]
    assert len({k for _, k in holdout}) == len(holdout), "a case repeats across holdout files"


def test_every_corpus_file_is_in_the_manifest() -> None:
    import yaml

    manifest = yaml.safe_load((EVAL / "MANIFEST.yaml").read_text(encoding="utf-8"))
    files = {(p.parent.name, p.name) for p in EVAL.glob("*/*.yaml")}
    listed = {(kind, name) for kind, entries in manifest.items() for name in entries}
    assert files == listed
    for entries in manifest.values():
        for name, entry in entries.items():
            if name.startswith(("dev-", "holdout-")):
                assert entry["split"] == name.split("-")[0] and entry["round"] == int(name[-7:-5])


def test_corpora_cover_every_perturbation_the_issue_names() -> None:
    cases = load_grounding_cases(corpus_files(EVAL, "grounding", "all"))
    kinds = {c.perturbation for c in cases if not c.supported}
    assert {
        "swapped-organ",
        "changed-number",
        "negation-flip",
        "invented-drug",
        "wrong-treatment",
        "wrong-condition",
        "wrong-compound",
        "tier-overstated",
    } <= kinds


def test_findings_name_rule_section_span_and_facts(workspace: Workspace) -> None:
    from pipeline.checks import check_statement
    from pipeline.checks.grounding import FactView

    facts = {fid: FactView(f.text, f.tags, f.sources) for fid, f in workspace.kb.facts.items()}
    statement = "The riluzole label warns of severe thrombocytopenia."
    findings = check_statement(statement, ["riluzole.safety.neutropenia"], facts, workspace.lexicon)
    assert findings
    finding = findings[0]
    assert finding.rule == "grounded" and finding.severity.value == "error"
    assert finding.text in statement.lower() and finding.fact_ids == ["riluzole.safety.neutropenia"]
    assert finding.section and finding.message


def test_eval_command_prints_tables(tmp_path: Path) -> None:
    result = run_cli("eval", "checks", "--corpus", str(EVAL), "--split", "dev", "--failures", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no-dosing" in result.stdout and "unsupported flagged" in result.stdout
    assert "wrong edits flagged by grounding" in result.stdout and "by style" in result.stdout
    # --strict holds every figure to its goal: the holdout does not meet them all yet
    strict = run_cli(
        "eval", "checks", "--corpus", str(EVAL), "--split", "holdout", "--failures", "0", "--strict", cwd=tmp_path
    )
    assert strict.returncode == 1


@pytest.mark.parametrize("split", sorted(EDIT_FLOORS))
def test_hand_edits_hold_their_floor(workspace: Workspace, split: str) -> None:
    from pipeline.evaluation import evaluate_edits, format_edit_report, load_edit_cases

    report = evaluate_edits(load_edit_cases(corpus_files(EVAL, "hand_edits", split)), workspace)
    table = format_edit_report(report, split)
    assert report.stale == 0, table
    assert report.grounding_rate >= EDIT_FLOORS[split]["wrong_flagged"], table
    assert report.paraphrase_fp_rate <= EDIT_FLOORS[split]["paraphrase_fp"], table


def test_eval_command_reports_missing_corpus(tmp_path: Path) -> None:
    result = run_cli("eval", "checks", "--corpus", str(tmp_path / "nope"), cwd=tmp_path)
    assert result.returncode == 2 and "no text_rules corpus" in result.stderr
