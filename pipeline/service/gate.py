"""The outermost HTTP layer: request ids, the body-size limit, and a structured access log.

Bodies are counted as they arrive, chunked or not, and a request over the limit is answered 413
before any of it is parsed. The access log is one JSON line per request with its id, method, path,
status and duration: never a header, a query string or a body. Every other log line goes through
the same formatter, which keeps only known fields, so patient data cannot reach the logs by way
of an ``extra`` or an exception message.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("reviewgen.access")
LOG_FIELDS = ("request_id", "method", "path", "status", "ms", "report_id", "job_status", "error", "resumed")


class JsonFormatter(logging.Formatter):
    """One JSON object per line with whitelisted fields; exceptions by class and location only."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage() if record.name.startswith("uvicorn") else str(record.msg),
        }
        entry.update({k: getattr(record, k) for k in LOG_FIELDS if hasattr(record, k)})
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])
            entry["where"] = [f"{f.filename}:{f.lineno} {f.name}" for f in frames][-6:]
        return orjson.dumps(entry).decode()


def configure_logging(level: int = logging.INFO) -> None:
    """Send every logger (ours and uvicorn's) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our own access log replaces it


class Gate:
    """ASGI middleware: request id header, body limit (413), access log line."""

    def __init__(self, app: ASGIApp, max_body: int, authorized: Callable[[str | None], bool] | None = None) -> None:
        self.app, self.max_body, self.authorized = app, max_body, authorized

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 500

        api = str(scope.get("path", "")).startswith("/v1/")

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                extra = [(b"x-request-id", request_id.encode())]
                if api:  # reports hold patient data: no browser or proxy may keep a copy
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            if api and self.authorized is not None and not self.authorized(_header(scope, b"authorization")):
                # authenticate before reading or parsing anything the caller sent
                await _json(
                    send_with_id,
                    401,
                    {
                        "detail": "missing or invalid bearer token; send 'Authorization: "
                        "Bearer <token>' with a token from REVIEWGEN_API_TOKENS"
                    },
                    [(b"www-authenticate", b"Bearer")],
                )
                return
            body = await self._read(scope, receive)
            if body is None:
                await _json(
                    send_with_id, 413, {"detail": f"request body over {self.max_body} bytes; send a smaller request"}
                )
            else:
                await self.app(scope, _replay(body, receive), send_with_id)
        finally:
            # readiness polls are not news: a healthy /healthz is logged at debug level only
            quiet = scope.get("path") == "/healthz" and status == 200
            log.log(
                logging.DEBUG if quiet else logging.INFO,
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )

    async def _read(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is known to be over the limit."""
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_body):
                return None
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return bytes(body)  # the client went away; the app sees an empty body
            body += message.get("body", b"")
            if len(body) > self.max_body:
                return None
            if not message.get("more_body", False):
                return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then defers to the server."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _json(
    send: Send, status: int, payload: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = orjson.dumps(payload)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
