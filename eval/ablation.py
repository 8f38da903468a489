"""Each check component alone and combined, on labelled corpus files, with its cost: the ablation table.

    .venv/bin/python eval/ablation.py --split holdout          # the blind holdouts
    .venv/bin/python eval/ablation.py --files eval/text_rules/dev-08.yaml eval/hand_edits/dev-08.yaml
    PYTHONPATH=/path/to/old/checkout python eval/ablation.py --split holdout --shipped-only

Text rules: the patterns alone, the classifier alone, both (every flag of either), and as shipped (both,
with the classifier's veto on pattern hits and the negation guard). Statements citing fact ids and hand
edits: grounding as shipped, without the strict new-content test, without choosing specific facts for a
hand edit, and with neither (the union of the cited sources' facts, as before round 8).
``--shipped-only`` measures only what the checked-out code ships, through the public API alone, so the
same script gives the "before" row from an older commit.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from pipeline import Workspace, check_page, generate_page  # noqa: E402
from pipeline.checks import SENTENCE_RULES, check_sentence, check_statement  # noqa: E402
from pipeline.checks.grounding import FactView  # noqa: E402

RULES = tuple(SENTENCE_RULES)


def _cases(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["cases"], data.get("facts") or {}


def text_table(files: list[Path], ws: Workspace, shipped_only: bool) -> list[str]:
    cases = [c for f in files for c in _cases(f)[0]]
    rows: list[tuple[str, Callable[[str], set[str]]]] = [
        ("as shipped", lambda t: {f.rule for f in check_sentence(t, ws.settings)})
    ]
    if not shipped_only:
        from pipeline.checks.classifier import shipped_classifier
        from pipeline.language import find_absolute_safety, find_cure_claims, find_directives, find_dosing

        detectors = dict(
            zip(RULES, (find_dosing, find_directives, find_absolute_safety, find_cure_claims), strict=True)
        )
        model = shipped_classifier()
        assert model is not None, "no classifier shipped: run eval/train_classifier.py"

        def patterns(t: str) -> set[str]:
            return {rule for rule, find in detectors.items() if find(t)}

        def classifier(t: str) -> set[str]:
            return set(model.flags(t))

        rows = [
            ("patterns alone", patterns),
            ("classifier alone", classifier),
            ("patterns or classifier", lambda t: patterns(t) | classifier(t)),
            *rows,
        ]
    out = [
        f"text rules: {len(cases)} sentences ({', '.join(f.name for f in files)})",
        "| component | " + " | ".join(RULES) + " | all rules caught | benign flagged | ms/sentence |",
        "|---" * (len(RULES) + 4) + "|",
    ]
    for name, detect in rows:
        started = time.perf_counter()
        got = [detect(c["text"]) for c in cases]
        ms = (time.perf_counter() - started) * 1000 / len(cases)
        recall = []
        for rule in RULES:
            want = [g for c, g in zip(cases, got, strict=True) if rule in c["rules"]]
            recall.append(f"{sum(rule in g for g in want) / len(want):.1%}" if want else "-")
        bad = [(c, g) for c, g in zip(cases, got, strict=True) if c["rules"]]
        caught = sum(set(c["rules"]) <= g for c, g in bad)
        benign = [g for c, g in zip(cases, got, strict=True) if not c["rules"]]
        out.append(
            f"| {name} | " + " | ".join(recall) + f" | {caught}/{len(bad)} = {caught / len(bad):.1%} | "
            f"{sum(bool(g) for g in benign)}/{len(benign)} = {sum(bool(g) for g in benign) / len(benign):.1%} | "
            f"{ms:.2f} |"
        )
    return out


@contextlib.contextmanager
def _options(specific: bool, strict: bool, shipped_only: bool) -> Iterator[None]:
    if shipped_only:
        yield
        return
    from pipeline.checks.grounding import GroundingOptions, grounding_options

    with grounding_options(GroundingOptions(specific_support=specific, strict_content=strict)):
        yield


def _grounding_rows(shipped_only: bool) -> list[tuple[str, bool, bool]]:
    if shipped_only:
        return [("as shipped", True, True)]
    return [
        ("union of the cited sources' facts, no strict test", False, False),
        ("+ specific facts for a hand edit", True, False),
        ("+ strict new-content test (as shipped)", True, True),
    ]


def statement_table(files: list[Path], ws: Workspace, snapshot: dict[str, Any], shipped_only: bool) -> list[str]:
    live = {fid: FactView(f.text, f.tags, f.sources) for fid, f in ws.kb.facts.items()}
    loaded = [(c, {**snapshot, **facts}) for f in files for cases, facts in [_cases(f)] for c in cases]
    out = [
        f"statements citing fact ids: {len(loaded)} ({', '.join(f.name for f in files)})",
        "| component | unsupported flagged | supported passing | ms/statement |",
        "|---|---|---|---|",
    ]
    for name, specific, strict in _grounding_rows(shipped_only):
        if name.startswith("+ specific"):
            continue  # statements cite fact ids: choosing facts applies to hand edits only
        flagged = unsupported = passed = supported = 0
        started = time.perf_counter()
        with _options(specific, strict, shipped_only):
            for case, own in loaded:
                views = {
                    **live,
                    **{
                        fid: FactView(f["text"], tuple(f.get("tags") or ()), tuple(f.get("sources") or ()))
                        for fid, f in own.items()
                    },
                }
                hit = bool(check_statement(case["statement"], case["fact_ids"], views, ws.lexicon))
                if case["supported"]:
                    supported += 1
                    passed += not hit
                else:
                    unsupported += 1
                    flagged += hit
        ms = (time.perf_counter() - started) * 1000 / max(1, len(loaded))
        out.append(
            f"| {name} | {flagged}/{unsupported} = {flagged / max(1, unsupported):.1%} | "
            f"{passed}/{supported} = {passed / max(1, supported):.1%} | {ms:.2f} |"
        )
    return out


def edit_table(files: list[Path], ws: Workspace, shipped_only: bool) -> list[str]:
    cases = [c for f in files for c in _cases(f)[0]]
    out = [
        f"hand edits: {len(cases)} ({', '.join(f.name for f in files)})",
        "| component | wrong edits flagged by grounding | harmless paraphrases flagged | ms/edit |",
        "|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        pages: dict[str, tuple[Path, str]] = {}
        for case in cases:
            if case["page"] not in pages:
                compound, _, condition = case["page"].partition("/")
                result = generate_page(compound, condition, out_dir=Path(tmp), workspace=ws)
                assert result.path is not None, case["page"]
                pages[case["page"]] = (result.path, result.path.read_text(encoding="utf-8"))
        for name, specific, strict in _grounding_rows(shipped_only):
            wrong = caught = harmless = flagged = stale = 0
            started = time.perf_counter()
            with _options(specific, strict, shipped_only):
                for case in cases:
                    path, text = pages[case["page"]]
                    if case["original"] not in text:
                        stale += 1
                        continue
                    path.write_text(text.replace(case["original"], case["edited"], 1), encoding="utf-8")
                    findings, _ = check_page(path, workspace=ws)
                    path.write_text(text, encoding="utf-8")
                    errors = [f for f in findings if f.severity.value == "error"]
                    if case["wrong"]:
                        wrong += 1
                        caught += any(f.rule in ("grounded", "citations") for f in errors)
                    else:
                        harmless += 1
                        flagged += bool(errors)
            ms = (time.perf_counter() - started) * 1000 / max(1, len(cases))
            note = f" ({stale} stale)" if stale else ""
            out.append(
                f"| {name}{note} | {caught}/{wrong} = {caught / max(1, wrong):.1%} | "
                f"{flagged}/{harmless} = {flagged / max(1, harmless):.1%} | {ms:.1f} |"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="holdout", help="dev or holdout (ignored with --files)")
    parser.add_argument("--files", nargs="*", type=Path, default=None)
    parser.add_argument("--corpus", type=Path, default=ROOT / "eval")
    parser.add_argument("--shipped-only", action="store_true", help="the checked-out code as it ships, public API only")
    args = parser.parse_args()
    files = args.files or sorted(args.corpus.glob(f"*/{args.split}-*.yaml"))
    ws = Workspace.open(ROOT / "knowledge", ROOT / "prompts")
    snapshot_path = args.corpus / "grounding" / "facts.yaml"
    snapshot = (
        (yaml.safe_load(snapshot_path.read_text(encoding="utf-8")) or {}).get("facts", {})
        if snapshot_path.exists()
        else {}
    )
    by_kind: dict[str, list[Path]] = {}
    for f in files:
        by_kind.setdefault(f.parent.name, []).append(f)
    blocks = []
    if by_kind.get("text_rules"):
        blocks.append(text_table(by_kind["text_rules"], ws, args.shipped_only))
    if by_kind.get("grounding"):
        blocks.append(statement_table(by_kind["grounding"], ws, snapshot, args.shipped_only))
    if by_kind.get("hand_edits"):
        blocks.append(edit_table(by_kind["hand_edits"], ws, args.shipped_only))
    print("\n\n".join("\n".join(b) for b in blocks))


if __name__ == "__main__":
    main()
