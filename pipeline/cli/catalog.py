"""`reviewgen list`: what the knowledge base knows. Kept apart from the page commands so it loads only the
knowledge base (from its cache), not the checks or the drafters."""

from __future__ import annotations

import click

from pipeline.cli.base import data_options
from pipeline.knowledge.cache import open_knowledge
from pipeline.settings import resolve_knowledge_dir


@click.command(name="list")
@data_options
def list_entities(knowledge: str | None, prompts: str | None, settings: str | None) -> None:
    """The compounds and conditions the knowledge base knows.

    \b
    Example:
      reviewgen list
    """
    kb = open_knowledge(resolve_knowledge_dir(knowledge))
    click.echo("compounds:")
    for c in sorted(kb.compounds.values(), key=lambda c: c.id):
        click.echo(f"  {c.id:24} {c.name}")
    click.echo("conditions:")
    for d in sorted(kb.conditions.values(), key=lambda d: d.id):
        click.echo(f"  {d.id:24} {d.name}")
