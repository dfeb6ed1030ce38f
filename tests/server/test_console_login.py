"""The console's login (openballot.server.routes.console, server.console_session): the session
cookie's flags, CSRF and Origin checks on every change, wrong tokens, logout and expiry; and
the admin's calls made with the session go through the same API as with the bearer token."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from openballot.server.console_session import COOKIE, ConsoleSessions
from openballot.server.rate_limit import FailureLimiter

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from fastapi.testclient import TestClient

ADMIN_TOKEN = "test-admin-token"
HERE = "http://testserver"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Origin": HERE}
LIMIT = 5


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def console(sqlite_url: str, tmp_path: Path) -> Any:
    """A board whose app has console sessions on a clock, and a client maker."""
    from openballot.board.signing import BoardKey
    from openballot.board.store import BoardStore
    from openballot.server.app import create_app
    from openballot.server.service import Board

    clock = Clock()
    board = Board(BoardStore(sqlite_url), BoardKey.load_or_create(tmp_path / "board.key"))
    app = create_app(board, ADMIN_TOKEN, failures=FailureLimiter(LIMIT, clock=clock))
    sessions = ConsoleSessions(idle=600, lifetime=3600, clock=clock)
    app.state.console_sessions = sessions  # in place of create_app's, on a clock

    def client(base_url: str = HERE, address: str = "10.0.0.1") -> TestClient:
        return TestClient(
            app, base_url=base_url, raise_server_exceptions=False, client=(address, 40000)
        )

    yield board, clock, client, app
    board.store.close()


def set_cookie(r: Any) -> str:
    cookies = r.headers.get_list("set-cookie")
    assert len(cookies) == 1, cookies
    return str(cookies[0])


def login(c: TestClient, token: str = ADMIN_TOKEN, origin: str = HERE) -> Any:
    headers = {**FORM, "Origin": origin}
    return c.post("/api/console/login", content=f"token={token}", headers=headers)


def body(ceremony: Any) -> dict[str, Any]:
    return {"manifest": ceremony.manifest.to_json(), "trustees": 3, "threshold": 2}


def changes(csrf: str | None, origin: str | None = HERE) -> dict[str, str]:
    h = {}
    if csrf is not None:
        h["X-CSRF-Token"] = csrf
    if origin is not None:
        h["Origin"] = origin
    return h


# --- the cookie ---------------------------------------------------------------------------


def test_login_sets_an_httponly_samesite_strict_cookie_holding_no_token(console: Any) -> None:
    _, _, client, _ = console
    c = client()
    r = login(c)
    assert r.status_code == 200, r.text
    cookie = set_cookie(r)
    flags = [f.strip().lower() for f in cookie.split(";")]
    name, value = cookie.split(";")[0].split("=", 1)
    assert name == COOKIE
    assert ADMIN_TOKEN not in cookie and len(value) >= 40
    assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags
    assert "secure" not in flags  # plain http: a Secure cookie would never come back
    assert r.json()["csrf"] and r.json()["csrf"] != value and ADMIN_TOKEN not in r.text
    assert r.headers["cache-control"] == "no-store"


def test_over_tls_the_cookie_is_secure(console: Any) -> None:
    _, _, client, _ = console
    r = login(client("https://testserver"), origin="https://testserver")
    assert r.status_code == 200, r.text
    assert "secure" in [f.strip().lower() for f in set_cookie(r).split(";")]


def test_behind_nginx_the_cookie_is_secure(console: Any) -> None:
    """nginx terminates TLS and says so in X-Forwarded-Proto; uvicorn (proxy headers on, as
    `openballot serve` runs it) trusts that only from 127.0.0.1."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    _, _, _, app = console
    proxied = ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1")
    headers = {**FORM, "Origin": "https://vote.example", "Host": "vote.example",
               "X-Forwarded-Proto": "https"}

    def from_(address: str) -> Any:
        c = TestClient(proxied, client=(address, 40000), raise_server_exceptions=False)
        return c.post("/api/console/login", content=f"token={ADMIN_TOKEN}", headers=headers)

    r = from_("127.0.0.1")
    assert r.status_code == 200, r.text
    assert "secure" in [f.strip().lower() for f in set_cookie(r).split(";")]
    # A client that is not the proxy cannot claim TLS: its Origin is then not ours either.
    r = from_("192.0.2.9")
    assert r.status_code == 403 and "set-cookie" not in r.headers


