"""Batches at scale: concurrent, incremental by content, crash-safe, with progress and a summary.

Each page has a key: the hash of everything that shapes it (the selected facts and their
sources, templates and prompts, site settings, the drafter and its model settings, the rules
and their vocabularies, the package version). A re-run skips a pair whose saved page or
rejected record carries the same key, so an unchanged batch makes no model calls and editing
one fact regenerates exactly the pages that selected it. Writes are atomic; temp files left
by a killed run are swept at the start of the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pipeline.batch.pool import CheckPool, workers_for
from pipeline.build import Outcome, PageResult, abuild_page, save_built, save_failure
from pipeline.drafting import Drafter, fingerprint
from pipeline.errors import DrafterError, EndpointError, PipelineError
from pipeline.store import failed_path, page_is_current, page_path, rejected_path, sidecar_path
from pipeline.version import __version__
from pipeline.workspace import Workspace


@dataclass(frozen=True)
class Planned:
    """One requested pair and why it will (or will not) be generated."""

    compound: str
    condition: str
    key: str
    parts: dict[str, str]
    reason: str | None  # None: unchanged, skipped


@dataclass
class Summary:
    """What a batch did; printed as a table and written as JSON on request."""

    requested: int = 0
    skipped: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasks: int = 0
    retries: int = 0
    cost_usd: float | None = None
    seconds: float = 0.0
    interrupted: bool = False
    failures: list[dict[str, str]] = field(default_factory=list)

    def add(self, result: PageResult) -> None:
        self.counts[result.outcome.value] += 1
        for finding in result.findings:
            if finding.severity.value == "error":
                self.findings[finding.rule] += 1
        if result.outcome is not Outcome.SAVED:
            self.failures.append(
                {
                    "compound": result.compound,
                    "condition": result.condition,
                    "outcome": result.outcome.value,
                    "reason": result.error
                    or f"{sum(1 for f in result.findings if f.severity.value == 'error')} error findings",
                    "path": str(result.path or ""),
                }
            )
        usage = result.usage or {}
        self.prompt_tokens += usage.get("prompt_tokens", 0)
        self.completion_tokens += usage.get("completion_tokens", 0)
        self.retries += usage.get("retries", 0)
        self.reasks += max(0, len(usage.get("attempts", [])) - 1)
        if usage.get("cost_usd") is not None:
            self.cost_usd = round((self.cost_usd or 0.0) + usage["cost_usd"], 6)

    @property
    def ok(self) -> bool:
        """True when every requested page is saved or unchanged."""
        return self.counts["saved"] + self.skipped == self.requested and not self.interrupted

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = dict(self.counts)
        data["findings"] = dict(self.findings.most_common())
        return data

    def table(self) -> str:
        lines = [
            f"pages requested: {self.requested}   unchanged (skipped): {self.skipped}   "
            f"saved: {self.counts['saved']}   rejected: {self.counts['rejected']}   "
            f"failed: {self.counts['failed']}" + ("   (interrupted)" if self.interrupted else "")
        ]
        if self.findings:
            lines.append("top findings: " + ", ".join(f"{rule} {n}" for rule, n in self.findings.most_common(5)))
        if self.prompt_tokens or self.completion_tokens:
            cost = f"   cost: ${self.cost_usd:.4f}" if self.cost_usd is not None else ""
            lines.append(
                f"tokens: {self.prompt_tokens} prompt + {self.completion_tokens} completion   "
                f"re-asks: {self.reasks}   retries: {self.retries}{cost}"
            )
        lines.append(f"wall time: {self.seconds:.2f}s")
        return "\n".join(lines)


def _digest(value: Any) -> str:
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()


def plan(
    ws: Workspace, pairs: Iterable[tuple[str, str]], drafter: Drafter, out: Path, force: bool = False
) -> list[Planned]:
    """Each pair's key, and whether (and why) it needs generating."""
    common = _common_parts(ws, drafter)
    planned = []
    for cid, did in pairs:
        key, parts = page_key(ws, cid, did, drafter, common)
        planned.append(Planned(cid, did, key, parts, "forced" if force else _reason(out, cid, did, parts, key)))
    return planned


def _common_parts(ws: Workspace, drafter: Drafter) -> dict[str, str]:
    return {
        "templates": ws.templates_hash,
        "settings": ws.settings_hash,
        "drafter": _digest(fingerprint(drafter)),
        "checks": ws.checks_hash,
        "version": __version__,
    }


