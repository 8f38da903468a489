"""What the model returns: the drafted sections as statements citing fact ids.

The shape of the answer carries the page's structure, so that the model fills slots rather
than inventing one: "interactions" has one required entry per standard treatment of the
condition, each allowed to cite only that treatment's facts. A statement may omit its text:
the drafter then quotes the cited facts verbatim, so even a small model can draft a grounded
page by choosing and ordering facts, while a larger one may phrase them (and the checks hold
it to what the facts say).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.checks.findings import Finding, Severity
from pipeline.draft import Draft, Section, SectionId, Statement, StatementKind
from pipeline.drafting.composer import Composer
from pipeline.knowledge.selection import Selection
from pipeline.page import GROUP_KINDS

# list field -> (page section, group)
LISTS: dict[str, tuple[SectionId, str | None]] = {
    "disease_risks": (SectionId.CONDITION, "disease-risks"),
    "monitoring": (SectionId.CONDITION, "monitoring"),
    "evidence": (SectionId.CONDITION, "evidence"),
    "mechanism": (SectionId.LITERATURE, "mechanism"),
    "sources_of_data": (SectionId.LITERATURE, "sources-of-data"),
    "condition_evidence": (SectionId.LITERATURE, "condition-evidence"),
    "bottom_line": (SectionId.BOTTOM_LINE, None),
    "faq_interactions": (SectionId.FAQ, "q-interactions"),
    "faq_monitoring": (SectionId.FAQ, "q-monitoring"),
    "faq_sources": (SectionId.FAQ, "q-sources"),
}


class ModelStatement(BaseModel):
    """One statement as the model writes it."""

    model_config = ConfigDict(extra="forbid")
    fact_ids: list[str] = []
    text: str | None = None


class ModelDraft(BaseModel):
    """The model's whole answer: per-treatment interaction entries, then the other lists."""

    model_config = ConfigDict(extra="forbid")
    interactions: dict[str, ModelStatement]
    disease_risks: list[ModelStatement] = Field(default_factory=list)
    monitoring: list[ModelStatement] = Field(default_factory=list)
    evidence: list[ModelStatement] = Field(default_factory=list)
    mechanism: list[ModelStatement] = Field(default_factory=list)
    sources_of_data: list[ModelStatement] = Field(default_factory=list)
    condition_evidence: list[ModelStatement] = Field(default_factory=list)
    bottom_line: list[ModelStatement] = Field(default_factory=list)
    faq_interactions: list[ModelStatement] = Field(default_factory=list)
    faq_monitoring: list[ModelStatement] = Field(default_factory=list)
    faq_sources: list[ModelStatement] = Field(default_factory=list)


def treatment_fact_ids(sel: Selection) -> dict[str, list[str]]:
    """For each standard treatment, the facts its interaction entry may cite: what it is for, and what the
    reasoning found for the pair (a treatment's other warnings say nothing about the pair)."""
    return sel.memo("_treatment_fact_ids", lambda: _treatment_fact_ids(sel))


def _treatment_fact_ids(sel: Selection) -> dict[str, list[str]]:
    out = {}
    for tf in sel.treatments:
        found = [f for n in tf.notes for f in n.facts] + [f for e in tf.interactions for f in e.facts]
        out[tf.treatment.id] = list(dict.fromkeys(f.id for f in [*tf.indication(), *tf.standard.facts, *found]))
    return out


def slot_facts(sel: Selection) -> dict[str, list[str]]:
    """Which facts each list may cite: the kinds its heading takes, from the right owner
    (the evidence slots take the compound-in-condition evidence, not a treatment's trial)."""
    return sel.memo("_slot_facts", lambda: _slot_facts(sel))


def _slot_facts(sel: Selection) -> dict[str, list[str]]:
    compound = list(sel.compound.facts)
    pair = list(sel.evidence.facts) if sel.evidence else []
    owners = {
        "disease_risks": compound + list(sel.condition.facts),
        "monitoring": compound + list(sel.condition.facts),
        "evidence": pair,
        "condition_evidence": pair,
        "mechanism": compound,
        "sources_of_data": compound,
    }
    out = {}
    for name, (_, group) in LISTS.items():
        kinds = GROUP_KINDS.get(group or "")
        pool = owners.get(name, compound + list(sel.condition.facts) + pair)
        out[name] = [f.id for f in pool if kinds is None or f.kind.value in kinds]
    return out


