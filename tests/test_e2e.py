"""Smoke tests that run `reviewgen` as its own process, exactly as a user or CI would. The rest of the CLI tests
run in process (tests/conftest.py: run_cli); these prove the installed entry points and the process exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli_process

pytestmark = pytest.mark.e2e


def test_console_script_is_installed(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("reviewgen")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0 and "generate" in result.stdout


def test_generate_then_check_then_tamper(tmp_path: Path) -> None:
    made = run_cli_process("generate", "ketamine", "als", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    page = tmp_path / "outputs/drafts/ketamine/als.md"
    assert page.exists() and page.with_suffix(".json").exists()
    checked = run_cli_process("check", str(page), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = page.read_text()
    heading = text.index("\n## General Safety Profile")
    page.write_text(text[:heading] + "\n\nKetamine is completely safe for everyone." + text[heading:])
    tampered = run_cli_process("check", str(page), cwd=tmp_path)
    assert tampered.returncode == 1 and "absolute" in (tampered.stdout + tampered.stderr).lower()


def test_a_wrong_shape_sidecar_is_one_line_and_exit_2(tmp_path: Path) -> None:
    assert run_cli_process("generate", "ketamine", "als", cwd=tmp_path).returncode == 0
    page = tmp_path / "outputs/drafts/ketamine/als.md"
    page.with_suffix(".json").write_text(json.dumps([]))
    result = run_cli_process("check", str(page), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0


def test_unknown_compound_and_missing_key_are_one_line_errors(tmp_path: Path) -> None:
    unknown = run_cli_process("generate", "unobtainium", "als", cwd=tmp_path)
    assert unknown.returncode == 2 and "unobtainium" in unknown.stderr and "Traceback" not in unknown.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    no_key = run_cli_process("generate", "ketamine", "als", "--drafter", "llm", cwd=tmp_path, env=env)
    assert no_key.returncode == 2 and "OPENAI_API_KEY" in no_key.stderr
    assert no_key.stderr.strip().count("\n") == 0 and not (tmp_path / "outputs").exists()
