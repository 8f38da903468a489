"""The `reviewgen` command line: thin over the library. One module per command group; base.py holds what they
share, including the one table from error class to exit code."""

from __future__ import annotations

import click

from pipeline.cli.base import Group
from pipeline.cli.evaluation import eval_group
from pipeline.cli.knowledge import knowledge
from pipeline.cli.local import local_server
from pipeline.cli.pages import batch, check, generate, list_entities
from pipeline.cli.review import review
from pipeline.cli.service import report_command, serve_command


@click.group(cls=Group)
@click.version_option(package_name="reviewgen")
def cli() -> None:
    """Draft, check and save grounded safety-review pages."""


for command in (
    generate,
    batch,
    check,
    list_entities,
    knowledge,
    eval_group,
    local_server,
    review,
    report_command,
    serve_command,
):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli()
