"""Builds queued reports in background threads, off the event loop, and survives restarts.

Report ids travel through an in-memory queue; the store is the truth. On start every report left
queued or running by a previous process is queued again, oldest first. A report deleted or expired
before its turn is skipped. Logs name the report id and its status, never patient data or report
text; a failure is logged by exception class only, since a message could quote the request.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from pipeline.errors import DrafterError, PipelineError
from pipeline.personal import Patient, ReportBuilder
from pipeline.service.store import ReportStore

log = logging.getLogger("reviewgen.service")


class Worker:
    """A pool of threads building reports one at a time each."""

    def __init__(self, store: ReportStore, builder: ReportBuilder, threads: int = 1, delay: float = 0.0) -> None:
        self.store, self.builder = store, builder
        self.delay = delay
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, name=f"report-worker-{i}", daemon=True)
                         for i in range(threads)]

    def start(self) -> int:
        """Queue what a previous process left unfinished and start the threads; returns how many resumed."""
        resumed = self.store.resumable()
        for report_id in resumed:
            self._queue.put(report_id)
        for thread in self._threads:
            thread.start()
        return len(resumed)

    def submit(self, report_id: str) -> None:
        """Queue a newly stored report."""
        self._queue.put(report_id)

    def pending(self) -> int:
        """Reports waiting for a thread."""
        return self._queue.qsize()

    def stop(self, timeout: float = 10.0) -> None:
        """Let running builds finish; queued reports stay queued in the store for the next start."""
        self._stop.set()
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

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
        status, result = self.run(request)
        if self.store.finish(report_id, status, result):
            log.info("report finished", extra={"report_id": report_id, "job_status": status})

    def run(self, request: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
        """Build one report from its stored request: (status, result to store)."""
        try:
            patient = Patient.model_validate(request["patient"])
            report = self.builder.build(request["compound"], request["condition"], patient)
        except DrafterError as exc:
            log.warning("drafter could not draft", extra={"error": type(exc).__name__})
            return "failed", None
        except PipelineError as exc:
            log.warning("report request unusable", extra={"error": type(exc).__name__})
            return "failed", None
        return report.status.value, report.to_dict()
