"""Service settings from the environment, validated once at start-up so a bad one stops the server."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ServiceConfigError

ENV_TOKENS = "REVIEWGEN_API_TOKENS"
ENV_DATA_DIR = "REVIEWGEN_DATA_DIR"
ENV_DATA_KEY = "REVIEWGEN_DATA_KEY"
ENV_TTL = "REVIEWGEN_REPORT_TTL"
ENV_RATE = "REVIEWGEN_RATE_LIMIT"
ENV_DRAFTER = "REVIEWGEN_REPORT_DRAFTER"
ENV_WORKERS = "REVIEWGEN_WORKERS"
ENV_API_DOCS = "REVIEWGEN_API_DOCS"  # "1": serve /docs and /redoc (their pages load scripts from a CDN)
ENV_TEST_DELAY = "REVIEWGEN_TEST_WORKER_DELAY"  # tests only: each job waits this long before it runs

DEFAULT_DATA_DIR = ".reviewgen-data"
DEFAULT_TTL = 86400
DEFAULT_RATE = "60/minute"
MAX_BODY = 64 * 1024
MIN_TOKEN_CHARS = 16


@dataclass(frozen=True)
class ServiceConfig:
    """Everything the service needs besides the workspace; see docs/personal-reports.md."""

    tokens: tuple[str, ...]
    data_dir: Path
    data_keys: tuple[str, ...]  # Fernet keys: the first encrypts, all decrypt (key rotation)
    ttl: float
    rate_limit: str
    drafter: str
    workers: int
    test_delay: float = 0.0
    max_body: int = MAX_BODY
    api_docs: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServiceConfig:
        """Read and check every setting; raises ServiceConfigError naming the variable and the fix."""
        env = dict(os.environ if environ is None else environ)
        tokens = tuple(t.strip() for t in env.get(ENV_TOKENS, "").split(",") if t.strip())
        if not tokens:
            raise ServiceConfigError(
                f"{ENV_TOKENS} is empty: set it to a comma-separated list of API tokens "
                "(e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        if any(len(t) < MIN_TOKEN_CHARS for t in tokens):
            raise ServiceConfigError(
                f"{ENV_TOKENS}: every token needs at least {MIN_TOKEN_CHARS} characters; generate long random ones"
            )
        data_dir = Path(env.get(ENV_DATA_DIR) or DEFAULT_DATA_DIR).resolve()
        outputs = Path("outputs").resolve()
        if data_dir == outputs or outputs in data_dir.parents:
            raise ServiceConfigError(
                f"{ENV_DATA_DIR}={data_dir} is inside outputs/, which is committed and "
                "shared; choose a directory outside it"
            )
        drafter = env.get(ENV_DRAFTER, "composer").strip() or "composer"
        if drafter not in ("composer", "llm"):
            raise ServiceConfigError(f"{ENV_DRAFTER}={drafter!r}: choose 'composer' or 'llm'")
        keys = tuple(k.strip() for k in env.get(ENV_DATA_KEY, "").split(",") if k.strip())
        return cls(
            tokens=tokens,
            data_dir=data_dir,
            data_keys=keys,
            ttl=_number(env, ENV_TTL, DEFAULT_TTL, minimum=1),
            rate_limit=_rate(env.get(ENV_RATE) or DEFAULT_RATE),
            drafter=drafter,
            workers=int(_number(env, ENV_WORKERS, 1, minimum=1)),
            test_delay=_number(env, ENV_TEST_DELAY, 0, minimum=0),
            api_docs=env.get(ENV_API_DOCS, "").strip().lower() in ("1", "true", "yes"),
        )


def _number(env: dict[str, str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return float(default)
    try:
        value = float(raw)
    except ValueError:
        raise ServiceConfigError(
            f"{name}={raw!r} is not a number; set it to a number of at least {minimum:g}"
        ) from None
    if value < minimum:
        raise ServiceConfigError(f"{name}={raw!r} is below {minimum:g}; raise it")
    return value


def _rate(raw: str) -> str:
    from limits import parse

    try:
        parse(raw)
    except ValueError:
        raise ServiceConfigError(
            f"{ENV_RATE}={raw!r} is not a rate; write it like '60/minute' or '10 per second'"
        ) from None
    return raw
