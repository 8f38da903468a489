"""A small loopback OpenAI-compatible server whose answers a test scripts, for fault tests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(content: str | None, finish_reason: str = "stop", refusal: str | None = None,
               prompt_tokens: int = 100, completion_tokens: int = 50) -> dict[str, Any]:
    """A chat.completion body."""
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake-model",
        "choices": [{"index": 0, "finish_reason": finish_reason,
                     "message": {"role": "assistant", "content": content, "refusal": refusal}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


class FakeOpenAI:
    """Serves scripted responses in order; records every request body it received."""

    def __init__(self) -> None:
        self.script: deque[dict[str, Any]] = deque()
        self.requests: list[dict[str, Any]] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request, in order
        self.default: dict[str, Any] | None = None
        self.responder: Any = None  # optional callable(body) -> step, used when the script is empty
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = {"raw": body.decode(errors="replace")}
                with fake.lock:
                    fake.requests.append(parsed)
                    fake.arrivals.append(time.monotonic())
                    step = fake.script.popleft() if fake.script else None
                if step is None:
                    step = fake.responder(parsed) if fake.responder else fake.default
                if step is None:
                    self.send_error(500, "script exhausted")
                    return
                if step.get("delay"):
                    time.sleep(step["delay"])
                if step.get("reset"):
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    return
                payload = step.get("raw")
                data = payload.encode() if isinstance(payload, str) else json.dumps(step.get("json", {})).encode()
                self.send_response(step.get("status", 200))
                self.send_header("content-type", "application/json")
                for key, value in step.get("headers", {}).items():
                    self.send_header(key, value)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def push(self, **step: Any) -> FakeOpenAI:
        """Queue one response: json=..., status=..., headers=..., raw=..., delay=..., reset=True."""
        self.script.append(step)
        return self

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
