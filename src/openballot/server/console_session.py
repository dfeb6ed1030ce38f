"""The election authority's console sessions: a login with the admin token gives the browser
a cookie naming a session kept here, in the server's memory, never the token itself.

Why a session rather than the token in a cookie: the cookie is HttpOnly (a script injected
into the page cannot read it), and what it names dies on logout, after `idle` seconds without
a request, after `lifetime` seconds in all, and when the server restarts. Only a hash of each
session id is kept, so a memory dump of the server holds no usable cookie.

CSRF: SameSite=Strict keeps other sites' requests from carrying the cookie, and on top of it a
state-changing request authenticated by the cookie must carry the session's CSRF token in the
`X-CSRF-Token` header (the page reads it from `GET /api/console/session`, which a cross-site
page cannot read) and an `Origin` header naming this server. A bearer token (the CLI's way)
needs neither: a browser never adds it by itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

from fastapi import Request

from openballot.server.service import Forbidden

__all__ = [
    "COOKIE",
    "CSRF_HEADER",
    "ConsoleSessions",
    "Session",
    "check_console_request",
    "check_same_origin",
    "console_sessions",
    "is_tls",
]

COOKIE = "openballot_console"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Session:
    csrf: str
    started: float
    last_used: float


def _key(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


class ConsoleSessions:
    """Sessions by the hash of their id; at most `max_sessions` (the oldest go first)."""

    def __init__(
        self,
        idle: float = 30 * 60,
        lifetime: float = 8 * 3600,
        max_sessions: int = 64,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if idle <= 0 or lifetime <= 0 or max_sessions < 1:
            raise ValueError("idle, lifetime and max_sessions must be positive")
        self.idle = idle
        self.lifetime = lifetime
        self.max_sessions = max_sessions
        self._clock = clock
        self._sessions: OrderedDict[bytes, Session] = OrderedDict()

    def start(self) -> tuple[str, Session]:
        """A new session: its id (for the cookie) and its state (the CSRF token)."""
        now = self._clock()
        session_id = secrets.token_urlsafe(32)
        session = Session(secrets.token_urlsafe(32), now, now)
        self._sessions[_key(session_id)] = session
        while len(self._sessions) > self.max_sessions:
            self._sessions.popitem(last=False)
        return session_id, session

    def use(self, session_id: str | None) -> Session | None:
        """The live session of `session_id`, its idle clock restarted; None if there is none
        (never was, logged out, idle too long, too old)."""
        if not session_id:
            return None
        key = _key(session_id)
        session = self._sessions.get(key)
        if session is None:
            return None
        now = self._clock()
        if now - session.last_used > self.idle or now - session.started > self.lifetime:
            del self._sessions[key]
            return None
        session = self._sessions[key] = replace(session, last_used=now)
        return session

    def end(self, session_id: str | None) -> None:
        if session_id:
            self._sessions.pop(_key(session_id), None)

    def __len__(self) -> int:
        return len(self._sessions)


def console_sessions(request: Request) -> ConsoleSessions | None:
    """The application's sessions (None when the console is not installed)."""
    return getattr(request.app.state, "console_sessions", None)


def is_tls(request: Request) -> bool:
    """Whether the browser reached us over TLS: the request's scheme, which uvicorn takes
    from nginx's X-Forwarded-Proto when nginx is a trusted proxy (docs/deployment.md)."""
    return request.url.scheme in ("https", "wss")


def check_same_origin(request: Request) -> None:
    """Refuse a request whose Origin header is missing or names another site."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin is None:
        raise Forbidden("cross-site request check: the request has no Origin header")
    if origin != own:
        raise Forbidden(f"cross-site request refused: Origin {origin!r} is not {own!r}")


def check_console_request(request: Request) -> Session:
    """The session of a request authenticated by the console's cookie: for a request that
    changes state, with the session's CSRF token in its header and this server as its Origin."""
    sessions = console_sessions(request)
    session_id = request.cookies.get(COOKIE)
    if sessions is None or session_id is None:
        raise Forbidden("this needs the admin token")
    session = sessions.use(session_id)
    if session is None:
        raise Forbidden("the console session has ended (logged out or expired): log in again")
    if request.method not in _SAFE:
        check_same_origin(request)
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            raise Forbidden(f"CSRF check: the {CSRF_HEADER} header is missing")
        if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            raise Forbidden(f"CSRF check: the {CSRF_HEADER} header is not this session's token")
    return session
