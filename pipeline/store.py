"""outputs/: stable paths, atomic writes, page + sidecar, rejected records.

Layout:
    <out>/drafts/<compound>/<condition>.md     the page (diffable, no volatile data)
    <out>/drafts/<compound>/<condition>.json   its provenance sidecar
    <out>/rejected/<compound>/<condition>.json a draft that failed the checks
    <out>/failed/<compound>/<condition>.json   no draft at all (endpoint fault), with the reason
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson


class Status(StrEnum):
    """Where a page stands in review."""

    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"


def page_path(out_dir: Path, compound_id: str, condition_id: str) -> Path:
    """Where the Markdown page for a pair lives."""
    return out_dir / "drafts" / compound_id / f"{condition_id}.md"


def sidecar_path(page: Path) -> Path:
    """The provenance sidecar beside a page."""
    return page.with_suffix(".json")


def rejected_path(out_dir: Path, compound_id: str, condition_id: str) -> Path:
    """Where the rejected record for a pair lives."""
    return out_dir / "rejected" / compound_id / f"{condition_id}.json"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Outputs are shared with other reviewers' accounts: they follow the umask like any file the user creates
# (mkstemp alone would make them 0600). Patient data never goes through here (the service keeps its own).
FILE_MODE = 0o666 & ~_umask()


def atomic_write(path: Path, data: str, sync_dir: bool = True, sync: bool = True) -> None:
    """Write via a temp file in the same directory, fsync, then rename: never a partial file.

    ``sync=False`` skips the file's fsync, for a file whose torn copy after a crash is detected by a hash
    that a later, synced write records (a page and its sidecar: see ``save_page``)."""
    fd, tmp = _create_temp(path)
    try:
        view = memoryview(data.encode("utf-8"))
        while view:
            view = view[os.write(fd, view) :]
        if sync:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    if sync_dir:
        _sync_dir(path.parent)


_SERIAL = itertools.count()


def _create_temp(path: Path) -> tuple[int, Path]:
    """A new file beside ``path``, created with O_EXCL (never an existing one) and the umask's mode. Its name
    carries the writer's pid, so a sweep can tell an abandoned temp file from one being written."""
    while True:
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{next(_SERIAL)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE), tmp
        except FileExistsError:  # left by an earlier process with the same pid
            continue
        except FileNotFoundError:  # the folder does not exist yet
            path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE), tmp


def _sync_dir(directory: Path) -> None:
    """Make renames in ``directory`` durable."""
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def dump_json(data: Any) -> str:
    """Stable, diffable JSON (sorted keys, two-space indent)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"


def save_page(out_dir: Path, compound_id: str, condition_id: str, markdown: str, sidecar: dict[str, Any]) -> Path:
    """Save a page and its sidecar; a stale rejected record for the pair is removed.

    The page is written first and the sidecar, which carries the page's hash, last: the sidecar's rename is
    the commit point. A kill between the two leaves a page that does not match its sidecar, which
    ``page_is_current`` reports as stale, so the next batch regenerates it.
    """
    page = page_path(out_dir, compound_id, condition_id)
    # The page is not fsynced: after a crash a torn page cannot match the hash its synced sidecar records,
    # so ``page_is_current`` reports it stale and the next batch rewrites it.
    atomic_write(page, markdown, sync_dir=False, sync=False)
    atomic_write(sidecar_path(page), dump_json(sidecar))  # one directory sync covers both renames
    rejected_path(out_dir, compound_id, condition_id).unlink(missing_ok=True)
    failed_path(out_dir, compound_id, condition_id).unlink(missing_ok=True)
    return page


def page_is_current(page: Path, sidecar: dict[str, Any]) -> bool:
    """True when the page on disk is the one its sidecar was written for, or one a reviewer has decided on
    (a hand edit that was approved or rejected is kept); False for a half-finished save."""
    try:
        digest = hashlib.sha256(page.read_bytes()).hexdigest()
    except OSError:
        return False
    if digest == (sidecar.get("hashes") or {}).get("page"):
        return True
    try:
        history = json.loads(history_path(page).read_text(encoding="utf-8"))
        return any(d.get("page_hash") == digest for d in history.get("decisions", []))
    except (OSError, ValueError, AttributeError):
        return False


def save_rejected(out_dir: Path, compound_id: str, condition_id: str, record: dict[str, Any]) -> Path:
    """Save the record of a draft that failed its checks (never a page)."""
    path = rejected_path(out_dir, compound_id, condition_id)
    atomic_write(path, dump_json(record))
    return path


def failed_path(out_dir: Path, compound_id: str, condition_id: str) -> Path:
    """Where the record of a page the drafter could not draft lives."""
    return out_dir / "failed" / compound_id / f"{condition_id}.json"


def save_failed(out_dir: Path, compound_id: str, condition_id: str, record: dict[str, Any]) -> Path:
    """Record why a pair could not be drafted at all (no page, no draft)."""
    path = failed_path(out_dir, compound_id, condition_id)
    atomic_write(path, dump_json(record))
    return path


def read_sidecar(page: Path) -> dict[str, Any] | None:
    """The sidecar beside a page, or None when there is none."""
    path = sidecar_path(page)
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# Review files (see pipeline/review.py). The decision history sits beside the page; the last
# approved page and its sidecar are kept under approved/ as the base of the next diff; lock files
# live in a self-ignoring .locks/ folder so they never show up in a committed outputs/.


def history_path(page: Path) -> Path:
    """The review decision history beside a page (reviewer, decision, note, time, page hash)."""
    return page.with_suffix(".review.json")


def approved_page_path(out_dir: Path, compound_id: str, condition_id: str) -> Path:
    """Where the last approved version of a pair's page is kept."""
    return out_dir / "approved" / compound_id / f"{condition_id}.md"


def review_lock_path(out_dir: Path, compound_id: str, condition_id: str) -> Path:
    """The lock file every writer of a pair's review state takes (outputs/.locks/, git-ignored)."""
    return out_dir / ".locks" / compound_id / f"{condition_id}.lock"
