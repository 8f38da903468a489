"""Grounded drafting of medical safety-review pages from a curated, cited knowledge base."""

from pipeline.build import BuiltPage, Outcome, PageResult, build_page, check_page, generate_page
from pipeline.errors import (
    KnowledgeError,
    PageError,
    PipelineError,
    SettingsError,
    TemplateError,
    UnknownEntityError,
)
from pipeline.knowledge.loading import load_knowledge
from pipeline.version import __version__
from pipeline.workspace import Workspace, all_pairs

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
