"""Markdown to safe HTML for the review dashboard: findings highlighted at their spans, citations linked.

markdown-it-py renders the page with raw HTML and images off (a hand-edited page can neither inject
markup nor make the report fetch anything). Citation markers (``[1, 4]``) become links to the page's
References entries. Each finding is located in the parsed text the way the checker reads it
(emphasis and links reduced to their text, citation markers dropped): first the sentence it names,
in the section it names, then the offending span inside it; the span is wrapped in ``<mark>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from pipeline.checks.document import section_of
from pipeline.checks.findings import Finding, Severity

CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\](?![(\[:])")


@dataclass
class HighlightedPage:
    """A page as report HTML, with which findings were located (anchor id) and which were not."""

    html: str
    anchors: dict[int, str] = field(default_factory=dict)


@dataclass
class _Char:
    """One character of an inline run's plain text, and where it sits in the token stream."""

    char: str
    child: int  # index into the inline token's children; -1: not highlightable
    offset: int


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: ``[1, 4]`` is a citation, not a link (runs before the link rule)."""
    if state.src[state.pos] != "[":
        return False
    m = CITATION.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"numbers": [int(n) for n in m.group(1).split(",")]}
    state.pos = m.end()
    return True


def _render_citation(self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    slug, refs = env["slug"], env["refs"]
    links = [
        f'<a class="cite" href="#{slug}-ref-{n}">{n}</a>'
        if n in refs
        else f'<span class="cite missing" title="no such reference">{n}</span>'
        for n in tokens[idx].meta["numbers"]
    ]
    return f' <sup class="cites">[{", ".join(links)}]</sup>'


def _render_text(self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    marks: list[tuple[int, int, tuple[int, ...]]] = token.meta.get("marks", []) if token.meta else []
    if not marks:
        return escapeHtml(token.content)
    findings: list[Finding] = env["findings"]
    anchored: set[int] = env["anchored"]
    out, pos = [], 0
    for start, end, ids in marks:
        out.append(escapeHtml(token.content[pos:start]))
        severe = any(findings[i].severity is Severity.ERROR for i in ids)
        first = [i for i in ids if i not in anchored]
        anchored.update(first)
        anchor = f' id="{env["slug"]}-f{first[0]}"' if first else ""
        title = "; ".join(f"{findings[i].rule}: {findings[i].message}" for i in ids)
        rules = " ".join(sorted({findings[i].rule for i in ids}))
        out.append(
            f'<mark class="finding {"sev-error" if severe else "sev-warning"}"{anchor} '
            f'data-rules="{escapeHtml(rules)}" title="{escapeHtml(title)}">'
            f"{escapeHtml(token.content[start:end])}</mark>"
        )
        pos = end
    out.append(escapeHtml(token.content[pos:]))
    return "".join(out)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # the report must load nothing from the network
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("text", _render_text)
    return md


_MD = _markdown()


def highlight_page(markdown: str, findings: list[Finding], slug: str) -> HighlightedPage:
    """Render one page; ``slug`` prefixes every id so many pages can share one HTML document."""
    tokens = _MD.parse(markdown)
    runs = _inline_runs(tokens)
    refs = _anchor_references(tokens, slug)
    located: dict[int, list[tuple[Token, int, int]]] = {}
    for i, finding in enumerate(findings):
        spans = _locate(finding, runs)
        if spans:
            located[i] = spans
    marks: dict[int, dict[int, set[int]]] = {}  # id(token) -> offset -> finding ids
    by_id: dict[int, Token] = {}
    for i, spans in located.items():
        for token, start, end in spans:
            by_id[id(token)] = token
            for offset in range(start, end):
                marks.setdefault(id(token), {}).setdefault(offset, set()).add(i)
    for key, offsets in marks.items():
        by_id[key].meta = {**(by_id[key].meta or {}), "marks": _ranges(offsets)}
    env: dict[str, Any] = {"slug": slug, "refs": refs, "findings": findings, "anchored": set()}
    html = _MD.renderer.render(tokens, _MD.options, env)
    return HighlightedPage(html, {i: f"{slug}-f{i}" for i in located})


def _ranges(offsets: dict[int, set[int]]) -> list[tuple[int, int, tuple[int, ...]]]:
    """Contiguous offsets carrying the same findings, as (start, end, finding ids)."""
    out: list[tuple[int, int, tuple[int, ...]]] = []
    for offset in sorted(offsets):
        ids = tuple(sorted(offsets[offset]))
        if out and out[-1][1] == offset and out[-1][2] == ids:
            out[-1] = (out[-1][0], offset + 1, ids)
        else:
            out.append((offset, offset + 1, ids))
    return out


def _anchor_references(tokens: list[Token], slug: str) -> set[int]:
    """Give each References list item an id; returns the reference numbers present."""
    section, refs = "front", set()
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            section = section_of(tokens[i + 1].content)[0] or "unknown"
        elif token.type == "list_item_open" and section == "references" and token.info.isdigit():
            token.attrSet("id", f"{slug}-ref-{token.info}")
            refs.add(int(token.info))
    return refs


def _inline_runs(tokens: list[Token]) -> list[tuple[str, Token, list[_Char]]]:
    """Every inline token with its section and its plain text, character by character."""
    section, runs = "front", []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            found = section_of(tokens[i + 1].content)[0]
            section = found or f"unknown:{tokens[i + 1].content}"
        if token.type != "inline" or not token.children:
            continue
        chars: list[_Char] = []
        for c, child in enumerate(token.children):
            if child.type == "text":
                chars += [_Char(ch, c, k) for k, ch in enumerate(child.content)]
            elif child.type == "code_inline":
                chars += [_Char(ch, -1, 0) for ch in child.content]
            elif child.type in ("softbreak", "hardbreak"):
                chars.append(_Char(" ", -1, 0))
            elif child.type == "citation":
                while chars and chars[-1].char.isspace():  # the checker drops the space before a marker
                    chars.pop()
        runs.append((section, token, chars))
    return runs


def _locate(finding: Finding, runs: list[tuple[str, Token, list[_Char]]]) -> list[tuple[Token, int, int]]:
    """Where a finding's span is: (text token, start, end) pieces, or [] when it is not on the page."""
    if not finding.text.strip():
        return []
    in_section = [r for r in runs if r[0] == finding.section]
    for candidates in (in_section, runs):
        for _, token, chars in candidates:
            plain = "".join(ch.char for ch in chars)
            start = _find(plain, finding.text, finding.sentence)
            if start is None:
                continue
            pieces: list[tuple[Token, int, int]] = []
            for ch in chars[start : start + len(finding.text)]:
                if ch.child < 0:
                    continue
                child = token.children[ch.child] if token.children else token
                if pieces and pieces[-1][0] is child and pieces[-1][2] == ch.offset:
                    pieces[-1] = (child, pieces[-1][1], ch.offset + 1)
                else:
                    pieces.append((child, ch.offset, ch.offset + 1))
            if pieces:
                return pieces
    return []


def _find(plain: str, span: str, sentence: str) -> int | None:
    """Offset of ``span`` in ``plain``, inside ``sentence`` when that is found; case-insensitive fallback."""
    tries = [(plain, sentence, span)]
    if len(plain.lower()) == len(plain) and len(span.lower()) == len(span):  # offsets must survive lower()
        tries.append((plain.lower(), sentence.lower(), span.lower()))
    for haystack, needle_sentence, needle in tries:
        base = haystack.find(needle_sentence) if needle_sentence else -1
        if base >= 0:
            at = haystack.find(needle, base, base + len(needle_sentence))
            if at >= 0:
                return at
        at = haystack.find(needle)
        if at >= 0:
            return at
    return None
