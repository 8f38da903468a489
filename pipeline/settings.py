"""Site settings and where knowledge, templates and outputs live.

Knowledge and templates default to ./knowledge and ./prompts when the current
directory has them, else to the copies that ship with the package; an explicit
argument or environment variable overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import SettingsError
from pipeline.yamlfile import load_yaml

PACKAGE_DIR = Path(__file__).resolve().parent
ENV_KNOWLEDGE = "REVIEWGEN_KNOWLEDGE"
ENV_PROMPTS = "REVIEWGEN_PROMPTS"
ENV_SETTINGS = "REVIEWGEN_SETTINGS"
ENV_EXCLUDE_NC = "REVIEWGEN_EXCLUDE_NC"
_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off", ""})


class SiteSettings(BaseModel):
    """Publisher-specific fixed text: byline, disclaimer, call to action, allowed link domains.

    ``exclude_noncommercial`` leaves out every fact resting on a source whose license forbids
    commercial use (CC BY-NC variants: DDInter, SIDER, DrugBank), for publishers who need that.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: str = Field(min_length=1)
    medical_advisor: str | None = None
    disclaimer: str = Field(min_length=1)
    call_to_action: str = ""
    allowed_domains: tuple[str, ...] = ()
    exclude_noncommercial: bool = False

    @property
    def byline(self) -> str:
        """The byline shown under the title."""
        if self.medical_advisor:
            return f"By {self.organisation}, Medical Advisor: {self.medical_advisor}"
        return f"By {self.organisation}"


def _bundled(name: str) -> Path:
    """A data directory shipped inside the wheel, or beside the package in a checkout."""
    inside = PACKAGE_DIR / "_data" / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def resolve_dir(explicit: Path | str | None, env: str, name: str) -> Path:
    """Pick a data directory: explicit > environment > ./name > bundled copy."""
    if explicit:
        return Path(explicit)
    if os.environ.get(env):
        return Path(os.environ[env])
    local = Path.cwd() / name
    if local.is_dir():
        return local
    return _bundled(name)


def resolve_knowledge_dir(explicit: Path | str | None = None) -> Path:
    """Where the knowledge base is read from."""
    return resolve_dir(explicit, ENV_KNOWLEDGE, "knowledge")


def resolve_prompts_dir(explicit: Path | str | None = None) -> Path:
    """Where page and prompt templates are read from."""
    return resolve_dir(explicit, ENV_PROMPTS, "prompts")


def load_settings(path: Path | str | None = None, prompts_dir: Path | None = None) -> SiteSettings:
    """Load site settings from a YAML file; default is site.yaml in the templates directory."""
    chosen = path or os.environ.get(ENV_SETTINGS)
    file = Path(chosen) if chosen else (prompts_dir or resolve_prompts_dir()) / "site.yaml"
    try:
        data = load_yaml(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(
            f"{file}: cannot read site settings ({exc.strerror}); pass --settings FILE or set {ENV_SETTINGS}"
        ) from exc
    except yaml.YAMLError as exc:
        raise SettingsError(f"{file}: invalid YAML in site settings: {exc}") from exc
    try:
        site = SiteSettings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"{file}: invalid site settings: {problems}") from exc
    override = env_exclude_noncommercial()
    return site if override is None else site.model_copy(update={"exclude_noncommercial": override})


def env_exclude_noncommercial() -> bool | None:
    """REVIEWGEN_EXCLUDE_NC as a bool (it overrides the settings file), or None when unset."""
    raw = os.environ.get(ENV_EXCLUDE_NC)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise SettingsError(
        f"{ENV_EXCLUDE_NC}={raw!r}: expected 1 or 0 (true/false); set it to 1 to leave out non-commercial sources"
    )