def json_schema(sel: Selection, bounded: bool = False, allow_text: bool = True) -> dict[str, Any]:
    """The answer's JSON schema, strict enough for OpenAI structured outputs and llama.cpp grammars.

    ``bounded`` adds list and text length limits (for grammar-constrained local models);
    without ``allow_text`` a statement is only the facts it quotes.
    """
    text: dict[str, Any] = {"type": ["string", "null"], **({"maxLength": 200} if bounded else {})}

    def statement(ids: list[str]) -> dict[str, Any]:
        properties: dict[str, Any] = {
            # a small model given the choice cites nothing; bounded, every statement cites a fact
            "fact_ids": {
                "type": "array",
                **({"minItems": 1, "maxItems": 3} if bounded else {}),
                "items": {"type": "string", "enum": ids},
            }
        }
        if allow_text:
            properties["text"] = text
        return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}

    per_treatment = treatment_fact_ids(sel)
    properties: dict[str, Any] = {
        "interactions": {
            "type": "object",
            "properties": {tid: statement(ids) for tid, ids in per_treatment.items()},
            "required": list(per_treatment),
            "additionalProperties": False,
        }
    }
    slots = slot_facts(sel)
    for name in LISTS:
        if slots[name]:  # a slot with nothing to cite is left out: there is nothing to draft there
            properties[name] = {
                "type": "array",
                **({"maxItems": 3} if bounded else {}),
                "items": statement(slots[name]),
            }
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def schema_finding(where: str, message: str) -> Finding:
    """A problem with the shape of the model's answer."""
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
                return text[start : i + 1]
    return text[start:]


def parse_answer(raw: str) -> tuple[ModelDraft | None, list[Finding]]:
    """Parse and validate the model's reply; schema problems become findings, never exceptions."""
    try:
        data = json.loads(extract_json(raw))
    except json.JSONDecodeError as exc:
        return None, [
            schema_finding(
                f"line {exc.lineno} column {exc.colno}",
                f"reply is not valid JSON ({exc.msg}); return only the JSON object",
            )
        ]
    try:
        return ModelDraft.model_validate(data), []
    except ValidationError as exc:
        return None, [
            schema_finding(".".join(str(p) for p in e["loc"]) or "(top level)", f"{e['msg']}")
            for e in exc.errors()[:20]
        ]


def _statement(
    item: ModelStatement, sel: Selection, where: str, group: str | None, label: str | None, problems: list[Finding]
) -> Statement | None:
    item = ModelStatement(fact_ids=list(dict.fromkeys(item.fact_ids)), text=item.text)  # repeated ids: once
    text = (item.text or "").strip()
    if not text:
        known = [sel.facts[f].text for f in item.fact_ids if f in sel.facts]
        if not known:
            problems.append(
                schema_finding(
                    where,
                    "statement has no text and cites no fact given for this page "
                    f"({', '.join(item.fact_ids) or 'none'})",
                )
            )
            return None
        text = " ".join(known)
    kind = StatementKind.FACT if item.fact_ids else StatementKind.FRAMING
    return Statement(text=text, fact_ids=item.fact_ids, kind=kind, group=group, label=label)


def to_draft(answer: ModelDraft, sel: Selection) -> tuple[Draft, list[Finding]]:
    """Turn the model's answer into the page draft; the profile comes from the composer."""
    problems: list[Finding] = []
    composer = Composer()
    composed = composer.draft(sel)
    profile = composed.section(SectionId.PROFILE)
    sections: dict[SectionId, list[Statement]] = {SectionId.PROFILE: list(profile.statements if profile else [])}
    slots = slot_facts(sel)
    condition = sections.setdefault(SectionId.CONDITION, [])
    for tf in sel.treatments:
        item = answer.interactions.get(tf.treatment.id)
        if item is None:
            problems.append(
                schema_finding(
                    f"interactions.{tf.treatment.id}", f"no entry for the standard treatment {tf.treatment.name}"
                )
            )
            continue
        label = composer.treatment_label(tf)
        for fid in item.fact_ids if not (item.text or "").strip() else [None]:
            piece = item if fid is None else ModelStatement(fact_ids=[fid])
            st = _statement(piece, sel, f"interactions.{tf.treatment.id}", "interactions", label, problems)
            if st:
                condition.append(st)
        if not tf.notes:  # nothing recorded: the page says so in fixed words, never by the model's silence
            condition.append(composer.coverage(sel, tf))
    for name, (section_id, group) in LISTS.items():
        if not slots[name]:
            # Nothing to cite here, so the model was not asked: the page states the absence in
            # the composer's fixed wording (e.g. "no curated studies of X in Y").
            composed_section = composed.section(section_id)
            sections.setdefault(section_id, []).extend(
                st for st in (composed_section.statements if composed_section else []) if st.group == group
            )
            if getattr(answer, name):
                problems.append(
                    Finding(
                        rule="schema",
                        severity=Severity.WARNING,
                        section=section_id.value,
                        text=name,
                        message=f"'{name}' has no facts to cite for this page; "
                        "the model's statements there were not used",
                    )
                )
            continue
        for i, item in enumerate(getattr(answer, name)):
            st = _statement(item, sel, f"{name}[{i}]", group, None, problems)
            if st:
                sections.setdefault(section_id, []).append(st)
    # A model that repeats a statement adds nothing; keep the first and say what was dropped.
    for sid, statements in sections.items():
        seen: set[str] = set()
        kept = []
        for st in statements:
            if st.text in seen:
                problems.append(
                    Finding(
                        rule="schema",
                        severity=Severity.WARNING,
                        section=sid.value,
                        text=st.text[:80],
                        message="dropped a statement the model repeated",
                    )
                )
                continue
            seen.add(st.text)
            kept.append(st)
        sections[sid] = kept
    draft = Draft(
        compound=sel.compound.id,
        condition=sel.condition.id,
        sections=[Section(id=sid, statements=st) for sid, st in sections.items()],
    )
    return draft, problems
