"""The benchmark scripts still start: their figures are measured by hand (docs/benchmarks.md), but a moved
import must not leave them broken until someone next runs them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPTS = [
    *sorted((ROOT / "benchmarks").glob("bench_*.py")),
    ROOT / "eval" / "ablation.py",
    ROOT / "eval" / "train_classifier.py",
]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_script_starts(script: object) -> None:
    result = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
