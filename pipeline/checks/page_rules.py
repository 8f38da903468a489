"""The rules on a page (or draft) as a whole: disclaimer, structure, completeness, provenance.

Structure covers the template (sections, order, headings, names), allowed links, citation numbers,
every byte after References, text outside the drafted sections, disguised characters, and (for a
draft) standard treatments named, facts placed under the right sub-heading, nothing said twice.
"""

from __future__ import annotations

import re

from pipeline.checks.document import (
    REQUIRED_SECTIONS,
    TITLE,
    ParsedPage,
    Unit,
    headline,
    plain,
    section_of,
)
from pipeline.checks.findings import Finding, Severity
from pipeline.checks.grounding import GroundingContext
from pipeline.checks.registry import CheckInput, PageNames, Rule, Scope, register
from pipeline.language.words import normalize
from pipeline.page import GROUP_KINDS
from pipeline.settings import SiteSettings


def _check_disclaimer(doc: CheckInput) -> list[Finding]:
    if doc.page is None:
        return []  # the disclaimer is template text: only the rendered page carries it
    wanted = plain(doc.settings.disclaimer)
    body = plain(doc.page.section_text.get("disclaimer", ""))
    if wanted in body:
        return []
    where = "disclaimer" if "disclaimer" in doc.page.section_text else "page"
    return [
        Finding(
            rule="disclaimer",
            severity=Severity.ERROR,
            section=where,
            text=wanted[:80],
            message="the site's medical disclaimer is missing or altered; restore it verbatim "
            "under 'Medical Disclaimer'",
        )
    ]


def _structure_finding(section: str, text: str, message: str) -> Finding:
    return Finding(rule="structure", severity=Severity.ERROR, section=section, text=text, message=message)


def _check_structure(doc: CheckInput) -> list[Finding]:
    out: list[Finding] = []
    if doc.page is not None:
        out += _page_structure(doc.page, doc.names, doc.settings)
        out += _page_text(doc)
    if doc.is_draft and doc.names is not None:
        out += _draft_structure(doc.units, doc.names)
        out += _placement(doc.units, doc.grounding)
    return out


def _page_structure(page: ParsedPage, names: PageNames | None, settings: SiteSettings) -> list[Finding]:
    out: list[Finding] = []
    title = TITLE.match(page.title or "")
    if not title:
        out.append(
            _structure_finding(
                "title",
                page.title or "",
                "title must read 'Is <compound> Safe for <condition> Patients? — Research Review'",
            )
        )
    compound = names.compound if names else (title.group("compound") if title else None)
    condition = names.condition if names else (title.group("condition") if title else None)
    if names and title and (title.group("compound"), title.group("condition")) != (compound, condition):
        out.append(_structure_finding("title", page.title or "", f"title must name {compound!r} and {condition!r}"))
    found = [sid for level, _, sid in page.headings if level == 2 and sid]
    for required in REQUIRED_SECTIONS:
        if required not in found:
            out.append(
                _structure_finding(required, required, f"required section '{required}' is missing; restore its heading")
            )
    present = [s for s in found if s in REQUIRED_SECTIONS]
    if present != [s for s in REQUIRED_SECTIONS if s in present]:
        out.append(
            _structure_finding(
                "page", " > ".join(present), "sections are out of order; follow the page template's order"
            )
        )
    for level, text, _ in page.headings:
        if level != 2:
            continue
        sid, m = section_of(text)
        if m is None:
            out.append(
                _structure_finding(
                    "page",
                    text,
                    "unexpected section; pages carry only the template's "
                    "sections, so its content would escape the citation checks",
                )
            )
            continue
        groups = m.groupdict()
        if "compound" in groups and compound and groups["compound"] != compound:
            out.append(
                _structure_finding(
                    sid or "page", text, f"heading names {groups['compound']!r}; the page is about {compound!r}"
                )
            )
        if "condition" in groups and condition and groups["condition"] != condition:
            out.append(
                _structure_finding(
                    sid or "page", text, f"heading names {groups['condition']!r}; the page is about {condition!r}"
                )
            )
        short = names.condition_short if names else None
        if "short" in groups and (
            (short and groups["short"] not in (short, headline(short)))
            or (not short and condition and groups["short"] not in condition)
        ):
            out.append(
                _structure_finding(
                    sid or "page",
                    text,
                    f"heading names {groups['short']!r}, which is not how this page names {condition!r}",
                )
            )
    out += _check_links(page, settings)
    for unit in page.units:
        for number in unit.citations:
            if number not in page.references:
                out.append(
                    _structure_finding(
                        unit.section, f"[{number}]", f"citation [{number}] has no entry under References"
                    )
                )
    return out


