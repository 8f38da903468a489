"""Turn a checked draft into the Markdown page: numbered citations and references.

Citation numbers follow first use in page order; each cited source appears once
in the References. Layout and fixed text live in prompts/page.md.j2.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from pipeline.checks.document import escape_markdown, headline
from pipeline.draft import Draft, Statement
from pipeline.errors import TemplateError
from pipeline.knowledge.selection import Selection
from pipeline.page import DRAFT_ORDER, GROUPS
from pipeline.settings import SiteSettings

PAGE_TEMPLATE = "page.md.j2"
SECTION_ORDER = DRAFT_ORDER  # kept for callers; the layout lives in pipeline/page.py


@dataclass(frozen=True)
class RenderedPage:
    """The page text plus the citation map the checks and sidecar need."""

    markdown: str
    references: list[tuple[int, str]]  # (number, source id)
    statement_texts: list[str]  # each statement as rendered, in draft order


def make_environment(prompts_dir: Path) -> jinja2.Environment:
    """A strict jinja2 environment: an undefined variable is an error, never blank text."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(prompts_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.filters["headline"] = headline
    return env


def template_digest(prompts_dir: Path) -> str:
    """Hash of every template file, so provenance shows which templates shaped a page."""
    digest = hashlib.sha256()
    for path in sorted(p for p in prompts_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(prompts_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cite(statement: Statement, numbers: list[int]) -> str:
    """The statement text with its citation marker before the final punctuation."""
    text = escape_markdown(statement.text.strip())
    if not numbers:
        return text
    marker = f" [{', '.join(str(n) for n in numbers)}]"
    if text[-1] in ".!?":
        return text[:-1] + marker + text[-1]
    return text + marker


def number_sources(draft: Draft, selection: Selection) -> dict[str, int]:
    """Source id -> citation number, by first use in page order."""
    numbers: dict[str, int] = {}
    for section_id in SECTION_ORDER:
        section = draft.section(section_id)
        for statement in section.statements if section else []:
            for fid in statement.fact_ids:
                for sid in selection.facts[fid].sources:
                    numbers.setdefault(sid, len(numbers) + 1)
    return numbers


def _groups(statements: list[Statement], texts: list[str]) -> list[dict[str, Any]]:
    """Consecutive statements sharing group and label render as one item."""
    groups: list[dict[str, Any]] = []
    for statement, text in zip(statements, texts, strict=True):
        if not groups or groups[-1]["key"] != statement.group:
            groups.append({"key": statement.group, "items": []})
        items = groups[-1]["items"]
        if items and statement.label is not None and items[-1]["label"] == statement.label:
            items[-1]["text"] += " " + text
        else:
            items.append({"label": statement.label, "text": text})
    return groups


def render_page(draft: Draft, selection: Selection, settings: SiteSettings, env: jinja2.Environment) -> RenderedPage:
    """Render the page; raise TemplateError naming the template on failure."""
    numbers = number_sources(draft, selection)
    sections: dict[str, list[dict[str, Any]]] = {}
    all_texts: list[str] = []
    for section_id in SECTION_ORDER:
        section = draft.section(section_id)
        statements = section.statements if section else []
        texts = [
            cite(s, sorted({numbers[sid] for fid in s.fact_ids for sid in selection.facts[fid].sources}))
            for s in statements
        ]
        all_texts += texts
        sections[section_id.value] = _groups(statements, texts)
    references = sorted((n, sid) for sid, n in numbers.items())
    context = {
        "compound": selection.compound,
        "condition": selection.condition,
        "site": settings,
        "sections": sections,
        "groups": {
            k: {"title": g.heading(selection.compound.name, selection.condition.short_name), "bullets": g.bullets}
            for k, g in GROUPS.items()
        },
        "references": [{"number": n, "citation": selection.sources[sid].citation()} for n, sid in references],
    }
    try:
        markdown = env.get_template(PAGE_TEMPLATE).render(**context)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or PAGE_TEMPLATE
        line = getattr(exc, "lineno", None)
        raise TemplateError(f"{where}{f':{line}' if line else ''}: {exc}; fix the template") from exc
    markdown = "\n".join(line.rstrip() for line in markdown.splitlines())
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return RenderedPage(markdown, references, all_texts)
