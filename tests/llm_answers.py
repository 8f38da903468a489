"""Model answers for tests: what a well-behaved model would return for a pair."""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline import Workspace
from pipeline.knowledge.selection import select_facts
from tests.fake_openai import completion


def good_answer(ws: Workspace, compound: str = "ketamine", condition: str = "als") -> str:
    """A valid answer that quotes facts by id: every treatment's interaction entry, and the rest."""
    sel = select_facts(ws.kb, ws.kb.resolve_compound(compound), ws.kb.resolve_condition(condition))

    def quote(*ids: str) -> dict[str, Any]:
        return {"fact_ids": list(ids), "text": None}

    def say(text: str) -> dict[str, Any]:
        return {"fact_ids": [], "text": text}

    def treatment_ids(tf: Any) -> list[str]:
        """What a careful model cites for a treatment: what it is for, then what the page must state about it."""
        required = [fid for n in tf.notes if n.statement for fid in (n.statement.id,) if fid in sel.required]
        return list(dict.fromkeys([f.id for f in tf.indication()][:1] + required)) or [tf.facts[0].id]

    answer = {
        "interactions": {tf.treatment.id: quote(*treatment_ids(tf)) for tf in sel.treatments},
        "disease_risks": [],
        "monitoring": [
            quote(f.id) for f in sel.compound.facts if f.id in sel.required and f.kind.value == "monitoring"
        ],
        "evidence": [quote(f.id) for f in sel.evidence.facts] if sel.evidence else [],
        "mechanism": [quote(f.id) for f in sel.compound.facts if f.kind.value == "mechanism"],
        "sources_of_data": [],
        # the literature section needs something: the pair's evidence when the compound has no mechanism fact
        "condition_evidence": (
            [quote(f.id) for f in sel.evidence.facts]
            if sel.evidence and not any(f.kind.value == "mechanism" for f in sel.compound.facts)
            else []
        ),
        "bottom_line": [
            say(f"No compound can be declared universally safe for all {sel.condition.short_name} patients.")
        ],
        "faq_interactions": [say(f"Your {sel.condition.specialist} can review your medication list.")],
        "faq_monitoring": [quote(f.id) for f in sel.compound.facts if f.kind.value == "monitoring"][:2],
        "faq_sources": [say("The references below list the sources.")],
    }
    return json.dumps(answer)


def pair_responder(ws: Workspace, delay: float = 0.0) -> Any:
    """A fake-server responder that answers every request with a good answer for its pair."""
    title = re.compile(r"Is (?P<compound>.+?) safe for (?P<condition>.+?) patients\?")

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        m = title.search(body["messages"][0]["content"])
        assert m, "the system prompt names the pair"
        compound = ws.kb.resolve_compound(m.group("compound")).id
        condition = ws.kb.resolve_condition(m.group("condition")).id
        return {"delay": delay, "json": completion(good_answer(ws, compound, condition))}

    return respond
