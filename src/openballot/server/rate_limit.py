"""Per-client limits on failed submissions: an address that keeps sending what the board
refuses is answered `429 too-many-failures` for a while, before its requests are read.

A submission is any request that is not a read (POST, PUT, PATCH, DELETE): casts, audits,
trustees' and the credential authority's posts, the admin's calls. Each one answered with a
4xx (a forged or malformed ballot, a bad token, a body too large) counts as a failure of its
client address. When an address has `max_failures` failures in the last `window` seconds
(a sliding window), its next submissions are refused with 429 and a Retry-After header until
the oldest of them leaves the window. Reads are never limited (anyone may download the board),
successes never count, and one address's failures never limit another's.

The client address is the ASGI scope's `client`. Behind nginx it is the proxy's own address
unless uvicorn takes the real one from the X-Forwarded-For header nginx sets: `openballot
serve` runs uvicorn with its proxy headers on, trusting them only from 127.0.0.1 (uvicorn's
default; FORWARDED_ALLOW_IPS names other proxies). See docs/deployment.md.

Memory is bounded: at most `max_clients` addresses are remembered (the least recently failing
is forgotten first), each with at most `max_failures` timestamps.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from openballot.server.problems import problem

__all__ = ["DEFAULT_MAX_FAILURES_PER_MINUTE", "FailureLimiter", "FailureRateLimit"]

#: An honest voter, trustee or authority fails a handful of times at most: a wrong token
#: typed, a ballot cast after closing. A script replaying forged ballots fails at line rate.
DEFAULT_MAX_FAILURES_PER_MINUTE = 60
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


class FailureLimiter:
    """The failures of each client address in a sliding window of `window` seconds."""

    def __init__(
        self,
        max_failures: int,
        window: float = 60.0,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_failures < 1 or window <= 0 or max_clients < 1:
            raise ValueError("max_failures and max_clients must be positive, window too")
        self.max_failures = max_failures
        self.window = window
        self.max_clients = max_clients
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        times = self._failures.get(client)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[client]
            return None
        return times

    def retry_after(self, client: str) -> int | None:
        """Whole seconds until `client` may submit again; None if it may now."""
        now = self._clock()
        times = self._recent(client, now)
        if times is None or len(times) < self.max_failures:
            return None
        return max(1, math.ceil(times[0] + self.window - now))

    def failed(self, client: str) -> None:
        now = self._clock()
        times = self._recent(client, now)
        if times is None:
            times = self._failures[client] = deque(maxlen=self.max_failures)
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)
        self._failures.move_to_end(client)
        times.append(now)

    def clients(self) -> int:
        """Addresses remembered now (for tests: memory stays bounded)."""
        return len(self._failures)


class FailureRateLimit:
    """Pure ASGI middleware over a `FailureLimiter`. Outermost, so that it refuses a limited
    client before its body is read, and counts every refusal (413 included)."""

    def __init__(self, app: Any, limiter: FailureLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method", "GET") in _READS:
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.limiter.retry_after(client)
        if wait is not None:
            response = problem(
                429,
                "too-many-failures",
                f"too many refused requests from this address: at most "
                f"{self.limiter.max_failures} in {self.limiter.window:g} s; "
                f"try again in {wait} s",
            )
            response.headers["Retry-After"] = str(wait)
            await response(scope, receive, send)
            return
        status = 0

        async def watched_send(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        finally:
            if 400 <= status < 500:
                self.limiter.failed(client)
