"""Batches: incremental by content, concurrent with shared back-pressure, crash-safe, interruptible."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline import Workspace
from pipeline.batch.runner import run_batch
from pipeline.drafting import get_drafter
from pipeline.drafting.config import LLMSettings
from pipeline.drafting.llm import LLMDrafter
from pipeline.knowledge.selection import select_facts
from pipeline.workspace import all_pairs
from tests.conftest import PROMPTS, ROOT, run_cli
from tests.fake_openai import FakeOpenAI
from tests.llm_answers import pair_responder


@pytest.fixture
def fake(workspace: Workspace) -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        server.responder = pair_responder(workspace)
        yield server


def _pages(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.md"))}


SUBSET = ["ketamine", "metformin", "naltrexone"]
FOUR = ["als", "parkinsons", "alzheimers", "multiple-sclerosis"]
PAIR_ARGS = [arg for c in ("ketamine", "metformin") for arg in ("--compound", c)] + [
    arg for d in FOUR for arg in ("--condition", d)
]


def test_rerun_of_unchanged_batch_is_all_skipped(workspace: Workspace, tmp_path: Path) -> None:
    pairs = all_pairs(workspace.kb, SUBSET)
    first = run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    assert first.counts["saved"] == len(pairs) and first.skipped == 0
    before = _pages(tmp_path)
    second = run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    assert second.skipped == len(pairs) and sum(second.counts.values()) == 0
    assert _pages(tmp_path) == before
    forced = run_batch(workspace, pairs, get_drafter("composer"), tmp_path, force=True)
    assert forced.counts["saved"] == len(pairs)


def test_rerun_with_llm_makes_no_model_calls(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    drafter = LLMDrafter(LLMSettings(base_url=fake.base_url, model="fake"), prompts_dir=PROMPTS)
    pairs = all_pairs(workspace.kb, ["ketamine", "metformin"], ["als", "parkinsons"])
    assert run_batch(workspace, pairs, drafter, tmp_path, concurrency=4).counts["saved"] == 4
    calls = len(fake.requests)
    again = run_batch(workspace, pairs, drafter, tmp_path, concurrency=4)
    assert again.skipped == 4 and len(fake.requests) == calls


def test_editing_one_fact_regenerates_exactly_the_pages_that_select_it(kb_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ws = Workspace.open(kb_copy, PROMPTS)
    pairs = all_pairs(ws.kb, SUBSET)
    run_batch(ws, pairs, get_drafter("composer"), out)
    path = kb_copy / "treatments/riluzole.yaml"
    data = yaml.safe_load(path.read_text())
    fact = next(f for f in data["facts"] if f["id"] == "riluzole.safety.neutropenia")
    fact["text"] = "The riluzole label warns of severe neutropenia, sometimes within the first months."
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    edited = Workspace.open(kb_copy, PROMPTS)
    expected = {
        (c, d)
        for c, d in pairs
        if "riluzole.safety.neutropenia"
        in select_facts(edited.kb, edited.kb.compounds[c], edited.kb.conditions[d]).facts
    }
    assert expected and len(expected) < len(pairs)
    subset = [arg for c in SUBSET for arg in ("--compound", c)]
    dry = run_cli("batch", *subset, "--dry-run", "--out", str(out), "--knowledge", str(kb_copy), cwd=tmp_path)
    listed = {tuple(line.split(":")[0].split(" x ")) for line in dry.stdout.splitlines() if ": changed:" in line}
    assert listed == expected and all("facts" in line for line in dry.stdout.splitlines() if ": changed:" in line)
    summary = run_batch(edited, pairs, get_drafter("composer"), out)
    assert summary.counts["saved"] == len(expected) and summary.skipped == len(pairs) - len(expected)


def test_a_429_pauses_every_worker(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.push(status=429, headers={"retry-after": "0.6"}, json={"error": {"message": "slow down"}})
    fake.responder = pair_responder(workspace, delay=0.05)
    drafter = LLMDrafter(LLMSettings(base_url=fake.base_url, model="fake", max_retry_wait=5), prompts_dir=PROMPTS)
    pairs = all_pairs(workspace.kb, ["ketamine", "metformin"], ["als", "parkinsons", "alzheimers"])
    summary = run_batch(workspace, pairs, drafter, tmp_path, concurrency=6)
    assert summary.counts["saved"] == len(pairs) and summary.retries == 1
    limited = fake.arrivals[0]
    # The six workers start together; after the 429 none may send again before Retry-After passes.
    later = [t for t in fake.arrivals[1:] if t - limited > 0.2]
    assert later and min(later) - limited >= 0.55
    assert drafter.throttle.pauses == 1


def _batch_process(fake: FakeOpenAI, out: Path, capture: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "OPENAI_BASE_URL": fake.base_url, "REVIEWGEN_MODEL": "fake"}
    stream = subprocess.PIPE if capture else subprocess.DEVNULL
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "batch",
            *PAIR_ARGS,
            "--drafter",
            "llm",
            "--concurrency",
            "2",
            "--out",
            str(out),
            "--knowledge",
            str(ROOT / "knowledge"),
        ],
        cwd=out.parent,
        env=env,
        stdout=stream,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _wait_for_pages(out: Path, at_least: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(list(out.rglob("*.md"))) < at_least:
        assert time.monotonic() < deadline, "the batch made no progress"
        time.sleep(0.05)


def test_sigkill_mid_run_then_rerun_completes_like_an_uninterrupted_run(
    workspace: Workspace, fake: FakeOpenAI, tmp_path: Path
) -> None:
    fake.responder = pair_responder(workspace, delay=0.15)
    reference = tmp_path / "reference" / "outputs"
    reference.parent.mkdir()
    assert _batch_process(fake, reference).wait(timeout=300) == 0
    total = len(_pages(reference))
    killed = tmp_path / "killed" / "outputs"
    killed.parent.mkdir()
    process = _batch_process(fake, killed)
    _wait_for_pages(killed, 2)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    # committed pages only: the sidecar is renamed last, so a kill between the two renames leaves a page the
    # re-run must redo
    finished = len([p for p in killed.rglob("*.md") if p.with_suffix(".json").exists()])
    assert 0 < finished < total
    calls_before = len(fake.requests)
    rerun = _batch_process(fake, killed)
    assert rerun.wait(timeout=300) == 0
    assert len(fake.requests) - calls_before == total - finished, "finished pages are not redone"
    assert _pages(killed) == _pages(reference)
    assert not [p for p in killed.rglob("*") if p.name.endswith(".tmp")]
    for path in killed.rglob("*.json"):
        json.loads(path.read_text())  # every record is complete JSON


def test_ctrl_c_finishes_in_flight_pages_and_prints_the_summary(
    workspace: Workspace, fake: FakeOpenAI, tmp_path: Path
) -> None:
    fake.responder = pair_responder(workspace, delay=0.3)
    out = tmp_path / "outputs"
    process = _batch_process(fake, out, capture=True)
    _wait_for_pages(out, 2)
    process.send_signal(signal.SIGINT)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "(interrupted)" in stdout and "pages requested: 8" in stdout
    assert 2 <= len(_pages(out)) < 8
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_ctrl_c_stops_a_default_drafter_batch_promptly(tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "batch", "--all", "--out", str(out), "--knowledge", str(ROOT / "knowledge")],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    _wait_for_pages(out, 3)
    process.send_signal(signal.SIGINT)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 130, stdout
    assert "(interrupted)" in stdout
    done = len(list(out.rglob("*.md"))) + len(list(out.rglob("rejected/**/*.json")))
    assert 3 <= done < 528 // 2, "the batch ran on after Ctrl-C"
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_batch_api_mode_round_trip_with_reask_and_resume(
    workspace: Workspace, fake: FakeOpenAI, tmp_path: Path
) -> None:
    import json as _json

    from pipeline.batch.provider import BatchApiRun, state_path
    from pipeline.batch.runner import plan
    from tests.fake_openai import completion
    from tests.llm_answers import good_answer

    good = pair_responder(workspace)
    bad_once: set[str] = set()

    def responder(body: dict[str, Any]) -> dict[str, Any]:
        step: dict[str, Any] = good(body)
        title = body["messages"][0]["content"]
        if "Parkinson" in title and title not in bad_once and len(body["messages"]) == 2:
            bad_once.add(title)
            answer = _json.loads(good_answer(workspace, "metformin", "parkinsons"))
            answer["bottom_line"] = [{"fact_ids": [], "text": "Metformin cures Parkinson's disease."}]
            return {"json": completion(_json.dumps(answer))}
        return step

    fake.responder = responder
    drafter = LLMDrafter(LLMSettings(base_url=fake.base_url, model="fake"), prompts_dir=PROMPTS)
    pairs = all_pairs(workspace.kb, ["metformin", "naltrexone"], ["als", "parkinsons"])
    out = tmp_path / "outputs"
    # A first process submits the batch and dies before collecting it: the state keeps the batch id.
    runner = BatchApiRun(workspace, drafter, out, poll_interval=0.01)
    planned = plan(workspace, pairs, drafter, out)
    state = runner._start([p for p in planned if p.reason])
    runner._submit(state)
    assert _json.loads(state_path(out).read_text())["batch_id"] == "batch-1"
    # The re-run resumes batch-1 (no new upload for round 0), then re-asks in a second batch.
    summary = BatchApiRun(workspace, drafter, out, poll_interval=0.01).run(planned)
    assert summary.counts["saved"] == 4, summary.failures
    posts = [c for c in fake.batch_calls if c.startswith("POST /v1/batches")]
    assert len(posts) == 2, "round 0 resumed, one follow-up round for the re-asks"
    assert not state_path(out).exists()
    sidecar = _json.loads((out / "drafts/metformin/parkinsons.json").read_text())
    assert sidecar["via"] == "batch-api" and sidecar["reasks"] == 1
    assert not any(r.get("messages") for r in fake.requests), "no online chat calls were made"


def test_a_page_that_does_not_match_its_sidecar_is_regenerated(workspace: Workspace, tmp_path: Path) -> None:
    """A kill between the page's rename and the sidecar's leaves a page its sidecar does not describe."""
    from pipeline.review.state import approve_page

    pairs = [("ketamine", "als"), ("ketamine", "parkinsons")]
    run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    fresh = _pages(tmp_path)
    stale = tmp_path / "drafts" / "ketamine" / "als.md"
    stale.write_text(stale.read_text().replace("Bottom Line on Safety\n", "Bottom Line on Safety\n\nAn old line.\n"))
    edited = tmp_path / "drafts" / "ketamine" / "parkinsons.md"
    line = "- Your neurologist or movement disorder specialist can advise which of these checks apply to you.\n"
    assert line in edited.read_text()
    edited.write_text(edited.read_text().replace(line, "", 1))
    approve_page(workspace, tmp_path, "ketamine", "parkinsons", reviewer="alice")  # a reviewed hand edit is kept
    kept = edited.read_bytes()
    rerun = run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    assert rerun.counts["saved"] == 1 and rerun.skipped == 1
    assert _pages(tmp_path)["drafts/ketamine/als.md"] == fresh["drafts/ketamine/als.md"]
    assert edited.read_bytes() == kept


@pytest.mark.parametrize(
    "damage",
    ["empty page", "empty sidecar", "half a sidecar", "half a page"],
)
def test_what_a_power_cut_can_leave_is_regenerated(workspace: Workspace, tmp_path: Path, damage: str) -> None:
    """Drafts are not fsynced (pipeline/store.py): after a power cut a renamed file may hold nothing, or part
    of what was written. The next batch must make such a page again, never skip it as unchanged."""
    pairs = [("ketamine", "als"), ("ketamine", "parkinsons")]
    run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    fresh = _pages(tmp_path)
    page = tmp_path / "drafts" / "ketamine" / "als.md"
    target = page if "page" in damage else page.with_suffix(".json")
    data = target.read_bytes()
    target.write_bytes(b"" if damage.startswith("empty") else data[: len(data) // 2])
    rerun = run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    assert rerun.counts["saved"] == 1 and rerun.skipped == 1
    assert _pages(tmp_path) == fresh


def _reject_at_current_key(out: Path, compound: str, condition: str) -> Path:
    """A rejected record carrying the key the pair has now, as when a page is forced over a rejection."""
    from pipeline.store import dump_json, page_path, rejected_path, sidecar_path

    key = json.loads(sidecar_path(page_path(out, compound, condition)).read_text())["key"]
    record = rejected_path(out, compound, condition)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(dump_json({"status": "rejected", "compound": compound, "condition": condition, "key": key}))
    return record


@pytest.mark.parametrize("damage", ["empty sidecar", "half a sidecar"])
def test_a_damaged_save_is_regenerated_even_beside_a_rejection(
    workspace: Workspace, tmp_path: Path, damage: str
) -> None:
    """A rejected record with the current key must not make a batch skip a pair whose sidecar is damaged."""
    pairs = [("ketamine", "als")]
    run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    fresh = _pages(tmp_path)
    _reject_at_current_key(tmp_path, "ketamine", "als")
    sidecar = tmp_path / "drafts" / "ketamine" / "als.json"
    data = sidecar.read_bytes()
    sidecar.write_bytes(b"" if damage.startswith("empty") else data[: len(data) // 2])
    rerun = run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    assert rerun.counts["saved"] == 1 and rerun.skipped == 0
    assert _pages(tmp_path) == fresh


def test_a_save_killed_halfway_over_a_rejection_is_regenerated(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stale rejected record goes before the page is written: a save killed between the page and its
    sidecar leaves nothing that tells the next batch to skip the pair."""
    import pipeline.store
    from pipeline import generate_page

    pairs = [("ketamine", "als")]
    run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    fresh = _pages(tmp_path)
    record = _reject_at_current_key(tmp_path, "ketamine", "als")  # the pair was rejected at this key
    page = tmp_path / "drafts" / "ketamine" / "als.md"
    page.unlink()
    (tmp_path / "drafts" / "ketamine" / "als.json").unlink()
    written = pipeline.store.atomic_write

    def killed_at_the_sidecar(path: Path, data: str, sync_dir: bool = True, sync: bool = True) -> None:
        if path.suffix == ".json" and "drafts" in path.parts:
            raise KeyboardInterrupt  # the process dies between the page's rename and the sidecar's
        written(path, data, sync_dir, sync)

    monkeypatch.setattr(pipeline.store, "atomic_write", killed_at_the_sidecar)
    with pytest.raises(KeyboardInterrupt):
        generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, force=True)
    monkeypatch.undo()
    assert page.is_file() and not record.exists()
    rerun = run_batch(workspace, pairs, get_drafter("composer"), tmp_path)
    assert rerun.counts["saved"] == 1 and rerun.skipped == 0
    assert _pages(tmp_path) == fresh


