"""The model drafter: curated facts in, structured draft out, re-asked on findings.

The profile section comes from the composer (it is the compound's facts, unchanged); the
model drafts the condition-specific sections, literature, bottom line and FAQ answers.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from pipeline.checks.findings import Finding
from pipeline.drafting import DraftResult, judge
from pipeline.drafting.composer import composed_statements
from pipeline.drafting.config import LLMSettings, OutputMode, load_llm_settings
from pipeline.drafting.schema import (
    json_schema,
    parse_answer,
    schema_finding,
    slot_facts,
    to_draft,
    treatment_fact_ids,
)
from pipeline.drafting.transport import (
    Completion,
    RetryCounter,
    Throttle,
    acomplete,
    complete,
    make_async_client,
    make_client,
)
from pipeline.errors import DrafterError, PipelineError, TemplateError
from pipeline.knowledge.selection import Selection
from pipeline.settings import resolve_prompts_dir

PROMPTS = ("draft_system.md.j2", "draft_user.md.j2", "draft_reask.md.j2")
REASK_FINDINGS = 15  # findings sent back per re-ask: enough to act on, small enough for a short context


def response_format(mode: OutputMode, schema: dict[str, Any]) -> dict[str, Any]:
    formats: dict[OutputMode, dict[str, Any]] = {
        OutputMode.JSON_SCHEMA: {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "draft", "strict": True, "schema": schema},
            }
        },
        # llama.cpp's server turns "schema" into a grammar; other servers ignore it
        OutputMode.JSON_OBJECT: {"response_format": {"type": "json_object", "schema": schema}},
        OutputMode.TEXT: {},
    }
    return formats[mode]


class LLMDrafter:
    """Drafts with any OpenAI-compatible chat-completions endpoint."""

    name = "llm"

    def __init__(
        self, settings: LLMSettings | None = None, prompts_dir: Path | str | None = None, client: Any = None
    ) -> None:
        self.settings = settings or load_llm_settings()
        self.max_reasks = self.settings.max_reasks
        self.client = client or make_client(self.settings)
        folder = Path(prompts_dir) if prompts_dir else resolve_prompts_dir()
        self.env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(str(folder)), undefined=jinja2.StrictUndefined, autoescape=False
        )
        try:
            self.templates = [self.env.get_template(name) for name in PROMPTS]
        except jinja2.TemplateError as exc:
            raise TemplateError(
                f"{folder}: prompt template missing or invalid ({exc}); expected {', '.join(PROMPTS)}"
            ) from exc
        digest = hashlib.sha256()
        for name in PROMPTS:
            digest.update((folder / name).read_bytes())
        self.prompt_hash = digest.hexdigest()
        self.retries = RetryCounter()
        self.aclient: Any = None  # created on first async use, inside the batch's event loop
        self.throttle = Throttle()

    # -- the Drafter protocol (sync, and async for concurrent batches) ------------------------

    def draft(self, sel: Selection) -> DraftResult:
        """Ask the model for a first draft."""
        messages, schema = self._first(sel)
        return self._judged(sel, self._result(sel, messages, schema, self._call(messages, schema)))

    def redraft(self, sel: Selection, previous: DraftResult, findings: list[Finding]) -> DraftResult:
        """Send the findings back and ask for the whole draft again."""
        messages, schema = self._again(previous, findings)
        return self._judged(sel, self._result(sel, messages, schema, self._call(messages, schema)))

    async def adraft(self, sel: Selection) -> DraftResult:
        """``draft`` with the async client, admitted by the shared throttle."""
        messages, schema = self._first(sel)
        return await self._ajudged(sel, self._result(sel, messages, schema, await self._acall(messages, schema)))

    async def aredraft(self, sel: Selection, previous: DraftResult, findings: list[Finding]) -> DraftResult:
        """``redraft`` with the async client."""
        messages, schema = self._again(previous, findings)
        return await self._ajudged(sel, self._result(sel, messages, schema, await self._acall(messages, schema)))

    # -- the optional second opinion (judge.py) ----------------------------------------------

    def _judge_request(self, sel: Selection, result: DraftResult) -> list[judge.Item] | None:
        if not self.settings.judge or result.draft is None:
            return None
        items = judge.items_to_judge(result.draft, sel, frozenset(composed_statements(sel)))
        return items or None

    def _judge_template(self) -> jinja2.Template:
        try:
            return self.env.get_template(judge.TEMPLATE)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"prompt template {judge.TEMPLATE} missing or invalid ({exc})") from exc

    def _with_verdicts(self, result: DraftResult, findings: list[Finding], reply: Completion | None) -> DraftResult:
        usage = {**result.usage, **judge.usage_of(reply)}
        return DraftResult(result.draft, [*result.problems, *findings], usage, result.state)

    def _judged(self, sel: Selection, result: DraftResult) -> DraftResult:
        items = self._judge_request(sel, result)
        if items is None:
            return result
        messages = judge.messages_for(self._judge_template(), sel, items)
        settings = judge.judge_settings(self.settings)
        try:
            reply = complete(
                self.client, settings, messages, response_format(self.settings.mode, judge.SCHEMA), self.retries
            )
        except PipelineError as exc:
            return self._with_verdicts(result, judge.findings_from(None, items, exc), None)
        return self._with_verdicts(result, judge.findings_from(reply, items), reply)

    async def _ajudged(self, sel: Selection, result: DraftResult) -> DraftResult:
        items = self._judge_request(sel, result)
        if items is None:
            return result
        messages = judge.messages_for(self._judge_template(), sel, items)
        settings = judge.judge_settings(self.settings)
        if self.aclient is None:
            self.aclient = make_async_client(self.settings)
        try:
            reply = await acomplete(
                self.aclient,
                settings,
                messages,
                response_format(self.settings.mode, judge.SCHEMA),
                self.retries,
                self.throttle,
            )
        except PipelineError as exc:
            return self._with_verdicts(result, judge.findings_from(None, items, exc), None)
        return self._with_verdicts(result, judge.findings_from(reply, items), reply)

    def fingerprint(self) -> dict[str, Any]:
        """Everything about this drafter that shapes a page (for incremental batches)."""
        s = self.settings
        return {
            "drafter": self.name,
            "model": s.model,
            "base_url": s.base_url,
            "temperature": s.temperature,
            "max_tokens": s.max_tokens,
            "mode": s.mode.value,
            "allow_text": s.allow_text,
            "max_reasks": s.max_reasks,
            "prompts": self.prompt_hash,
            "judge": s.judge_model or s.model if s.judge else None,
        }

    # -- internals ---------------------------------------------------------------------------

    def _first(self, sel: Selection) -> tuple[list[dict[str, str]], dict[str, Any]]:
        # Bounded lists keep a small model's grammar-constrained output from running on forever.
        schema = json_schema(
            sel, bounded=self.settings.mode is not OutputMode.JSON_SCHEMA, allow_text=self.settings.allow_text
        )
        context = self._context(sel, schema)
        return [
            {"role": "system", "content": self.templates[0].render(**context)},
            {"role": "user", "content": self.templates[1].render(**context)},
        ], schema

    def _again(self, previous: DraftResult, findings: list[Finding]) -> tuple[list[dict[str, str]], dict[str, Any]]:
        # The original prompt, the last answer and its findings: earlier rounds are left out so the
        # prompt does not grow with every re-ask past a small model's context window.
        messages = list(previous.state["messages"][:2])
        messages.append({"role": "assistant", "content": previous.state["reply"]})
        errors = [f for f in findings if f.severity.value == "error"]
        messages.append(
            {
                "role": "user",
                "content": self.templates[2].render(
                    findings=errors, limit=REASK_FINDINGS, allow_text=self.settings.allow_text
                ),
            }
        )
        return messages, previous.state["schema"]

    def _call(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> Completion:
        return complete(self.client, self.settings, messages, response_format(self.settings.mode, schema), self.retries)

    async def _acall(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> Completion:
        if self.aclient is None:
            self.aclient = make_async_client(self.settings)
        return await acomplete(
            self.aclient,
            self.settings,
            messages,
            response_format(self.settings.mode, schema),
            self.retries,
            self.throttle,
        )

    def _context(self, sel: Selection, schema: dict[str, Any]) -> dict[str, Any]:
        citable = _citable(sel)
        return {
            "compound": sel.compound.name,
            "compound_short": sel.compound.short_name,
            "condition": sel.condition.name,
            "condition_short": sel.condition.short_name,
            "specialist": sel.condition.specialist,
            "treatments": ", ".join(tf.treatment.name for tf in sel.treatments),
            "facts": [
                {"id": f.id, "kind": f.kind.value, "tags": list(f.tags), "text": f.text}
                for f in sel.facts.values()
                if f.id in citable
            ],
            "treatment_ids": list(treatment_fact_ids(sel)),
            "list_keys": [key for key in schema["properties"] if key != "interactions"],
            "example_id": next(iter(sel.facts)),
            "allow_text": self.settings.allow_text,
            # what the completeness rule requires, minus the profile the composer writes itself
            "required": [
                {"id": fid, "why": why}
                for fid, why in sel.required.items()
                if sel.facts[fid].kind.value not in ("boxed-warning", "regulatory")
            ],
        }

    def _result(
        self, sel: Selection, messages: list[dict[str, str]], schema: dict[str, Any], reply: Completion
    ) -> DraftResult:
        usage = self._usage(reply, self.settings.mode)
        if reply.finish_reason == "length":
            usage["reply_tail"] = (reply.content or "")[-400:]
            raise DrafterError(
                f"the model's answer was cut off after {reply.completion_tokens} tokens "
                f"(max_tokens={self.settings.max_tokens}, prompt {reply.prompt_tokens} tokens); raise "
                "REVIEWGEN_MAX_TOKENS, or the server's context window if prompt + answer exceed it",
                attempts=[usage],
            )
        state = {"messages": messages, "reply": reply.content or "", "schema": schema}
        if reply.refusal:
            return DraftResult(None, [schema_finding("refusal", f"the model refused: {reply.refusal}")], usage, state)
        answer, problems = parse_answer(reply.content or "")
        if answer is None:
            return DraftResult(None, problems, usage, state)
        draft, conversion_problems = to_draft(answer, sel)
        return DraftResult(draft, problems + conversion_problems, usage, state)

    def _usage(self, reply: Completion, mode: OutputMode) -> dict[str, Any]:
        return {
            "model": reply.model,
            "mode": mode.value,
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "retries": reply.retries,
            "retry_waits": reply.waits,
            "seconds": reply.seconds,
            "finish_reason": reply.finish_reason,
            "prompt_template_hash": self.prompt_hash,
            "cost_usd": self.settings.cost(reply.prompt_tokens, reply.completion_tokens),
        }


def _citable(sel: Selection) -> set[str]:
    """The facts any slot may cite: only these go into the prompt (the page's other facts, such as a treatment's
    unrelated warnings, would only fill a small model's context)."""
    ids = {fid for ids in treatment_fact_ids(sel).values() for fid in ids}
    return ids | {fid for ids in slot_facts(sel).values() for fid in ids}
