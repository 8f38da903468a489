"""The library API: generate pages, check pages, list what the knowledge base knows.

The CLI and the service are thin layers over these functions.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import jinja2

from pipeline import __version__
from pipeline.checks import (
    RULES_VERSION,
    Finding,
    Lexicon,
    build_lexicon,
    check_draft,
    check_markdown,
    grounding_context,
    has_errors,
)
from pipeline.checks.findings import Severity
from pipeline.draft import Draft
from pipeline.drafting import Drafter, get_drafter
from pipeline.errors import PageError
from pipeline.knowledge.base import KnowledgeBase
from pipeline.knowledge.loading import load_knowledge
from pipeline.knowledge.selection import Selection, select_facts
from pipeline.render import make_environment, render_page, template_digest
from pipeline.settings import (
    SiteSettings,
    load_settings,
    resolve_knowledge_dir,
    resolve_prompts_dir,
)
from pipeline.store import read_sidecar, save_page, save_rejected


@dataclass
class Workspace:
    """Loaded knowledge, templates and settings: load once, generate many pages."""

    kb: KnowledgeBase
    prompts_dir: Path
    settings: SiteSettings
    env: jinja2.Environment
    lexicon: Lexicon
    templates_hash: str
    settings_hash: str

    @classmethod
    def open(cls, knowledge: Path | str | None = None, prompts: Path | str | None = None,
             settings: Path | str | None = None) -> Workspace:
        """Load and validate everything a run needs; raises PipelineError subclasses."""
        kb = load_knowledge(resolve_knowledge_dir(knowledge))
        prompts_dir = resolve_prompts_dir(prompts)
        site = load_settings(settings, prompts_dir)
        site_hash = hashlib.sha256(site.model_dump_json().encode()).hexdigest()
        return cls(kb, prompts_dir, site, make_environment(prompts_dir), build_lexicon(kb),
                   template_digest(prompts_dir), site_hash)


class Outcome(StrEnum):
    """What happened to one requested page."""

    SAVED = "saved"
    REJECTED = "rejected"
    FAILED = "failed"


@dataclass
class BuiltPage:
    """A page built in memory: passed pages carry markdown, failed ones their findings."""

    selection: Selection
    draft: Draft
    markdown: str | None
    findings: list[Finding]
    attempts: list[list[Finding]]
    sidecar: dict[str, Any]

    @property
    def passed(self) -> bool:
        """True when no error-severity finding remains."""
        return not has_errors(self.findings)


@dataclass
class PageResult:
    """The outcome of generating one page."""

    compound: str
    condition: str
    outcome: Outcome
    path: Path | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None


def build_page(ws: Workspace, compound: str, condition: str,
               drafter: str | Drafter = "composer") -> BuiltPage:
    """Select, draft, check, render and check again, without writing anything.

    ``drafter`` is a registered name or any object with ``name`` and ``draft(selection)``.
    """
    started = time.perf_counter()
    sel = select_facts(ws.kb, ws.kb.resolve_compound(compound), ws.kb.resolve_condition(condition))
    drafting = get_drafter(drafter) if isinstance(drafter, str) else drafter
    draft = drafting.draft(sel)
    drafted = time.perf_counter()
    findings = check_draft(draft, sel, ws.settings, ws.lexicon)
    markdown: str | None = None
    statements: list[str] = []
    references: list[tuple[int, str]] = []
    if not has_errors(findings):
        rendered = render_page(draft, sel, ws.settings, ws.env)
        markdown, statements, references = rendered.markdown, rendered.statement_texts, rendered.references
    sidecar = _sidecar(ws, sel, draft, drafting.name, markdown, statements, references)
    if markdown is not None:
        page_findings, _ = check_markdown(markdown, ws.settings, sidecar, ws.lexicon)
        findings += page_findings
        if has_errors(page_findings):
            markdown = None
    finished = time.perf_counter()
    sidecar["findings"] = [f.model_dump(mode="json") for f in findings]
    sidecar["timings_ms"] = {"draft": round((drafted - started) * 1000, 3),
                             "total": round((finished - started) * 1000, 3)}
    return BuiltPage(sel, draft, markdown, findings, [findings], sidecar)


def _sidecar(ws: Workspace, sel: Selection, draft: Draft, drafter: str, markdown: str | None,
             rendered: list[str], references: list[tuple[int, str]]) -> dict[str, Any]:
    statements = [
        {"section": section.id.value, "group": st.group, "label": st.label, "kind": st.kind.value,
         "fact_ids": st.fact_ids, "text": st.text}
        for section in draft.sections for st in section.statements
    ]
    if rendered:  # empty when the draft failed before rendering
        for entry, text in zip(statements, rendered, strict=True):
            entry["rendered"] = text
    ctx = grounding_context(sel, ws.lexicon, ws.settings)
    licenses = sorted({s.license for s in sel.sources.values() if s.license})
    return {
        "schema_version": 1,
        "status": "draft",
        "compound": {"id": sel.compound.id, "name": sel.compound.name,
                     "short_name": sel.compound.short_name},
        "condition": {"id": sel.condition.id, "name": sel.condition.name,
                      "short_name": sel.condition.short_name,
                      "specialist": sel.condition.specialist},
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
        "page_names": [sel.compound.name, *sel.compound.aliases, sel.condition.name, sel.condition.specialist,
                       *(tf.treatment.name for tf in sel.treatments)],
        "facts": {fid: {"kind": f.kind.value, "text": f.text, "tags": list(f.tags),
                        "sources": list(f.sources)} for fid, f in sel.facts.items()},
        "sources": {sid: {"type": s.type.value, "citation": s.citation(), "license": s.license}
                    for sid, s in sel.sources.items()},
        "licenses": licenses,
        "references": {str(n): sid for n, sid in references},
        "statements": statements,
        "attempts": 1,
    }


def generate_page(compound: str, condition: str, *, out_dir: Path | str = "outputs",
                  drafter: str | Drafter = "composer", workspace: Workspace | None = None,
                  knowledge: Path | str | None = None, prompts: Path | str | None = None,
                  settings: Path | str | None = None) -> PageResult:
    """Generate one page: saved under drafts/ if it passes every check, else a rejected record."""
    ws = workspace or Workspace.open(knowledge, prompts, settings)
    built = build_page(ws, compound, condition, drafter)
    out = Path(out_dir)
    cid, did = built.selection.compound.id, built.selection.condition.id
    if built.markdown is not None and built.passed:
        path = save_page(out, cid, did, built.markdown, built.sidecar)
        warnings = [f for f in built.findings if f.severity is Severity.WARNING]
        return PageResult(cid, did, Outcome.SAVED, path, warnings)
    record = dict(built.sidecar, status="rejected",
                  draft=built.draft.model_dump(mode="json"),
                  attempt_findings=[[f.model_dump(mode="json") for f in a] for a in built.attempts])
    path = save_rejected(out, cid, did, record)
    return PageResult(cid, did, Outcome.REJECTED, path, built.findings)


def check_page(path: Path | str, *, workspace: Workspace | None = None,
               settings: Path | str | None = None) -> tuple[list[Finding], bool]:
    """Check a Markdown page on disk; returns (findings, whether grounding ran)."""
    page = Path(path)
    try:
        markdown = page.read_text(encoding="utf-8")
    except OSError as exc:
        raise PageError(f"{page}: cannot read page ({exc.strerror})") from exc
    try:
        sidecar = read_sidecar(page)
    except ValueError as exc:
        raise PageError(f"{page.with_suffix('.json')}: sidecar is not valid JSON ({exc}); "
                        "regenerate the page or remove the sidecar") from exc
    if sidecar is not None and workspace is None:
        workspace = Workspace.open(settings=settings)
    site = workspace.settings if workspace else load_settings(settings)
    findings, grounded = check_markdown(markdown, site, sidecar,
                                        workspace.lexicon if workspace else None)
    for f in findings:
        f.path = str(page)
    return findings, grounded


def all_pairs(kb: KnowledgeBase, compounds: Iterable[str] = (),
              conditions: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Requested pairs as ids; empty filters mean every compound or condition."""
    cs = [kb.resolve_compound(c).id for c in compounds] or sorted(kb.compounds)
    ds = [kb.resolve_condition(d).id for d in conditions] or sorted(kb.conditions)
    return [(c, d) for c in cs for d in ds]
