"""Building pages: select, draft, check (re-asking a model with its findings), render, check again, save.

``build_page`` builds in memory; ``generate_page`` builds and saves (a page and its sidecar, or the
rejected or failed record); ``check_page`` checks a page as it is on disk.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from pipeline.checks import Finding, check_draft, check_markdown, has_errors
from pipeline.checks.findings import Severity
from pipeline.draft import Draft
from pipeline.drafting import Drafter, DraftResult, Redrafter, adraft, aredraft, as_result, get_drafter
from pipeline.drafting.composer import composed_statements
from pipeline.errors import DrafterError, EndpointError, PageError
from pipeline.knowledge.selection import Selection
from pipeline.provenance import build_sidecar
from pipeline.render import render_page
from pipeline.store import page_path, read_sidecar, save_failed, save_page, save_rejected
from pipeline.workspace import Workspace


class Outcome(StrEnum):
    """What happened to one requested page."""

    SAVED = "saved"
    REJECTED = "rejected"
    FAILED = "failed"
    UNCHANGED = "unchanged"  # nothing that shapes the page changed since it was saved: left as it is


@dataclass
class BuiltPage:
    """A page built in memory: passed pages carry markdown, failed ones their findings."""

    selection: Selection
    draft: Draft
    markdown: str | None
    findings: list[Finding]
    attempts: list[list[Finding]]
    sidecar: dict[str, Any]

    @property
    def passed(self) -> bool:
        """True when no error-severity finding remains."""
        return not has_errors(self.findings)


@dataclass
class PageResult:
    """The outcome of generating one page."""

    compound: str
    condition: str
    outcome: Outcome
    path: Path | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    usage: dict[str, Any] | None = None


def build_page(ws: Workspace, compound: str, condition: str, drafter: str | Drafter = "composer") -> BuiltPage:
    """Select, draft, check (re-asking a model drafter with the findings), render and check again.

    Nothing is written. ``drafter`` is a registered name or any object with ``name`` and
    ``draft(selection)``; one that also has ``redraft`` is re-asked up to its ``max_reasks``.
    Raises DrafterError when the drafter cannot produce a draft at all.
    """
    started = time.perf_counter()
    sel = ws.selection(compound, condition)
    drafting = get_drafter(drafter) if isinstance(drafter, str) else drafter
    loop = Attempts(ws, sel, drafting)
    result = as_result(drafting.draft(sel))
    while loop.another(result) and isinstance(drafting, Redrafter):
        result = drafting.redraft(sel, result, loop.findings)
    return loop.finish(result, started)


class Checker(Protocol):
    """Where a concurrent batch runs the CPU-bound steps: in this process, or in a pool of processes
    (pipeline/batch/pool.py) so that checking one page does not hold up the model calls of the others."""

    async def check(self, sel: Selection, draft: Draft) -> list[Finding]: ...

    async def finish(
        self, sel: Selection, draft: Draft, drafter_name: str, findings: list[Finding]
    ) -> tuple[str | None, dict[str, Any], list[Finding]]: ...


async def abuild_page(
    ws: Workspace, compound: str, condition: str, drafter: Drafter, checker: Checker | None = None
) -> BuiltPage:
    """``build_page`` for concurrent batches: a model drafter is awaited, and the checks run in ``checker``
    (default: this process)."""
    started = time.perf_counter()
    sel = ws.selection(compound, condition)
    loop = Attempts(ws, sel, drafter)
    result = await adraft(drafter, sel)
    while True:
        findings = await checker.check(sel, result.draft) if checker and result.draft is not None else None
        if not (loop.another(result, findings) and isinstance(drafter, Redrafter)):
            break
        result = await aredraft(drafter, sel, result, loop.findings)
    if checker is None:
        return loop.finish(result, started)
    draft = loop.final_draft(result)
    markdown, sidecar, findings = await checker.finish(sel, draft, drafter.name, loop.findings)
    return loop.assemble(draft, markdown, sidecar, findings, started)


def check_built_draft(ws: Workspace, sel: Selection, draft: Draft) -> list[Finding]:
    """Every rule on a structured draft, the composer's own wording recognised as such."""
    return check_draft(draft, sel, ws.settings, ws.lexicon, composed=composed_statements(sel))


