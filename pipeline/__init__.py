"""Grounded drafting of medical safety-review pages from a curated, cited knowledge base.

The public API is imported on first use (PEP 562), so a command that only needs the knowledge base (such as
`reviewgen list`) does not pay for the checks, the drafters and the templates at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pipeline.errors import (
    KnowledgeError,
    PageError,
    PipelineError,
    SettingsError,
    TemplateError,
    UnknownEntityError,
)
from pipeline.version import __version__

if TYPE_CHECKING:
    from pipeline.build import BuiltPage, Outcome, PageResult, build_page, check_page, generate_page
    from pipeline.knowledge.loading import load_knowledge
    from pipeline.workspace import Workspace, all_pairs

_LAZY = {
    "BuiltPage": "pipeline.build",
    "Outcome": "pipeline.build",
    "PageResult": "pipeline.build",
    "build_page": "pipeline.build",
    "check_page": "pipeline.build",
    "generate_page": "pipeline.build",
    "load_knowledge": "pipeline.knowledge.loading",
    "Workspace": "pipeline.workspace",
    "all_pairs": "pipeline.workspace",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BuiltPage",
    "KnowledgeError",
    "Outcome",
    "PageError",
    "PageResult",
    "PipelineError",
    "SettingsError",
    "TemplateError",
    "UnknownEntityError",
    "Workspace",
    "__version__",
    "all_pairs",
    "build_page",
    "check_page",
    "generate_page",
    "load_knowledge",
]
