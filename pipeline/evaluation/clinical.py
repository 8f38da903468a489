"""Pages against the clinical acceptance set: does each page carry what a pharmacist checks first?"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.errors import PipelineError
from pipeline.yamlfile import load_yaml


class ClinicalItem(BaseModel):
    """One thing a pharmacist expects on a page, as patterns one paragraph or bullet must all match."""

    model_config = ConfigDict(extra="forbid")
    id: str
    kind: str
    expect: str
    patterns: list[str]
    basis: str = ""


class ClinicalPair(BaseModel):
    """A compound x condition page and what it must carry."""

    model_config = ConfigDict(extra="forbid")
    compound: str
    condition: str
    items: list[ClinicalItem]


@dataclass
class ClinicalReport:
    """Items covered per pair; a pair whose page is held back covers nothing."""

    items: int = 0
    covered: int = 0
    held_back: list[str] = field(default_factory=list)
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # pair, item id, expectation
    by_kind: Counter[str] = field(default_factory=Counter)
    missed_by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def coverage(self) -> float:
        return self.covered / self.items if self.items else 1.0


def page_blocks(markdown: str) -> list[str]:
    """A page's paragraphs and bullets, whitespace collapsed: the unit a clinical item must match in."""
    blocks: list[str] = []
    current: list[str] = []
    for line in markdown.splitlines():
        starts = line.startswith(("- ", "#")) or not line.strip()
        if starts and current:
            blocks.append(" ".join(current))
            current = []
        if line.strip():
            current.append(line.strip())
    if current:
        blocks.append(" ".join(current))
    return [" ".join(b.split()) for b in blocks]


def load_clinical(path: Path) -> list[ClinicalPair]:
    """The clinical acceptance set."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        return [ClinicalPair.model_validate(p) for p in data["pairs"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValidationError) as exc:
        raise PipelineError(f"{path}: cannot load the clinical set ({exc}); expected a 'pairs:' list") from exc


def evaluate_clinical(pairs: list[ClinicalPair], pages: Callable[[str, str], str | None]) -> ClinicalReport:
    """Score pages (``pages(compound, condition)`` -> Markdown, or None when held back) against the set."""
    report = ClinicalReport()
    for pair in pairs:
        name = f"{pair.compound} x {pair.condition}"
        markdown = pages(pair.compound, pair.condition)
        if markdown is None:
            report.held_back.append(name)
        blocks = page_blocks(markdown or "")
        for item in pair.items:
            report.items += 1
            report.by_kind[item.kind] += 1
            regexes = [re.compile(p, re.IGNORECASE) for p in item.patterns]
            if any(all(r.search(b) for r in regexes) for b in blocks):
                report.covered += 1
            else:
                report.missed_by_kind[item.kind] += 1
                report.missing.append((name, item.id, item.expect))
    return report


def format_clinical_report(report: ClinicalReport) -> str:
    """Coverage overall and per kind of item, then what is missing."""
    lines = [
        f"clinical items covered: {report.covered}/{report.items} = {report.coverage:.1%}",
        f"{'kind':18}{'items':>7}{'missed':>8}",
    ]
    for kind, count in sorted(report.by_kind.items()):
        lines.append(f"{kind:18}{count:7}{report.missed_by_kind[kind]:8}")
    if report.held_back:
        lines.append(f"pages held back: {', '.join(report.held_back)}")
    lines += [f"  missing: {pair}: {item} ({expect})" for pair, item, expect in report.missing]
    return "\n".join(lines)
