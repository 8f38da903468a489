"""The tree stays formatted, linted and type-checked: CI runs the test suite, so these make it enforce all three."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    if on_path is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return on_path


@pytest.mark.parametrize(
    "command",
    [("ruff", "format", "--check", "."), ("ruff", "check", "."), ("mypy",)],
    ids=["ruff-format", "ruff-check", "mypy"],
)
def test_the_tree_passes(command: tuple[str, ...]) -> None:
    result = subprocess.run([_tool(command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}"


def test_no_module_in_pipeline_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / "pipeline").rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 400
    }
    assert not long, f"split these modules (over 400 lines): {long}"
