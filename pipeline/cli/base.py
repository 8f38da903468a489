"""What every command shares: errors and their exit codes (one table), the common options, small checks."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pipeline.errors import ApprovalRefusedError, PipelineError, ReviewConflictError
from pipeline.settings import ENV_KNOWLEDGE, ENV_PROMPTS, ENV_SETTINGS

if TYPE_CHECKING:  # imported where used: a command that does not draft or check does not load them
    from pipeline.checks.findings import Finding
    from pipeline.drafting import Drafter
    from pipeline.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

# Exit codes, one table for every command: 0 done; 1 findings (a page fails its checks, an approval is
# refused, a batch had rejected pages); 2 bad input or unreadable files; 3 a review conflict; 130 Ctrl-C.
EXIT_FINDINGS, EXIT_INPUT, EXIT_CONFLICT, EXIT_INTERRUPTED = 1, 2, 3, 130


class CliError(click.ClickException):
    """A one-line error, no traceback: bad input or unreadable files (exit 2)."""

    exit_code = EXIT_INPUT


class FindingsExit(CliError):
    """The checks refused (exit 1)."""

    exit_code = EXIT_FINDINGS


class ConflictExit(CliError):
    """Someone else got there first; nothing was written (exit 3)."""

    exit_code = EXIT_CONFLICT


EXIT_CODES: tuple[tuple[type[PipelineError], type[CliError], str], ...] = (
    (ReviewConflictError, ConflictExit, "conflict: "),
    (ApprovalRefusedError, FindingsExit, ""),
    (PipelineError, CliError, ""),
)


class Group(click.Group):
    """A command group that turns pipeline errors into one-line messages with their exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            exit_as, prefix = next((e, p) for cls, e, p in EXIT_CODES if isinstance(exc, cls))
            raise exit_as(f"{prefix}{exc}") from exc
        except KeyboardInterrupt:  # Ctrl-C outside a batch's own handler (loading, planning): no traceback
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)


def data_options(func: F) -> F:
    """--knowledge, --prompts and --settings, shared by every command that loads data."""
    func = click.option(
        "--settings",
        type=click.Path(dir_okay=False),
        envvar=ENV_SETTINGS,
        help="Site settings YAML (default: site.yaml beside the templates).",
    )(func)
    func = click.option(
        "--prompts",
        type=click.Path(file_okay=False),
        envvar=ENV_PROMPTS,
        help="Templates directory (default: ./prompts, else the bundled one).",
    )(func)
    func = click.option(
        "--knowledge",
        type=click.Path(file_okay=False),
        envvar=ENV_KNOWLEDGE,
        help="Knowledge directory (default: ./knowledge, else the bundled one).",
    )(func)
    return func


def drafter_options(func: F) -> F:
    """--drafter and --llm-config, shared by generate and batch."""
    func = click.option(
        "--llm-config",
        type=click.Path(dir_okay=False, exists=True),
        default=None,
        help="YAML file of model settings (see docs/models.md; environment variables win).",
    )(func)
    func = click.option(
        "--drafter",
        type=click.Choice(["composer", "llm"]),
        default="composer",
        show_default=True,
        help="composer: built in, no model; llm: an OpenAI-compatible endpoint.",
    )(func)
    return func


def writable_dir(path: str, option: str = "--out") -> Path:
    """Refuse an output directory that cannot be created or written, before any work (nothing is created)."""
    out = Path(path)
    existing = next((p for p in (out, *out.parents) if p.exists()), Path("."))
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        what = "is a file" if existing.exists() and not existing.is_dir() else "is not writable"
        raise CliError(f"{option} {out}: cannot write there ({existing} {what}); choose a writable directory")
    return out


def writable_file(path: str | None, option: str) -> None:
    if path is None:
        return
    target = Path(path)
    if (
        target.is_dir()
        or not target.parent.is_dir()
        or not os.access(target.parent, os.W_OK)
        or (target.exists() and not os.access(target, os.W_OK))
    ):
        raise CliError(f"{option} {target}: cannot write this file (is its directory there and writable?)")


def choose_drafter(name: str, llm_config: str | None, ws: Workspace) -> str | Drafter:
    """The drafter to use; the model drafter is built once so a batch shares its client."""
    from pipeline.drafting import get_drafter
    from pipeline.drafting.config import load_llm_settings

    if name == "llm":
        return get_drafter("llm", settings=load_llm_settings(llm_config), prompts_dir=ws.prompts_dir)
    return name


def print_findings(findings: list[Finding]) -> None:
    """One line per finding, on stderr."""
    for f in findings:
        click.echo(str(f), err=True)


class LazyGroup(Group):
    """A group whose subcommands are imported when they are run (or listed by --help): `reviewgen list` should
    not load the checks, the drafters and the service to print two tables."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, _, attr = self.lazy[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)