def render_checked(
    ws: Workspace, sel: Selection, draft: Draft, drafter_name: str, findings: list[Finding]
) -> tuple[str | None, dict[str, Any], list[Finding]]:
    """Render a draft that passed, check the page as a reader sees it, and build its sidecar: the page
    (None when it is refused), the sidecar and every finding."""
    markdown: str | None = None
    statements: list[str] = []
    references: list[tuple[int, str]] = []
    if not has_errors(findings):
        rendered = render_page(draft, sel, ws.settings, ws.env)
        markdown, statements, references = rendered.markdown, rendered.statement_texts, rendered.references
    sidecar = build_sidecar(ws, sel, draft, drafter_name, markdown, statements, references)
    if markdown is not None:
        page_findings, _ = check_markdown(
            markdown, ws.settings, sidecar, ws.lexicon, composed=composed_statements(sel), facts_verified=True
        )
        findings = findings + page_findings
        if has_errors(page_findings):
            markdown = None
    return markdown, sidecar, findings


class Attempts:
    """The re-ask loop's state, shared by the sync and async builders."""

    def __init__(self, ws: Workspace, sel: Selection, drafting: Drafter) -> None:
        self.ws, self.sel, self.drafting = ws, sel, drafting
        self.attempts: list[list[Finding]] = []
        self.usage: list[dict[str, Any]] = []
        self.findings: list[Finding] = []
        self.drafted = 0.0

    def another(self, result: DraftResult, checked: list[Finding] | None = None) -> bool:
        """Record an attempt (``checked``: its draft's findings, when already computed elsewhere); True when
        the drafter should be re-asked with its findings."""
        self.drafted = time.perf_counter()
        self.usage.append(result.usage)
        findings = list(result.problems)
        if result.draft is not None:
            findings += checked if checked is not None else check_built_draft(self.ws, self.sel, result.draft)
        self.attempts.append(findings)
        self.findings = findings
        reasks_left = getattr(self.drafting, "max_reasks", 0) - (len(self.attempts) - 1)
        # a page held back for a knowledge gap is refused whatever the model writes: re-asking only costs
        return has_errors(findings) and isinstance(self.drafting, Redrafter) and reasks_left > 0 and not self.sel.gaps

    def final_draft(self, result: DraftResult) -> Draft:
        sel = self.sel
        return result.draft or Draft(compound=sel.compound.id, condition=sel.condition.id, sections=[])

    def finish(self, result: DraftResult, started: float) -> BuiltPage:
        """Render and check the final draft, and assemble the sidecar."""
        draft = self.final_draft(result)
        markdown, sidecar, findings = render_checked(self.ws, self.sel, draft, self.drafting.name, self.findings)
        return self.assemble(draft, markdown, sidecar, findings, started)

    def assemble(
        self, draft: Draft, markdown: str | None, sidecar: dict[str, Any], findings: list[Finding], started: float
    ) -> BuiltPage:
        """The built page, its sidecar completed with the attempts, usage and timings."""
        sel = self.sel
        if findings is not self.findings:
            self.attempts[-1] = findings
        finished = time.perf_counter()
        sidecar["findings"] = [f.model_dump(mode="json") for f in findings]
        sidecar["attempts"] = len(self.attempts)
        sidecar["reasks"] = len(self.attempts) - 1
        if any(self.usage):
            sidecar["usage"] = _usage_summary(self.usage)
        sidecar["timings_ms"] = {
            "draft": round((self.drafted - started) * 1000, 3),
            "total": round((finished - started) * 1000, 3),
        }
        return BuiltPage(sel, draft, markdown, findings, self.attempts, sidecar)


def _usage_summary(usage: list[dict[str, Any]]) -> dict[str, Any]:
    """Tokens, retries and cost per attempt and in total, for the sidecar."""
    costs = [u.get("cost_usd") for u in usage if u]
    return {
        "attempts": usage,
        "model": next((u["model"] for u in usage if u.get("model")), None),
        "prompt_tokens": sum(u.get("prompt_tokens", 0) for u in usage),
        "completion_tokens": sum(u.get("completion_tokens", 0) for u in usage),
        "retries": sum(u.get("retries", 0) for u in usage),
        "cost_usd": round(sum(c for c in costs if c), 6) if any(c is not None for c in costs) else None,
        "prompt_template_hash": next((u["prompt_template_hash"] for u in usage if u.get("prompt_template_hash")), None),
    }


