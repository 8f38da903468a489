"""Bearer-token authentication and per-token rate limits.

Tokens are compared in constant time against every configured token, so timing reveals neither a
token nor which one matched. A token's reports are filed under a hash of the token, never the
token itself. Rate limits use the ``limits`` library's moving window, one window per token.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


def owner_of(token: str) -> str:
    """The id a token's reports are filed under: a hash, so the store never holds a token."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenAuth:
    """Checks ``Authorization: Bearer <token>`` against the configured tokens."""

    def __init__(self, tokens: tuple[str, ...]) -> None:
        self._tokens = [t.encode() for t in tokens]

    def owner(self, authorization: str | None) -> str | None:
        """The owner id for a valid header, else None."""
        if not authorization:
            return None
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            return None
        given = credential.strip().encode()
        matched = False
        for token in self._tokens:  # no early exit: every token is compared
            matched |= hmac.compare_digest(given, token)
        return owner_of(given.decode()) if matched else None


class RateLimit:
    """A moving window of requests per token; ``hit`` answers how long to wait when over it."""

    def __init__(self, rate: str) -> None:
        self.item = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, owner: str) -> int | None:
        """Count one request; None when allowed, else the seconds until the next one would be."""
        if self.limiter.hit(self.item, owner):
            return None
        stats = self.limiter.get_window_stats(self.item, owner)
        return max(1, math.ceil(stats.reset_time - time.time()))
