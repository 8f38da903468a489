"""Builds queued reports away from the event loop, and picks up where a previous process stopped.

Building a report is CPU-bound Python (drafting and every check), so by default it runs in a pool
of separate processes (``REVIEWGEN_WORKERS``, default 1): threads would hold the GIL the HTTP
handlers need. A thread per build process hands it work and stores the outcome, so the event loop
never waits on a build. Given a builder object instead (tests, custom drafters), builds run in
those threads.

Report ids travel through an in-memory queue; the store is the truth. On start every report left
queued or running by a previous process is queued again, oldest first. A report deleted or expired
before its turn is skipped. Logs name the report id and its status, never patient data or report
text; a failure is logged by exception class only, since a message could quote the request.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from pipeline.errors import DrafterError, PipelineError
from pipeline.personal import Patient, ReportBuilder
from pipeline.service.store import ReportStore

log = logging.getLogger("reviewgen.service")
Outcome = tuple[str, dict[str, Any] | None]


@dataclass(frozen=True)
class BuilderSpec:
    """What a build process needs to load its own workspace and drafter."""

    knowledge: str | None
    prompts: str | None
    settings: str | None
    drafter: str


def run(builder: ReportBuilder, request: dict[str, Any]) -> Outcome:
    """Build one report from its stored request: (status, result to store)."""
    try:
        patient = Patient.model_validate(request["patient"])
        report = builder.build(request["compound"], request["condition"], patient)
    except DrafterError as exc:
        log.warning("drafter could not draft", extra={"error": type(exc).__name__})
        return "failed", None
    except PipelineError as exc:
        log.warning("report request unusable", extra={"error": type(exc).__name__})
        return "failed", None
    return report.status.value, report.to_dict()


_builder: ReportBuilder | None = None  # one per build process


def _init_process(spec: BuilderSpec) -> None:
    """Load the workspace once per build process; Ctrl-C is the server's to handle."""
    global _builder
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    from pipeline.drafting import get_drafter
    from pipeline.service.gate import configure_logging
    from pipeline.workspace import Workspace

    configure_logging()
    ws = Workspace.open(spec.knowledge, spec.prompts, spec.settings)
    drafter = get_drafter("llm", prompts_dir=ws.prompts_dir) if spec.drafter == "llm" else spec.drafter
    _builder = ReportBuilder(ws, drafter)


def _exit_with_parent(parent: int) -> None:
    """A build process outlives a killed server otherwise: it would wait on its queue forever."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _build_in_process(request: dict[str, Any]) -> Outcome:
    assert _builder is not None, "build process not initialised"
    return run(_builder, request)


def _ready() -> bool:
    return _builder is not None


class Worker:
    """Feeds queued reports to build processes (or, given a builder, builds them in its threads)."""

    def __init__(
        self,
        store: ReportStore,
        *,
        spec: BuilderSpec | None = None,
        builder: ReportBuilder | None = None,
        workers: int = 1,
        delay: float = 0.0,
    ) -> None:
        if (spec is None) == (builder is None):
            raise ValueError("give either a builder spec (build processes) or a builder (threads)")
        self.store, self.spec, self.builder = store, spec, builder
        self.delay = delay
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._warming: list[Future[bool]] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"report-worker-{i}", daemon=True) for i in range(workers)
        ]

    def start(self) -> int:
        """Queue what a previous process left unfinished, start the build processes and threads;
        returns how many reports resumed."""
        if self.spec is not None:
            self._pool = self._new_pool()
            # Load the workspaces now, not on the first report.
            self._warming = [self._pool.submit(_ready) for _ in self._threads]
        resumed = self.store.resumable()
        for report_id in resumed:
            self._queue.put(report_id)
        for thread in self._threads:
            thread.start()
        return len(resumed)

    def _new_pool(self) -> ProcessPoolExecutor:
        spec = self.spec
        assert spec is not None
        # spawn, not fork: the server process has threads, and a forked copy of a lock can deadlock.
        return ProcessPoolExecutor(
            len(self._threads),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_process,
            initargs=(spec,),
        )

    def ready(self) -> bool:
        """True once a build process has loaded its workspace (always, when building in threads)."""
        return all(f.done() for f in self._warming)

    def submit(self, report_id: str) -> None:
        """Queue a newly stored report."""
        self._queue.put(report_id)

    def stop(self, timeout: float = 10.0) -> None:
        """Let running builds finish; queued reports stay queued in the store for the next start."""
        self._stop.set()
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            report_id = self._queue.get()
            if report_id is None or (self.delay and self._stop.wait(self.delay)):
                return
            try:
                self._build(report_id)
            except Exception as exc:  # a bug must not kill the thread; the report is marked failed
                log.error("report build crashed", extra={"report_id": report_id, "error": type(exc).__name__})
                self.store.finish(report_id, "failed", None)

    def _build(self, report_id: str) -> None:
        request = self.store.claim(report_id)
        if request is None:
            return  # deleted, expired or already taken
        log.info("report running", extra={"report_id": report_id, "job_status": "running"})
        status, result = self._outcome(request)
        if self.store.finish(report_id, status, result):
            log.info("report finished", extra={"report_id": report_id, "job_status": status})

    def _outcome(self, request: dict[str, Any]) -> Outcome:
        if self.builder is not None:
            return run(self.builder, request)
        pool = self._pool
        assert pool is not None
        try:
            return pool.submit(_build_in_process, request).result()
        except BrokenProcessPool:  # a build process died (out of memory, killed): start fresh ones
            log.error("build process died; restarting the pool", extra={"error": "BrokenProcessPool"})
            with self._pool_lock:
                if self._pool is pool and not self._stop.is_set():
                    self._pool = self._new_pool()
            return "failed", None
