"""Shared fixtures: the repository's own knowledge and templates, loaded once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import Workspace
from pipeline.cli import cli
from tests.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
PROMPTS = ROOT / "prompts"


@pytest.fixture(scope="session", autouse=True)
def knowledge_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One knowledge-base cache for the whole run, shared by the CLI subprocesses, never the user's own."""
    folder = tmp_path_factory.mktemp("knowledge-cache")
    saved = os.environ.get("REVIEWGEN_CACHE_DIR")
    os.environ["REVIEWGEN_CACHE_DIR"] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop("REVIEWGEN_CACHE_DIR", None)
    else:
        os.environ["REVIEWGEN_CACHE_DIR"] = saved


@pytest.fixture(scope="session")
def workspace() -> Workspace:
    """The shipped knowledge base, templates and default site settings."""
    return Workspace.open(KNOWLEDGE, PROMPTS)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """A loopback OpenAI-compatible server whose answers the test scripts (tests/fake_openai.py)."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the knowledge base for tests that break it on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


@dataclass(frozen=True)
class CliResult:
    """What a CLI run printed and returned, shaped like subprocess.CompletedProcess."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> CliResult:
    """Run the CLI in process through click's CliRunner: the same command tree, parsing, error table and exit
    codes as `reviewgen`, without a Python start-up per call. `env`, when given, is the whole environment (as
    for subprocess): variables it leaves out are unset for the run, except the test run's knowledge cache.
    An exception that escapes the CLI is printed to stderr as a traceback, as the interpreter would, so tests
    asserting "no traceback" can fail."""
    overlay: dict[str, str | None] | None = None
    if env is not None:
        overlay = {key: None for key in os.environ if key not in env}
        overlay.update(env)
        overlay.pop("REVIEWGEN_CACHE_DIR", None)  # the run's private cache stays, never the user's own
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args), env=overlay, catch_exceptions=True, prog_name="reviewgen")
    finally:
        os.chdir(before)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(*result.exc_info))
    return CliResult(result.exit_code, result.stdout, stderr)


def run_cli_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI exactly as a user would, a separate `python -m pipeline` process (for the e2e smoke tests)."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )
