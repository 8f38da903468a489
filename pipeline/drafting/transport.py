"""One retry layer around chat-completion calls (tenacity; the SDK's own retries are off).

Retried: 429 (honouring Retry-After), 5xx, timeouts, dropped connections; with exponential
backoff and jitter, bounded in attempts and in total time. Everything else fails at once
with a one-line reason. Retries (transport) are counted apart from re-asks (content).
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import openai
from aiolimiter import AsyncLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from pipeline.drafting.config import LLMSettings
from pipeline.errors import DrafterError, EndpointError

RETRYABLE = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError, openai.APIConnectionError)


@dataclass
class Completion:
    """What one successful call returned."""

    content: str | None
    refusal: str | None
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    model: str
    retries: int
    seconds: float
    waits: list[float] = field(default_factory=list)


@dataclass
class RetryCounter:
    """Transport retries across calls (shared by every call of a drafter)."""

    total: int = 0
    waits: list[float] = field(default_factory=list)


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait, from a 429's Retry-After header."""
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class _Wait:
    """Backoff with jitter, but never shorter than what Retry-After asks for."""

    def __init__(self, cap: float) -> None:
        self.backoff = wait_random_exponential(multiplier=0.5, max=cap)
        self.cap = cap

    def __call__(self, state: RetryCallState) -> float:
        asked = _retry_after(state.outcome.exception() if state.outcome else None)
        if asked is not None:
            return min(asked, self.cap)
        return float(self.backoff(state))


def _check_key(settings: LLMSettings) -> None:
    if settings.is_openai and not settings.api_key:
        raise EndpointError(
            "OPENAI_API_KEY is not set; set it, or point OPENAI_BASE_URL at a "
            "self-hosted server (e.g. `reviewgen local-server`)"
        )


def make_client(settings: LLMSettings) -> openai.OpenAI:
    """An OpenAI SDK client for the configured endpoint, with its own retries off."""
    _check_key(settings)
    return openai.OpenAI(
        api_key=settings.api_key or "not-needed",
        base_url=settings.base_url or None,
        timeout=settings.timeout,
        max_retries=0,
    )


def make_async_client(settings: LLMSettings) -> openai.AsyncOpenAI:
    """The async client for concurrent batches, with its own retries off."""
    _check_key(settings)
    return openai.AsyncOpenAI(
        api_key=settings.api_key or "not-needed",
        base_url=settings.base_url or None,
        timeout=settings.timeout,
        max_retries=0,
    )


class Throttle:
    """Shared by every worker of a batch: request and token rates, and a common pause after a 429.

    When one worker is told to wait (429 with Retry-After), every worker waits, so the
    endpoint sees the whole batch slow down rather than N workers retrying at once.
    """

    def __init__(self, rpm: float | None = None, tpm: float | None = None) -> None:
        self.requests = AsyncLimiter(rpm, 60) if rpm else None
        self.tokens = AsyncLimiter(tpm, 60) if tpm else None
        self.tpm = tpm
        self.paused_until = 0.0
        self.pauses = 0

    def pause(self, seconds: float) -> None:
        """Hold every worker back for ``seconds`` from now."""
        until = time.monotonic() + seconds
        if until > self.paused_until:
            self.paused_until = until
            self.pauses += 1

    async def admit(self, tokens: int) -> None:
        """Wait for the shared pause, then for request and token budget."""
        while (delay := self.paused_until - time.monotonic()) > 0:
            await asyncio.sleep(delay)
        if self.requests:
            await self.requests.acquire()
        if self.tokens and self.tpm:
            await self.tokens.acquire(min(tokens, int(self.tpm)))


