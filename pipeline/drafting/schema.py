"""What the model returns: the drafted sections as statements citing fact ids.

A statement may omit its text: the drafter then quotes the cited facts verbatim. That lets
even a small model draft a grounded page by choosing and ordering facts, while a larger one
may phrase them (and the checks hold it to what the facts say).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.checks.findings import Finding, Severity
from pipeline.draft import Draft, Section, SectionId, Statement, StatementKind
from pipeline.knowledge.selection import Selection

CONDITION_GROUPS = ("interactions", "disease-risks", "monitoring", "evidence")
LITERATURE_GROUPS = ("mechanism", "sources-of-data", "condition-evidence")
# model field -> (page section, FAQ group or None, allowed groups)
FIELDS: dict[str, tuple[SectionId, str | None, tuple[str, ...]]] = {
    "condition": (SectionId.CONDITION, None, CONDITION_GROUPS),
    "literature": (SectionId.LITERATURE, None, LITERATURE_GROUPS),
    "bottom_line": (SectionId.BOTTOM_LINE, None, ()),
    "faq_interactions": (SectionId.FAQ, "q-interactions", ()),
    "faq_monitoring": (SectionId.FAQ, "q-monitoring", ()),
    "faq_sources": (SectionId.FAQ, "q-sources", ()),
}


class ModelStatement(BaseModel):
    """One statement as the model writes it."""

    model_config = ConfigDict(extra="forbid")
    fact_ids: list[str] = []
    text: str | None = None
    group: str | None = None
    label: str | None = None


class ModelDraft(BaseModel):
    """The model's whole answer."""

    model_config = ConfigDict(extra="forbid")
    condition: list[ModelStatement]
    literature: list[ModelStatement]
    bottom_line: list[ModelStatement]
    faq_interactions: list[ModelStatement]
    faq_monitoring: list[ModelStatement]
    faq_sources: list[ModelStatement]


def json_schema(fact_ids: list[str]) -> dict[str, Any]:
    """The answer's JSON schema, strict enough for OpenAI structured outputs and llama.cpp grammars."""
    def statements(groups: tuple[str, ...]) -> dict[str, Any]:
        group: dict[str, Any] = ({"type": ["string", "null"], "enum": [*groups, None]} if groups
                                 else {"type": "null"})
        return {"type": "array", "items": {
            "type": "object",
            "properties": {
                "fact_ids": {"type": "array", "items": {"type": "string", "enum": fact_ids}},
                "text": {"type": ["string", "null"]},
                "group": group,
                "label": {"type": ["string", "null"]},
            },
            "required": ["fact_ids", "text", "group", "label"],
            "additionalProperties": False,
        }}
    return {
        "type": "object",
        "properties": {name: statements(groups) for name, (_, _, groups) in FIELDS.items()},
        "required": list(FIELDS),
        "additionalProperties": False,
    }


def schema_finding(where: str, message: str) -> Finding:
    return Finding(rule="schema", severity=Severity.ERROR, section="draft", text=where, message=message)


def extract_json(text: str) -> str:
    """The JSON object in a reply that may wrap it in prose or a code fence."""
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.DOTALL)
    if fenced:
        return fenced.group(1)
    start = text.find("{")
    if start < 0:
        return text
    depth = 0
    in_string = escaped = False
    for i, ch in enumerate(text[start:], start):
        if in_string:
            escaped = not escaped and ch == "\\"
            if ch == '"' and not escaped:
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    return text[start:]


def parse_answer(raw: str) -> tuple[ModelDraft | None, list[Finding]]:
    """Parse and validate the model's reply; schema problems become findings, never exceptions."""
    try:
        data = json.loads(extract_json(raw))
    except json.JSONDecodeError as exc:
        return None, [schema_finding(f"line {exc.lineno} column {exc.colno}",
                               f"reply is not valid JSON ({exc.msg}); return only the JSON object")]
    try:
        return ModelDraft.model_validate(data), []
    except ValidationError as exc:
        return None, [schema_finding(".".join(str(p) for p in e["loc"]) or "(top level)", f"{e['msg']}")
                      for e in exc.errors()[:20]]


def to_draft(answer: ModelDraft, sel: Selection, profile: Section) -> tuple[Draft, list[Finding]]:
    """Turn the model's answer into the page draft; text-less statements quote their facts."""
    problems: list[Finding] = []
    sections: dict[SectionId, list[Statement]] = {SectionId.PROFILE: list(profile.statements)}
    for name, (section_id, faq_group, groups) in FIELDS.items():
        for i, item in enumerate(getattr(answer, name)):
            where = f"{name}[{i}]"
            group = faq_group or (item.group if item.group in groups else None)
            text = (item.text or "").strip()
            if not text:
                known = [sel.facts[f].text for f in item.fact_ids if f in sel.facts]
                if not known:
                    problems.append(schema_finding(where, "statement has no text and cites no fact given for this "
                                                    f"page ({', '.join(item.fact_ids) or 'none'})"))
                    continue
                text = " ".join(known)
            kind = StatementKind.FACT if item.fact_ids else StatementKind.FRAMING
            sections.setdefault(section_id, []).append(
                Statement(text=text, fact_ids=item.fact_ids, kind=kind, group=group, label=item.label or None))
    draft = Draft(compound=sel.compound.id, condition=sel.condition.id,
                  sections=[Section(id=sid, statements=st) for sid, st in sections.items()])
    return draft, problems