def _page_text(doc: CheckInput) -> list[Finding]:
    """Every byte of a page is template text, a reference entry from its bibliography, or checked text."""
    assert doc.page is not None
    out = []
    if doc.disguises:
        out.append(
            _structure_finding(
                "page",
                "; ".join(doc.disguises),
                f"the page uses {', '.join(doc.disguises)}, which can hide words from the "
                "rules; write plain text (the rules ran on the text as a reader sees it)",
            )
        )
    if doc.foreign:
        out.append(
            _structure_finding(
                "page",
                "".join(doc.foreign),
                f"words spelt with non-Latin letters ({', '.join(doc.foreign)}); pages are "
                "written in English with Latin letters",
            )
        )
    for unit in doc.page.stray:
        out.append(
            _structure_finding(
                "references",
                unit.text[:120],
                "text under References that is not a numbered reference entry; only the "
                "bibliography belongs there, so remove it",
            )
        )
    seen: set[int] = set()
    for number, text in doc.page.entries:
        if number in seen:
            out.append(
                _structure_finding(
                    "references",
                    f"{number}. {text[:100]}",
                    f"reference {number} is listed twice; keep the bibliography's entry",
                )
            )
        seen.add(number)
        if doc.bibliography is not None and doc.bibliography.get(number) != text:
            out.append(
                _structure_finding(
                    "references",
                    f"{number}. {text[:100]}",
                    f"reference {number} does not match the page's bibliography; restore "
                    "the entry as generated (the sidecar records each source)",
                )
            )
    if doc.template is not None:
        for unit in doc.page.units:
            if unit.drafted or unit.section == "references" or unit.text in doc.template.get(unit.section, ()):
                continue
            out.append(
                _structure_finding(
                    unit.section,
                    unit.text[:120],
                    "text that is not the page template's was added outside the drafted "
                    "sections, where it escapes the citation checks; remove it",
                )
            )
    return out


_URL = re.compile(r"https?://([^/\s)\]>]+)[^\s)\]>]*", re.IGNORECASE)
# Find top-level domains first (a literal '.' makes this fast), then read the name backwards.
_TLD = re.compile(r"\.(?:com|org|net|gov|edu|ai|io|info|co|uk|health|int|eu)\b", re.IGNORECASE)
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


def _domains(text: str) -> set[str]:
    """Bare domain names mentioned in text (e.g. 'insightswarm.ai')."""
    found = set()
    for m in _TLD.finditer(text):
        start = m.start()
        while start > 0 and text[start - 1] in _HOST_CHARS:
            start -= 1
        name = text[start : m.end()].strip(".-").lower()
        if "." in name and name[0] != ".":
            found.add(name)
    return found


def _check_links(page: ParsedPage, settings: SiteSettings) -> list[Finding]:
    out = []
    allowed = [d.lower() for d in settings.allowed_domains]
    for section, text in page.section_text.items():
        if section == "references":
            continue
        domains = {m.group(1).lower() for m in _URL.finditer(text)} if "://" in text else set()
        domains |= _domains(text)
        for domain in sorted(domains):
            if not any(domain == a or domain.endswith("." + a) for a in allowed):
                out.append(
                    _structure_finding(
                        section,
                        domain,
                        f"links to {domain}, which is not in the site's allowed_domains; remove it or allow the domain",
                    )
                )
    return out


