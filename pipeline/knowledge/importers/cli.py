"""`reviewgen knowledge import`: run one importer (or all, in order) and show what changed."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.errors import KnowledgeError, PipelineError
from pipeline.knowledge.importers import IMPORT_SEQUENCE, ImportResult, run_import, run_sequence
from pipeline.knowledge.loading import load_knowledge
from pipeline.settings import ENV_KNOWLEDGE, resolve_knowledge_dir

SHOW = 15  # changed items listed per kind; the rest are counted


class ImportFailed(click.ClickException):
    """Bad input or an unreadable release: exit 2, one message, no traceback; nothing was written."""

    exit_code = 2


class InvalidAfterImport(click.ClickException):
    """The import was written but the merged knowledge base does not validate yet: exit 1."""

    exit_code = 1


@click.command(name="import")
@click.option(
    "--source",
    required=True,
    help="Dataset to import: " + ", ".join(IMPORT_SEQUENCE) + " (or a release id such as sider-4.1), "
    "or 'all' to run every importer in order from a folder holding all releases.",
)
@click.option(
    "--path",
    "data_path",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="The release folder, or a folder holding it under its release id.",
)
@click.option(
    "--release",
    default=None,
    help="Bibliography id the facts cite, for a newer release (add it to sources.yaml first).",
)
@click.option(
    "--knowledge",
    "knowledge_dir",
    type=click.Path(file_okay=False),
    envvar=ENV_KNOWLEDGE,
    help="Knowledge directory to import into (default: ./knowledge, else the bundled one).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the import report(s) as JSON to this file.",
)
def import_command(
    source: str, data_path: str, release: str | None, knowledge_dir: str | None, dry_run: bool, report_path: str | None
) -> None:
    """Import a dataset release into knowledge/imported/<release>/ (hand-curated files win).

    \b
    Example:
      reviewgen knowledge import --source sider --path ../shared/data --dry-run
    """
    knowledge = resolve_knowledge_dir(knowledge_dir)
    try:
        if source == "all":
            if release:
                raise ImportFailed("--release names one release; use it with a single --source")
            results = run_sequence(Path(data_path), knowledge, dry_run=dry_run)
        else:
            results = [run_import(source, Path(data_path), knowledge, release=release, dry_run=dry_run)]
    except KnowledgeError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        raise ImportFailed(f"import stopped: {len(exc.issues)} problem(s)") from exc
    except PipelineError as exc:
        raise ImportFailed(str(exc)) from exc
    for result in results:
        _show(result)
    if report_path:
        Path(report_path).write_text(
            json.dumps({r.release_id: r.report for r in results}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    if not dry_run:
        try:
            kb = load_knowledge(knowledge)
        except KnowledgeError as exc:
            for issue in exc.issues:
                click.echo(f"{knowledge}/{issue}", err=True)
            raise InvalidAfterImport(
                f"imported, but the knowledge base does not validate ({len(exc.issues)} "
                "issue(s)): fix the hand-curated files named above, or run the other "
                "importers ('--source all')"
            ) from exc
        click.echo(
            f"ok: {knowledge}: {len(kb.compounds)} compounds, {len(kb.conditions)} conditions, "
            f"{len(kb.treatments)} treatments, {len(kb.facts)} facts"
        )


def _show(result: ImportResult) -> None:
    verb = "would change" if not result.written else "changed"
    click.echo(f"{result.release_id}: {verb}: {result.changes.summary()}")
    for sign, items in (("+", result.changes.added), ("-", result.changes.removed), ("~", result.changes.changed)):
        for item in items[:SHOW]:
            click.echo(f"  {sign} {item}")
        if len(items) > SHOW:
            click.echo(f"  {sign} ... and {len(items) - SHOW} more")
    for key, value in result.report.items():
        if isinstance(value, list | dict) and value and any(w in key for w in ("unjoined", "dropped", "corrections")):
            count = sum(len(v) for v in value.values()) if isinstance(value, dict) else len(value)
            click.echo(f"  report: {key}: {count} (see {result.target / 'report.yaml'})")
