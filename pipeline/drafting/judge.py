"""A second opinion on a model's draft from the configured model endpoint: off by default, never the only gate.

With ``judge: true`` (REVIEWGEN_JUDGE=1) the model drafter sends the statements it wrote in its own words
(not the facts it quotes, not the composer's wording), each with the facts it cites, to the endpoint in one
request (prompts/judge.md.j2) and asks for a verdict per statement. An "unsupported" or "unsafe" verdict is an
error finding of rule ``judge`` on that statement: the draft is re-asked like any other finding. Every
deterministic rule still runs on the draft; when the judge cannot answer (endpoint error, malformed or
refused reply, a verdict missing) the result is a warning finding and the page goes on to those rules alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jinja2

from pipeline.checks.findings import Finding, Severity
from pipeline.draft import Draft
from pipeline.drafting.config import LLMSettings
from pipeline.drafting.transport import Completion
from pipeline.errors import PipelineError
from pipeline.knowledge.selection import Selection

TEMPLATE = "judge.md.j2"
RULE = "judge"
VERDICTS = ("supported", "unsupported", "unsafe")
# The reply's shape, strict enough for OpenAI structured outputs and llama.cpp grammars.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "verdicts": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "n": {"type": "integer"},
                    "verdict": {"type": "string", "enum": list(VERDICTS)},
                    "reason": {"type": "string"},
                },
                "required": ["n", "verdict", "reason"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["verdicts"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Item:
    """One statement the judge reads, with the facts it cites."""

    n: int
    section: str
    text: str
    facts: tuple[str, ...]
    fact_ids: tuple[str, ...]


def items_to_judge(draft: Draft, sel: Selection, composed: frozenset[str]) -> list[Item]:
    """The statements a model wrote in its own words: not a quoted fact, not the composer's wording."""
    out: list[Item] = []
    for section in draft.sections:
        for st in section.statements:
            cited = [sel.facts[fid] for fid in st.fact_ids if fid in sel.facts]
            if st.text in composed or any(st.text == fact.text for fact in cited):
                continue
            out.append(Item(len(out) + 1, section.id.value, st.text, tuple(f.text for f in cited), tuple(st.fact_ids)))
    return out


def messages_for(template: jinja2.Template, sel: Selection, items: list[Item]) -> list[dict[str, str]]:
    prompt = template.render(compound=sel.compound.name, condition=sel.condition.name, items=items)
    return [{"role": "user", "content": prompt}]


def findings_from(reply: Completion | None, items: list[Item], error: PipelineError | None = None) -> list[Finding]:
    """The judge's verdicts as findings; a warning when it could not give them all."""
    if error is not None or reply is None:
        return [_unavailable(f"the endpoint did not answer ({error})")]
    if reply.refusal:
        return [_unavailable(f"the model refused: {reply.refusal}")]
    try:
        data = json.loads(reply.content or "")
        verdicts = {int(v["n"]): (str(v["verdict"]), str(v.get("reason") or "")) for v in data["verdicts"]}
    except (ValueError, TypeError, KeyError) as exc:
        return [_unavailable(f"its reply is not the JSON asked for ({type(exc).__name__})")]
    out: list[Finding] = []
    missing = [item.n for item in items if verdicts.get(item.n, ("",))[0] not in VERDICTS]
    if missing:
        out.append(_unavailable(f"no valid verdict for statement(s) {missing}"))
    for item in items:
        verdict, reason = verdicts.get(item.n, ("", ""))
        if verdict in ("unsupported", "unsafe"):
            out.append(
                Finding(
                    rule=RULE,
                    severity=Severity.ERROR,
                    section=item.section,
                    text=item.text[:200],
                    sentence=item.text,
                    fact_ids=list(item.fact_ids),
                    message=f"the second-opinion model judged it {verdict}: {reason[:200]}; keep to what the facts say",
                )
            )
    return out


def _unavailable(why: str) -> Finding:
    return Finding(
        rule=RULE,
        severity=Severity.WARNING,
        section="draft",
        text="",
        message=f"second opinion unavailable: {why}; the page was checked by the rules alone",
    )


def judge_settings(settings: LLMSettings) -> LLMSettings:
    """The drafter's endpoint, with the judge's model and a deterministic temperature."""
    return settings.model_copy(update={"model": settings.judge_model or settings.model, "temperature": 0.0})


def usage_of(reply: Completion | None) -> dict[str, Any]:
    if reply is None:
        return {}
    return {"judge_prompt_tokens": reply.prompt_tokens, "judge_completion_tokens": reply.completion_tokens}
