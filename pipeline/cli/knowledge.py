"""`reviewgen knowledge`: validate, gaps, build-terms, import."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.cli.base import CliError, Group
from pipeline.errors import KnowledgeError
from pipeline.knowledge.cache import open_knowledge
from pipeline.knowledge.completeness import knowledge_gaps
from pipeline.knowledge.importers.cli import import_command
from pipeline.knowledge.loading import load_knowledge
from pipeline.knowledge.terms import write_medical_terms
from pipeline.settings import ENV_KNOWLEDGE, resolve_knowledge_dir


@click.group(cls=Group)
def knowledge() -> None:
    """Work with the knowledge base."""


@knowledge.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def validate(directory: str | None) -> None:
    """Validate every file under DIRECTORY (default: the knowledge directory in use).

    \b
    Examples:
      reviewgen knowledge validate
      reviewgen knowledge validate path/to/knowledge
    """
    root = resolve_knowledge_dir(directory)
    try:
        kb = load_knowledge(root)
    except KnowledgeError as exc:
        for issue in exc.issues:
            click.echo(f"{root}/{issue}", err=True)
        raise CliError(f"{len(exc.issues)} issue(s) in {root}") from exc
    click.echo(
        f"ok: {root}: {len(kb.compounds)} compounds, {len(kb.conditions)} conditions, "
        f"{len(kb.treatments)} treatments, {len(kb.facts)} facts, {len(kb.sources)} sources"
    )


@knowledge.command()
@click.option("--json", "as_json", is_flag=True, help="Print the gaps and held-back pairs as JSON.")
@click.option("--knowledge", "knowledge_dir", type=click.Path(file_okay=False), envvar=ENV_KNOWLEDGE)
def gaps(as_json: bool, knowledge_dir: str | None) -> None:
    """What the knowledge base lacks, per compound, treatment and condition, and the pairs held back.

    Blocking gaps hold pages back (the `completeness` rule refuses them); the others are the next
    things to curate. Example: reviewgen knowledge gaps --json > gaps.json
    """
    report = knowledge_gaps(open_knowledge(resolve_knowledge_dir(knowledge_dir)))
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
        return
    for gap in report.gaps:
        click.echo(f"{'BLOCKING' if gap.blocking else 'gap':8} {gap.subject}: {gap.what}")
    click.echo(f"held back: {len(report.held_back)} pair(s)")
    for (cid, did), reasons in sorted(report.held_back.items()):
        click.echo(f"  {cid} x {did}: {'; '.join(reasons)}")


@knowledge.command(name="build-terms")
@click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(file_okay=False, exists=True),
    help="Folder holding the mesh-2015/ and drugcentral-2016/ releases.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Output file (default: <knowledge>/lexicon/medical-terms.txt).",
)
@click.option("--knowledge", "knowledge_dir", type=click.Path(file_okay=False), envvar=ENV_KNOWLEDGE)
def build_terms(data_dir: str, out: str | None, knowledge_dir: str | None) -> None:
    """Regenerate the medical-term list the grounding rule uses, from MeSH and DrugCentral.

    \b
    Example:
      reviewgen knowledge build-terms --data ../shared/data
    """
    target = Path(out) if out else resolve_knowledge_dir(knowledge_dir) / "lexicon" / "medical-terms.txt"
    count = write_medical_terms(Path(data_dir), target)
    click.echo(f"{target}: {count} terms")


knowledge.add_command(import_command)
