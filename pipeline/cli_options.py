"""Options shared by the command groups (main CLI, review, service), defined once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from pipeline.settings import ENV_KNOWLEDGE, ENV_PROMPTS, ENV_SETTINGS

F = TypeVar("F", bound=Callable[..., Any])


def data_options(func: F) -> F:
    """--knowledge, --prompts and --settings, shared by every command that loads data."""
    func = click.option("--settings", type=click.Path(dir_okay=False), envvar=ENV_SETTINGS,
                        help="Site settings YAML (default: site.yaml beside the templates).")(func)
    func = click.option("--prompts", type=click.Path(file_okay=False), envvar=ENV_PROMPTS,
                        help="Templates directory (default: ./prompts, else the bundled one).")(func)
    func = click.option("--knowledge", type=click.Path(file_okay=False), envvar=ENV_KNOWLEDGE,
                        help="Knowledge directory (default: ./knowledge, else the bundled one).")(func)
    return func