def generate_page(
    compound: str,
    condition: str,
    *,
    out_dir: Path | str = "outputs",
    drafter: str | Drafter = "composer",
    workspace: Workspace | None = None,
    knowledge: Path | str | None = None,
    prompts: Path | str | None = None,
    settings: Path | str | None = None,
    force: bool = False,
) -> PageResult:
    """Generate one page: saved under drafts/ if it passes every check, else a rejected record;
    a drafter that cannot draft at all (endpoint down, output cut off) leaves a failed record.

    Like a batch, it records the page's key and leaves a page alone (UNCHANGED) when nothing that shapes
    it changed since it was saved; ``force`` regenerates it anyway."""
    ws = workspace or Workspace.open(knowledge, prompts, settings)
    cid, did = ws.kb.resolve_compound(compound).id, ws.kb.resolve_condition(condition).id
    drafting = get_drafter(drafter) if isinstance(drafter, str) else drafter
    from pipeline.batch.runner import plan  # batch builds on this module: imported late, no cycle

    planned = plan(ws, [(cid, did)], drafting, Path(out_dir), force)[0]
    key, parts = planned.key, planned.parts
    if planned.reason is None:
        return PageResult(cid, did, Outcome.UNCHANGED, page_path(Path(out_dir), cid, did))
    try:
        built = build_page(ws, cid, did, drafting)
    except EndpointError:
        raise  # misconfiguration: every page would fail the same way
    except DrafterError as exc:
        return save_failure(Path(out_dir), cid, did, drafting.name, exc, key=key)
    built.sidecar["key_parts"] = parts
    return save_built(Path(out_dir), built, key=key)


def save_failure(
    out: Path, cid: str, did: str, drafter_name: str, exc: DrafterError, key: str | None = None
) -> PageResult:
    """Record why a pair could not be drafted at all."""
    failure = {
        "status": "failed",
        "compound": cid,
        "condition": did,
        "drafter": drafter_name,
        "error": str(exc),
        "attempts": exc.attempts,
        "key": key,
    }
    path = save_failed(out, cid, did, failure)
    return PageResult(cid, did, Outcome.FAILED, path, error=str(exc))


def save_built(out: Path, built: BuiltPage, key: str | None = None) -> PageResult:
    """Save a built page (or its rejected record) atomically; ``key`` marks it for incremental batches."""
    cid, did = built.selection.compound.id, built.selection.condition.id
    if key is not None:
        built.sidecar["key"] = key
    if built.markdown is not None and built.passed:
        path = save_page(out, cid, did, built.markdown, built.sidecar)
        warnings = [f for f in built.findings if f.severity is Severity.WARNING]
        return PageResult(cid, did, Outcome.SAVED, path, warnings, usage=built.sidecar.get("usage"))
    record: dict[str, Any] = {
        **built.sidecar,
        "status": "rejected",
        "draft": built.draft.model_dump(mode="json"),
        "attempt_findings": [[f.model_dump(mode="json") for f in a] for a in built.attempts],
    }
    path = save_rejected(out, cid, did, record)
    return PageResult(cid, did, Outcome.REJECTED, path, built.findings, usage=built.sidecar.get("usage"))


def check_page(
    path: Path | str, *, workspace: Workspace | None = None, settings: Path | str | None = None
) -> tuple[list[Finding], bool]:
    """Check a Markdown page on disk; returns (findings, whether grounding ran).

    A sidecar beside the page is verified against the knowledge base first (pipeline/provenance.py).
    """
    from pipeline.provenance import check_saved  # provenance renders pages: imported late, no cycle

    page = Path(path)
    try:
        markdown = page.read_text(encoding="utf-8")
    except OSError as exc:
        raise PageError(f"{page}: cannot read page ({exc.strerror}); check the path") from exc
    except UnicodeDecodeError as exc:
        raise PageError(f"{page}: not UTF-8 text (byte {exc.start}); save the page as UTF-8") from exc
    try:
        sidecar = read_sidecar(page)
    except (ValueError, OSError) as exc:
        raise PageError(
            f"{page.with_suffix('.json')}: sidecar is not valid JSON ({exc}); regenerate the page or remove the sidecar"
        ) from exc
    ws = workspace or Workspace.open(settings=settings)
    findings, grounded = check_saved(ws, markdown, sidecar, page)
    for f in findings:
        f.path = str(page)
    return findings, grounded
