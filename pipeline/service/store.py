"""The job store: one SQLite file in a private data directory, patient data encrypted at rest.

Only what the service needs to schedule work is stored in the clear: the report id, a hash of the
owning token (never the token), the status and timestamps. The request (compound, condition and
the patient's context) and the finished report are Fernet tokens whose plaintext also names the
report id and owner, so a blob copied onto another row fails to open. The request is dropped as
soon as its report is built, deleted rows are overwritten (``secure_delete``), and expired rows
are purged. The directory is 0700 and the database files 0600.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from pipeline.errors import ServiceConfigError

log = logging.getLogger("reviewgen.service")

DB_NAME = "reports.sqlite3"
DEV_KEY_NAME = "dev-data.key"
STATUSES = ("queued", "running", "done", "rejected", "failed")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    expires REAL NOT NULL,
    request BLOB,
    result BLOB
);
CREATE INDEX IF NOT EXISTS reports_queue ON reports (status, created);
CREATE INDEX IF NOT EXISTS reports_expiry ON reports (expires);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""
_KEY_CHECK = b"reviewgen data key check"


@dataclass(frozen=True)
class Job:
    """One report as its owner may see it."""

    id: str
    status: str
    result: dict[str, Any] | None


def private_dir(path: Path) -> Path:
    """Create the data directory (and parents), readable by this user only and ignored by git, so
    that a data directory inside a checkout is never committed with its key."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.chmod(0o700)
    except FileExistsError:
        raise ServiceConfigError(
            f"REVIEWGEN_DATA_DIR: {path} is a file, not a directory; point it at a directory (it is created if missing)"
        ) from None
    except OSError as exc:
        raise ServiceConfigError(
            f"REVIEWGEN_DATA_DIR: cannot create {path} ({exc.strerror}); choose a directory this user can write"
        ) from None
    ignore = path / ".gitignore"
    if not ignore.exists():
        with os.fdopen(os.open(ignore, os.O_WRONLY | os.O_CREAT, 0o600), "w") as handle:
            handle.write("# patient data and keys: never commit\n*\n")
    return path


def load_cipher(keys: tuple[str, ...], data_dir: Path) -> tuple[MultiFernet, bool]:
    """The cipher for patient data and whether it uses a generated development key.

    Without REVIEWGEN_DATA_KEY a key is generated once into the data directory: fine for a laptop,
    useless against anyone who can read that directory.
    """
    dev = not keys
    if dev:
        key_file = private_dir(data_dir) / DEV_KEY_NAME
        if not key_file.exists():
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
        try:
            keys = (key_file.read_text(encoding="ascii").strip(),)
            return MultiFernet([Fernet(k.encode()) for k in keys]), dev
        except ValueError:  # also UnicodeDecodeError
            raise ServiceConfigError(
                f"{key_file}: the development data key is corrupt; restore it, or delete it "
                "together with the database beside it (their reports cannot be read "
                "without it)"
            ) from None
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys]), dev
    except ValueError:
        raise ServiceConfigError(
            "REVIEWGEN_DATA_KEY: not a Fernet key (32 url-safe base64-encoded bytes); make one "
            "with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`"
        ) from None