def test_a_wrong_token_sets_no_cookie_and_counts_as_a_failure(console: Any) -> None:
    board, _, client, _ = console
    c = client(address="192.0.2.7")
    for _ in range(LIMIT):
        r = login(c, "not-the-token")
        assert r.status_code == 403 and "set-cookie" not in r.headers
        assert r.json()["detail"] == "this is not the admin token"
    r = login(c)  # even the right one, now: the address is limited
    assert r.status_code == 429 and "set-cookie" not in r.headers
    assert login(client(address="10.0.0.2")).status_code == 200  # another address is not


@pytest.mark.parametrize(
    "content, kind, words",
    [
        ("token=", "application/json", "must be a form"),
        ('{"token": "x"}', "application/json", "must be a form"),
        ("token=a&token=b", "application/x-www-form-urlencoded", "exactly one field"),
        ("token=a&extra=b", "application/x-www-form-urlencoded", "exactly one field"),
        ("tok\xe9n=a", "application/x-www-form-urlencoded; charset=latin-1", "ASCII"),
        ("", "application/x-www-form-urlencoded", "form"),
    ],
)
def test_a_malformed_login_form_is_a_400(
    console: Any, content: str, kind: str, words: str, kit: Any
) -> None:
    _, _, client, _ = console
    r = client().post(
        "/api/console/login", content=content.encode("latin-1"),
        headers={"Content-Type": kind, "Origin": HERE},
    )
    kit.is_problem(r, 400, words)
    assert "set-cookie" not in r.headers


def test_login_from_another_site_is_refused(console: Any, kit: Any) -> None:
    _, _, client, _ = console
    kit.is_problem(login(client(), origin="https://evil.example"), 403, "cross-site")
    r = client().post("/api/console/login", content=f"token={ADMIN_TOKEN}",
                      headers={"Content-Type": FORM["Content-Type"]})
    kit.is_problem(r, 403, "no Origin")


# --- CSRF ---------------------------------------------------------------------------------


def logged_in(client: Any) -> tuple[TestClient, str]:
    c = client()
    r = login(c)
    assert r.status_code == 200
    return c, str(r.json()["csrf"])


@pytest.mark.parametrize(
    "headers, words",
    [
        ({"Origin": HERE}, "header is missing"),
        ({"Origin": HERE, "X-CSRF-Token": "guessed"}, "not this session's token"),
        ({"X-CSRF-Token": None}, "no Origin header"),
        ({"Origin": "https://evil.example", "X-CSRF-Token": None}, "cross-site request refused"),
        ({"Origin": "http://testserver:8080", "X-CSRF-Token": None}, "cross-site request refused"),
    ],
)
def test_a_change_without_the_csrf_header_or_from_another_origin_is_refused(
    console: Any, ceremony: Any, headers: dict[str, str | None], words: str, kit: Any
) -> None:
    board, _, client, _ = console
    c, csrf = logged_in(client)
    sent = {k: (csrf if v is None else v) for k, v in headers.items()}
    kit.is_problem(c.post("/api/elections", json=body(ceremony), headers=sent), 403, words)
    kit.is_problem(c.post("/api/manifests/check", json=body(ceremony), headers=sent), 403, words)
    assert board.elections == {}  # nothing created
    # ... and with the header and our Origin, the same call goes through the same API.
    r = c.post("/api/elections", json=body(ceremony), headers=changes(csrf))
    assert r.status_code == 201, r.text
    assert set(r.json()["tokens"]) == {"credential-authority", "trustee-1", "trustee-2",
                                       "trustee-3"}


def test_the_csrf_token_of_one_session_does_not_serve_another(console: Any, ceremony: Any) -> None:
    board, _, client, _ = console
    _, first = logged_in(client)
    c, _ = logged_in(client)
    assert c.post("/api/elections", json=body(ceremony), headers=changes(first)).status_code == 403
    assert board.elections == {}


def test_without_cookie_or_bearer_the_admin_calls_are_refused(console: Any, ceremony: Any) -> None:
    board, _, client, _ = console
    _, csrf = logged_in(client)
    r = client().post("/api/elections", json=body(ceremony), headers=changes(csrf))
    assert r.status_code == 403 and r.json()["detail"] == "this needs the admin token"
    assert board.elections == {}


