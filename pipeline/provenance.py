"""A saved page's sidecar, verified against the knowledge base before it is trusted.

The sidecar says which facts and sources a page rests on. Anyone who can edit the page can edit the
sidecar too, so check and approval never take its word: the facts, sources, names and completeness
requirements are taken from the knowledge base for the sidecar's compound x condition, each sidecar fact
is compared with the knowledge base's by id and content hash, and the page the template would render
from the sidecar's statements tells which text outside the drafted sections is the template's own.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.checks import (
    RULES_VERSION,
    FactView,
    Finding,
    Severity,
    Trusted,
    check_markdown,
    grounding_context,
    page_names,
)
from pipeline.checks.document import DRAFTED_SECTIONS, parse_page
from pipeline.draft import Draft
from pipeline.drafting.composer import composed_statements
from pipeline.errors import PageError, PipelineError
from pipeline.knowledge.selection import Selection, select_facts
from pipeline.render import render_page
from pipeline.version import __version__

__all__ = ["build_sidecar", "check_saved", "fact_hash", "trusted_inputs", "validate_sidecar"]


class _Entity(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    short_name: str


class _Fact(BaseModel):
    model_config = ConfigDict(extra="allow")
    text: str
    sources: list[str]
    kind: str = ""
    tags: list[str] = []


class _Source(BaseModel):
    model_config = ConfigDict(extra="allow")
    citation: str


class _Statement(BaseModel):
    model_config = ConfigDict(extra="allow")
    section: str
    kind: str
    fact_ids: list[str]
    text: str
    group: str | None = None
    label: str | None = None
    rendered: str | None = None


SIDECAR_SCHEMA = 1  # raise when the sidecar's shape changes; a sidecar of another version is refused


class _Sidecar(BaseModel):
    """The parts of a sidecar the checks read; anything else is provenance for people."""

    model_config = ConfigDict(extra="allow")
    schema_version: int
    compound: _Entity
    condition: _Entity
    facts: dict[str, _Fact]
    sources: dict[str, _Source]
    references: dict[str, str]
    statements: list[_Statement]
    page_entities: list[str]
    page_names: list[str] = []


def validate_sidecar(data: Any, path: Path | str) -> dict[str, Any]:
    """The sidecar if it has the shape the checks read; PageError naming the first bad field otherwise."""
    try:
        sidecar = _Sidecar.model_validate(data)
        for number in sidecar.references:
            int(number)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise PageError(
            f"{path}: sidecar field {where!r}: {err['msg']}; regenerate the page "
            "(`reviewgen generate`) rather than editing its sidecar"
        ) from None
    except (TypeError, ValueError):
        raise PageError(
            f"{path}: sidecar field 'references' must map reference numbers to source ids; regenerate the page"
        ) from None
    if sidecar.schema_version != SIDECAR_SCHEMA:
        raise PageError(
            f"{path}: sidecar schema_version {sidecar.schema_version} is not the one this version "
            f"reads ({SIDECAR_SCHEMA}); regenerate the page with this version"
        )
    result: dict[str, Any] = data
    return result


def fact_hash(entry: dict[str, Any]) -> str:
    """A fact's content hash as a sidecar records it: kind, text, tags and sources."""
    canonical = {
        "kind": entry.get("kind", ""),
        "text": entry.get("text"),
        "tags": sorted(entry.get("tags") or []),
        "sources": sorted(entry.get("sources") or []),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _problem(text: str, message: str, fact_ids: list[str] | None = None) -> Finding:
    return Finding(
        rule="provenance",
        severity=Severity.ERROR,
        section="sidecar",
        text=text,
        fact_ids=fact_ids or [],
        message=message,
    )


def _compare(sidecar: dict[str, Any], sel: Selection) -> list[Finding]:
    """Sidecar facts and sources that are not the knowledge base's, by id and content hash."""
    out = []
    kb_facts = {
        fid: {"kind": f.kind.value, "text": f.text, "tags": list(f.tags), "sources": list(f.sources)}
        for fid, f in sel.facts.items()
    }
    differ = sorted(
        fid
        for fid, entry in sidecar["facts"].items()
        if fid in kb_facts and fact_hash(entry) != fact_hash(kb_facts[fid])
    )
    unknown = sorted(fid for fid in sidecar["facts"] if fid not in kb_facts)
    if differ:
        out.append(
            _problem(
                ", ".join(differ),
                f"the sidecar's text or sources for {len(differ)} fact(s) differ "
                f"from the knowledge base ({', '.join(differ[:5])}); the page is checked against the "
                "knowledge base, so regenerate it instead of editing the sidecar",
                differ,
            )
        )
    if unknown:
        out.append(
            _problem(
                ", ".join(unknown),
                f"the sidecar lists {len(unknown)} fact(s) the knowledge base does "
                f"not give for this page ({', '.join(unknown[:5])}); regenerate the page",
                unknown,
            )
        )
    cited = {fid for st in sidecar["statements"] for fid in st["fact_ids"]}
    missing = sorted(cited - set(kb_facts))
    if missing:
        out.append(
            _problem(
                ", ".join(missing),
                f"statements cite fact(s) the knowledge base does not give for this "
                f"page ({', '.join(missing[:5])}); regenerate the page",
                missing,
            )
        )
    citations = {sid: s.citation() for sid, s in sel.sources.items()}
    wrong = sorted(sid for sid, s in sidecar["sources"].items() if citations.get(sid) != s.get("citation"))
    wrong += sorted({sid for sid in sidecar["references"].values() if sid not in citations} - set(wrong))
    if wrong:
        out.append(
            _problem(
                ", ".join(wrong),
                f"the sidecar's source(s) {', '.join(wrong[:5])} are not the "
                "knowledge base's citations for this page; regenerate the page",
            )
        )
    return out


def _template(ws: Any, sidecar: dict[str, Any], sel: Selection) -> dict[str, frozenset[str]] | None:
    """Per section, the text the template renders outside the drafted sentences, for this page's statements."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for st in sidecar["statements"]:
        sections.setdefault(st["section"], []).append(
            {k: st.get(k) for k in ("text", "fact_ids", "kind", "group", "label")}
        )
    try:
        draft = Draft.model_validate(
            {
                "compound": sel.compound.id,
                "condition": sel.condition.id,
                "sections": [{"id": k, "statements": v} for k, v in sections.items()],
            }
        )
        rendered = render_page(draft, sel, ws.settings, ws.env)
    except (ValidationError, KeyError, PipelineError):
        return None  # statements the knowledge base cannot render: already a provenance finding
    expected: dict[str, set[str]] = {}
    for unit in parse_page(rendered.markdown).units:
        if not unit.drafted or unit.section not in DRAFTED_SECTIONS:
            expected.setdefault(unit.section, set()).add(unit.text)
    return {k: frozenset(v) for k, v in expected.items()}


def trusted_inputs(ws: Any, sidecar: dict[str, Any]) -> Trusted:
    """What the checks read about a saved page, from the knowledge base; mismatches become findings."""
    kb = ws.kb
    try:
        compound = kb.resolve_compound(sidecar["compound"]["id"])
        condition = kb.resolve_condition(sidecar["condition"]["id"])
    except PipelineError as exc:
        raise PageError(
            f"sidecar names a compound or condition the knowledge base does not hold ({exc}); "
            "regenerate the page with the current knowledge"
        ) from None
    sel = select_facts(kb, compound, condition, ws.settings)
    findings = _compare(sidecar, sel)
    ctx = grounding_context(sel, ws.lexicon, ws.settings)
    names = [
        sel.compound.name,
        *sel.compound.aliases,
        sel.condition.name,
        sel.condition.specialist,
        *(tf.treatment.name for tf in sel.treatments),
    ]
    facts = {fid: FactView(f.text, f.tags, f.sources, f.kind.value) for fid, f in sel.facts.items()}
    return Trusted(
        facts,
        {sid: s.citation() for sid, s in sel.sources.items()},
        set(ctx.page_entities),
        page_names(sel),
        names,
        dict(sel.required),
        tuple(sel.gaps),
        template=None if findings else _template(ws, sidecar, sel),
        findings=findings,
        composed=composed_statements(sel),
    )


def check_saved(
    ws: Any, markdown: str, sidecar: dict[str, Any] | None, path: Path | str = "page"
) -> tuple[list[Finding], bool]:
    """Every rule on a page as saved, its sidecar verified against the knowledge base first."""
    citations = [s.citation() for s in ws.kb.sources.values()]
    if sidecar is None:
        return check_markdown(markdown, ws.settings, None, None, known_citations=citations)
    validate_sidecar(sidecar, Path(path).with_suffix(".json"))
    return check_markdown(markdown, ws.settings, sidecar, ws.lexicon, trusted=trusted_inputs(ws, sidecar))


def build_sidecar(
    ws: Any,
    sel: Selection,
    draft: Draft,
    drafter: str,
    markdown: str | None,
    rendered: list[str],
    references: list[tuple[int, str]],
) -> dict[str, Any]:
    """The provenance sidecar of a built page: what it rests on, how it was made, what it had to carry."""
    statements = [
        {
            "section": section.id._value_,  # _value_, not value: a plain attribute, read per statement
            "group": st.group,
            "label": st.label,
            "kind": st.kind._value_,
            "fact_ids": st.fact_ids,
            "text": st.text,
        }
        for section in draft.sections
        for st in section.statements
    ]
    if rendered:  # empty when the draft failed before rendering
        for entry, text in zip(statements, rendered, strict=True):
            entry["rendered"] = text
    ctx = grounding_context(sel, ws.lexicon, ws.settings)
    licenses = sorted({s.license for s in sel.sources.values() if s.license})
    return {
        "schema_version": SIDECAR_SCHEMA,
        "status": "draft",
        "compound": {"id": sel.compound.id, "name": sel.compound.name, "short_name": sel.compound.short_name},
        "condition": {
            "id": sel.condition.id,
            "name": sel.condition.name,
            "short_name": sel.condition.short_name,
            "specialist": sel.condition.specialist,
        },
        "drafter": drafter,
        "generator": {"package": "reviewgen", "version": __version__},
        "rules_version": RULES_VERSION,
        "hashes": {
            "facts": sel.digest(),
            "templates": ws.templates_hash,
            "settings": ws.settings_hash,
            "page": hashlib.sha256(markdown.encode()).hexdigest() if markdown else None,
        },
        "page_entities": sorted(ctx.page_entities),
        "page_names": [
            sel.compound.name,
            *sel.compound.aliases,
            sel.condition.name,
            sel.condition.specialist,
            *(tf.treatment.name for tf in sel.treatments),
        ],
        "facts": {
            fid: {"kind": f.kind._value_, "text": f.text, "tags": list(f.tags), "sources": list(f.sources)}
            for fid, f in sel.facts.items()
        },
        "sources": {
            sid: {"type": s.type._value_, "citation": s.citation(), "license": s.license}
            for sid, s in sel.sources.items()
        },
        "licenses": licenses,
        "excluded_sources": sorted(getattr(sel, "excluded_sources", ())),
        "references": {str(n): sid for n, sid in references},
        "completeness": {"required": dict(sel.required), "gaps": list(sel.gaps)},
        "statements": statements,
        "attempts": 1,
    }
