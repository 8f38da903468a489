"""The workspace: knowledge, templates, site settings and the grounding lexicon, loaded and validated once.

Every command and the service open one and generate, check or review many pages with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from pipeline.checks import RULES_VERSION, Lexicon, build_lexicon
from pipeline.knowledge.base import KnowledgeBase
from pipeline.knowledge.cache import open_knowledge
from pipeline.knowledge.selection import Selection, select_facts
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
    # What recurs across pages, made once per workspace: selections per pair, the rules' vocabulary hash.
    _selections: dict[tuple[str, str], Selection] = field(default_factory=dict, repr=False, compare=False)
    _checks_hash: str | None = field(default=None, repr=False, compare=False)

    def selection(self, compound: str, condition: str) -> Selection:
        """The facts for one pair (ids, names or aliases), selected once per workspace: the knowledge base
        and settings of a workspace never change, so neither does a pair's selection."""
        cid, did = self.kb.resolve_compound(compound).id, self.kb.resolve_condition(condition).id
        if (cid, did) not in self._selections:
            self._selections[cid, did] = select_facts(
                self.kb, self.kb.compounds[cid], self.kb.conditions[did], self.settings
            )
        return self._selections[cid, did]

    @property
    def checks_hash(self) -> str:
        """The rules' code version and vocabularies: changing them can change a page's verdict."""
        if self._checks_hash is None:
            digest = hashlib.sha256(RULES_VERSION.encode())
            for path in sorted([self.kb.root / "vocabulary.yaml", *(self.kb.root / "lexicon").glob("*")]):
                if path.is_file():
                    digest.update(path.read_bytes())
            self._checks_hash = digest.hexdigest()
        return self._checks_hash

    @classmethod
    def open(
        cls, knowledge: Path | str | None = None, prompts: Path | str | None = None, settings: Path | str | None = None
    ) -> Workspace:
        """Load and validate everything a run needs; raises PipelineError subclasses."""
        prompts_dir = resolve_prompts_dir(prompts)
        return cls.assemble(resolve_knowledge_dir(knowledge), prompts_dir, load_settings(settings, prompts_dir))

    @classmethod
    def assemble(cls, knowledge: Path, prompts_dir: Path, site: SiteSettings) -> Workspace:
        """A workspace from resolved parts (a batch's check workers rebuild the batch's own this way)."""
        kb = open_knowledge(knowledge)
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
