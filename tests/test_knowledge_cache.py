"""The knowledge-base cache: a hit only when nothing that shapes the knowledge changed; errors never cached."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from pipeline.errors import KnowledgeError
from pipeline.knowledge.cache import ENV_CACHE, cached
from pipeline.knowledge.loading import load_knowledge


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(ENV_CACHE, str(folder))
    return folder


def _counting() -> tuple[list[Path], object]:
    calls: list[Path] = []

    def load(root: Path) -> object:
        calls.append(root)
        return load_knowledge(root)

    return calls, load


def test_an_unchanged_knowledge_base_is_read_from_the_cache(kb_copy: Path, cache: Path) -> None:
    calls, load = _counting()
    first = cached(kb_copy, load)  # type: ignore[arg-type]
    second = cached(kb_copy, load)  # type: ignore[arg-type]
    assert len(calls) == 1 and second.facts.keys() == first.facts.keys()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_an_edited_fact_is_a_miss_and_is_seen(kb_copy: Path, cache: Path) -> None:
    calls, load = _counting()
    cached(kb_copy, load)  # type: ignore[arg-type]
    path = kb_copy / "compounds" / "ketamine.yaml"
    data = yaml.safe_load(path.read_text())
    data["facts"][0]["text"] = data["facts"][0]["text"].rstrip(".") + " (edited)."
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200))
    kb = cached(kb_copy, load)  # type: ignore[arg-type]
    assert len(calls) == 2 and kb.facts[data["facts"][0]["id"]].text.endswith("(edited).")


def test_an_invalid_knowledge_base_is_never_cached(kb_copy: Path, cache: Path) -> None:
    (kb_copy / "vocabulary.yaml").write_text("organ_systems: [")
    for _ in range(2):
        with pytest.raises(KnowledgeError):
            cached(kb_copy, load_knowledge)
    assert not list(cache.glob("*.pickle"))


def test_a_cache_others_can_write_is_not_trusted(kb_copy: Path, cache: Path) -> None:
    calls, load = _counting()
    cached(kb_copy, load)  # type: ignore[arg-type]
    os.chmod(cache, 0o777)
    cached(kb_copy, load)  # type: ignore[arg-type]
    assert len(calls) == 2


def test_off_disables_it(kb_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_CACHE, "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    calls, load = _counting()
    cached(kb_copy, load)  # type: ignore[arg-type]
    cached(kb_copy, load)  # type: ignore[arg-type]
    assert len(calls) == 2 and not (tmp_path / ".cache").exists()