def _draft_structure(units: list[Unit], names: PageNames) -> list[Finding]:
    out = []
    drafted = {u.section for u in units if u.drafted}
    for required in ("profile", "condition", "literature", "bottom_line", "faq"):
        if required not in drafted:
            out.append(_structure_finding(required, required, f"drafted section '{required}' is empty"))
    condition_text = normalize(" ".join(u.text for u in units if u.section == "condition"))
    for name, aliases in names.treatments.items():
        if not any(normalize(n) in condition_text for n in (name, *aliases)):
            out.append(
                _structure_finding(
                    "condition",
                    name,
                    f"standard treatment {name!r} is not named; discuss every standard treatment of the condition",
                )
            )
    return out


def _placement(units: list[Unit], grounding: GroundingContext | None) -> list[Finding]:
    """Facts under the wrong sub-heading, and statements a section repeats."""
    out = []
    seen: set[tuple[str, str, str]] = set()
    for unit in units:
        if not unit.drafted:
            continue
        key = (unit.section, unit.label or "", normalize(unit.text))
        if key in seen:
            out.append(
                _structure_finding(
                    unit.section, unit.text[:80], "repeats a statement already in this section; say each thing once"
                )
            )
        seen.add(key)
        allowed = GROUP_KINDS.get(unit.group or "")
        if allowed is None or grounding is None or not unit.fact_ids:
            continue
        kinds = {grounding.facts[f].kind for f in unit.fact_ids if f in grounding.facts}
        misplaced = sorted(kinds - allowed - {""})
        if misplaced:
            out.append(
                _structure_finding(
                    unit.section,
                    unit.text[:80],
                    f"cites {', '.join(misplaced)} facts under '{unit.group}', where "
                    f"{', '.join(sorted(allowed))} facts belong; move the statement",
                )
            )
    return out


def _check_completeness(doc: CheckInput) -> list[Finding]:
    """What a pharmacist checks first is on the page, or the page is held back with the reason."""
    out = [
        Finding(
            rule="completeness",
            severity=Severity.ERROR,
            section="page",
            text=gap,
            message="knowledge gap: the page is held back until it is curated; "
            "`reviewgen knowledge gaps` lists what to add",
        )
        for gap in doc.gaps
    ]
    if doc.required:
        cited = {fid for unit in doc.units if unit.fact_ids for fid in unit.fact_ids}
        out += [
            Finding(
                rule="completeness",
                severity=Severity.ERROR,
                section="page",
                text=fid,
                fact_ids=[fid],
                message=f"the page does not state {why}; restore the statement citing it",
            )
            for fid, why in doc.required.items()
            if fid not in cited
        ]
    return out


@register
class Disclaimer(Rule):
    id = "disclaimer"
    summary = "the medical disclaimer is present, verbatim"
    scope = Scope.PAGE
    rank = 10

    def check(self, doc: CheckInput) -> list[Finding]:
        return _check_disclaimer(doc)


@register
class Structure(Rule):
    id = "structure"
    summary = "required sections in order, allowed links, consistent names, nothing outside the template"
    scope = Scope.PAGE
    rank = 80

    def check(self, doc: CheckInput) -> list[Finding]:
        return _check_structure(doc)


@register
class Completeness(Rule):
    id = "completeness"
    summary = (
        "boxed warnings, approval status, required monitoring and the interactions that apply to the "
        "standard treatments are on the page"
    )
    scope = Scope.FACTS
    rank = 90

    def check(self, doc: CheckInput) -> list[Finding]:
        return _check_completeness(doc)


@register
class Provenance(Rule):
    id = "provenance"
    summary = "the facts and sources a sidecar records are the knowledge base's, unchanged"
    scope = Scope.FACTS
    rank = 100

    def check(self, doc: CheckInput) -> list[Finding]:
        return list(doc.provenance)