def page_key(
    ws: Workspace, cid: str, did: str, drafter: Drafter, common: dict[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """A pair's key and its parts: ``generate`` records the same one as ``batch``, so either may skip the other's
    unchanged page."""
    sel = ws.selection(cid, did)
    parts = {"facts": sel.digest(), **(common or _common_parts(ws, drafter))}
    return _digest(parts), parts


def _records(out: Path, cid: str, did: str) -> list[dict[str, Any]]:
    """The saved page's sidecar (when the page exists) and the rejected record, if any."""
    page = page_path(out, cid, did)
    found = []
    for path, is_page in ((sidecar_path(page), True), (rejected_path(out, cid, did), False)):
        if not path.is_file():
            continue
        try:
            record = orjson.loads(path.read_bytes())  # every re-run reads every sidecar: the fast parser
        except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
            record = None
        if not isinstance(record, dict):
            if is_page:  # a damaged save (drafts are not fsynced): no record counts, not even a rejection's
                return []
            continue  # unreadable: regenerate
        if not is_page or page_is_current(page, record):
            found.append(record)
    return found


def _reason(out: Path, cid: str, did: str, parts: dict[str, str], key: str) -> str | None:
    records = _records(out, cid, did)
    if any(r.get("key") == key for r in records):
        return None
    page = page_path(out, cid, did)
    if page.is_file() and sidecar_path(page).is_file() and not records:
        return "page does not match its sidecar (an interrupted save or an unreviewed hand edit)"
    if not records:
        return "failed last time" if failed_path(out, cid, did).is_file() else "new"
    old = records[0].get("key_parts") or {}
    changed = sorted(name for name, value in parts.items() if old.get(name) != value)
    return "changed: " + ", ".join(changed) if old else "no key recorded"


SWEEP_AGE_S = 3600.0  # a temp file lives for one write; one this old was left by a killed process
_TEMP_PID = re.compile(r"\.(\d+)-[^.]*\.tmp$")


def _abandoned(path: Path, cutoff: float) -> bool:
    """A temp file whose writer is no longer running on this machine, or one untouched for an hour."""
    m = _TEMP_PID.search(path.name)
    if m:
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OverflowError, ValueError):
            pass  # alive under another user, or not a pid: fall back to age
    return path.stat().st_mtime < cutoff


def sweep_temp_files(out: Path, older_than: float = SWEEP_AGE_S) -> int:
    """Remove temp files a killed run left behind (never a finished page or record). A temp file another
    batch or an approval is writing right now is left alone: only a dead writer's, or a stale one, goes."""
    removed = 0
    cutoff = time.time() - older_than
    if out.is_dir():
        for path in out.rglob(".*.tmp"):
            with contextlib.suppress(OSError):
                if _abandoned(path, cutoff):
                    path.unlink()
                    removed += 1
    return removed


ProgressHook = Callable[[PageResult | None, Planned], None]


async def run(
    ws: Workspace,
    planned: list[Planned],
    drafter: Drafter,
    out: Path,
    concurrency: int = 4,
    progress: ProgressHook | None = None,
) -> Summary:
    """Generate every planned pair that needs it, ``concurrency`` at a time.

    One failing pair never stops the rest; an unreachable endpoint (EndpointError) does,
    since every page would fail the same way. Ctrl-C (SIGINT) stops taking new pairs, lets the
    in-flight ones finish, and returns the summary so far.
    """
    summary = Summary(requested=len(planned), skipped=sum(1 for p in planned if p.reason is None))
    started = time.perf_counter()
    sweep_temp_files(out)
    todo = [p for p in planned if p.reason is not None]
    for p in planned:
        if p.reason is None and progress:
            progress(None, p)
    queue: asyncio.Queue[Planned] = asyncio.Queue()
    for p in todo:
        queue.put_nowait(p)
    workers = workers_for(len(todo))
    checker = CheckPool(ws, workers) if workers else None
    stop = asyncio.Event()
    fatal: list[BaseException] = []
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread, or no signals here
        loop.add_signal_handler(signal.SIGINT, stop.set)

    async def worker() -> None:
        while not stop.is_set() and not fatal:
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            result = await _one(ws, item, drafter, out, fatal, checker)
            if result is not None:
                summary.add(result)
                if progress:
                    progress(result, item)
            # A drafter that never awaits (the composer) would otherwise hold the loop until the batch ends,
            # and Ctrl-C, which the loop delivers, would go unseen.
            await asyncio.sleep(0)

    try:
        await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    finally:
        if checker is not None:
            checker.close()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
    summary.seconds = round(time.perf_counter() - started, 3)
    summary.interrupted = stop.is_set()
    if fatal:
        raise fatal[0]
    return summary


async def _one(
    ws: Workspace,
    item: Planned,
    drafter: Drafter,
    out: Path,
    fatal: list[BaseException],
    checker: CheckPool | None = None,
) -> PageResult | None:
    try:
        built = await abuild_page(ws, item.compound, item.condition, drafter, checker)
    except EndpointError as exc:
        fatal.append(exc)
        return None
    except DrafterError as exc:
        return save_failure(out, item.compound, item.condition, drafter.name, exc, key=item.key)
    except PipelineError as exc:
        return PageResult(item.compound, item.condition, Outcome.FAILED, None, error=str(exc))
    built.sidecar["key_parts"] = item.parts
    return save_built(out, built, key=item.key)


def run_batch(
    ws: Workspace,
    pairs: Iterable[tuple[str, str]],
    drafter: Drafter,
    out: Path | str = "outputs",
    *,
    concurrency: int = 4,
    force: bool = False,
    progress: ProgressHook | None = None,
) -> Summary:
    """Plan and run a batch (the library entry point the CLI wraps)."""
    out = Path(out)
    return asyncio.run(run(ws, plan(ws, pairs, drafter, out, force), drafter, out, concurrency, progress))
