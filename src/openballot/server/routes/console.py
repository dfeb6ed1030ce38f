"""The election authority's web console: its page at /console/, and its login, session and
logout calls under /api/console/.

The console's script calls the same /api/... endpoints as the CLI; the only thing added here is
how the admin is recognised: a login with the admin token starts a server-side session named by
an HttpOnly, SameSite=Strict cookie (Secure over TLS), and deps.require_admin accepts that
cookie with the session's CSRF header (see openballot.server.console_session).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from openballot.errors import DecodeError
from openballot.server.console_session import (
    COOKIE,
    ConsoleSessions,
    check_console_request,
    check_same_origin,
    console_sessions,
    is_tls,
)
from openballot.server.problems import PROBLEM_RESPONSES
from openballot.server.routes.deps import is_admin_token
from openballot.server.service import Forbidden, NotFound

__all__ = ["install_console", "router"]

router = APIRouter(prefix="/api/console", tags=["console"])

#: A form of one token is far below this; the body is read whole before the check.
_MAX_LOGIN_BODY = 4096
_FORM = "application/x-www-form-urlencoded"
# The page can be framed by nobody (clickjacking) and reached from no other site's link
# with its referrer; its own CSP (script-src 'self') is in its <meta>, as the booth's.
_PAGE_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _sessions(request: Request) -> ConsoleSessions:
    sessions = console_sessions(request)
    if sessions is None:  # pragma: no cover - the router is installed with its sessions
        raise Forbidden("the console is not installed on this server")
    return sessions


def _session_answer(request: Request, csrf: str) -> dict[str, Any]:
    sessions = _sessions(request)
    return {"csrf": csrf, "idle_seconds": int(sessions.idle)}


async def _login_token(request: Request) -> str:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != _FORM:
        raise DecodeError(f"login: the body must be a form ({_FORM}), not {kind or 'nothing'}")
    body = await request.body()
    if len(body) > _MAX_LOGIN_BODY:
        raise DecodeError(f"login: the form is over {_MAX_LOGIN_BODY} bytes")
    try:
        fields = parse_qs(body.decode("ascii"), strict_parsing=True, max_num_fields=4)
    except (UnicodeDecodeError, ValueError):
        raise DecodeError("login: the form is not url-encoded ASCII") from None
    tokens = fields.get("token", [])
    if len(tokens) != 1 or set(fields) != {"token"}:
        raise DecodeError("login: the form must have exactly one field, token")
    return tokens[0].strip()


@router.post("/login")
async def login(request: Request, response: Response) -> dict[str, Any]:
    """Log in with the admin token (a form field `token`): sets the session cookie and
    answers the session's CSRF token. A wrong token is a 403 and sets nothing; it counts as
    a failure of the client address (the failure rate limit)."""
    check_same_origin(request)  # login CSRF: another site cannot log a browser in
    token = await _login_token(request)
    if not is_admin_token(request, token):
        raise Forbidden("this is not the admin token")
    sessions = _sessions(request)
    sessions.end(request.cookies.get(COOKIE))
    session_id, session = sessions.start()
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=int(sessions.lifetime),
        path="/",
        secure=is_tls(request),
        httponly=True,
        samesite="strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return _session_answer(request, session.csrf)


@router.get("/session")
def session(request: Request, response: Response) -> dict[str, Any]:
    """The current session's CSRF token (a 403 without a live session). A page of another
    site cannot read this answer: the browser does not send it the cookie, and CORS hides it."""
    live = check_console_request(request)
    response.headers["Cache-Control"] = "no-store"
    return _session_answer(request, live.csrf)


@router.post("/logout", status_code=204)
def logout(request: Request) -> Response:
    """End the session (with its CSRF header, as every change) and clear the cookie."""
    check_console_request(request)
    _sessions(request).end(request.cookies.get(COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(
        COOKIE, path="/", secure=is_tls(request), httponly=True, samesite="strict"
    )
    return response


def install_console(app: FastAPI, web_dir: Path | None) -> None:
    """The console's calls always; its page from `web_dir` (web/, built) when given. The
    sessions are `app.state.console_sessions` (tests put one on a clock there)."""
    app.state.console_sessions = ConsoleSessions()
    app.include_router(router, responses=PROBLEM_RESPONSES)
    if web_dir is None:
        return
    files = {
        "": (web_dir / "console.html", "text/html; charset=utf-8"),
        "console.css": (web_dir / "dist" / "console.css", "text/css; charset=utf-8"),
        "console.js": (web_dir / "dist" / "console.js", "text/javascript; charset=utf-8"),
        "console.js.map": (web_dir / "dist" / "console.js.map", "application/json"),
    }

    @app.get("/console/{name:path}", include_in_schema=False)
    def console_file(name: str) -> FileResponse:
        if name not in files or not files[name][0].is_file():
            raise NotFound(f"no console file {name!r}")
        path, media_type = files[name]
        return FileResponse(path, media_type=media_type, headers=_PAGE_HEADERS)

    @app.get("/console", include_in_schema=False)
    def console_root() -> RedirectResponse:
        return RedirectResponse("/console/")
