"""The review dashboard: one self-contained file reviewers open from disk, no network needed.

A table of every page (status, findings, changed since approved) with a filter by status, and per
page its findings, the page rendered with those findings highlighted and its citations linked to
its References, and the diff against the last approved version. jinja2 with autoescape renders
it; page text goes through markdown-it with raw HTML off (see report_markdown). CSS and JS are
inlined, and a Content-Security-Policy that allows only those exact inline blocks (by hash) and
no fetches keeps it self-contained even if something slipped through.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipeline.checks import check_markdown
from pipeline.checks.findings import Finding, Severity
from pipeline.review.dashboard_markdown import highlight_page
from pipeline.review.diff import PageDiff, diff_page
from pipeline.review.state import STATUS_FILTERS, PageState, list_pages
from pipeline.store import atomic_write
from pipeline.workspace import Workspace

TEMPLATE = "dashboard.html.j2"


@dataclass(frozen=True)
class DashboardPage:
    """What the template shows for one page."""

    slug: str
    title: str
    state: PageState
    findings: list[tuple[Finding, str | None]]  # with the anchor of its highlight, if located
    errors: int
    warnings: int
    html: Markup
    diff: PageDiff
    diff_lines: list[tuple[str, str]]


def _asset(name: str) -> str:
    return resources.files("pipeline.review").joinpath("templates", name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.review", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _diff_lines(diff: PageDiff) -> list[tuple[str, str]]:
    """Each unified-diff line with a CSS class: file, hunk, add, del or ctx."""
    out = []
    for line in diff.lines:
        text = line.rstrip("\n")
        if text.startswith(("+++", "---")):
            kind = "file"
        elif text.startswith("@@"):
            kind = "hunk"
        else:
            kind = {"+": "add", "-": "del"}.get(text[:1], "ctx")
        out.append((kind, text))
    return out


def dashboard_page(ws: Workspace, out_dir: Path | str, state: PageState) -> DashboardPage:
    """Check the page as it is now and prepare it for the template."""
    findings, _ = check_markdown(state.markdown, ws.settings, state.sidecar, ws.lexicon)
    slug = f"{state.compound}--{state.condition}"
    rendered = highlight_page(state.markdown, findings, slug)
    side = state.sidecar or {}
    title = (
        f"{side.get('compound', {}).get('name', state.compound)} × "
        f"{side.get('condition', {}).get('name', state.condition)}"
    )
    diff = diff_page(out_dir, state.compound, state.condition)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return DashboardPage(
        slug,
        title,
        state,
        [(f, rendered.anchors.get(i)) for i, f in enumerate(findings)],
        errors,
        len(findings) - errors,
        Markup(rendered.html),
        diff,  # markdown-it escaped it
        _diff_lines(diff),
    )


def build_dashboard(
    ws: Workspace, out_dir: Path | str, states: list[PageState] | None = None, now: datetime | None = None
) -> str:
    """The report's HTML for ``states`` (default: every page under ``out_dir``)."""
    pages = [dashboard_page(ws, out_dir, s) for s in (list_pages(out_dir) if states is None else states)]
    css, js = _asset("dashboard.css"), _asset("dashboard.js")
    csp = (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    counts = Counter(p.state.label for p in pages)
    counts["draft"] += counts["changed"]  # the draft filter shows the changed drafts too
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    template = _environment().get_template(TEMPLATE)
    return template.render(
        pages=pages,
        counts=counts,
        filters=STATUS_FILTERS,
        csp=csp,
        css=Markup(css),
        js=Markup(js),
        generated=stamp,
        out_dir=str(out_dir),
    )


def write_dashboard(ws: Workspace, out_dir: Path | str, path: Path, states: list[PageState] | None = None) -> Path:
    """Write the report atomically; returns its path."""
    atomic_write(path, build_dashboard(ws, out_dir, states))
    return path
