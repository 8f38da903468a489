"""A small loopback OpenAI-compatible server whose answers a test scripts, for fault tests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(
    content: str | None,
    finish_reason: str = "stop",
    refusal: str | None = None,
    prompt_tokens: int = 100,
    completion_tokens: int = 50,
) -> dict[str, Any]:
    """A chat.completion body."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
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
        # Batch API: files by id, batches by id, polls before a batch completes
        self.files: dict[str, str] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.batch_calls: list[str] = []
        self.polls_before_done = 2
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _send_json(self, data: Any, status: int = 200) -> None:
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                fake.batch_calls.append(f"GET {self.path}")
                if self.path.startswith("/v1/batches/"):
                    self._send_json(fake.poll_batch(self.path.rsplit("/", 1)[1]))
                elif self.path.startswith("/v1/files/") and self.path.endswith("/content"):
                    content = fake.files[self.path.split("/")[3]].encode()
                    self.send_response(200)
                    self.send_header("content-type", "application/octet-stream")
                    self.send_header("content-length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                if self.path.startswith(("/v1/files", "/v1/batches")):
                    fake.batch_calls.append(f"POST {self.path}")
                    if self.path.startswith("/v1/files"):
                        self._send_json(fake.upload(body, self.headers.get("content-type", "")))
                    else:
                        self._send_json(fake.create_batch(json.loads(body)))
                    return
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

    def upload(self, body: bytes, content_type: str) -> dict[str, Any]:
        """Store an uploaded multipart file; return the file object."""
        from email.parser import BytesParser
        from email.policy import HTTP

        message = BytesParser(policy=HTTP).parsebytes(b"content-type: " + content_type.encode() + b"\r\n\r\n" + body)
        content = ""
        for part in message.iter_parts():
            if part.get_filename():
                payload = part.get_payload(decode=True)
                content = payload.decode() if isinstance(payload, bytes) else str(payload)
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = content
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": 0,
            "filename": "requests.jsonl",
            "purpose": "batch",
            "status": "processed",
        }

    def create_batch(self, body: dict[str, Any]) -> dict[str, Any]:
        """Run every request of the input file through the responder now; complete after a few polls."""
        lines: list[str] = []
        for raw in self.files[body["input_file_id"]].splitlines():
            request = json.loads(raw)
            step = self.responder(request["body"]) if self.responder else self.default or {}
            lines.append(
                json.dumps(
                    {
                        "id": f"req-{len(lines)}",
                        "custom_id": request["custom_id"],
                        "response": {"status_code": step.get("status", 200), "body": step.get("json")},
                        "error": None,
                    }
                )
            )
        output = f"file-{len(self.files) + 1}"
        self.files[output] = "\n".join(lines) + "\n"
        batch_id = f"batch-{len(self.batches) + 1}"
        self.batches[batch_id] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "input_file_id": body["input_file_id"],
            "completion_window": "24h",
            "status": "in_progress",
            "created_at": 0,
            "output_file_id": None,
            "_output": output,
            "_polls": 0,
        }
        return self._public(self.batches[batch_id])

    def poll_batch(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        batch["_polls"] += 1
        if batch["_polls"] > self.polls_before_done:
            batch["status"], batch["output_file_id"] = "completed", batch["_output"]
        return self._public(batch)

    @staticmethod
    def _public(batch: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in batch.items() if not k.startswith("_")}

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

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