class ReportStore:
    """Thread-safe access to the job table; every method is short, so one connection and a lock suffice."""

    def __init__(self, data_dir: Path, cipher: MultiFernet, ttl: float) -> None:
        self.ttl = ttl
        self._cipher = cipher
        self._lock = threading.Lock()
        self.path = private_dir(data_dir) / DB_NAME
        try:
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "secure_delete=ON", "busy_timeout=5000"):
                self._db.execute(f"PRAGMA {pragma}")
            self._db.executescript(_SCHEMA)
            self._db.execute("PRAGMA quick_check").fetchone()
            self._check_key()
        except (sqlite3.DatabaseError, OSError) as exc:
            raise ServiceConfigError(
                f"{self.path}: the report database cannot be opened ({exc}); restore it from "
                "a backup, or move it aside to start with an empty one"
            ) from None
        for suffix in ("", "-wal", "-shm"):
            extra = Path(f"{self.path}{suffix}")
            if extra.exists():
                extra.chmod(0o600)

    def _check_key(self) -> None:
        """Refuse a data key the database was not written with, before any job is touched. The check value
        is a known text sealed with the key; a database from before it existed is checked on one of its rows."""
        row = self._db.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
        sample = (
            row[0]
            if row
            else self._db.execute(
                "SELECT coalesce(result, request) FROM reports WHERE coalesce(result, request) IS NOT NULL LIMIT 1"
            ).fetchone()
        )
        blob = sample[0] if not row and sample else row[0] if row else None
        if blob is not None:
            try:
                plain = self._cipher.decrypt(blob)
            except InvalidToken:
                raise ServiceConfigError(
                    f"REVIEWGEN_DATA_KEY does not match the report database {self.path}; start "
                    "with the key it was written with (to rotate, list the new key first and "
                    "keep the old one after it, comma-separated)"
                ) from None
            if row and plain != _KEY_CHECK:
                raise ServiceConfigError(f"{self.path}: the key check value is corrupt; restore the database")
        # sealed again with the first (current) key, so a retired key can later be dropped from the list
        value = self._cipher.rotate(row[0]) if row else self._cipher.encrypt(_KEY_CHECK)
        self._db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('key_check', ?)", (value,))

    def close(self) -> None:
        """Checkpoint the write-ahead log into the database file and close."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.close()

    # -- encryption ---------------------------------------------------------------------------

    def _seal(self, report_id: str, owner: str, payload: dict[str, Any]) -> bytes:
        return self._cipher.encrypt(orjson.dumps({"id": report_id, "owner": owner, "data": payload}))

    def _open(self, report_id: str, owner: str, blob: bytes) -> dict[str, Any] | None:
        try:
            sealed = orjson.loads(self._cipher.decrypt(blob))
        except InvalidToken:
            log.error("undecryptable row", extra={"report_id": report_id})
            return None
        if sealed.get("id") != report_id or sealed.get("owner") != owner:
            log.error("row does not belong to its id or owner", extra={"report_id": report_id})
            return None
        data: dict[str, Any] = sealed["data"]
        return data

    # -- the API's operations -----------------------------------------------------------------

    def create(self, owner: str, request: dict[str, Any]) -> str:
        """Queue a request; returns the new report's unguessable id."""
        report_id = secrets.token_urlsafe(16)
        now = time.time()
        blob = self._seal(report_id, owner, request)
        with self._lock:
            self._db.execute(
                "INSERT INTO reports (id, owner, status, created, updated, expires, request) "
                "VALUES (?, ?, 'queued', ?, ?, ?, ?)",
                (report_id, owner, now, now, now + self.ttl, blob),
            )
        return report_id

    def get(self, report_id: str, owner: str) -> Job | None:
        """The report if it exists, belongs to ``owner`` and has not expired."""
        with self._lock:
            row = self._db.execute(
                "SELECT status, result, expires FROM reports WHERE id = ? AND owner = ?", (report_id, owner)
            ).fetchone()
        if row is None or row[2] <= time.time():
            return None
        status, blob, _ = row
        result = self._open(report_id, owner, blob) if blob is not None else None
        if blob is not None and result is None:
            status = "failed"  # never 'done' without the report
        return Job(report_id, status, result)

    def delete(self, report_id: str, owner: str) -> bool:
        """Remove a report and its inputs; False when there is no such report for this owner."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM reports WHERE id = ? AND owner = ?", (report_id, owner))
        return cursor.rowcount > 0

    # -- the worker's operations --------------------------------------------------------------

    def claim(self, report_id: str) -> dict[str, Any] | None:
        """Mark a queued report running and return its request; None when it was deleted or expired."""
        with self._lock:
            row = self._db.execute(
                "SELECT owner, request FROM reports WHERE id = ? AND status = 'queued' AND expires > ?",
                (report_id, time.time()),
            ).fetchone()
            if row is None:
                return None
            request = self._open(report_id, row[0], row[1]) if row[1] is not None else None
            # a row that does not open is failed, never left 'running' until it expires
            self._db.execute(
                "UPDATE reports SET status = ?, request = CASE WHEN ? THEN request END, updated = ? WHERE id = ?",
                ("running" if request is not None else "failed", request is not None, time.time(), report_id),
            )
        return request

    def finish(self, report_id: str, status: str, result: dict[str, Any] | None) -> bool:
        """Store the outcome and drop the patient's request; False when the report was deleted meanwhile."""
        with self._lock:
            row = self._db.execute("SELECT owner FROM reports WHERE id = ?", (report_id,)).fetchone()
            if row is None:
                return False
            blob = self._seal(report_id, row[0], result) if result is not None else None
            cursor = self._db.execute(
                "UPDATE reports SET status = ?, result = ?, request = NULL, updated = ? WHERE id = ?",
                (status, blob, time.time(), report_id),
            )
        return cursor.rowcount > 0

    def resumable(self) -> list[str]:
        """After a restart: reports that were running go back to the queue; all queued ids, oldest first."""
        with self._lock:
            self._db.execute("UPDATE reports SET status = 'queued' WHERE status = 'running'")
            rows = self._db.execute(
                "SELECT id FROM reports WHERE status = 'queued' AND expires > ? ORDER BY created", (time.time(),)
            ).fetchall()
        return [r[0] for r in rows]

    def purge_expired(self) -> int:
        """Delete every expired report; returns how many went."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM reports WHERE expires <= ?", (time.time(),))
        return cursor.rowcount

    def counts(self) -> dict[str, int]:
        """Reports per status, for the health check."""
        with self._lock:
            rows = self._db.execute("SELECT status, count(*) FROM reports GROUP BY status").fetchall()
        return {status: n for status, n in rows}
