"""The workspace: knowledge, templates, site settings and the grounding lexicon, loaded and validated once.

Every command and the service open one and generate, check or review many pages with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from pipeline.checks import Lexicon, build_lexicon
from pipeline.knowledge.base import KnowledgeBase
from pipeline.knowledge.cache import open_knowledge
from pipeline.render import make_environment, template_digest
from pipeline.settings import SiteSettings, load_settings, resolve_knowledge_dir, resolve_prompts_dir


@dataclass
class Workspace:
    """Loaded knowledge, templates and settings: load once, generate many pages."""

    kb: KnowledgeBase
    prompts_dir: Path
    settings: SiteSettings
    env: jinja2.Environment
    lexicon: Lexicon
    templates_hash: str
    settings_hash: str

    @classmethod
    def open(
        cls, knowledge: Path | str | None = None, prompts: Path | str | None = None, settings: Path | str | None = None
    ) -> Workspace:
        """Load and validate everything a run needs; raises PipelineError subclasses."""
        kb = open_knowledge(resolve_knowledge_dir(knowledge))
        prompts_dir = resolve_prompts_dir(prompts)
        site = load_settings(settings, prompts_dir)
        site_hash = hashlib.sha256(site.model_dump_json().encode()).hexdigest()
        return cls(
            kb,
            prompts_dir,
            site,
            make_environment(prompts_dir),
            build_lexicon(kb),
            template_digest(prompts_dir),
            site_hash,
        )


def all_pairs(
    kb: KnowledgeBase, compounds: Iterable[str] = (), conditions: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """Requested pairs as ids; empty filters mean every compound or condition."""
    cs = [kb.resolve_compound(c).id for c in compounds] or sorted(kb.compounds)
    ds = [kb.resolve_condition(d).id for d in conditions] or sorted(kb.conditions)
    return [(c, d) for c in cs for d in ds]
