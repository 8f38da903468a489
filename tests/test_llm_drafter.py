"""The model drafter against a loopback fake OpenAI-compatible server: success, re-asks, faults."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from pipeline import Outcome, Workspace, generate_page
from pipeline.drafting.config import LLMSettings
from pipeline.drafting.llm import LLMDrafter
from pipeline.knowledge.selection import select_facts
from tests.conftest import PROMPTS, run_cli
from tests.fake_openai import FakeOpenAI, completion
from tests.llm_answers import good_answer


def drafter(fake: FakeOpenAI, **overrides: Any) -> LLMDrafter:
    settings = LLMSettings(
        base_url=fake.base_url,
        model="fake-model",
        max_retry_wait=0.2,
        **{"timeout": 5.0, "max_retries": 2, **overrides},
    )
    return LLMDrafter(settings=settings, prompts_dir=PROMPTS)


def test_valid_answer_is_saved_with_usage(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.push(json=completion(good_answer(workspace), prompt_tokens=1234, completion_tokens=321))
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake))
    assert result.outcome is Outcome.SAVED, [str(f) for f in result.findings]
    sidecar = json.loads(result.path.with_suffix(".json").read_text())  # type: ignore[union-attr]
    assert sidecar["drafter"] == "llm" and sidecar["attempts"] == 1 and sidecar["reasks"] == 0
    assert sidecar["usage"]["prompt_tokens"] == 1234 and sidecar["usage"]["completion_tokens"] == 321
    assert sidecar["usage"]["prompt_template_hash"]
    page = result.path.read_text()  # type: ignore[union-attr]
    assert "riluzole" in page.lower() and "## References" in page
    # the prompt carried every selected fact, delimited, and the json_object schema
    request = fake.requests[0]
    assert request["response_format"]["type"] == "json_object"
    assert '<fact id="ketamine.safety.respiratory"' in request["messages"][1]["content"]


def test_slot_with_nothing_to_cite_states_the_absence(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    # acetylcysteine x ALS has no curated evidence: the schema leaves the evidence slots out, the
    # page says so in fixed wording, and whatever the model writes there anyway is not used.
    answer = json.loads(good_answer(workspace, "acetylcysteine", "als"))
    answer["evidence"] = [{"fact_ids": [], "text": "Strong trials show clear benefit in ALS."}]
    fake.push(json=completion(json.dumps(answer)))
    d = drafter(fake)
    sel = select_facts(
        workspace.kb, workspace.kb.resolve_compound("acetylcysteine"), workspace.kb.resolve_condition("als")
    )
    assert sel.evidence is None
    result = generate_page("acetylcysteine", "als", out_dir=tmp_path, workspace=workspace, drafter=d)
    assert result.outcome is Outcome.SAVED, [str(f) for f in result.findings]
    page = result.path.read_text()  # type: ignore[union-attr]
    assert "holds no curated evidence on" in page and "holds no curated studies of" in page
    assert "Strong trials" not in page
    warnings = [f for f in result.findings if f.rule == "schema" and f.severity.value == "warning"]
    assert any("'evidence' has no facts to cite" in f.message for f in warnings)


def test_fact_text_cannot_break_out_of_its_delimiter(workspace: Workspace, fake: FakeOpenAI) -> None:
    fake.push(json=completion(good_answer(workspace)))
    d = drafter(fake)
    sel = select_facts(workspace.kb, workspace.kb.resolve_compound("ketamine"), workspace.kb.resolve_condition("als"))
    d.draft(sel)
    user = fake.requests[0]["messages"][1]["content"]
    quoted = user.count("<fact ")
    assert quoted >= 20 and user.count("</fact>") == quoted
    # every fact a slot may cite is in the prompt, delimited
    schema = fake.requests[0]["response_format"].get("schema") or {}
    enums = {
        fid for slot in json.dumps(schema).split('"enum": [')[1:] for fid in json.loads("[" + slot.split("]")[0] + "]")
    }
    assert enums and all(f'<fact id="{fid}">' in user for fid in enums)


def test_reask_after_findings_then_saved(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    bad = json.loads(good_answer(workspace))
    bad["bottom_line"] = [{"fact_ids": [], "text": "Ketamine is completely safe for ALS patients."}]
    fake.push(json=completion(json.dumps(bad))).push(json=completion(good_answer(workspace)))
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake))
    assert result.outcome is Outcome.SAVED
    reask = fake.requests[1]["messages"][-1]["content"]
    assert "no-absolute-safety" in reask and "completely safe" in reask
    assert fake.requests[1]["messages"][-2]["role"] == "assistant"


def test_rejected_after_last_reask_with_every_attempt(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    bad = json.loads(good_answer(workspace))
    bad["bottom_line"] = [{"fact_ids": ["ketamine.class.nmda"], "text": "Ketamine cures ALS."}]
    fake.default = {"json": completion(json.dumps(bad))}
    result = generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake, max_reasks=2)
    )
    assert result.outcome is Outcome.REJECTED
    assert len(fake.requests) == 3
    record = json.loads(result.path.read_text())  # type: ignore[union-attr]
    assert record["status"] == "rejected" and len(record["attempt_findings"]) == 3
    assert all(any(f["rule"] == "no-cure-claims" for f in a) for a in record["attempt_findings"])
    assert not (tmp_path / "drafts/ketamine/als.md").exists()
    # each re-ask carries the original prompt, the last answer and its findings, not every round
    # (a growing conversation overflowed the local model's context window)
    roles = [[m["role"] for m in r["messages"]] for r in fake.requests]
    assert roles[1] == roles[2] == ["system", "user", "assistant", "user"]
    assert fake.requests[2]["messages"][:2] == fake.requests[0]["messages"]


def test_unknown_fact_ids_are_findings_not_dropped(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    bad = json.loads(good_answer(workspace))
    bad["mechanism"].append({"fact_ids": ["made.up.fact"], "text": "Ketamine protects motor neurons."})
    fake.default = {"json": completion(json.dumps(bad))}
    result = generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake, max_reasks=0)
    )
    assert result.outcome is Outcome.REJECTED
    assert any(f.rule == "citations" and f.text == "made.up.fact" for f in result.findings)


def test_429_honours_retry_after_then_succeeds(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.push(status=429, headers={"retry-after": "0.1"}, json={"error": {"message": "slow down"}})
    fake.push(json=completion(good_answer(workspace)))
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake))
    assert result.outcome is Outcome.SAVED
    usage = json.loads(result.path.with_suffix(".json").read_text())["usage"]  # type: ignore[union-attr]
    assert usage["retries"] == 1 and usage["attempts"][0]["retry_waits"] == [0.1]


def test_500_then_success(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.push(status=500, json={"error": {"message": "boom"}}).push(json=completion(good_answer(workspace)))
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake))
    assert result.outcome is Outcome.SAVED
    assert len(fake.requests) == 2


def test_persistent_500_is_a_failed_record(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.default = {"status": 503, "json": {"error": {"message": "overloaded"}}}
    result = generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake, max_retries=2)
    )
    assert result.outcome is Outcome.FAILED and "503" in (result.error or "")
    assert len(fake.requests) == 3
    record = json.loads((tmp_path / "failed/ketamine/als.json").read_text())
    assert record["status"] == "failed" and "503" in record["error"]
    assert not (tmp_path / "drafts").exists()


def test_timeout_is_a_failed_record(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.default = {"delay": 1.5, "json": completion(good_answer(workspace))}
    result = generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake, timeout=0.3, max_retries=1)
    )
    assert result.outcome is Outcome.FAILED and "timed out" in (result.error or "")


def test_connection_reset_then_success(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.push(reset=True).push(json=completion(good_answer(workspace)))
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake))
    assert result.outcome is Outcome.SAVED and len(fake.requests) == 2


def test_malformed_json_content_is_reasked(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.push(json=completion('{"interactions": [ this is not json')).push(json=completion(good_answer(workspace)))
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake))
    assert result.outcome is Outcome.SAVED
    assert "not valid JSON" in fake.requests[1]["messages"][-1]["content"]


def test_malformed_http_body_is_a_failed_record(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.default = {"raw": "<html>proxy error</html>"}
    result = generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake, max_retries=0)
    )
    assert result.outcome is Outcome.FAILED and result.error


def test_schema_invalid_json_ends_rejected(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.default = {"json": completion(json.dumps({"sections": "wrong shape"}))}
    result = generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake, max_reasks=1)
    )
    assert result.outcome is Outcome.REJECTED
    assert {f.rule for f in result.findings} == {"schema"}
    assert any("interactions" in f.text for f in result.findings)


def test_refusal_ends_rejected_with_reason(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.default = {"json": completion(None, refusal="I can't help with medical content.")}
    result = generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake, max_reasks=1)
    )
    assert result.outcome is Outcome.REJECTED
    assert any("refused" in f.message for f in result.findings)


def test_length_cutoff_is_a_failed_record(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.push(json=completion('{"interactions": {', finish_reason="length"))
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake))
    assert result.outcome is Outcome.FAILED and "max_tokens" in (result.error or "")
    assert not list(tmp_path.rglob("*.tmp"))


def test_json_schema_mode_sends_strict_schema_with_fact_enum(
    workspace: Workspace, fake: FakeOpenAI, tmp_path: Path
) -> None:
    fake.push(json=completion(good_answer(workspace)))
    generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake, output_mode="json_schema")
    )
    fmt = fake.requests[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    props = fmt["json_schema"]["schema"]["properties"]
    ids = props["disease_risks"]["items"]["properties"]["fact_ids"]["items"]["enum"]
    assert "ketamine.safety.respiratory" in ids
    riluzole = props["interactions"]["properties"]["riluzole"]["properties"]["fact_ids"]["items"]["enum"]
    assert "als.treatment.riluzole" in riluzole and "ketamine.safety.respiratory" not in riluzole
    assert set(props["interactions"]["required"]) == {"riluzole", "edaravone", "tofersen", "dextromethorphan-quinidine"}


def test_text_mode_extracts_json_from_prose(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.push(json=completion("Here is the draft:\n```json\n" + good_answer(workspace) + "\n```\nDone."))
    result = generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter(fake, output_mode="text")
    )
    assert result.outcome is Outcome.SAVED
    assert "response_format" not in fake.requests[0]


def test_price_table_gives_cost(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.push(json=completion(good_answer(workspace), prompt_tokens=1_000_000, completion_tokens=500_000))
    d = drafter(fake, prices={"fake-model": {"prompt": 0.15, "completion": 0.60}})
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=d)
    assert result.usage and result.usage["cost_usd"] == pytest.approx(0.45)


def test_cli_missing_key_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REVIEWGEN_"))}
    result = run_cli("generate", "ketamine", "als", "--drafter", "llm", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "OPENAI_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_unreachable_endpoint_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "REVIEWGEN_MAX_RETRIES": "0"}
    result = run_cli("generate", "ketamine", "als", "--drafter", "llm", cwd=tmp_path, env=env)
    assert result.returncode == 2, result.stderr
    assert "cannot reach" in result.stderr and "OPENAI_BASE_URL" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "outputs").exists()


def test_cli_llm_batch_reports_tokens(fake: FakeOpenAI, workspace: Workspace, tmp_path: Path) -> None:
    fake.default = {"json": completion(good_answer(workspace), prompt_tokens=10, completion_tokens=5)}
    env = {**os.environ, "OPENAI_BASE_URL": fake.base_url, "REVIEWGEN_MODEL": "fake-model"}
    result = run_cli("batch", "--compound", "ketamine", "--condition", "als", "--drafter", "llm", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "tokens: 10 prompt + 5 completion" in result.stdout