@contextmanager
def _reasons(settings: LLMSettings, retries: list[int]) -> Iterator[None]:
    """Map SDK exceptions to one-line DrafterError / EndpointError reasons."""
    try:
        yield
    except openai.APITimeoutError as exc:
        raise DrafterError(
            f"the model endpoint timed out ({settings.timeout:g}s) after {retries[0]} retries; "
            "raise REVIEWGEN_TIMEOUT or use a faster model"
        ) from exc
    except openai.AuthenticationError as exc:
        raise EndpointError(f"the endpoint rejected the API key ({exc.status_code}); check OPENAI_API_KEY") from exc
    except openai.APIConnectionError as exc:
        where = settings.base_url or "OpenAI"
        raise EndpointError(
            f"cannot reach the model endpoint {where} after {retries[0]} retries; start the "
            "server or set OPENAI_BASE_URL"
        ) from exc
    except openai.RateLimitError as exc:
        raise DrafterError(f"rate limited (429) after {retries[0]} retries; lower concurrency or try later") from exc
    except openai.APIStatusError as exc:
        raise DrafterError(
            f"model endpoint error {exc.status_code} after {retries[0]} retries: {_short(exc.message)}"
        ) from exc
    except openai.APIError as exc:
        raise DrafterError(f"model call failed: {_short(str(exc))}") from exc
    except ValueError as exc:  # the SDK could not decode the HTTP body
        raise DrafterError(f"the model endpoint returned a malformed response ({_short(str(exc))})") from exc


def _completion(response: Any, settings: LLMSettings, retries: int, waits: list[float], started: float) -> Completion:
    if not response.choices:
        raise DrafterError("the model returned no choices")
    choice = response.choices[0]
    usage = response.usage
    return Completion(
        content=choice.message.content,
        refusal=getattr(choice.message, "refusal", None),
        finish_reason=choice.finish_reason,
        prompt_tokens=usage.prompt_tokens if usage else 0,
        completion_tokens=usage.completion_tokens if usage else 0,
        model=response.model or settings.model,
        retries=retries,
        seconds=round(time.perf_counter() - started, 3),
        waits=waits,
    )


def _policy(settings: LLMSettings) -> dict[str, Any]:
    return {
        "retry": retry_if_exception_type(RETRYABLE),
        "wait": _Wait(settings.max_retry_wait),
        "stop": stop_after_attempt(settings.max_retries + 1) | stop_after_delay(settings.max_retry_time),
        "reraise": True,
    }


def _retry_recorder(retries: list[int], waits: list[float], counter: RetryCounter) -> Callable[[RetryCallState], None]:
    """A tenacity ``before_sleep`` hook counting this call's retries and the batch's."""

    def note_retry(state: RetryCallState) -> None:
        retries[0] += 1
        counter.total += 1
        if state.next_action is not None:
            waits.append(round(state.next_action.sleep, 3))
            counter.waits.append(state.next_action.sleep)

    return note_retry


def complete(
    client: openai.OpenAI,
    settings: LLMSettings,
    messages: list[dict[str, str]],
    extra: dict[str, Any],
    counter: RetryCounter,
) -> Completion:
    """One chat completion, retried on transport faults; raises DrafterError with a reason."""
    started = time.perf_counter()
    retries = [0]
    waits: list[float] = []

    note_retry = _retry_recorder(retries, waits, counter)

    with _reasons(settings, retries):
        response = Retrying(before_sleep=note_retry, **_policy(settings))(
            client.chat.completions.create,
            model=settings.model,
            messages=messages,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            **extra,
        )
    return _completion(response, settings, retries[0], waits, started)


async def acomplete(
    client: openai.AsyncOpenAI,
    settings: LLMSettings,
    messages: list[dict[str, str]],
    extra: dict[str, Any],
    counter: RetryCounter,
    throttle: Throttle,
) -> Completion:
    """The async twin of ``complete``: every attempt is admitted by the shared throttle."""
    started = time.perf_counter()
    retries = [0]
    waits: list[float] = []
    estimate = sum(len(m["content"]) for m in messages) // 4 + settings.max_tokens

    async def attempt() -> Any:
        await throttle.admit(estimate)
        try:
            return await client.chat.completions.create(
                model=settings.model,
                messages=cast(Any, messages),
                temperature=settings.temperature,
                max_tokens=settings.max_tokens,
                **extra,
            )
        except openai.RateLimitError as exc:
            throttle.pause(_retry_after(exc) or 1.0)
            raise

    note_retry = _retry_recorder(retries, waits, counter)

    with _reasons(settings, retries):
        response: Any = await AsyncRetrying(before_sleep=note_retry, **_policy(settings))(attempt)
    return _completion(response, settings, retries[0], waits, started)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
