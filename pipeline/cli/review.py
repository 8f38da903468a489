"""`reviewgen review ...`: a thin click layer over pipeline.review and pipeline.review.dashboard.

Exit codes: 0 done; 1 approval refused (findings printed); 2 bad input or unreadable files;
3 conflict (another reviewer or a regeneration got there first; nothing was written).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.cli.base import EXIT_FINDINGS, CliError, Group, data_options
from pipeline.errors import ApprovalRefusedError
from pipeline.knowledge.cache import open_knowledge
from pipeline.review.diff import PageDiff, diff_page
from pipeline.review.records import RECORD_FILTERS, list_records
from pipeline.review.state import (
    STATUS_FILTERS,
    PageState,
    approve_page,
    list_pages,
    read_state,
    reject_page,
    required_text,
    resolve_pair,
    show_page,
)
from pipeline.settings import ENV_KNOWLEDGE, resolve_knowledge_dir
from pipeline.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])
EXIT_REFUSED = EXIT_FINDINGS


def outputs_option(*names: str) -> Callable[[F], F]:
    """The outputs directory option: ``--out`` everywhere (``--outputs`` is accepted too)."""
    return click.option(
        *names,
        "out_dir",
        default="outputs",
        show_default=True,
        type=click.Path(file_okay=False),
        help="The outputs directory holding drafts/ and approved/.",
    )


@click.group(name="review", cls=Group)
def review() -> None:
    """Review pages in outputs/: statuses, diffs against the last approval, decisions, an HTML report."""


@review.command(name="list")
@click.option(
    "--status",
    type=click.Choice(STATUS_FILTERS + RECORD_FILTERS),
    default=None,
    help="Only pages with this status (draft includes the changed drafts), or only the generation "
    "records: refused (by the checks, outputs/rejected/) or failed (no draft at all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@outputs_option("--out", "--outputs")
def list_command(status: str | None, as_json: bool, out_dir: str) -> None:
    """Every page with its status (draft, changed since approved, approved, rejected), then every pair whose
    generation was refused by the checks or failed.

    \b
    Examples:
      reviewgen review list
      reviewgen review list --status changed
      reviewgen review list --status refused --json
    """
    if not Path(out_dir).is_dir():
        raise CliError(f"{out_dir}: no such outputs directory; pass --out DIR (generate pages first)")
    states = list_pages(out_dir, status) if status not in RECORD_FILTERS else []
    records = list_records(out_dir, status) if status in (None, *RECORD_FILTERS) else []
    if as_json:
        click.echo(json.dumps([s.as_dict() for s in states] + [r.as_dict() for r in records], indent=2))
        return
    if not states and not records:
        click.echo(f"nothing{f' with status {status}' if status else ''} under {out_dir}")
        return
    width = max(
        [len(f"{s.compound} x {s.condition}") for s in states] + [len(f"{r.compound} x {r.condition}") for r in records]
    )
    for s in states:
        last = s.last_decision
        refused = f"  (latest regeneration refused: {s.refused_record})" if s.refused_record else ""
        click.echo(f"{s.label:9} {f'{s.compound} x {s.condition}':{width}}  {last.summary() if last else '-'}{refused}")
    for r in records:
        click.echo(f"{r.kind:9} {f'{r.compound} x {r.condition}':{width}}  {r.reason} ({r.path})")
    counts = Counter([s.label for s in states] + [r.kind for r in records])
    click.echo(
        f"{len(states)} page(s), {len(records)} record(s): "
        + ", ".join(f"{counts[k]} {k}" for k in STATUS_FILTERS + RECORD_FILTERS if counts[k])
    )


@review.command()
@click.argument("compound")
@click.argument("condition")
@outputs_option("--out", "--outputs")
@data_options
def show(
    compound: str, condition: str, out_dir: str, knowledge: str | None, prompts: str | None, settings: str | None
) -> None:
    """The page, its findings as it is now, provenance and decision history.

    \b
    Example:
      reviewgen review show ketamine als
    """
    ws = Workspace.open(knowledge, prompts, settings)
    view = show_page(ws, out_dir, *resolve_pair(ws, compound, condition))
    s, side = view.state, view.state.sidecar or {}
    click.echo(f"page:       {s.path}")
    click.echo(
        f"status:     {s.label}"
        + (" (changed since approved)" if s.changed_since_approved else "")
        + (" (hand-edited)" if s.hand_edited else "")
    )
    click.echo(f"hash:       {s.page_hash}")
    if side:
        hashes = side.get("hashes", {})
        click.echo(
            f"drafter:    {side.get('drafter')}  generator {side.get('generator', {}).get('version')}  "
            f"rules {side.get('rules_version')}"
        )
        click.echo(
            f"facts:      {len(side.get('facts', {}))} given (hash {str(hashes.get('facts'))[:12]}); "
            f"templates {str(hashes.get('templates'))[:12]}; settings {str(hashes.get('settings'))[:12]}"
        )
        click.echo(f"sources:    {len(side.get('sources', {}))}; licenses: {', '.join(side.get('licenses', []))}")
    else:
        click.echo("sidecar:    missing; only the text rules ran")
    for d in s.history:
        click.echo(f"decision:   {d.summary()} (page {d.page_hash[:12]})")
    if view.findings:
        click.echo(f"findings:   {len(view.findings)}")
        for f in view.findings:
            click.echo(f"  [{f.severity.value}] {f.rule} in {f.section}: {f.message} ({f.text!r})")
    else:
        click.echo("findings:   none")
    click.echo("")
    click.echo(s.markdown, nl=False)


@review.command()
@click.argument("compound")
@click.argument("condition")
@outputs_option("--out", "--outputs")
@click.option(
    "--knowledge",
    type=click.Path(file_okay=False),
    envvar=ENV_KNOWLEDGE,
    help="Knowledge directory, to resolve names (default: ./knowledge, else the bundled one).",
)
def diff(compound: str, condition: str, out_dir: str, knowledge: str | None) -> None:
    """Unified diff against the last approved version, and the facts added, removed or edited since.

    \b
    Example:
      reviewgen review diff ketamine als
    """
    kb = open_knowledge(resolve_knowledge_dir(knowledge))
    result = diff_page(out_dir, kb.resolve_compound(compound).id, kb.resolve_condition(condition).id)
    click.echo(format_diff(result), nl=False)


def format_diff(result: PageDiff) -> str:
    """The diff as plain text: the unified diff, then fact and provenance changes."""
    s = result.state
    if not result.has_base:
        return f"{s.compound} x {s.condition} has never been approved: no approved version to diff against\n"
    approval = result.approval or {}
    head = (
        f"# against the version approved by {approval.get('reviewer')} at {approval.get('time')}\n" if approval else ""
    )
    out = [head, *result.lines]
    if result.lines and not result.lines[-1].endswith("\n"):
        out.append("\n")
    if not result.lines:
        out.append("page: identical to the approved version\n")
    out.append(f"facts changed since approval: {len(result.facts) or 'none'}\n")
    for c in result.facts:
        mark = {"added": "+", "removed": "-", "edited": "~"}[c.change]
        fields = f": {', '.join(c.fields)}" if c.fields else ""
        out.append(f"{mark} {c.fact_id} ({c.change}{fields})\n")
        if c.old is not None:
            out.append(f"    old: {c.old}\n")
        if c.new is not None:
            out.append(f"    new: {c.new}\n")
    if result.provenance:
        out.append(f"inputs changed: {'; '.join(result.provenance)}\n")
    return "".join(out)


expect_option = click.option(
    "--expect",
    "expected_hash",
    default=None,
    metavar="HASH",
    help="The page hash you reviewed (from 'review show'); refuse if the page changed.",
)


@review.command()
@click.argument("compound")
@click.argument("condition")
@click.option("--reviewer", required=True, help="Who approves (recorded in the history).")
@click.option("--note", default="", help="Optional note recorded with the decision.")
@expect_option
@outputs_option("--out", "--outputs")
@data_options
def approve(
    compound: str,
    condition: str,
    reviewer: str,
    note: str,
    expected_hash: str | None,
    out_dir: str,
    knowledge: str | None,
    prompts: str | None,
    settings: str | None,
) -> None:
    """Approve the page as it is now; every check is re-run and any error refuses the approval.

    \b
    Example:
      reviewgen review approve ketamine als --reviewer alice --note "checked the labels"
    """
    required_text(reviewer, "--reviewer", "a reviewer name")
    ws = Workspace.open(knowledge, prompts, settings)
    cid, did = resolve_pair(ws, compound, condition)
    seen = read_state(out_dir, cid, did)  # what this reviewer acts on; the lock re-reads and compares
    try:
        decision = approve_page(
            ws,
            out_dir,
            cid,
            did,
            reviewer=reviewer,
            note=note,
            expected_hash=expected_hash or seen.page_hash,
            expected_decisions=len(seen.history),
        )
    except ApprovalRefusedError as exc:
        click.echo(f"Error: {exc}", err=True)
        for f in exc.findings:
            click.echo(f"  {f}", err=True)
        sys.exit(EXIT_REFUSED)
    click.echo(f"approved: {cid} x {did} by {decision.reviewer} (page {decision.page_hash[:12]})")


@review.command()
@click.argument("compound")
@click.argument("condition")
@click.option("--reviewer", required=True, help="Who rejects (recorded in the history).")
@click.option("--note", required=True, help="Why the page is rejected (required).")
@expect_option
@outputs_option("--out", "--outputs")
@click.option(
    "--knowledge",
    type=click.Path(file_okay=False),
    envvar=ENV_KNOWLEDGE,
    help="Knowledge directory, to resolve names (default: ./knowledge, else the bundled one).",
)
def reject(
    compound: str,
    condition: str,
    reviewer: str,
    note: str,
    expected_hash: str | None,
    out_dir: str,
    knowledge: str | None,
) -> None:
    """Reject the page as it is now, with a note saying why.

    \b
    Example:
      reviewgen review reject ketamine als --reviewer bob --note "monitoring section too vague"
    """
    required_text(note, "--note", "a note saying why the page is rejected")
    kb = open_knowledge(resolve_knowledge_dir(knowledge))
    cid, did = kb.resolve_compound(compound).id, kb.resolve_condition(condition).id
    seen = read_state(out_dir, cid, did)
    decision = reject_page(
        out_dir,
        cid,
        did,
        reviewer=reviewer,
        note=note,
        expected_hash=expected_hash or seen.page_hash,
        expected_decisions=len(seen.history),
    )
    click.echo(f"rejected: {cid} x {did} by {decision.reviewer} (page {decision.page_hash[:12]})")


@review.command()
@click.option("--html", "html_file", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
@outputs_option("--out", "--outputs")
@click.option("--status", type=click.Choice(STATUS_FILTERS), default=None, help="Only pages with this status.")
@data_options
def dashboard(
    html_file: str, out_dir: str, status: str | None, knowledge: str | None, prompts: str | None, settings: str | None
) -> None:
    """The review dashboard: one self-contained HTML file with every page, its findings and its diff.

    \b
    Examples:
      reviewgen review dashboard --html review.html
      reviewgen review dashboard --html changed.html --status changed --out site-outputs
    """
    from pipeline.review.dashboard import write_dashboard

    if not Path(out_dir).is_dir():
        raise CliError(f"{out_dir}: no such outputs directory; pass --out DIR")
    ws = Workspace.open(knowledge, prompts, settings)
    states: list[PageState] = list_pages(out_dir, status)
    path = write_dashboard(ws, out_dir, Path(html_file), states)
    click.echo(f"{path} ({len(states)} page(s))")
