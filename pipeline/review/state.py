"""The review workflow: statuses, the decision history, approve and reject (diffs: review_diff).

Files, for a page at ``<out>/drafts/<compound>/<condition>.md``:
    <condition>.review.json                          the decision history, beside the page
    <out>/approved/<compound>/<condition>.md / .json the last approved page and its sidecar as approved
    <out>/.locks/<compound>/<condition>.lock         taken by every decision (git-ignored)

Status is derived, never trusted from stored state: the newest decision recorded for the page's
current bytes (sha256) gives ``approved`` or ``rejected``; a page with no decision on its bytes is a
``draft``, "changed since approved" when an approved version exists with other bytes. So a
byte-identical regeneration stays approved and any other one needs a new decision.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import filelock

from pipeline.checks.findings import Finding, Severity, has_errors
from pipeline.errors import ApprovalRefusedError, ReviewConflictError, ReviewError
from pipeline.provenance import check_saved
from pipeline.review.history import Decision, History, read_history, read_json
from pipeline.store import (
    Status,
    approved_page_path,
    atomic_write,
    dump_json,
    history_path,
    page_path,
    rejected_path,
    review_lock_path,
    sidecar_path,
)
from pipeline.workspace import Workspace

LOCK_TIMEOUT_S = 10.0
STATUS_FILTERS = ("draft", "changed", "approved", "rejected")


_MIN_HASH_PREFIX = 12


@dataclass(frozen=True)
class PageState:
    """A page's review state, read from disk: derived status plus what it was derived from."""

    compound: str
    condition: str
    path: Path
    markdown: str
    page_hash: str
    sidecar: dict[str, Any] | None
    history: list[Decision]
    approved_hash: str | None
    refused_record: Path | None = None  # the pair's latest regeneration was refused by the checks (newer record)

    @property
    def decision(self) -> Decision | None:
        """The newest decision taken on the page's current bytes, if any."""
        return next((d for d in reversed(self.history) if d.page_hash == self.page_hash), None)

    @property
    def status(self) -> Status:
        """approved / rejected by the newest decision on these bytes, else draft."""
        decision = self.decision
        return Status(decision.decision) if decision else Status.DRAFT

    @property
    def changed_since_approved(self) -> bool:
        """An approved version exists and the page's bytes differ from it."""
        return self.approved_hash is not None and self.approved_hash != self.page_hash

    @property
    def label(self) -> str:
        """The status as listed: draft, changed (a draft differing from its approval), approved, rejected."""
        if self.status is Status.DRAFT and self.changed_since_approved:
            return "changed"
        return self.status.value

    @property
    def hand_edited(self) -> bool:
        """The page on disk is not the one the generator wrote (per its sidecar's page hash)."""
        generated = (self.sidecar or {}).get("hashes", {}).get("page")
        return generated is not None and generated != self.page_hash

    @property
    def last_decision(self) -> Decision | None:
        """The newest decision on any version of the page."""
        return self.history[-1] if self.history else None

    def matches(self, status: str | None) -> bool:
        """Whether the page passes a ``--status`` filter; ``draft`` includes the changed drafts."""
        if status is None:
            return True
        if status == "draft":
            return self.status is Status.DRAFT
        return self.label == status

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary for ``review list --json`` and the report."""
        last = self.last_decision
        return {
            "compound": self.compound,
            "condition": self.condition,
            "path": str(self.path),
            "status": self.label,
            "changed_since_approved": self.changed_since_approved,
            "page_hash": self.page_hash,
            "hand_edited": self.hand_edited,
            "decisions": len(self.history),
            "last_decision": last.model_dump() if last else None,
            "latest_regeneration_refused": str(self.refused_record) if self.refused_record else None,
        }


@dataclass(frozen=True)
class PageView:
    """Everything ``review show`` prints: the page, its findings now, provenance and history."""

    state: PageState
    findings: list[Finding]
    grounded: bool


def sha256(data: str) -> str:
    """The hash a page is identified by in decisions (same as the sidecar's ``hashes.page``)."""
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def resolve_pair(ws: Workspace, compound: str, condition: str) -> tuple[str, str]:
    """Ids for names, ids or aliases, as ``reviewgen generate`` accepts them."""
    return ws.kb.resolve_compound(compound).id, ws.kb.resolve_condition(condition).id


def read_state(out_dir: Path | str, compound: str, condition: str) -> PageState:
    """Read a page's review state (compound and condition are ids); raises ReviewError if unusable."""
    out = Path(out_dir)
    page = page_path(out, compound, condition)
    try:
        markdown = page.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReviewError(
            f"{page}: no page for {compound} x {condition}; generate it first "
            f"(reviewgen generate {compound} {condition} --out {out})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewError(f"{page}: cannot read page ({exc})") from exc
    approved = approved_page_path(out, compound, condition)
    approved_hash = sha256(approved.read_text(encoding="utf-8")) if approved.is_file() else None
    refused = rejected_path(out, compound, condition)
    newer = refused.is_file() and refused.stat().st_mtime >= page.stat().st_mtime
    return PageState(
        compound,
        condition,
        page,
        markdown,
        sha256(markdown),
        read_json(sidecar_path(page)),
        read_history(page, compound, condition).decisions,
        approved_hash,
        refused if newer else None,
    )


def list_pages(out_dir: Path | str, status: str | None = None) -> list[PageState]:
    """Every page under ``<out>/drafts`` in stable order, optionally filtered (see PageState.matches)."""
    if status is not None and status not in STATUS_FILTERS:
        raise ReviewError(f"unknown status {status!r}; use one of {', '.join(STATUS_FILTERS)}")
    drafts = Path(out_dir) / "drafts"
    pages = sorted(drafts.glob("*/*.md")) if drafts.is_dir() else []
    states = [read_state(out_dir, p.parent.name, p.stem) for p in pages if not p.name.startswith(".")]
    return [s for s in states if s.matches(status)]


def show_page(ws: Workspace, out_dir: Path | str, compound: str, condition: str) -> PageView:
    """The page with its findings as it is now (hand edits included) and its provenance."""
    state = read_state(out_dir, compound, condition)
    findings, grounded = check_saved(ws, state.markdown, state.sidecar, state.path)
    for f in findings:
        f.path = str(state.path)
    return PageView(state, findings, grounded)


def approve_page(
    ws: Workspace,
    out_dir: Path | str,
    compound: str,
    condition: str,
    *,
    reviewer: str,
    note: str = "",
    expected_hash: str | None = None,
    expected_decisions: int | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
) -> Decision:
    """Approve the page as it is on disk now, after re-running every check on it.

    ``expected_hash`` (a prefix of at least 12 hex digits will do) and ``expected_decisions`` are what
    the reviewer saw; if either no longer holds, ReviewConflictError and nothing is written.
    Raises ApprovalRefusedError with the findings when any error remains.
    """
    reviewer = required_text(reviewer, "--reviewer", "a reviewer name")
    out = Path(out_dir)
    with _locked(out, compound, condition, lock_timeout):
        state = read_state(out, compound, condition)
        _check_expected(state, expected_hash, expected_decisions, "approved")
        if state.sidecar is None:
            raise ReviewError(
                f"{sidecar_path(state.path)}: no sidecar beside the page, so grounding and "
                "citations cannot be checked; regenerate the page before approving it"
            )
        findings, _ = check_saved(ws, state.markdown, state.sidecar, state.path)
        if has_errors(findings):
            for f in findings:
                f.path = str(state.path)
            errors = sum(1 for f in findings if f.severity is Severity.ERROR)
            hint = (
                "; the page was generated with other site settings, pass the same --settings"
                if state.sidecar.get("hashes", {}).get("settings") not in (None, ws.settings_hash)
                else ""
            )
            raise ApprovalRefusedError(
                f"cannot approve {compound} x {condition}: {errors} error finding(s) in "
                f"{state.path}; fix the page or regenerate it{hint}",
                findings,
            )
        decision = _decision(state, "approved", reviewer, note)
        approved = dict(state.sidecar, status=Status.APPROVED.value, approval=decision.model_dump())
        base = approved_page_path(out, compound, condition)
        with _writing(state):
            atomic_write(sidecar_path(base), dump_json(approved), sync_dir=False)
            atomic_write(base, state.markdown)
            _record(state, decision)
    return decision


def reject_page(
    out_dir: Path | str,
    compound: str,
    condition: str,
    *,
    reviewer: str,
    note: str,
    expected_hash: str | None = None,
    expected_decisions: int | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
) -> Decision:
    """Reject the page as it is on disk now; a note saying why is required."""
    reviewer = required_text(reviewer, "--reviewer", "a reviewer name")
    note = required_text(note, "--note", "a note saying why the page is rejected")
    out = Path(out_dir)
    with _locked(out, compound, condition, lock_timeout):
        state = read_state(out, compound, condition)
        _check_expected(state, expected_hash, expected_decisions, "rejected")
        decision = _decision(state, "rejected", reviewer, note)
        with _writing(state):
            _record(state, decision)
    return decision


@contextmanager
def _locked(out: Path, compound: str, condition: str, timeout: float) -> Iterator[None]:
    """Hold the pair's review lock (flock via filelock); a busy lock past ``timeout`` is a conflict."""
    lock = review_lock_path(out, compound, condition)
    lock.parent.mkdir(parents=True, exist_ok=True)
    ignore = lock.parent.parent / ".gitignore"
    if not ignore.is_file():
        ignore.write_text("*\n", encoding="utf-8")  # two bytes; nothing to half-write
    try:
        with filelock.FileLock(lock, timeout=timeout):
            yield
    except filelock.Timeout:
        raise ReviewConflictError(
            f"{compound} x {condition}: another review action has held {lock} for over "
            f"{timeout:g}s; try again in a moment"
        ) from None


@contextmanager
def _writing(state: PageState) -> Iterator[None]:
    """A failed write (disk full, a temp file swept away) becomes a one-line error, not a traceback."""
    try:
        yield
    except OSError as exc:
        raise ReviewError(
            f"{state.compound} x {state.condition}: could not write the decision ({exc}); it "
            f"counts only if {history_path(state.path).name} lists it: check 'review show', "
            "then try again"
        ) from exc


def _check_expected(state: PageState, expected_hash: str | None, expected_decisions: int | None, action: str) -> None:
    """Compare-and-swap: refuse when the page or its history moved since the reviewer read them."""
    where = f"{state.compound} x {state.condition}"
    if expected_hash is not None:
        if len(expected_hash) < _MIN_HASH_PREFIX:
            raise ReviewError(
                f"expected page hash {expected_hash!r} is too short; give at least "
                f"{_MIN_HASH_PREFIX} hex digits as printed by 'review show'"
            )
        if not state.page_hash.startswith(expected_hash.lower()):
            raise ReviewConflictError(
                f"{where}: the page changed since you read it (hash {expected_hash[:12]} "
                f"is now {state.page_hash[:12]}); nothing was {action}; read it again "
                "with 'review show' or 'review diff' and decide again"
            )
    if expected_decisions is not None and len(state.history) != expected_decisions:
        last = state.last_decision
        raise ReviewConflictError(
            f"{where}: decided by someone else meanwhile "
            f"({last.summary() if last else 'history changed'}); nothing was {action}; "
            "see 'review show'"
        )
    current = state.decision
    if current is not None and current.decision == action:
        raise ReviewConflictError(
            f"{where}: this version of the page is already {current.summary()}; nothing was {action}"
        )


def _decision(state: PageState, decision: Literal["approved", "rejected"], reviewer: str, note: str) -> Decision:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Decision(
        decision=decision,
        reviewer=reviewer,
        note=note.strip(),
        time=now,
        page_hash=state.page_hash,
        hand_edited=state.hand_edited,
    )


def _record(state: PageState, decision: Decision) -> None:
    """Append the decision (the commit point), then set the sidecar's status if the page is unchanged."""
    history = History(compound=state.compound, condition=state.condition, decisions=[*state.history, decision])
    atomic_write(history_path(state.path), dump_json(history.model_dump()))
    sidecar = read_json(sidecar_path(state.path))
    if sidecar is not None and sha256(state.path.read_text(encoding="utf-8")) == state.page_hash:
        sidecar["status"] = decision.decision
        atomic_write(sidecar_path(state.path), dump_json(sidecar))


def required_text(value: str | None, option: str, what: str) -> str:
    """The stripped value; a one-line ReviewError naming the option when it is empty."""
    if value is None or not value.strip():
        raise ReviewError(f"{option} is required: give {what}")
    return value.strip()
