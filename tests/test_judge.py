"""The optional second opinion (pipeline/drafting/judge.py) against a loopback fake endpoint: verdicts become
findings and re-asks, and every fault leaves a warning, never a crash and never a page that skipped the rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline import Outcome, Workspace, generate_page
from pipeline.drafting.config import LLMSettings
from pipeline.drafting.llm import LLMDrafter
from tests.conftest import PROMPTS
from tests.fake_openai import FakeOpenAI, completion
from tests.llm_answers import good_answer

FRAMING = "The references below list the sources."  # a sentence the model wrote itself (tests/llm_answers.py)


def judging_drafter(fake: FakeOpenAI, **overrides: Any) -> LLMDrafter:
    settings = LLMSettings(
        base_url=fake.base_url,
        model="fake-model",
        judge=True,
        max_retry_wait=0.1,
        **{"timeout": 3.0, "max_retries": 1, **overrides},
    )
    return LLMDrafter(settings=settings, prompts_dir=PROMPTS)


def _is_judge(body: dict[str, Any]) -> bool:
    return body["messages"][0]["content"].startswith("You review statements")


def _verdicts(body: dict[str, Any], verdict_for: Any) -> str:
    """A judge reply giving ``verdict_for(statement text)`` for each numbered statement of the request."""
    prompt = body["messages"][0]["content"]
    lines = [line for line in prompt.splitlines() if line.startswith("Statement ")]
    verdicts = []
    for line in lines:
        number, text = line.removeprefix("Statement ").split(": ", 1)
        verdicts.append({"n": int(number), "verdict": verdict_for(text), "reason": "scripted"})
    return json.dumps({"verdicts": verdicts})


def test_an_unsupported_verdict_is_an_error_and_the_draft_is_re_asked(
    workspace: Workspace, fake: FakeOpenAI, tmp_path: Path
) -> None:
    answer = good_answer(workspace)
    judged: list[int] = []

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        if not _is_judge(body):
            return {"json": completion(answer)}
        judged.append(len(judged))
        first = len(judged) == 1  # the first judgement objects to the framing sentence, the second does not
        return {"json": completion(_verdicts(body, lambda t: "unsupported" if first and t == FRAMING else "supported"))}

    fake.responder = respond
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=judging_drafter(fake))
    assert result.outcome is Outcome.SAVED, [str(f) for f in result.findings]
    sidecar = json.loads(result.path.with_suffix(".json").read_text())  # type: ignore[union-attr]
    assert sidecar["attempts"] == 2 and len(judged) == 2
    # the re-ask carried the judge's finding back to the model
    reask = next(b for b in fake.requests if not _is_judge(b) and len(b["messages"]) > 2)
    assert "[judge]" in reask["messages"][-1]["content"] and "second-opinion model" in reask["messages"][-1]["content"]
    # quoted facts are not sent to the judge: only what the model wrote in its own words
    judge_prompt = next(b for b in fake.requests if _is_judge(b))["messages"][0]["content"]
    respiratory = workspace.kb.facts["ketamine.safety.respiratory"].text
    assert FRAMING in judge_prompt and respiratory not in judge_prompt


def test_judge_stays_off_by_default(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.responder = lambda body: {"json": completion(good_answer(workspace))}
    settings = LLMSettings(base_url=fake.base_url, model="fake-model")
    drafter = LLMDrafter(settings=settings, prompts_dir=PROMPTS)
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=drafter)
    assert result.outcome is Outcome.SAVED
    assert len(fake.requests) == 1 and not any(_is_judge(b) for b in fake.requests)


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500, "json": {"error": {"message": "boom"}}},
        {"status": 429, "json": {"error": {"message": "slow down"}}, "headers": {"Retry-After": "0"}},
        {"delay": 4.0, "json": completion("{}")},  # past the 3 s timeout
        {"json": completion("this is not JSON")},
        {"json": completion(None, refusal="I cannot judge medical content.")},
        {"json": completion(json.dumps({"verdicts": [{"n": 1, "verdict": "maybe", "reason": "?"}]}))},
    ],
    ids=["500", "429", "timeout", "malformed", "refusal", "invalid-verdict"],
)
def test_a_judge_fault_is_a_warning_and_the_rules_still_decide(
    workspace: Workspace, fake: FakeOpenAI, tmp_path: Path, fault: dict[str, Any]
) -> None:
    answer = good_answer(workspace)

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        return fault if _is_judge(body) else {"json": completion(answer)}

    fake.responder = respond
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=judging_drafter(fake))
    assert result.outcome is Outcome.SAVED, [str(f) for f in result.findings]
    warnings = [f for f in result.findings if f.rule == "judge"]
    assert warnings and all(f.severity.value == "warning" for f in warnings)
    assert "second opinion unavailable" in warnings[0].message


def test_the_rules_still_refuse_what_the_judge_passes(workspace: Workspace, fake: FakeOpenAI, tmp_path: Path) -> None:
    answer = json.loads(good_answer(workspace))
    answer["bottom_line"] = [{"fact_ids": [], "text": "Most people take 50 mg of ketamine twice daily."}]

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        if _is_judge(body):
            return {"json": completion(_verdicts(body, lambda t: "supported"))}
        return {"json": completion(json.dumps(answer))}

    fake.responder = respond
    result = generate_page(
        "ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=judging_drafter(fake, max_reasks=0)
    )
    assert result.outcome is Outcome.REJECTED
    assert any(f.rule == "no-dosing" for f in result.findings)
