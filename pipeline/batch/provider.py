"""`--via batch-api`: the provider's Batch API (files + batches endpoints), the cheap path for large runs.

Round by round: every pair that needs a draft becomes one line of a JSONL file; the file is
uploaded, a batch created and polled, its results downloaded and each one validated exactly
like an online answer. Pairs whose draft had findings and still have re-asks left go into
the next round's file. The batch id and each pair's conversation are recorded in
``<out>/.batch/state.json`` (atomically), so a re-run picks up a batch still in flight.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.batch.runner import Planned, Summary, sweep_temp_files
from pipeline.build import Attempts, PageResult, save_built, save_failure
from pipeline.checks import Finding
from pipeline.drafting.llm import LLMDrafter, response_format
from pipeline.drafting.transport import Completion
from pipeline.errors import DrafterError, PipelineError
from pipeline.store import atomic_write, dump_json
from pipeline.workspace import Workspace

DONE = {"completed", "failed", "expired", "cancelled"}


def state_path(out: Path) -> Path:
    """Where the batch in flight is recorded."""
    return out / ".batch" / "state.json"


def _custom_id(item: dict[str, Any]) -> str:
    return f"{item['compound']}|{item['condition']}|{item['round']}"


def _request(drafter: LLMDrafter, item: dict[str, Any]) -> dict[str, Any]:
    s = drafter.settings
    body = {
        "model": s.model,
        "messages": item["messages"],
        "temperature": s.temperature,
        "max_tokens": s.max_tokens,
        **response_format(s.mode, item["schema"]),
    }
    return {"custom_id": _custom_id(item), "method": "POST", "url": "/v1/chat/completions", "body": body}


def _completion(line: dict[str, Any], model: str) -> Completion:
    """A downloaded result line as the online path's Completion; errors become DrafterError."""
    if line.get("error"):
        raise DrafterError(f"batch request failed: {line['error'].get('message', line['error'])}")
    response = line.get("response") or {}
    if response.get("status_code", 200) != 200:
        raise DrafterError(f"batch request failed with status {response.get('status_code')}")
    body = response.get("body") or {}
    choice = (body.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    usage = body.get("usage") or {}
    return Completion(
        content=message.get("content"),
        refusal=message.get("refusal"),
        finish_reason=choice.get("finish_reason"),
        prompt_tokens=usage.get("prompt_tokens", 0),
        completion_tokens=usage.get("completion_tokens", 0),
        model=body.get("model") or model,
        retries=0,
        seconds=0.0,
    )


class BatchApiRun:
    """One resumable batch-API run over planned pairs."""

    def __init__(
        self,
        ws: Workspace,
        drafter: LLMDrafter,
        out: Path,
        poll_interval: float = 30.0,
        progress: Callable[[PageResult | None, Planned], None] | None = None,
    ) -> None:
        self.ws, self.drafter, self.out = ws, drafter, out
        self.poll_interval = poll_interval
        self.progress = progress
        self.client = drafter.client

    def run(self, planned: list[Planned]) -> Summary:
        summary = Summary(requested=len(planned), skipped=sum(1 for p in planned if p.reason is None))
        started = time.perf_counter()
        sweep_temp_files(self.out)
        state = self._load() or self._start([p for p in planned if p.reason is not None])
        while state["pending"]:
            if not state.get("batch_id"):
                self._submit(state)
            lines = self._wait(state)
            state = self._round(state, lines, summary)
        state_path(self.out).unlink(missing_ok=True)
        summary.seconds = round(time.perf_counter() - started, 3)
        return summary

    # -- rounds --------------------------------------------------------------------------------

    def _start(self, todo: list[Planned]) -> dict[str, Any]:
        pending = []
        for p in todo:
            sel = self.ws.selection(p.compound, p.condition)
            messages, schema = self.drafter._first(sel)
            pending.append(
                {
                    "compound": p.compound,
                    "condition": p.condition,
                    "key": p.key,
                    "parts": p.parts,
                    "round": 0,
                    "messages": messages,
                    "schema": schema,
                    "attempts": [],
                    "usage": [],
                }
            )
        state = {"batch_id": None, "pending": pending}
        self._save(state)
        return state

    def _submit(self, state: dict[str, Any]) -> None:
        jsonl = "".join(json.dumps(_request(self.drafter, item)) + "\n" for item in state["pending"])
        upload = self.client.files.create(file=("requests.jsonl", io.BytesIO(jsonl.encode())), purpose="batch")
        batch = self.client.batches.create(
            input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        state["batch_id"], state["input_file_id"] = batch.id, upload.id
        self._save(state)  # from here a re-run resumes this batch instead of paying for a new one

    def _wait(self, state: dict[str, Any]) -> dict[str, dict[str, Any]]:
        while True:
            batch = self.client.batches.retrieve(state["batch_id"])
            if batch.status in DONE:
                break
            time.sleep(self.poll_interval)
        results: dict[str, dict[str, Any]] = {}
        for file_id in (getattr(batch, "output_file_id", None), getattr(batch, "error_file_id", None)):
            if file_id:
                for raw in self.client.files.content(file_id).text.splitlines():
                    if raw.strip():
                        line = json.loads(raw)
                        results[line["custom_id"]] = line
        if batch.status != "completed" and not results:
            raise PipelineError(
                f"batch {state['batch_id']} ended {batch.status} with no results; re-run to submit again"
            )
        return results

    def _round(self, state: dict[str, Any], lines: dict[str, dict[str, Any]], summary: Summary) -> dict[str, Any]:
        next_pending = []
        for item in state["pending"]:
            outcome = self._settle(item, lines.get(_custom_id(item)))
            if isinstance(outcome, dict):
                next_pending.append(outcome)
                continue
            summary.add(outcome)
            if self.progress:
                planned = Planned(item["compound"], item["condition"], item["key"], item["parts"], "batch")
                self.progress(outcome, planned)
        state = {"batch_id": None, "pending": next_pending}
        self._save(state)
        return state

    def _settle(self, item: dict[str, Any], line: dict[str, Any] | None) -> PageResult | dict[str, Any]:
        """Validate one result: a saved or rejected page, a failure, or the next round's re-ask."""
        cid, did = item["compound"], item["condition"]
        sel = self.ws.selection(cid, did)
        try:
            if line is None:
                raise DrafterError("the batch returned no result for this pair")
            reply = _completion(line, self.drafter.settings.model)
            result = self.drafter._result(sel, item["messages"], item["schema"], reply)
        except DrafterError as exc:
            return save_failure(self.out, cid, did, self.drafter.name, exc, key=item["key"])
        loop = Attempts(self.ws, sel, self.drafter)
        loop.attempts = [[Finding.model_validate(f) for f in a] for a in item["attempts"]]
        loop.usage = list(item["usage"])
        if loop.another(result):
            messages, _ = self.drafter._again(result, loop.findings)
            return {
                **item,
                "round": item["round"] + 1,
                "messages": messages,
                "attempts": [[f.model_dump(mode="json") for f in a] for a in loop.attempts],
                "usage": loop.usage,
            }
        built = loop.finish(result, time.perf_counter())
        built.sidecar["key_parts"] = item["parts"]
        built.sidecar["via"] = "batch-api"
        return save_built(self.out, built, key=item["key"])

    # -- state -----------------------------------------------------------------------------------

    def _load(self) -> dict[str, Any] | None:
        path = state_path(self.out)
        if not path.is_file():
            return None
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _save(self, state: dict[str, Any]) -> None:
        atomic_write(state_path(self.out), dump_json(state))
