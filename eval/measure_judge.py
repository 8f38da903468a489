"""Measure the optional second opinion (pipeline/drafting/judge.py) on grounding corpora, beside the rules.

    OPENAI_BASE_URL=http://127.0.0.1:8080/v1 REVIEWGEN_MODEL=local \\
        .venv/bin/python eval/measure_judge.py --files eval/grounding/holdout-11.yaml eval/grounding/holdout-12.yaml

Each statement goes to the configured endpoint exactly as the model drafter sends its own statements: the
judge prompt (prompts/judge.md.j2), its JSON schema, ``--per-request`` statements of one page per request
(default 1: SmolLM2-135M answers only the first of several), at temperature 0. The figures: unsupported
statements flagged and supported ones passing, for the judge alone, the rules alone, and the rules or the
judge (what a page meets with REVIEWGEN_JUDGE=1). A statement the judge gave no valid verdict for counts as
passed by it (the drafter then warns and the rules decide). Needs a running endpoint; nothing here runs in
the test suite.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from pipeline import Workspace  # noqa: E402
from pipeline.checks import check_statement  # noqa: E402
from pipeline.checks.findings import Severity  # noqa: E402
from pipeline.checks.grounding import FactView  # noqa: E402
from pipeline.drafting import judge  # noqa: E402
from pipeline.drafting.config import load_llm_settings  # noqa: E402
from pipeline.drafting.llm import response_format  # noqa: E402
from pipeline.drafting.transport import RetryCounter, complete  # noqa: E402
from pipeline.errors import PipelineError  # noqa: E402


def _load(path: Path, snapshot: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    facts = {**snapshot, **(data.get("facts") or {})}
    return [(case, facts) for case in data.get("cases") or ()]


def _fact_text(fid: str, facts: dict[str, Any], live: dict[str, FactView], path: Path) -> str:
    """The text the case's author read (the file's own facts, then the snapshot), else the knowledge base's."""
    own = facts.get(fid)
    if isinstance(own, dict) and own.get("text"):
        return str(own["text"])
    if fid in live:
        return live[fid].text
    sys.exit(f"{path}: fact id {fid!r} is neither in the file, the snapshot nor the knowledge base")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="+", type=Path, required=True)
    parser.add_argument(
        "--per-request",
        type=int,
        default=1,
        help="statements of one page per judge request (with more than one, a request missing any verdict "
        "counts all its statements as unanswered)",
    )
    parser.add_argument("--limit", type=int, default=0, help="at most this many statements per file (0: all)")
    parser.add_argument("--verbose", action="store_true", help="print why a request went unanswered")
    args = parser.parse_args()

    ws = Workspace.open(ROOT / "knowledge", ROOT / "prompts")
    settings = judge.judge_settings(load_llm_settings())
    client = openai.OpenAI(api_key=settings.api_key or "none", base_url=settings.base_url, timeout=settings.timeout)
    template = ws.env.get_template(judge.TEMPLATE)
    extra = response_format(settings.mode, judge.SCHEMA)
    snapshot_path = ROOT / "eval" / "grounding" / "facts.yaml"
    snapshot = (yaml.safe_load(snapshot_path.read_text(encoding="utf-8")) or {}).get("facts", {})
    live = {fid: FactView(f.text, f.tags, f.sources) for fid, f in ws.kb.facts.items()}

    rows: list[tuple[bool, bool, bool, bool]] = []  # supported, rules flag, judge flag, judge answered
    counter = RetryCounter()
    started = time.perf_counter()
    for path in args.files:
        cases = _load(path, snapshot)[: args.limit or None]
        by_page: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
        for case, facts in cases:
            if "page" not in case:  # the judge prompt names the page's compound and condition
                sys.exit(f"{path}: cases carry no 'page' (rounds before 8 do not); pick files that do")
            by_page.setdefault(str(case["page"]), []).append((case, facts))
        for page, group in by_page.items():
            compound, condition = page.split("/")
            sel = ws.selection(compound, condition)
            for i in range(0, len(group), args.per_request):
                chunk = group[i : i + args.per_request]
                items = [
                    judge.Item(
                        n + 1,
                        "condition",
                        case["statement"],
                        tuple(_fact_text(fid, facts, live, path) for fid in case["fact_ids"]),
                        tuple(case["fact_ids"]),
                    )
                    for n, (case, facts) in enumerate(chunk)
                ]
                try:
                    reply = complete(client, settings, judge.messages_for(template, sel, items), extra, counter)
                    findings = judge.findings_from(reply, items)
                except PipelineError as exc:
                    findings = judge.findings_from(None, items, exc)
                # by text: with --per-request above 1, two identical statements in one request share a verdict
                flagged = {f.sentence for f in findings if f.severity is Severity.ERROR}
                unanswered = any(f.severity is Severity.WARNING for f in findings)
                if unanswered and args.verbose:
                    print("   ", next(f.message for f in findings if f.severity is Severity.WARNING), file=sys.stderr)
                for item, (case, facts) in zip(items, chunk, strict=True):
                    views = {
                        **live,
                        **{
                            fid: FactView(f["text"], tuple(f.get("tags") or ()), tuple(f.get("sources") or ()))
                            for fid, f in facts.items()
                        },
                    }
                    rules = bool(check_statement(case["statement"], case["fact_ids"], views, ws.lexicon))
                    rows.append((bool(case["supported"]), rules, item.text in flagged, not unanswered))
                print(f"  {len(rows)} statements judged", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started

    def line(name: str, flag: Any) -> str:
        bad = [r for r in rows if not r[0]]
        good = [r for r in rows if r[0]]
        caught = sum(bool(flag(r)) for r in bad)
        passed = sum(not flag(r) for r in good)
        return (
            f"| {name} | {caught}/{len(bad)} = {caught / max(1, len(bad)):.1%} | "
            f"{passed}/{len(good)} = {passed / max(1, len(good)):.1%} |"
        )

    print(
        f"judge: model {settings.model} at {settings.base_url}, {len(rows)} statements "
        f"({', '.join(p.name for p in args.files)})"
    )
    print(f"statements left without a valid verdict: {sum(not r[3] for r in rows)}")
    print("| component | unsupported flagged | supported passing |\n|---|---|---|")
    print(line("rules alone (as shipped)", lambda r: r[1]))
    print(line("judge alone", lambda r: r[2]))
    print(line("rules or judge (REVIEWGEN_JUDGE=1)", lambda r: r[1] or r[2]))
    print(f"{seconds / max(1, len(rows)):.2f} s per statement with the judge")


if __name__ == "__main__":
    main()
