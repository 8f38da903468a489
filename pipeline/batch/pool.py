"""Checks off the event loop: a pool of worker processes, each with its own workspace, checks drafts and renders
pages while the batch's event loop keeps the model calls of other pages going.

Checking a page is CPU work (about 10-25 ms); in one process it serialises behind the event loop and caps a
concurrent model batch at pages x CPU. The pool spreads it over the machine's cores. Workers ignore Ctrl-C:
the batch stops taking pairs and lets the pages in flight finish, as without a pool. A pool that breaks
(a worker killed) is not fatal: the remaining pages are checked in this process.

REVIEWGEN_CHECK_WORKERS sets the number of workers (0: none, the checks run in the batch's own process);
unset, a batch with at least POOL_MIN_PAGES pages to generate on a machine with two or more cores uses one
worker per core, up to four.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from pipeline.build import check_built_draft, render_checked
from pipeline.checks import Finding
from pipeline.draft import Draft
from pipeline.errors import SettingsError
from pipeline.knowledge.selection import Selection
from pipeline.settings import SiteSettings
from pipeline.workspace import Workspace

ENV_WORKERS = "REVIEWGEN_CHECK_WORKERS"
POOL_MIN_PAGES = 64
MAX_AUTO_WORKERS = 4

_WORKSPACE: Workspace | None = None  # one per worker process


def workers_for(pages: int) -> int:
    """How many worker processes a batch of ``pages`` pages to generate should use (0: none)."""
    raw = os.environ.get(ENV_WORKERS, "").strip()
    if raw:
        try:
            wanted = int(raw)
        except ValueError:
            raise SettingsError(f"{ENV_WORKERS}={raw!r} is not a number; set 0 (no pool) or a worker count") from None
        if wanted < 0:
            raise SettingsError(f"{ENV_WORKERS}={raw!r} is negative; set 0 (no pool) or a worker count")
        return wanted
    cores = os.cpu_count() or 1
    return min(cores, MAX_AUTO_WORKERS) if cores > 1 and pages >= POOL_MIN_PAGES else 0


def _start_worker(knowledge: Path, prompts: Path, settings: SiteSettings) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle
    global _WORKSPACE
    _WORKSPACE = Workspace.assemble(knowledge, prompts, settings)


def _check(compound: str, condition: str, draft: Draft) -> list[Finding]:
    assert _WORKSPACE is not None
    return check_built_draft(_WORKSPACE, _WORKSPACE.selection(compound, condition), draft)


def _finish(
    compound: str, condition: str, draft: Draft, drafter_name: str, findings: list[Finding]
) -> tuple[str | None, dict[str, Any], list[Finding]]:
    assert _WORKSPACE is not None
    sel = _WORKSPACE.selection(compound, condition)
    return render_checked(_WORKSPACE, sel, draft, drafter_name, findings)


class CheckPool:
    """The build.Checker of a batch: worker processes, or this process once the pool is broken."""

    def __init__(self, ws: Workspace, workers: int) -> None:
        self.ws = ws
        self.executor: concurrent.futures.ProcessPoolExecutor | None = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            initializer=_start_worker,
            initargs=(ws.kb.root, ws.prompts_dir, ws.settings),
        )

    async def _run(self, fn: Any, *args: Any) -> Any:
        if self.executor is not None:
            try:
                return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)
            except BrokenProcessPool:
                self.executor = None  # a worker died: carry on in this process
        return None

    async def check(self, sel: Selection, draft: Draft) -> list[Finding]:
        found = await self._run(_check, sel.compound.id, sel.condition.id, draft)
        return found if found is not None else check_built_draft(self.ws, sel, draft)

    async def finish(
        self, sel: Selection, draft: Draft, drafter_name: str, findings: list[Finding]
    ) -> tuple[str | None, dict[str, Any], list[Finding]]:
        found = await self._run(_finish, sel.compound.id, sel.condition.id, draft, drafter_name, findings)
        return found if found is not None else render_checked(self.ws, sel, draft, drafter_name, findings)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
