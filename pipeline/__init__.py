"""Grounded drafting of medical safety-review pages from a curated, cited knowledge base."""

__version__ = "0.1.0"

from pipeline.errors import (
    KnowledgeError,
    PageError,
    PipelineError,
    SettingsError,
    TemplateError,
    UnknownEntityError,
)
from pipeline.generation import (
    BuiltPage,
    Outcome,
    PageResult,
    Workspace,
    all_pairs,
    build_page,
    check_page,
    generate_page,
)
from pipeline.knowledge.loading import load_knowledge

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
