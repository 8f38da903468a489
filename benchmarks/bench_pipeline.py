"""Pipeline throughput: N pages with the composer vs a bare jinja2 render + file write.

Both sides render the same pages in the same run, so the ratio is the price of
selection, drafting, both rounds of checks, the sidecar and atomic writes.

    python benchmarks/bench_pipeline.py [--pages 1000]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import Workspace, build_page, generate_page  # noqa: E402
from pipeline.render import render_page  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="repeat each side; best round is reported")
    args = parser.parse_args()

    ws = Workspace.open(ROOT / "knowledge", ROOT / "prompts")
    pairs = [(c, d) for c in sorted(ws.kb.compounds) for d in sorted(ws.kb.conditions)]
    plan = list(itertools.islice(itertools.cycle(pairs), args.pages))
    # The baseline renders already-built drafts: no selection, drafting or checks.
    prepared = {pair: build_page(ws, *pair) for pair in pairs}

    def baseline(out: Path) -> None:
        for i, pair in enumerate(plan):
            built = prepared[pair]
            page = render_page(built.draft, built.selection, ws.settings, ws.env)
            target = out / f"{pair[0]}-{pair[1]}-{i % len(pairs)}.md"
            target.write_text(page.markdown, encoding="utf-8")

    def pipeline_run(out: Path) -> None:
        for compound, condition in plan:
            generate_page(compound, condition, out_dir=out, workspace=ws)

    results: dict[str, list[float]] = {"baseline": [], "pipeline": []}
    for _ in range(args.rounds):
        for name, fn in (("baseline", baseline), ("pipeline", pipeline_run)):
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                fn(Path(tmp))
                results[name].append((time.perf_counter() - started) * 1000 / args.pages)

    base, full = min(results["baseline"]), min(results["pipeline"])
    print(f"pages: {args.pages} ({len(pairs)} distinct pairs), rounds: {args.rounds}, best round shown")
    print(f"{'':28}{'ms/page':>10}{'median':>10}")
    print(f"{'baseline (render + write)':28}{base:10.3f}{statistics.median(results['baseline']):10.3f}")
    print(f"{'pipeline (generate_page)':28}{full:10.3f}{statistics.median(results['pipeline']):10.3f}")
    print(f"ratio pipeline/baseline: {full / base:.2f}  (goal <= 3)   pipeline ms/page goal <= 5")


if __name__ == "__main__":
    main()
