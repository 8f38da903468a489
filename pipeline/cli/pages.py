"""The page commands: generate, batch, check, list."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from pipeline.batch.runner import Planned, plan, run
from pipeline.build import Outcome, PageResult, check_page, generate_page
from pipeline.checks import TEXT_ONLY_RULES
from pipeline.checks.findings import Finding, has_errors
from pipeline.cli.base import (
    CliError,
    choose_drafter,
    data_options,
    drafter_options,
    print_findings,
    writable_dir,
    writable_file,
)
from pipeline.drafting import ModelDrafter, get_drafter
from pipeline.errors import PageError
from pipeline.workspace import Workspace, all_pairs


@click.command()
@click.argument("compound")
@click.argument("condition")
@click.option(
    "--out", "out_dir", default="outputs", show_default=True, type=click.Path(file_okay=False), help="Output directory."
)
@click.option("--force", is_flag=True, help="Regenerate even when nothing that shapes the page changed.")
@drafter_options
@data_options
def generate(
    compound: str,
    condition: str,
    out_dir: str,
    force: bool,
    drafter: str,
    llm_config: str | None,
    knowledge: str | None,
    prompts: str | None,
    settings: str | None,
) -> None:
    """Generate the page for one COMPOUND x CONDITION (ids, names or aliases) and print its path.

    A page whose inputs have not changed since it was saved is left as it is (as `batch` does).

    \b
    Examples:
      reviewgen generate ketamine als
      reviewgen generate "Spravato" "Lou Gehrig's disease" --out /tmp/pages --force
    """
    ws = Workspace.open(knowledge, prompts, settings)
    ws.kb.resolve_compound(compound), ws.kb.resolve_condition(condition)  # a typo is reported before any write
    writable_dir(out_dir)
    result = generate_page(
        compound, condition, out_dir=out_dir, drafter=choose_drafter(drafter, llm_config, ws), workspace=ws, force=force
    )
    if result.outcome in (Outcome.SAVED, Outcome.UNCHANGED):
        if result.outcome is Outcome.UNCHANGED:
            click.echo("unchanged since it was saved (--force regenerates it)", err=True)
        click.echo(str(result.path))
        return
    click.echo(f"{result.outcome.value}: {result.path}" + (f" ({result.error})" if result.error else ""), err=True)
    print_findings(result.findings)
    sys.exit(1)


@click.command()
@click.option("--compound", "compounds", multiple=True, help="Compound to include (repeatable).")
@click.option("--condition", "conditions", multiple=True, help="Condition to include (repeatable).")
@click.option("--all", "everything", is_flag=True, help="Every compound x every condition.")
@click.option("--out", "out_dir", default="outputs", show_default=True, type=click.Path(file_okay=False))
@click.option(
    "--concurrency",
    default=4,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Pages drafted at once (model calls in flight).",
)
@click.option("--rpm", type=float, default=None, help="Requests per minute across all workers.")
@click.option("--tpm", type=float, default=None, help="Tokens per minute across all workers (estimated).")
@click.option("--force", is_flag=True, help="Regenerate pages even when nothing that shapes them changed.")
@click.option("--dry-run", is_flag=True, help="List what would be regenerated and why; write nothing.")
@click.option(
    "--summary-json",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the run summary as JSON here (kept out of outputs/ pages).",
)
@click.option(
    "--via",
    type=click.Choice(["online", "batch-api"]),
    default="online",
    show_default=True,
    help="batch-api: the provider's Batch API (needs --drafter llm); resumable, cheaper for large runs.",
)
@click.option(
    "--poll-interval", type=float, default=30.0, show_default=True, help="Seconds between Batch API status checks."
)
@drafter_options
@data_options
def batch(
    compounds: tuple[str, ...],
    conditions: tuple[str, ...],
    everything: bool,
    out_dir: str,
    concurrency: int,
    rpm: float | None,
    tpm: float | None,
    force: bool,
    dry_run: bool,
    summary_json: str | None,
    via: str,
    poll_interval: float,
    drafter: str,
    llm_config: str | None,
    knowledge: str | None,
    prompts: str | None,
    settings: str | None,
) -> None:
    """Generate many pages: concurrent, incremental (unchanged pages are skipped), crash-safe.

    \b
    Examples:
      reviewgen batch --all
      reviewgen batch --compound ketamine --condition als --condition parkinsons --dry-run
      reviewgen batch --all --drafter llm --concurrency 8 --summary-json run.json
    """
    if not (everything or compounds or conditions):
        raise CliError("nothing requested; pass --all, or --compound/--condition filters")
    ws = Workspace.open(knowledge, prompts, settings)
    chosen = choose_drafter(drafter, llm_config, ws)
    drafting = get_drafter(chosen) if isinstance(chosen, str) else chosen
    if rpm or tpm:
        if not isinstance(drafting, ModelDrafter):
            raise CliError("--rpm and --tpm pace model calls; they need --drafter llm")
        from pipeline.drafting.transport import Throttle

        drafting.throttle = Throttle(rpm, tpm)
    out = Path(out_dir)
    pairs = all_pairs(ws.kb, compounds, conditions)
    if not dry_run:
        writable_file(summary_json, "--summary-json")
        writable_dir(out_dir)
    planned = plan(ws, pairs, drafting, out, force)
    if dry_run:
        todo = [p for p in planned if p.reason]
        for p in todo:
            click.echo(f"{p.compound} x {p.condition}: {p.reason}")
        click.echo(f"{len(todo)} of {len(planned)} page(s) would be regenerated")
        return
    with _Progress(len(planned)) as progress:
        if via == "batch-api":
            from pipeline.batch.provider import BatchApiRun
            from pipeline.drafting.llm import LLMDrafter

            if not isinstance(drafting, LLMDrafter):
                raise CliError("--via batch-api needs --drafter llm")
            summary = BatchApiRun(ws, drafting, out, poll_interval, progress.update).run(planned)
        else:
            summary = asyncio.run(run(ws, planned, drafting, out, concurrency, progress.update))
    click.echo(summary.table())
    for failure in summary.failures[:20]:
        click.echo(f"  {failure['outcome']}: {failure['compound']} x {failure['condition']}: {failure['reason']}")
    if summary_json:
        try:
            Path(summary_json).write_text(json.dumps(summary.to_json(), indent=2) + "\n", encoding="utf-8")
        except OSError as exc:  # the pages are saved; only the summary file is lost
            click.echo(
                f"error: --summary-json {summary_json}: cannot write ({exc.strerror}); the pages above "
                "are saved, re-run to get the summary (unchanged pages are skipped)",
                err=True,
            )
            sys.exit(2)
    if summary.interrupted:
        sys.exit(130)
    if not summary.ok:
        sys.exit(1)


class _Progress:
    """A live bar on a terminal (rich); one plain line per page otherwise, quiet in CI logs."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.live = sys.stderr.isatty()
        self.counts: Counter[str] = Counter()
        self.tokens = 0
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("pages", total=self.total)
        return self

    def update(self, result: PageResult | None, item: Planned) -> None:
        self.counts[result.outcome.value if result else "unchanged"] += 1
        self.tokens += (
            ((result.usage or {}).get("prompt_tokens", 0) + (result.usage or {}).get("completion_tokens", 0))
            if result
            else 0
        )
        if self.bar is not None:
            c = self.counts
            self.bar.update(
                self.task,
                advance=1,
                description=(
                    f"saved {c['saved']} rejected {c['rejected']} failed {c['failed']} unchanged {c['unchanged']} "
                    f"tokens {self.tokens}"
                ),
            )
        elif result is not None:
            click.echo(f"{result.outcome.value:8} {item.compound} x {item.condition}", err=True)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print findings as a JSON array.")
@data_options
def check(
    paths: tuple[str, ...], as_json: bool, knowledge: str | None, prompts: str | None, settings: str | None
) -> None:
    """Run the rules on existing Markdown pages (all rules when a sidecar is beside the page).

    A page that cannot be read is reported and the others are still checked; the exit code is then 2.

    \b
    Example:
      reviewgen check outputs/drafts/ketamine/als.md
    """
    ws = Workspace.open(knowledge, prompts, settings)
    findings: list[Finding] = []
    unreadable = 0
    for path in paths:
        try:
            page_findings, grounded = check_page(path, workspace=ws)
        except PageError as exc:
            click.echo(f"error: {exc}", err=True)
            unreadable += 1
            continue
        findings += page_findings
        if not grounded and not as_json:
            click.echo(
                f"{path}: no sidecar; ran text-only rules ({', '.join(TEXT_ONLY_RULES)}); "
                "grounding and citations skipped",
                err=True,
            )
    if as_json:
        click.echo(json.dumps([f.model_dump(mode="json") for f in findings], indent=2))
    else:
        print_findings(findings)
        if not findings and not unreadable:
            click.echo(f"ok: {len(paths)} page(s), no findings")
    sys.exit(2 if unreadable else 1 if has_errors(findings) else 0)
