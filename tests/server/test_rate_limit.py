"""Per-client limits on failed submissions (openballot.server.rate_limit): 429 as a problem
detail with Retry-After, per address, in a sliding window on an injected clock."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from openballot.server.rate_limit import FailureLimiter

ADMIN_TOKEN = "test-admin-token"  # the token the ElectionOnBoard of conftest.py sends

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from fastapi.testclient import TestClient

LIMIT = 5
TOO_MANY = "https://openballot.example/problems/too-many-failures"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limited(sqlite_url: str, tmp_path: Path, make_election: Any) -> Any:
    """An open election on a board whose failures are limited to LIMIT a minute, a clock,
    and a client factory for any address."""
    from openballot.board.signing import BoardKey
    from openballot.board.store import BoardStore
    from openballot.server.app import create_app
    from openballot.server.service import Board

    clock = Clock()
    board = Board(BoardStore(sqlite_url), BoardKey.load_or_create(tmp_path / "board.key"))
    app = create_app(board, ADMIN_TOKEN, failures=FailureLimiter(LIMIT, clock=clock))

    def client(address: str) -> Any:
        return TestClient(app, raise_server_exceptions=False, client=(address, 40000))

    e = make_election(client=client("10.0.0.1"), board=board)
    yield e, clock, client
    board.store.close()


def forged(e: Any, voter: int = 0) -> dict[str, Any]:
    ballot, _ = e.ceremony.ballot(voter)
    value = ballot.to_json()
    value["signature"]["response"] = value["signature"]["challenge"]
    return {"ballot": value}


def fail(client: Any, e: Any, times: int) -> None:
    for _ in range(times):
        assert client.post(e.path("/ballots"), json=forged(e)).status_code == 422


def test_failed_casts_from_one_address_get_429_with_a_problem_detail(limited: Any) -> None:
    e, clock, client = limited
    attacker = client("192.0.2.7")
    fail(attacker, e, LIMIT)
    clock.now += 10
    ballot, _ = e.ceremony.ballot(0)
    r = attacker.post(e.path("/ballots"), json={"ballot": ballot.to_json()})  # even an honest one
    assert r.status_code == 429
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["type"] == TOO_MANY and body["status"] == 429 and body["title"]
    assert "too many refused requests" in body["detail"]
    assert r.headers["Retry-After"] == "50"  # the oldest failure leaves the window in 50 s
    # Reads are never limited.
    assert attacker.get(e.path()).status_code == 200


def test_another_address_is_unaffected(limited: Any) -> None:
    e, _, client = limited
    fail(client("192.0.2.7"), e, LIMIT)
    assert client("192.0.2.7").post(e.path("/ballots"), json=forged(e)).status_code == 429
    honest = client("198.51.100.1")
    ballot, _ = e.ceremony.ballot(1)
    assert honest.post(e.path("/ballots"), json={"ballot": ballot.to_json()}).status_code == 201
    assert honest.post(e.path("/ballots"), json=forged(e)).status_code == 422


def test_after_the_window_an_address_may_submit_again(limited: Any) -> None:
    e, clock, client = limited
    attacker = client("192.0.2.7")
    fail(attacker, e, 1)
    clock.now += 30
    fail(attacker, e, LIMIT - 1)
    clock.now += 29.5
    r = attacker.post(e.path("/ballots"), json=forged(e))
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    clock.now += 1  # the first failure left the window (a sliding one): one more is allowed
    fail(attacker, e, 1)
    assert attacker.post(e.path("/ballots"), json=forged(e)).status_code == 429
    clock.now += 60  # all of them left it
    fail(attacker, e, LIMIT)


def test_successes_and_replays_do_not_count(limited: Any) -> None:
    e, _, client = limited
    voter = client("192.0.2.8")
    fail(voter, e, LIMIT - 1)
    ballot, _ = e.ceremony.ballot(2)
    for _ in range(2 * LIMIT):  # a cast, then its replays (200): never failures
        r = voter.post(e.path("/ballots"), json={"ballot": ballot.to_json()})
        assert r.status_code in (200, 201)
    fail(voter, e, 1)
    assert voter.post(e.path("/ballots"), json=forged(e)).status_code == 429


def test_bad_tokens_count_as_failures(limited: Any) -> None:
    e, _, client = limited
    guesser = client("192.0.2.9")
    for _ in range(LIMIT):
        r = guesser.post(e.path("/open"), headers={"Authorization": "Bearer guess"})
        assert r.status_code == 403
    r = guesser.post(e.path("/open"), headers={"Authorization": "Bearer guess"})
    assert r.status_code == 429


def test_memory_is_bounded_by_the_number_of_addresses() -> None:
    clock = Clock()
    limiter = FailureLimiter(3, max_clients=100, clock=clock)
    for i in range(1000):
        limiter.failed(f"10.1.{i // 256}.{i % 256}")
    assert limiter.clients() == 100
    # The most recent stay remembered; the oldest were forgotten first.
    for _ in range(2):
        limiter.failed("10.1.3.231")
    assert limiter.retry_after("10.1.3.231") == 60
    assert limiter.retry_after("10.1.0.0") is None
    clock.now += 60
    assert limiter.retry_after("10.1.3.231") is None


def test_behind_nginx_the_address_is_the_one_nginx_saw(limited: Any) -> None:
    """`serve` runs uvicorn with its proxy headers on (trusted from loopback): the limit applies
    to the address nginx appends to X-Forwarded-For, not to nginx's own nor to one the client
    wrote into the header itself."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    e, _, client = limited
    proxied = ProxyHeadersMiddleware(client("127.0.0.1").app, trusted_hosts="127.0.0.1,::1")
    nginx = TestClient(proxied, raise_server_exceptions=False, client=("127.0.0.1", 40000))

    def via_nginx(seen: str, claimed: str = "203.0.113.5") -> Any:
        forwarded = {"X-Forwarded-For": f"{claimed}, {seen}"}  # $proxy_add_x_forwarded_for
        return nginx.post(e.path("/ballots"), json=forged(e), headers=forwarded)

    for _ in range(LIMIT):
        assert via_nginx("192.0.2.7").status_code == 422
    assert via_nginx("192.0.2.7", claimed="198.51.100.9").status_code == 429
    assert via_nginx("192.0.2.8").status_code == 422  # another voter behind the same nginx
