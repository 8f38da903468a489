"""The checks against a naive keyword checker, on the same labelled corpora, in one run.

Prints precision and recall per text rule, the benign false-positive rate, the grounding
verdicts, and time per sentence, for our rules and for the baseline side by side.

    python benchmarks/bench_checks.py [--split dev|holdout|all]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import Workspace  # noqa: E402
from pipeline.checks import SENTENCE_RULES  # noqa: E402
from pipeline.evaluation import (  # noqa: E402
    TextCase,
    TextReport,
    corpus_files,
    evaluate_grounding,
    evaluate_text,
    load_fact_snapshot,
    load_grounding_cases,
    load_text_cases,
)

# What a first attempt looks like: a keyword list per rule.
BASELINE = {
    "no-dosing": re.compile(r"\d+\s*(?:mg|mcg|ml|iu)\b|\b(?:daily|twice|tablets?|dose of)\b", re.I),
    "no-directive-advice": re.compile(r"\b(?:stop|start|take|avoid|switch|you should)\b", re.I),
    "no-absolute-safety": re.compile(r"\b(?:completely safe|no side effects|harmless|risk-free|100% safe)\b", re.I),
    "no-cure-claims": re.compile(r"\b(?:cures?|miracle|guaranteed|reverses?)\b", re.I),
}


def score(
    cases: list[TextCase], ws: Workspace, detect: Callable[[str], set[str]] | None = None
) -> tuple[TextReport, float]:
    """The evaluation's scores for a detector, and its time per sentence."""
    started = time.perf_counter()
    report = evaluate_text(cases, ws, detect)
    return report, (time.perf_counter() - started) * 1000 / max(len(cases), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "holdout", "all"], default="all")
    parser.add_argument("--corpus", type=Path, default=ROOT / "eval")
    args = parser.parse_args()
    ws = Workspace.open(ROOT / "knowledge", ROOT / "prompts")
    splits = ("dev", "holdout") if args.split == "all" else (args.split,)
    for split in splits:
        cases = load_text_cases(corpus_files(args.corpus, "text_rules", split))
        ours = score(cases, ws)
        base = score(cases, ws, lambda t: {r for r, p in BASELINE.items() if p.search(t)})
        print(f"text rules, {split} split: {len(cases)} sentences")
        print(f"{'rule':22}{'ours P':>8}{'ours R':>8}{'base P':>8}{'base R':>8}")
        for rule in SENTENCE_RULES:
            o, b = ours[0].scores[rule], base[0].scores[rule]
            print(f"{rule:22}{o.precision:8.3f}{o.recall:8.3f}{b.precision:8.3f}{b.recall:8.3f}")
        print(f"{'benign flagged':22}{ours[0].benign_fp_rate:16.2%}{base[0].benign_fp_rate:16.2%}")
        print(f"{'ms per sentence':22}{ours[1]:16.3f}{base[1]:16.3f}")
        grounding_cases = load_grounding_cases(corpus_files(args.corpus, "grounding", split))
        started = time.perf_counter()
        report = evaluate_grounding(grounding_cases, ws, load_fact_snapshot(Path(args.corpus)))
        elapsed = (time.perf_counter() - started) * 1000 / max(len(grounding_cases), 1)
        # Baseline: a statement is grounded when it cites at least one fact (citations only).
        print(f"grounding, {split} split: {len(grounding_cases)} statements")
        print(f"{'':22}{'ours':>16}{'base':>16}")
        print(f"{'unsupported flagged':22}{report.flagged_rate:16.2%}{0.0:16.2%}")
        print(f"{'supported passing':22}{report.pass_rate:16.2%}{1.0:16.2%}")
        print(f"{'ms per statement':22}{elapsed:16.3f}{0.0:16.3f}\n")


if __name__ == "__main__":
    main()
