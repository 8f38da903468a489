"""The report service under load: 20 concurrent clients, 500 personalized reports, composer drafter.

Starts `serve` as a subprocess on a loopback port (temporary data dir, generated key), then each
client thread submits reports (POST) and polls each one (GET) until it is finished, over its own
keep-alive connection. Printed side by side, from the same run and the same server:
  - POST /v1/reports and GET /v1/reports/{id}: latency p50/p95/p99 of every HTTP call;
  - the whole report, POST until done (queueing and building included);
  - baseline 1: GET /healthz with the same clients (the HTTP stack alone);
  - baseline 2: the same report built in-process, no HTTP (ReportBuilder.build).
Goal: p95 < 150 ms per HTTP call, 0 errors.

    python benchmarks/bench_service.py [--requests 500] [--clients 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import Workspace  # noqa: E402
from pipeline.personal import Patient, ReportBuilder  # noqa: E402

TOKEN = secrets.token_urlsafe(32)
REQUEST = {
    "compound": "ketamine",
    "condition": "als",
    "patient": {
        "medications": ["Rilutek", "Nuedexta", "Zorblax"],
        "stage": "early",
        "concerns": ["breathing", "kidneys"],
        "question": "Can ketamine affect my breathing?",
    },
}
POLL = 0.025


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REVIEWGEN_API_TOKENS": TOKEN,
        "REVIEWGEN_DATA_DIR": str(data / "data"),
        "REVIEWGEN_DATA_KEY": Fernet.generate_key().decode(),
        "REVIEWGEN_RATE_LIMIT": "1000000/minute",
        "REVIEWGEN_REPORT_DRAFTER": "composer",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "serve",
            "--port",
            str(port),
            "--knowledge",
            str(ROOT / "knowledge"),
            "--prompts",
            str(ROOT / "prompts"),
        ],
        cwd=data,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            if response.status == 200 and json.loads(response.read())["ready"]:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


class Client:
    """One keep-alive connection; records the latency of every call by label."""

    def __init__(self, port: int, timings: dict[str, list[float]], errors: list[str]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.timings, self.errors = timings, errors

    def call(self, label: str, method: str, path: str, body: bytes | None = None) -> dict[str, object] | None:
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except OSError as exc:
            self.errors.append(f"{label}: {type(exc).__name__}")
            self.conn.close()
            return None
        self.timings[label].append(time.perf_counter() - started)
        if response.status >= 400:
            self.errors.append(f"{label}: HTTP {response.status}")
            return None
        parsed: dict[str, object] = json.loads(data)
        return parsed

    def report(self) -> None:
        started = time.perf_counter()
        queued = self.call("POST /v1/reports", "POST", "/v1/reports", json.dumps(REQUEST).encode())
        if queued is None:
            return
        while True:
            state = self.call("GET /v1/reports/{id}", "GET", f"/v1/reports/{queued['id']}")
            if state is None:
                return
            if state["status"] not in ("queued", "running"):
                break
            time.sleep(POLL)
        self.timings["report, POST until done"].append(time.perf_counter() - started)
        if state["status"] != "done":
            self.errors.append(f"report {state['status']}")


def _load(
    clients: int, total: int, port: int, work: Callable[[Client], None], labels: list[str]
) -> tuple[dict[str, list[float]], list[str], float]:
    timings: dict[str, list[float]] = {label: [] for label in labels}
    errors: list[str] = []
    counter = iter(range(total))
    lock = threading.Lock()

    def loop() -> None:
        client = Client(port, timings, errors)
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            work(client)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors, time.perf_counter() - started


def _row(label: str, samples: list[float], count: int, elapsed: float, errors: int) -> str:
    if not samples:
        return f"{label:<34} (no samples)"
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return f"{label:<34} {len(ms):>6} {q[49]:>8.1f} {q[94]:>8.1f} {q[98]:>8.1f} {count / elapsed:>9.1f} {errors:>6}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="reports to request (and /healthz calls)")
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()

    ws = Workspace.open(ROOT / "knowledge", ROOT / "prompts")
    builder = ReportBuilder(ws)
    patient = Patient.model_validate(REQUEST["patient"])
    builder.build("ketamine", "als", patient)  # warm the checks' caches, as the server's first report does
    inprocess = []
    for _ in range(args.requests):
        started = time.perf_counter()
        builder.build("ketamine", "als", patient)
        inprocess.append(time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as tmp:
        port = _port()
        proc = _start(Path(tmp), port)
        try:
            _load(
                2, 4, port, Client.report, ["POST /v1/reports", "GET /v1/reports/{id}", "report, POST until done"]
            )  # warm-up, not counted
            health, health_errors, health_time = _load(
                args.clients,
                args.requests,
                port,
                lambda c: c.call("GET /healthz", "GET", "/healthz") and None,
                ["GET /healthz"],
            )
            labels = ["POST /v1/reports", "GET /v1/reports/{id}", "report, POST until done"]
            timings, errors, elapsed = _load(args.clients, args.requests, port, Client.report, labels)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    calls = len(timings["POST /v1/reports"]) + len(timings["GET /v1/reports/{id}"])
    print(f"{args.clients} clients, {args.requests} reports (composer drafter); latency in ms, throughput per second")
    print(f"{'':<34} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'per s':>9} {'errors':>6}")
    rows = (  # label, requests it counts (None: as timed), the prefix of its errors
        ("POST /v1/reports", None, "POST"),
        ("GET /v1/reports/{id}", None, "GET"),
        ("report, POST until done", args.requests, "report"),
    )
    for label, count, prefix in rows:
        n = len(timings[label]) if count is None else count
        print(_row(label, timings[label], n, elapsed, sum(e.startswith(prefix) for e in errors)))
    print(_row("baseline: GET /healthz", health["GET /healthz"], args.requests, health_time, len(health_errors)))
    print(_row("baseline: in-process build, no HTTP", inprocess, len(inprocess), sum(inprocess), 0))
    print(f"all report HTTP calls: {calls} in {elapsed:.1f} s ({calls / elapsed:.0f}/s); errors: {len(errors)}")
    if errors:
        print("errors:", sorted(set(errors)))


if __name__ == "__main__":
    main()