def test_a_wrong_bearer_token_is_refused_even_with_a_session(console: Any, ceremony: Any) -> None:
    c, csrf = logged_in(console[2])
    headers = {**changes(csrf), "Authorization": "Bearer wrong"}
    assert c.post("/api/elections", json=body(ceremony), headers=headers).status_code == 403


def test_the_bearer_token_needs_no_csrf_header(console: Any, ceremony: Any) -> None:
    """The CLI's way: a browser never sends a bearer token by itself."""
    _, _, client, _ = console
    r = client().post("/api/elections", json=body(ceremony),
                      headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert r.status_code == 201, r.text


# --- session, logout, expiry ---------------------------------------------------------------


def test_the_page_reads_its_csrf_token_from_the_session(console: Any) -> None:
    c, csrf = logged_in(console[2])
    r = c.get("/api/console/session")
    assert r.status_code == 200 and r.json()["csrf"] == csrf
    assert r.json()["idle_seconds"] == 600
    assert console[2]().get("/api/console/session").status_code == 403  # no cookie


def test_logout_ends_the_session_and_clears_the_cookie(console: Any, ceremony: Any) -> None:
    board, _, client, _ = console
    c, csrf = logged_in(client)
    old = c.cookies.get(COOKIE)
    assert c.post("/api/console/logout", headers={"Origin": HERE}).status_code == 403  # CSRF
    r = c.post("/api/console/logout", headers=changes(csrf))
    assert r.status_code == 204
    cookie = set_cookie(r).lower()
    assert cookie.startswith(f"{COOKIE}=") and "max-age=0" in cookie
    # The old cookie, replayed, is dead on the server.
    again = client()
    again.cookies.set(COOKIE, old)
    r = again.post("/api/elections", json=body(ceremony), headers=changes(csrf))
    assert r.status_code == 403 and "session has ended" in r.json()["detail"]
    assert board.elections == {}


def test_a_session_expires_when_idle_and_after_its_lifetime(console: Any) -> None:
    _, clock, client, _ = console
    c, _ = logged_in(client)
    clock.now += 599
    assert c.get("/api/console/session").status_code == 200  # restarts the idle clock
    clock.now += 599
    assert c.get("/api/console/session").status_code == 200
    clock.now += 601
    r = c.get("/api/console/session")
    assert r.status_code == 403 and "expired" in r.json()["detail"]
    c, _ = logged_in(client)
    for _ in range(7):  # used every 9 minutes, but 63 minutes in all
        clock.now += 540
    assert c.get("/api/console/session").status_code == 403


def test_sessions_in_memory_are_bounded() -> None:
    sessions = ConsoleSessions(max_sessions=3)
    ids = [sessions.start()[0] for _ in range(5)]
    assert len(sessions) == 3
    assert sessions.use(ids[0]) is None and sessions.use(ids[4]) is not None
    with pytest.raises(ValueError):
        ConsoleSessions(idle=0)


# --- the page ------------------------------------------------------------------------------


def test_the_console_page_cannot_be_framed(sqlite_url: str, tmp_path: Path) -> None:
    from openballot.board.signing import BoardKey
    from openballot.board.store import BoardStore
    from openballot.server.app import create_app
    from openballot.server.service import Board

    web = tmp_path / "web"
    (web / "dist").mkdir(parents=True)
    (web / "console.html").write_text("<!doctype html><title>console</title>")
    (web / "dist" / "console.css").write_text("body{}")
    (web / "dist" / "console.js").write_text("export {}")
    board = Board(BoardStore(sqlite_url), BoardKey.load_or_create(tmp_path / "board.key"))
    c = TestClient(create_app(board, ADMIN_TOKEN, booth_dir=web), raise_server_exceptions=False)
    for path, kind in [("/console/", "text/html"), ("/console/console.css", "text/css"),
                       ("/console/console.js", "text/javascript")]:
        r = c.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert c.get("/console", follow_redirects=False).headers["location"] == "/console/"
    for missing in ("/console/console.js.map", "/console/../index.html", "/console/x"):
        assert c.get(missing).status_code == 404
    board.store.close()
