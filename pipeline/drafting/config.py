"""Configuration of the model drafter: environment variables, optionally a YAML file.

Environment (the file's keys are the same names in lower case, without the prefix):
    OPENAI_API_KEY          key for the endpoint (optional for local/self-hosted servers)
    OPENAI_BASE_URL         endpoint, e.g. http://127.0.0.1:8080/v1 (default: OpenAI)
    REVIEWGEN_MODEL         model name (default gpt-4o-mini)
    REVIEWGEN_TEMPERATURE   default 0.2
    REVIEWGEN_MAX_TOKENS    default 2048
    REVIEWGEN_MAX_REASKS    re-asks after failed checks, default 2
    REVIEWGEN_OUTPUT_MODE   auto | json_schema | json_object | text (auto: json_schema on OpenAI,
                            json_object elsewhere)
    REVIEWGEN_TIMEOUT       seconds per request, default 120
    REVIEWGEN_MAX_RETRIES   transport retries per request, default 4
    REVIEWGEN_ALLOW_TEXT    1 (default): the model may phrase statements; 0: it only chooses and
                            orders facts, which are quoted verbatim (best for very small models)
    REVIEWGEN_JUDGE         1: a second opinion from the endpoint on the statements the model wrote in its
                            own words (off by default; see judge.py)
    REVIEWGEN_JUDGE_MODEL   the model that judges (default: the drafting model)
    REVIEWGEN_LLM_CONFIG    a YAML file with any of the above (environment wins)
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import SettingsError
from pipeline.yamlfile import load_yaml

OPENAI_URL = "https://api.openai.com/v1"


class OutputMode(StrEnum):
    """How the model is asked for structured output."""

    AUTO = "auto"
    JSON_SCHEMA = "json_schema"  # OpenAI structured outputs (schema enforced by the server)
    JSON_OBJECT = "json_object"  # JSON mode with the schema in the prompt (llama.cpp, vLLM, Ollama)
    TEXT = "text"  # plain prompting; the JSON is extracted from the reply


class Price(BaseModel):
    """US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid")
    prompt: float = Field(ge=0)
    completion: float = Field(ge=0)


class LLMSettings(BaseModel):
    """Everything the model drafter needs to reach and use an endpoint."""

    model_config = ConfigDict(extra="forbid")

    api_key: str | None = None
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    temperature: float = Field(default=0.2, ge=0, le=2)
    max_tokens: int = Field(default=2048, ge=64)
    max_reasks: int = Field(default=2, ge=0, le=10)
    output_mode: OutputMode = OutputMode.AUTO
    timeout: float = Field(default=120.0, gt=0)
    max_retries: int = Field(default=4, ge=0, le=20)
    max_retry_wait: float = Field(default=30.0, gt=0, description="cap on one backoff wait, seconds")
    max_retry_time: float = Field(default=180.0, gt=0, description="cap on all retries of one request")
    prices: dict[str, Price] = Field(default_factory=dict)
    allow_text: bool = True
    judge: bool = False
    judge_model: str | None = None

    @property
    def is_openai(self) -> bool:
        """True when talking to OpenAI itself."""
        return self.base_url in (None, "", OPENAI_URL) or "api.openai.com" in (self.base_url or "")

    @property
    def mode(self) -> OutputMode:
        """The output mode to use, resolving 'auto' by endpoint."""
        if self.output_mode is not OutputMode.AUTO:
            return self.output_mode
        return OutputMode.JSON_SCHEMA if self.is_openai else OutputMode.JSON_OBJECT

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        """Dollar cost of the tokens, when a price for this model is configured."""
        price = self.prices.get(self.model)
        if price is None:
            return None
        return round((prompt_tokens * price.prompt + completion_tokens * price.completion) / 1_000_000, 6)


_ENV = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "REVIEWGEN_MODEL",
    "temperature": "REVIEWGEN_TEMPERATURE",
    "max_tokens": "REVIEWGEN_MAX_TOKENS",
    "max_reasks": "REVIEWGEN_MAX_REASKS",
    "output_mode": "REVIEWGEN_OUTPUT_MODE",
    "timeout": "REVIEWGEN_TIMEOUT",
    "max_retries": "REVIEWGEN_MAX_RETRIES",
    "allow_text": "REVIEWGEN_ALLOW_TEXT",
    "judge": "REVIEWGEN_JUDGE",
    "judge_model": "REVIEWGEN_JUDGE_MODEL",
}


def load_llm_settings(config_file: Path | str | None = None, **overrides: Any) -> LLMSettings:
    """Settings from a YAML file (optional), then the environment, then explicit overrides."""
    data: dict[str, Any] = {}
    chosen = config_file or os.environ.get("REVIEWGEN_LLM_CONFIG")
    if chosen:
        try:
            loaded = load_yaml(Path(chosen).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise SettingsError(f"{chosen}: cannot read model settings ({exc})") from exc
        if not isinstance(loaded, dict):
            raise SettingsError(f"{chosen}: model settings must be a mapping of names to values")
        data.update(loaded)
    data.update({field: os.environ[var] for field, var in _ENV.items() if os.environ.get(var)})
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return LLMSettings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid model settings: {problems}") from exc
