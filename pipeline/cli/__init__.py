"""The `reviewgen` command line: thin over the library. One module per command group; base.py holds what they
share, including the one table from error class to exit code. Command modules are imported when their
command runs, so start-up stays small."""

from __future__ import annotations

import click

from pipeline.cli.base import LazyGroup

COMMANDS = {
    "generate": "pipeline.cli.pages:generate",
    "batch": "pipeline.cli.pages:batch",
    "check": "pipeline.cli.pages:check",
    "list": "pipeline.cli.catalog:list_entities",
    "knowledge": "pipeline.cli.knowledge:knowledge",
    "eval": "pipeline.cli.evaluation:eval_group",
    "local-server": "pipeline.cli.local:local_server",
    "review": "pipeline.cli.review:review",
    "report": "pipeline.cli.service:report_command",
    "serve": "pipeline.cli.service:serve_command",
}


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(package_name="reviewgen")
def cli() -> None:
    """Draft, check and save grounded safety-review pages."""


def main() -> None:
    """Console-script entry point."""
    cli()
