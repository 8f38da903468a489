"""Shared fixtures: the repository's own knowledge and templates, loaded once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import Workspace

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
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the knowledge base for tests that break it on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would: a separate process, `python -m pipeline`."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=120)
