"""Batch at scale, measured against the ideal in the same run.

1. Concurrency: a loopback OpenAI-compatible server with a fixed latency; wall time vs
   ceil(N/C) x latency.
2. Re-run of an unchanged batch (composer, and llm against the loopback server): model calls
   and wall time.
3. One fact edited: pages regenerated vs pages whose selected facts include it.
4. Memory: peak RSS for a large batch vs a 10x smaller one (generated knowledge base).

    python benchmarks/bench_batch.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import latency_endpoint  # noqa: E402
import synthetic_kb  # noqa: E402

from pipeline import Workspace  # noqa: E402
from pipeline.batch.runner import run_batch  # noqa: E402
from pipeline.drafting import get_drafter  # noqa: E402
from pipeline.drafting.config import LLMSettings  # noqa: E402
from pipeline.drafting.llm import LLMDrafter  # noqa: E402
from pipeline.knowledge.selection import select_facts  # noqa: E402
from pipeline.workspace import all_pairs  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402
from tests.llm_answers import pair_responder  # noqa: E402


def grid(kb_dir: Path, pages: int) -> tuple[Workspace, list[tuple[str, str]]]:
    """A generated knowledge base with at least ``pages`` pairs, and its first ``pages`` pairs."""
    real = Workspace.open(ROOT / "knowledge", ROOT / "prompts")
    synthetic_kb.build(kb_dir, math.ceil(pages / len(real.kb.conditions)))
    ws = Workspace.open(kb_dir, ROOT / "prompts")
    return ws, all_pairs(ws.kb)[:pages]


def _endpoint(kb_dir: Path, latency: float, conn: Connection, pages: int) -> None:
    """The loopback endpoint in its own process, as a real one would be: its work is not ours."""
    sys.path.insert(0, str(ROOT))
    latency_endpoint.serve(latency_endpoint.prepared_answers(kb_dir, ROOT / "prompts", pages), latency, conn)


def _concurrency_run(kb_dir: Path, out: Path, pages: int, workers: int, latency: float, conn: Connection) -> None:
    """One batch against the endpoint, in a fresh process: caches start cold, as in a CLI run."""
    ws = Workspace.open(kb_dir, ROOT / "prompts")
    pairs = all_pairs(ws.kb)[:pages]
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_endpoint, args=(kb_dir, latency, theirs, pages))
    server.start()
    try:
        drafter = LLMDrafter(LLMSettings(base_url=ours.recv(), model="fake"), prompts_dir=ROOT / "prompts")
        started, cpu, pool_cpu = time.perf_counter(), time.process_time(), _children_cpu()
        summary = run_batch(ws, pairs, drafter, out, concurrency=workers)
        # this process and the batch's check workers (ended and waited for when the batch returns)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu + _children_cpu() - pool_cpu
        # a fresh drafter: its async client belongs to the event loop that made it
        fresh = LLMDrafter(LLMSettings(base_url=drafter.settings.base_url, model="fake"), prompts_dir=ROOT / "prompts")
        bare = asyncio.run(_bare_requests(ws, pairs, fresh, workers))
        ours.send("done")
        calls = ours.recv()
    finally:
        server.join(timeout=10)
        if server.is_alive():
            server.kill()
    conn.send((wall, cpu, bare, summary.counts["saved"], calls))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def _bare_requests(ws: Workspace, pairs: list[tuple[str, str]], drafter: LLMDrafter, workers: int) -> float:
    """Baseline: the same requests through the same client, ``workers`` at a time, and nothing else
    (no checks, render or save): what the endpoint and the HTTP client alone allow."""
    todo = [select_facts(ws.kb, ws.kb.compounds[c], ws.kb.conditions[d], ws.settings) for c, d in pairs]

    async def worker() -> None:
        while todo:
            await drafter.adraft(todo.pop())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return time.perf_counter() - started


def concurrency(tmp: Path, pages: int, workers: int, latency: float) -> None:
    kb_dir, out = tmp / f"kb-conc-{latency}", tmp / f"out-conc-{latency}"
    grid(kb_dir, pages)
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("spawn").Process(
        target=_concurrency_run, args=(kb_dir, out, pages, workers, latency, theirs)
    )
    child.start()
    wall, cpu, bare, saved, calls = ours.recv()
    child.join()
    ideal = math.ceil(pages / workers) * latency
    print(f"1. concurrency: {pages} pages, concurrency {workers}, latency {latency * 1000:.0f} ms")
    print(
        f"   {'wall':>10}{'ideal':>10}{'bare':>10}{'wall/ideal':>12}{'wall/bare':>11}   goal wall/ideal <= 1.15   "
        f"(saved {saved}; model calls {calls}, baseline included)"
    )
    print(f"   {wall:10.2f}{ideal:10.2f}{bare:10.2f}{wall / ideal:12.2f}{wall / bare:11.2f}")
    print(
        f"   bare: the same requests through the same client with nothing else done; our CPU per page "
        f"{cpu / pages * 1000:.1f} ms (client, parse, checks, render, atomic save; check workers included), "
        f"so N x CPU = {cpu:.2f} s"
    )


def rerun(tmp: Path, pages: int) -> None:
    ws, pairs = grid(tmp / "kb-rerun", pages)
    print(f"2. re-run of an unchanged {pages}-page batch            goal: 0 model calls, < 2 s")
    out = tmp / "out-rerun-composer"
    run_batch(ws, pairs, get_drafter("composer"), out, concurrency=4)
    started = time.perf_counter()
    again = run_batch(ws, pairs, get_drafter("composer"), out, concurrency=4)
    print(f"   composer: first run done; re-run {time.perf_counter() - started:.2f} s, skipped {again.skipped}")
    with FakeOpenAI() as fake:
        fake.responder = pair_responder(ws)
        drafter = LLMDrafter(LLMSettings(base_url=fake.base_url, model="fake"), prompts_dir=ROOT / "prompts")
        out = tmp / "out-rerun-llm"
        first = run_batch(ws, pairs, drafter, out, concurrency=16)
        calls = len(fake.requests)
        started = time.perf_counter()
        again = run_batch(ws, pairs, drafter, out, concurrency=16)
        print(
            f"   llm: first run {calls} model calls, saved {first.counts['saved']}; re-run "
            f"{time.perf_counter() - started:.2f} s, {len(fake.requests) - calls} model calls, "
            f"skipped {again.skipped}"
        )


def one_fact(tmp: Path) -> None:
    kb_dir = tmp / "kb-edit"
    ws, pairs = grid(kb_dir, 360)
    out = tmp / "out-edit"
    run_batch(ws, pairs, get_drafter("composer"), out)
    path = kb_dir / "treatments" / "riluzole.yaml"
    data = yaml.safe_load(path.read_text())
    data["facts"][2]["text"] = data["facts"][2]["text"].rstrip(".") + ", as its label describes."
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    edited = Workspace.open(kb_dir, ROOT / "prompts")
    fid = data["facts"][2]["id"]
    expected = sum(
        fid in select_facts(edited.kb, edited.kb.compounds[c], edited.kb.conditions[d]).facts for c, d in pairs
    )
    summary = run_batch(edited, pairs, get_drafter("composer"), out)
    print(f"3. one fact edited ({fid}) in a {len(pairs)}-page batch           goal: equal")
    regenerated = summary.counts["saved"] + summary.counts["rejected"]  # a held-back page is regenerated too
    print(f"   regenerated {regenerated}   pages selecting it {expected}")


def _rss_child(kb_dir: Path, pages: int, out: Path) -> float:
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from pathlib import Path\nfrom pipeline import Workspace\nfrom pipeline.batch.runner import run_batch\n"
        "from pipeline.drafting import get_drafter\nfrom pipeline.workspace import all_pairs\n"
        f"ws = Workspace.open(Path({str(kb_dir)!r}), Path({str(ROOT / 'prompts')!r}))\n"
        f"pairs = all_pairs(ws.kb)[:{pages}]\n"
        f"s = run_batch(ws, pairs, get_drafter('composer'), Path({str(out)!r}))\n"
        "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, s.counts['saved'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    rss_kb, _saved = result.stdout.split()
    return int(rss_kb) / 1024


def memory(tmp: Path, large: int) -> None:
    small = large // 10
    kb_dir = tmp / "kb-mem"
    grid(kb_dir, large)
    rss_small = _rss_child(kb_dir, small, tmp / "out-mem-small")
    rss_large = _rss_child(kb_dir, large, tmp / "out-mem-large")
    print("4. memory, composer, same generated knowledge base         goal: <= 1.5x")
    print(f"   {'pairs':>8}{'peak RSS MB':>14}")
    print(f"   {small:8}{rss_small:14.1f}\n   {large:8}{rss_large:14.1f}   ratio {rss_large / rss_small:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        concurrency(tmp, 200, 16, 0.2)
        concurrency(tmp, 200, 16, 1.0)  # a latency nearer a real model's: the same work, less CPU-bound
        rerun(tmp, 200 if args.quick else 1000)
        one_fact(tmp)
        memory(tmp, 1000 if args.quick else 10_000)
    print(f"(benchmark process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
