"""The model drafter against recorded exchanges with a real OpenAI-compatible server.

The cassettes were recorded from llama.cpp's server running SmolLM2-135M-Instruct (the
`local` extra), with authorization headers filtered; they replay offline. To re-record,
start `reviewgen local-server --port 8080` and run
    REVIEWGEN_RECORD_CASSETTES=1 .venv/bin/python -m pytest tests/test_llm_cassettes.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import vcr

from pipeline import Outcome, Workspace, generate_page
from pipeline.drafting.config import LLMSettings
from pipeline.drafting.llm import LLMDrafter
from tests.conftest import PROMPTS

CASSETTES = Path(__file__).parent / "cassettes"
LOCAL_URL = "http://127.0.0.1:8080/v1"  # where the cassettes were recorded
RECORDER = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="once" if os.environ.get("REVIEWGEN_RECORD_CASSETTES") else "none",
    filter_headers=["authorization", "api-key", "openai-organization", "x-api-key"],
    match_on=["method", "scheme", "host", "port", "path"],
    decode_compressed_response=True,
)


def local_drafter(**overrides: object) -> LLMDrafter:
    """The settings docs/models.md gives for the local model."""
    settings = {
        "base_url": LOCAL_URL,
        "model": "local",
        "temperature": 0.0,
        "max_tokens": 2500,
        "timeout": 300.0,
        "allow_text": False,
        "max_retries": 0,
        **overrides,
    }
    return LLMDrafter(LLMSettings.model_validate(settings), prompts_dir=PROMPTS)


def test_small_model_choosing_facts_drafts_a_page_that_passes(workspace: Workspace, tmp_path: Path) -> None:
    # atorvastatin x ALS: nothing the completeness rule requires falls to the model (no label interaction or
    # required monitoring); the profile with its warnings and approval status comes from the composer
    with RECORDER.use_cassette("local-saved.yaml") as cassette:
        result = generate_page("atorvastatin", "als", out_dir=tmp_path, workspace=workspace, drafter=local_drafter())
    assert result.outcome is Outcome.SAVED, [str(f) for f in result.findings]
    assert cassette.play_count == len(cassette) or os.environ.get("REVIEWGEN_RECORD_CASSETTES")
    sidecar = json.loads((tmp_path / "drafts/atorvastatin/als.json").read_text())
    assert sidecar["drafter"] == "llm" and sidecar["usage"]["model"] and sidecar["usage"]["prompt_tokens"] > 0
    page = (tmp_path / "drafts/atorvastatin/als.md").read_text()
    for name in ("Riluzole", "Edaravone", "Tofersen", "Dextromethorphan/quinidine"):
        assert f"**{name}" in page


def test_small_model_is_reasked_with_its_findings(workspace: Workspace, tmp_path: Path) -> None:
    with RECORDER.use_cassette("local-reasked.yaml") as cassette:
        result = generate_page(
            "ketamine",
            "als",
            out_dir=tmp_path,
            workspace=workspace,
            drafter=local_drafter(allow_text=True, max_reasks=1),
        )
    requests = [json.loads(r.body) for r in cassette.requests]
    assert len(requests) >= 2, "the first draft had findings, so the model was asked again"
    reask = requests[1]["messages"][-1]["content"]
    assert reask.startswith("Your draft failed") and requests[1]["messages"][-2]["role"] == "assistant"
    assert result.outcome in (Outcome.SAVED, Outcome.REJECTED)


def test_small_model_writing_its_own_text_is_rejected_by_grounding(workspace: Workspace, tmp_path: Path) -> None:
    with RECORDER.use_cassette("local-rejected.yaml") as cassette:
        result = generate_page(
            "ketamine",
            "als",
            out_dir=tmp_path,
            workspace=workspace,
            drafter=local_drafter(allow_text=True, max_reasks=2),
        )
    assert result.outcome is Outcome.REJECTED
    assert len(cassette.requests) == 3, "first draft and two re-asks"
    record = json.loads((tmp_path / "rejected/ketamine/als.json").read_text())
    assert len(record["attempt_findings"]) == 3
    grounded = [f for f in record["findings"] if f["rule"] == "grounded"]
    assert grounded, "the model's own text names things its cited facts do not"
    assert all(f["fact_ids"] for f in grounded if f["section"] != "draft")
    assert not (tmp_path / "drafts").exists()


def test_the_second_opinion_against_a_recorded_local_model(workspace: Workspace) -> None:
    # The model writes statements of its own (allow_text), so the judge has something to read. A 135M model's
    # verdicts carry no clinical weight; what is tested is the exchange: the request, the grammar-constrained
    # reply, and verdicts turned into findings (or a warning when the reply is not usable).
    drafter = local_drafter(allow_text=True, judge=True, max_tokens=1500)
    with RECORDER.use_cassette("local-judge.yaml") as cassette:
        result = drafter.draft(workspace.selection("atorvastatin", "als"))
    assert cassette.play_count == len(cassette) or os.environ.get("REVIEWGEN_RECORD_CASSETTES")
    assert len(cassette) == 2  # the draft, then one judge request for every statement the model wrote
    judge_request = json.loads(cassette.requests[1].body)
    assert judge_request["messages"][0]["content"].startswith("You review statements")
    assert result.usage.get("judge_prompt_tokens", 0) > 0
    judged = [f for f in result.problems if f.rule == "judge"]
    for finding in judged:
        assert (finding.severity.value == "error" and "second-opinion model judged it" in finding.message) or (
            finding.severity.value == "warning" and "second opinion unavailable" in finding.message
        )