def test_the_sweep_leaves_temp_files_another_writer_is_using(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "drafts" / "ketamine"
    folder.mkdir(parents=True)
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead = folder / f".als.md.{finished.stdout.strip()}-3.tmp"
    live = folder / f".parkinsons.md.{os.getpid()}-4.tmp"  # this process: alive, mid-write
    old = folder / ".alzheimers.md.x.tmp"  # no pid in the name: goes once it is an hour old
    for path in (dead, live, old):
        path.write_text("partial")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    run_batch(workspace, [("ketamine", "als")], get_drafter("composer"), tmp_path)
    assert live.exists() and not dead.exists() and not old.exists()


# --- checks in worker processes (pipeline/batch/pool.py) ---------------------------------------


def _pages_and_verdicts(out: Path) -> dict[str, str]:
    """Every saved page's bytes and every refused pair's error rules: what a pool must not change."""
    found = {str(p.relative_to(out)): p.read_text() for p in sorted(out.glob("drafts/*/*.md"))}
    for record in sorted(out.glob("rejected/*/*.json")):
        rules = sorted({f["rule"] for f in json.loads(record.read_text())["findings"] if f["severity"] == "error"})
        found[str(record.relative_to(out))] = ",".join(rules)
    return found


@pytest.mark.parametrize("drafter_name", ["composer", "llm"])
def test_a_pool_of_check_workers_changes_no_page_and_no_verdict(
    workspace: Workspace, fake: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drafter_name: str
) -> None:
    pairs = all_pairs(workspace.kb, ["metformin", "cholecalciferol", "ketamine"], ["als", "parkinsons", "asthma"])

    def drafter() -> Any:
        if drafter_name == "composer":
            return get_drafter("composer")
        fake.responder = pair_responder(workspace)
        return LLMDrafter(LLMSettings(base_url=fake.base_url, model="fake"), prompts_dir=PROMPTS)

    results = {}
    for workers in ("0", "2"):
        monkeypatch.setenv("REVIEWGEN_CHECK_WORKERS", workers)
        out = tmp_path / f"workers-{workers}"
        summary = run_batch(workspace, pairs, drafter(), out, concurrency=4)
        assert summary.counts["saved"] + summary.counts["rejected"] == len(pairs)
        results[workers] = _pages_and_verdicts(out)
    assert results["0"] == results["2"]
    assert any(name.startswith("rejected/cholecalciferol") for name in results["2"])  # a knowledge-gap page


def test_a_held_back_page_is_not_re_asked(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.responder = pair_responder(workspace)
    drafter = LLMDrafter(LLMSettings(base_url=fake.base_url, model="fake"), prompts_dir=PROMPTS)
    summary = run_batch(workspace, [("cholecalciferol", "als")], drafter, tmp_path / "outputs")
    assert summary.counts["rejected"] == 1
    assert len(fake.requests) == 1  # refused for a knowledge gap whatever the model writes: one call, no re-ask


def test_a_bad_worker_count_is_a_one_line_error(tmp_path: Path) -> None:
    env = {**os.environ, "REVIEWGEN_CHECK_WORKERS": "many"}
    result = run_cli("batch", "--compound", "ketamine", "--condition", "als", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "REVIEWGEN_CHECK_WORKERS" in result.stderr
    assert "Traceback" not in result.stderr
