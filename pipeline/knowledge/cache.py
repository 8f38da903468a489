"""A cache of the validated knowledge base, so every command does not spend seconds re-reading YAML.

The key is a hash of every file under the knowledge directory (path and bytes), the directory itself,
the package version and the code that reads and validates knowledge; any change is a miss and a full,
validated load. Only a knowledge base that validated is cached, so errors are always reported. The
cache lives in a directory only this user can read (``REVIEWGEN_CACHE_DIR``, default
``$XDG_CACHE_HOME/reviewgen`` or ``~/.cache/reviewgen``; ``off`` disables it): it is a pickle, which must
never come from anyone else.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path

from pipeline.knowledge.base import KnowledgeBase
from pipeline.version import __version__

ENV_CACHE = "REVIEWGEN_CACHE_DIR"
KEEP = 8  # cached knowledge bases kept; older ones are removed
_CODE = ("knowledge", "language")  # packages whose code shapes a loaded knowledge base


def cache_dir() -> Path | None:
    """Where cached knowledge bases live, or None when caching is off."""
    chosen = os.environ.get(ENV_CACHE)
    if chosen is not None and chosen.strip().lower() in ("", "off", "0", "no"):
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reviewgen"


def knowledge_key(root: Path) -> str:
    """The hash that names a cached knowledge base: the files, their directory, and the code that reads them."""
    digest = hashlib.sha256(f"{__version__}\0{root.resolve()}".encode())
    package = Path(__file__).resolve().parent.parent
    code = [p for name in _CODE for p in sorted((package / name).rglob("*.py"))] + [package / "yamlfile.py"]
    for path in code + sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cached(root: Path, load: Callable[[Path], KnowledgeBase]) -> KnowledgeBase:
    """The knowledge base under ``root``: from the cache when its files and the code are unchanged."""
    folder = cache_dir()
    if folder is None:
        return load(root)
    path = folder / f"knowledge-{knowledge_key(root)}.pickle"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        if _private(folder):
            with path.open("rb") as handle:
                kb = pickle.load(handle)
            if isinstance(kb, KnowledgeBase):
                return kb
    kb = load(root)
    with contextlib.suppress(OSError, pickle.PicklingError):
        _store(folder, path, kb)
    return kb


def _private(folder: Path) -> bool:
    """Only a directory this user owns, that nobody else can write, is trusted."""
    info = folder.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _store(folder: Path, path: Path, kb: KnowledgeBase) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _private(folder):
        return
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".knowledge-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(kb, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    older = sorted(folder.glob("knowledge-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
    for stale in older:
        stale.unlink(missing_ok=True)


def open_knowledge(root: Path | str) -> KnowledgeBase:
    """The validated knowledge base under ``root``, from the cache when nothing changed (the usual entry point)."""
    from pipeline.knowledge.loading import load_knowledge

    return cached(Path(root), load_knowledge)
