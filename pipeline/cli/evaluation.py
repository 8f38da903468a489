"""`reviewgen eval`: the checks against the labelled corpora, and pages against the clinical set."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.build import build_page
from pipeline.cli.base import Group, data_options
from pipeline.evaluation import (
    corpus_files,
    evaluate_clinical,
    evaluate_edits,
    evaluate_grounding,
    evaluate_text,
    format_clinical_report,
    format_edit_report,
    format_grounding_report,
    format_text_report,
    load_clinical,
    load_edit_cases,
    load_fact_snapshot,
    load_grounding_cases,
    load_text_cases,
)
from pipeline.workspace import Workspace


@click.group(name="eval", cls=Group)
def eval_group() -> None:
    """Measure the checks against labelled corpora."""


@eval_group.command(name="checks")
@click.option(
    "--corpus",
    "corpus_dir",
    default="eval",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Directory holding text_rules/, grounding/ and hand_edits/ (dev-NN.yaml, holdout-NN.yaml).",
)
@click.option("--split", type=click.Choice(["dev", "holdout", "all"]), default="all", show_default=True)
@click.option(
    "--failures",
    "show_failures",
    default=20,
    show_default=True,
    help="How many failing cases to list per table (0: none).",
)
@click.option("--strict", is_flag=True, help="Exit 1 when a figure is below its goal.")
@data_options
def eval_checks(
    corpus_dir: str,
    split: str,
    show_failures: int,
    strict: bool,
    knowledge: str | None,
    prompts: str | None,
    settings: str | None,
) -> None:
    """Precision and recall per rule, benign false positives, and grounding verdicts.

    \b
    Example:
      reviewgen eval checks --split holdout
    """
    ws = Workspace.open(knowledge, prompts, settings)
    splits = ("dev", "holdout") if split == "all" else (split,)
    met = True
    for name in splits:
        text_files = corpus_files(Path(corpus_dir), "text_rules", name)
        report = evaluate_text(load_text_cases(text_files), ws)
        click.echo(format_text_report(report, f"text rules [{name}: {', '.join(f.name for f in text_files)}]"))
        for text, want, got, category in report.failures[:show_failures]:
            click.echo(f"  miss  want={want or 'benign'} got={got or 'nothing'} [{category}] {text}")
        ground_files = corpus_files(Path(corpus_dir), "grounding", name)
        snapshot = load_fact_snapshot(Path(corpus_dir))
        grounding = evaluate_grounding(load_grounding_cases(ground_files), ws, snapshot)
        click.echo(format_grounding_report(grounding, f"grounding [{name}: {', '.join(f.name for f in ground_files)}]"))
        for statement, _, supported, perturbation, _ in grounding.failures[:show_failures]:
            click.echo(f"  miss  {'supported' if supported else perturbation} {statement}")
        edit_files = sorted((Path(corpus_dir) / "hand_edits").glob(f"{name}-*.yaml"))
        if edit_files:
            edits = evaluate_edits(load_edit_cases(edit_files), ws)
            click.echo(format_edit_report(edits, f"hand edits [{name}: {', '.join(f.name for f in edit_files)}]"))
            for case, found in edits.failures[:show_failures]:
                verdict = "wrong, not flagged by grounding" if case.wrong else f"harmless, flagged ({'; '.join(found)})"
                click.echo(f"  miss  {verdict} [{case.category}] {case.page}: {case.edited}")
        click.echo("")
        met = met and report.meets_goals() and grounding.meets_goals()
    if strict and not met:
        sys.exit(1)


@eval_group.command(name="clinical")
@click.option(
    "--set",
    "set_path",
    default="tests/clinical/expectations.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, exists=True),
    help="The clinical acceptance set.",
)
@click.option(
    "--min-coverage", type=click.FloatRange(0, 1), default=None, help="Exit 1 when coverage is below this fraction."
)
@data_options
def eval_clinical(
    set_path: str, min_coverage: float | None, knowledge: str | None, prompts: str | None, settings: str | None
) -> None:
    """How many of the items a pharmacist expects are on the composer's pages.

    Example: reviewgen eval clinical --min-coverage 0.95
    """
    ws = Workspace.open(knowledge, prompts, settings)

    def page(compound: str, condition: str) -> str | None:
        return build_page(ws, compound, condition).markdown

    report = evaluate_clinical(load_clinical(Path(set_path)), page)
    click.echo(format_clinical_report(report))
    if min_coverage is not None and report.coverage < min_coverage:
        raise SystemExit(1)
