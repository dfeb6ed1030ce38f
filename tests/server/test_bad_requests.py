"""Every kind of bad request gets a 4xx problem detail (RFC 9457) that says what is wrong, and
changes nothing on the board; no request makes the server answer 5xx."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openballot.crypto.group import IDENTITY, L, Scalar, g_pow
from openballot.election.ballot import encrypt_ballot
from openballot.election.credentials import credential_secret, new_code

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def unchanged(e: Any) -> Iterator[None]:
    """The board of `e` holds exactly the same before and after the block."""
    before = e.snapshot()
    yield
    assert e.snapshot() == before


def rejected(kit: Any, e: Any, send: Callable[[], httpx.Response], status: int, *words: str) -> str:
    with unchanged(e):
        r = send()
        detail = kit.is_problem(r, status, *words)
    return detail


def cast_raw(e: Any, body: bytes, **headers: str) -> Callable[[], httpx.Response]:
    return lambda: e.client.post(
        e.path("/ballots"), content=body, headers={"content-type": "application/json", **headers}
    )


def cast_json(e: Any, value: Any) -> Callable[[], httpx.Response]:
    return cast_raw(e, json.dumps(value).encode())


def valid_ballot(e: Any, voter: int = 0) -> dict[str, Any]:
    ballot, _ = e.ceremony.ballot(voter)
    return ballot.to_json()


# --- bodies that are not what they should be ----------------------------------------------------


@pytest.mark.parametrize(
    "body, words",
    [
        (b"{not json", ["request body", "not valid JSON"]),
        (b"", ["not valid JSON"]),
        (b'{"ballot": {}', ["not valid JSON"]),
        (b"\xff\xfe\x00garbage", ["not valid JSON"]),
        (b'{"ballot": 1, "ballot": 2}', ["'ballot' appears twice"]),
        (b"[" * 100_000 + b"]" * 100_000, ["not valid JSON"]),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, ["not valid JSON"]),
    ],
    ids=["malformed", "empty", "truncated", "not-utf8", "duplicate-key", "deep-list", "deep-obj"],
)
def test_a_body_that_is_not_json(kit: Any, sqlite_election: Any, body: bytes, words: list[str]):
    rejected(kit, sqlite_election, cast_raw(sqlite_election, body), 400, *words)


@pytest.mark.parametrize("value", [[1, 2], "ballot", None, 42, True, 1.5])
def test_json_that_is_not_an_object(kit: Any, sqlite_election: Any, value: Any):
    rejected(kit, sqlite_election, cast_json(sqlite_election, value), 400, "expected an object")


def test_nested_too_deeply_anywhere(kit: Any, sqlite_election: Any):
    e = sqlite_election
    deep = b"[" * 100_000 + b"]" * 100_000
    for path in ("/audits", "/credentials", "/trustees/1/key"):
        headers = {"content-type": "application/json"}
        if path == "/credentials":
            headers |= e.credential_authority()
        if path.startswith("/trustees"):
            headers |= e.trustee(1)
        send = lambda p=path, h=headers: e.client.post(e.path(p), content=deep, headers=h)  # noqa: E731
        rejected(kit, e, send, 400, "not valid JSON")
    send = lambda: e.client.post("/api/elections", content=deep, headers=kit.ADMIN)  # noqa: E731
    rejected(kit, e, send, 400, "not valid JSON")


# --- ballots that are not well formed -----------------------------------------------------------


def _set(value: dict[str, Any], path: list[Any], new: Any) -> dict[str, Any]:
    out = copy.deepcopy(value)
    o = out
    for k in path[:-1]:
        o = o[k]
    if new is _DELETE:
        del o[path[-1]]
    else:
        o[path[-1]] = new
    return out


_DELETE = object()
SEL = ["contests", 0, "selections", 0]
L_HEX = L.to_bytes(32, "little").hex()


@pytest.mark.parametrize(
    "path, new, words",
    [
        (["signature"], _DELETE, ["ballot: missing field 'signature'"]),
        (["contests"], _DELETE, ["missing field 'contests'"]),
        (["district"], _DELETE, ["missing field 'district'"]),
        ([*SEL, "alpha"], _DELETE, ["ballot.contests[0].selections[0].alpha", "hex string"]),
        (["district"], 7, ["ballot.district", "expected a string"]),
        (["contests"], {"president": []}, ["ballot.contests", "expected a list"]),
        ([*SEL, "option"], ["amal"], ["selections[0].option", "expected a string"]),
        ([*SEL, "beta"], 12345, ["selections[0].beta", "hex string"]),
        ([*SEL, "proof", "responses"], "00", ["proof.responses", "expected a list"]),
        (["election"], "ab" * 63, ["ballot.election", "128 lowercase hex"]),
        (["extra"], 1, ["unexpected field 'extra'"]),
        ([*SEL, "weight"], 2, ["selections[0]", "unexpected field 'weight'"]),
    ],
)
def test_a_ballot_with_missing_or_mistyped_fields(
    kit: Any, sqlite_election: Any, path: list[Any], new: Any, words: list[str]
):
    e = sqlite_election
    ballot = _set(valid_ballot(e), path, new)
    rejected(kit, e, cast_json(e, {"ballot": ballot}), 400, *words)


def test_a_body_without_a_ballot(kit: Any, sqlite_election: Any):
    e = sqlite_election
    rejected(kit, e, cast_json(e, {}), 400, "body: missing field 'ballot'")
    rejected(kit, e, cast_json(e, {"ballot": []}), 400, "ballot: expected an object")


def _upper(h: str) -> str:
    return h.upper() if h.upper() != h else "A" + h[1:].upper()


@pytest.mark.parametrize(
    "where, change, words",
    [
        ("alpha", _upper, ["selections[0].alpha", "64 lowercase hex"]),
        ("credential", _upper, ["ballot.credential", "64 lowercase hex"]),
        ("alpha", lambda h: h + "00", ["selections[0].alpha", "64 lowercase hex"]),
        ("alpha", lambda h: h[:-2], ["selections[0].alpha", "64 lowercase hex"]),
        ("alpha", lambda h: "zz" + h[2:], ["selections[0].alpha", "not hexadecimal"]),
        ("alpha", lambda h: " " + h[1:], ["selections[0].alpha", "not hexadecimal"]),
        ("response", lambda h: L_HEX, ["responses[0]", "not canonical"]),
        ("response", lambda h: "ff" * 32, ["responses[0]", "not canonical"]),
        ("signature", lambda h: L_HEX, ["signature.response", "not canonical"]),
    ],
)
def test_non_canonical_hex(kit: Any, sqlite_election: Any, where: str, change: Any, words: list):
    e = sqlite_election
    ballot = valid_ballot(e)
    path = {
        "alpha": [*SEL, "alpha"],
        "credential": ["credential"],
        "response": [*SEL, "proof", "responses", 0],
        "signature": ["signature", "response"],
    }[where]
    o = ballot
    for k in path:
        o = o[k]
    rejected(kit, e, cast_json(e, {"ballot": _set(ballot, path, change(o))}), 400, *words)


@pytest.mark.parametrize(
    "point, words",
    [
        ("ff" * 32, ["not a canonical ristretto255 encoding"]),
        ("ed" + "ff" * 30 + "7f", ["not a canonical ristretto255 encoding"]),  # >= p
        ("01" + "00" * 31, ["not a canonical ristretto255 encoding"]),
        (IDENTITY.hex(), ["is the identity element"]),
    ],
)
@pytest.mark.parametrize("field", ["alpha", "beta", "credential"])
def test_invalid_points(kit: Any, sqlite_election: Any, point: str, words: list, field: str):
    e = sqlite_election
    path = ["credential"] if field == "credential" else [*SEL, field]
    ballot = _set(valid_ballot(e), path, point)
    where = "ballot.credential" if field == "credential" else f"selections[0].{field}"
    rejected(kit, e, cast_json(e, {"ballot": ballot}), 400, where, *words)


# --- ballots that are well formed but must not be accepted --------------------------------------


def _scalar_plus_one(h: str) -> str:
    return (Scalar.from_hex(h) + Scalar(1)).hex()


@pytest.mark.parametrize(
    "path, words",
    [
        ([*SEL, "proof", "responses", 0], ["president", "amal", "0 or 1", "fails"]),
        ([*SEL, "proof", "challenges", 1], ["president", "amal", "0 or 1", "fails"]),
        (["contests", 1, "proof", "responses", 0], ["council-north", "fails"]),
        (["signature", "response"], ["credential signature fails"]),
        (["signature", "challenge"], ["credential signature fails"]),
    ],
)
def test_a_ballot_with_a_bad_proof(kit: Any, election_on_board: Any, path: list, words: list):
    e = election_on_board
    ballot = valid_ballot(e)
    o = ballot
    for k in path:
        o = o[k]
    bad = _set(ballot, path, _scalar_plus_one(o))
    if path[0] != "signature":
        bad = kit.signed_again(e, bad)
    rejected(kit, e, cast_json(e, {"ballot": bad}), 422, *words)
    # ... while the ballot as made is accepted.
    assert e.cast(ballot).status_code == 201


def test_swapped_ciphertexts_fail_their_proofs(kit: Any, sqlite_election: Any):
    e = sqlite_election
    ballot = valid_ballot(e)
    sels = ballot["contests"][0]["selections"]
    sels[0]["alpha"], sels[1]["alpha"] = sels[1]["alpha"], sels[0]["alpha"]
    rejected(kit, e, cast_json(e, {"ballot": kit.signed_again(e, ballot)}), 422, "proof", "fails")


def test_a_ballot_whose_credential_is_not_on_the_list(kit: Any, election_on_board: Any):
    e = election_on_board
    district = "north"
    stranger, _ = encrypt_ballot(
        e.ctx,
        district,
        credential_secret(e.election_id, new_code()),
        {"president": ["amal"], "council-north": ["n1"], "referendum": ["yes"]},
    )
    send = cast_json(e, {"ballot": stranger.to_json()})
    rejected(kit, e, send, 422, "credential is not on the credential list", "north")
    # A south voter's credential does not sign a north ballot either.
    voter = next(k for k, (d, _) in enumerate(e.voters) if d == "south")
    wrong, _ = encrypt_ballot(
        e.ctx,
        "north",
        credential_secret(e.election_id, e.voters[voter][1]),
        {"president": ["amal"], "council-north": ["n1"], "referendum": ["yes"]},
    )
    rejected(kit, e, cast_json(e, {"ballot": wrong.to_json()}), 422, "not on the credential list")


def test_a_ballot_for_another_election(kit: Any, sqlite_election: Any, make_election: Any):
    e = sqlite_election
    other_ceremony = kit.make_ceremony(kit.demo_manifest("other-2026"))
    other = make_election(ceremony_=other_ceremony, client=e.client, board=e.board)
    assert sorted(e.client.get("/api/board").json()["elections"]) == ["demo-2026", "other-2026"]
    theirs, _ = other_ceremony.ballot(0)
    with unchanged(other):
        rejected(kit, e, cast_json(e, {"ballot": theirs.to_json()}), 422, "another election")
    # ... and ours is not theirs.
    ours, _ = e.ceremony.ballot(0)
    with unchanged(e):
        rejected(kit, other, cast_json(other, {"ballot": ours.to_json()}), 422, "another election")
    assert other.cast(theirs).status_code == 201


@pytest.mark.parametrize(
    "district, words",
    [("south", ["wrong ballot style", "south"]), ("east", ["unknown district 'east'"])],
)
def test_a_ballot_of_the_wrong_style(kit: Any, sqlite_election: Any, district: str, words: list):
    e = sqlite_election
    ballot = valid_ballot(e, voter=0)  # a north voter
    assert ballot["district"] == "north"
    ballot["district"] = district
    rejected(kit, e, cast_json(e, {"ballot": ballot}), 422, *words)


def test_a_ballot_with_a_contest_left_out_or_an_option_dropped(kit: Any, sqlite_election: Any):
    e = sqlite_election
    ballot = valid_ballot(e)
    fewer = copy.deepcopy(ballot)
    del fewer["contests"][1]
    rejected(kit, e, cast_json(e, {"ballot": fewer}), 422, "wrong ballot style")
    dropped = copy.deepcopy(ballot)
    del dropped["contests"][0]["selections"][3]
    rejected(kit, e, cast_json(e, {"ballot": dropped}), 422, "expected options")


def test_replays(kit: Any, election_on_board: Any):
    e = election_on_board
    challenged, opening = e.ceremony.ballot(1)
    assert e.audit(challenged, opening).status_code == 201
    send = cast_json(e, {"ballot": challenged.to_json()})
    rejected(kit, e, send, 409, "was audited and can never be cast", challenged.tracker().hex())
    # Auditing it again, or auditing a ballot that was cast, is refused too.
    rejected(kit, e, lambda: e.audit(challenged, opening), 409, "already on the ballot log")
    cast, cast_opening = e.ceremony.ballot(2)
    assert e.cast(cast).status_code == 201
    rejected(kit, e, lambda: e.audit(cast, cast_opening), 409, "already on the ballot log")


def test_an_audit_whose_opening_does_not_match(kit: Any, sqlite_election: Any):
    e = sqlite_election
    ballot, opening = e.ceremony.ballot(0)
    _, other_opening = e.ceremony.ballot(0)
    body = {"ballot": ballot.to_json(), "opening": other_opening.to_json()}
    send = lambda: e.client.post(e.path("/audits"), json=body)  # noqa: E731
    rejected(kit, e, send, 422, "audit opening does not match")
    body = {"ballot": ballot.to_json(), "opening": opening.to_json()[:1]}
    rejected(kit, e, send, 422, "audit opening has 1 contests")
    body = {"ballot": ballot.to_json()}
    rejected(kit, e, send, 400, "missing field 'opening'")


def test_cast_before_open_and_after_close(kit: Any, database_url: str, make_election: Any):
    e = make_election(database_url, open_=False)
    ballot, opening = e.ceremony.ballot(0)
    rejected(kit, e, cast_json(e, {"ballot": ballot.to_json()}), 409, "not open")
    rejected(kit, e, lambda: e.audit(ballot, opening), 409, "not open")
    assert e.open().status_code == 201
    assert e.cast(ballot).status_code == 201
    assert e.close().status_code == 201
    late, late_opening = e.ceremony.ballot(1)
    rejected(kit, e, cast_json(e, {"ballot": late.to_json()}), 409, "closed")
    rejected(kit, e, lambda: e.audit(late, late_opening), 409, "closed")
    rejected(kit, e, e.open, 409, "election is open")
    rejected(kit, e, e.close, 409, "closed")


# --- bodies that are too large ------------------------------------------------------------------


def test_an_oversized_body(kit: Any, sqlite_election: Any):
    e = sqlite_election
    big = b'{"ballot": "' + b"x" * (1 << 20) + b'"}'
    send = cast_raw(e, big)
    assert len(big) > 1 << 20
    rejected(kit, e, send, 413, "larger than 1048576 bytes")

    def chunks() -> Iterator[bytes]:
        yield b'{"ballot": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    def streamed() -> httpx.Response:
        r = e.client.post(
            e.path("/ballots"), content=chunks(), headers={"content-type": "application/json"}
        )
        assert "content-length" not in r.request.headers
        return r

    rejected(kit, e, streamed, 413, "larger than 1048576 bytes")
    # Just under the limit is read (and refused for what it is, not for its size).
    fits = b'{"ballot": "' + b"x" * ((1 << 20) - 20) + b'"}'
    rejected(kit, e, cast_raw(e, fits), 400, "ballot: expected an object")


@pytest.mark.slow
def test_an_oversized_chunked_body_to_a_real_server(kit: Any, server_process: Any, sqlite_url):
    server = server_process(sqlite_url)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        e = kit.ElectionOnBoard(client, kit.make_ceremony()).setup()

        def chunks() -> Iterator[bytes]:
            for _ in range(40):
                yield b"x" * 65536

        def streamed() -> httpx.Response:
            r = client.post(e.path("/ballots"), content=chunks())
            assert r.request.headers["transfer-encoding"] == "chunked"
            return r

        rejected(kit, e, streamed, 413, "larger than 1048576 bytes")
        send = lambda: client.post(e.path("/audits"), content=b"[" * (2 << 20))  # noqa: E731
        rejected(kit, e, send, 413, "larger than")
        assert client.get("/api/board").status_code == 200  # still serving
    assert "Traceback" not in server.errors()


# --- who may do what ----------------------------------------------------------------------------


def test_admin_calls_need_the_admin_token(kit: Any, sqlite_election: Any):
    e = sqlite_election
    manifest = kit.demo_manifest("another-2026").to_json()
    body = {"manifest": manifest, "trustees": 3, "threshold": 2}
    bad_headers: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": kit.ADMIN_TOKEN},
        {"Authorization": f"Basic {kit.ADMIN_TOKEN}"},
        {"Authorization": f"bearer {kit.ADMIN_TOKEN}"},
        e.trustee(1),
        e.credential_authority(),
    ]
    for h in bad_headers:
        create = lambda h=h: e.client.post("/api/elections", json=body, headers=h)  # noqa: E731
        rejected(kit, e, create, 403, "admin token")
        for step in ("/open", "/close", "/result"):
            send = lambda s=step, h=h: e.client.post(e.path(s), headers=h)  # noqa: E731
            rejected(kit, e, send, 403, "admin token")


def test_a_token_that_is_not_ascii_is_refused(kit: Any, sqlite_election: Any):
    """Header values are bytes: one outside ASCII is a wrong token like any other."""
    e = sqlite_election
    for value in (b"Bearer \xc3\xa9", b"Bearer " + kit.ADMIN_TOKEN.encode() + b"\xff"):
        headers = {"Authorization": value}
        for step in ("/open", "/close", "/result"):
            send = lambda s=step, h=headers: e.client.post(e.path(s), headers=h)  # noqa: E731
            rejected(kit, e, send, 403, "admin token")
        send = lambda h=headers: e.client.post(  # noqa: E731
            e.path("/trustees/1/decryption"), json={}, headers=h
        )
        rejected(kit, e, send, 403, "trustee-1 token")


def test_role_tokens_are_per_role(kit: Any, make_election: Any, sqlite_url: str):
    e = make_election(sqlite_url, open_=False)
    for step in ("key", "shares", "verdict", "decryption"):
        for own, used in ((1, 2), (2, 3), (3, 1)):
            send = lambda s=step, o=own, u=used: e.client.post(  # noqa: E731
                e.path(f"/trustees/{o}/{s}"), json={}, headers=e.trustee(u)
            )
            rejected(kit, e, send, 403, f"trustee-{own} token")
        for headers in ({}, e.credential_authority(), kit.ADMIN):
            send = lambda s=step, h=headers: e.client.post(  # noqa: E731
                e.path(f"/trustees/1/{s}"), json={}, headers=h
            )
            rejected(kit, e, send, 403, "trustee-1 token")
        send = lambda s=step: e.client.post(  # noqa: E731
            e.path(f"/trustees/4/{s}"), json={}, headers=e.trustee(1)
        )
        rejected(kit, e, send, 403, "trustee-4 token")
    for headers in ({}, e.trustee(1), kit.ADMIN):
        send = lambda h=headers: e.client.post(  # noqa: E731
            e.path("/credentials"), json=e.ceremony.credentials.to_json(), headers=h
        )
        rejected(kit, e, send, 403, "credential-authority token")
    # Another election's token opens nothing here.
    other = kit.ElectionOnBoard(e.client, kit.make_ceremony(kit.demo_manifest("x-2026")), e.board)
    assert other.create().status_code == 201
    send = lambda: e.client.post(  # noqa: E731
        e.path("/trustees/1/key"), json={}, headers=other.trustee(1)
    )
    rejected(kit, e, send, 403, "trustee-1 token")


def test_an_unknown_election(kit: Any, sqlite_election: Any):
    e = sqlite_election
    ballot = valid_ballot(e)
    requests = [
        ("GET", "", None, {}),
        ("GET", "/ceremony", None, {}),
        ("GET", "/tally", None, {}),
        ("GET", "/result", None, {}),
        ("GET", "/board/entries", None, {}),
        ("GET", "/board/tree-head", None, {}),
        ("GET", "/board/tree-heads", None, {}),
        ("GET", "/board/inclusion?index=0&size=1", None, {}),
        ("GET", "/board/consistency?first=1&second=1", None, {}),
        ("GET", f"/credentials/{'00' * 32}", None, {}),
        ("POST", "/ballots", {"ballot": ballot}, {}),
        ("POST", "/audits", {"ballot": ballot, "opening": []}, {}),
        ("POST", "/open", None, kit.ADMIN),
        ("POST", "/close", None, kit.ADMIN),
        ("POST", "/result", None, kit.ADMIN),
        ("POST", "/trustees/1/key", {}, e.trustee(1)),
        ("POST", "/credentials", {}, e.credential_authority()),
    ]
    for method, rest, body, headers in requests:
        send = lambda m=method, r=rest, b=body, h=headers: e.client.request(  # noqa: E731
            m, f"/api/elections/no-such-election{r}", json=b, headers=h
        )
        rejected(kit, e, send, 404, "no election 'no-such-election'")


def test_unknown_routes_methods_and_queries(kit: Any, sqlite_election: Any):
    e = sqlite_election
    rejected(kit, e, lambda: e.client.get("/api/nothing"), 404)
    rejected(kit, e, lambda: e.client.delete(e.path("/ballots")), 405)
    rejected(kit, e, lambda: e.client.get(e.path("/ballots")), 405)
    for query, words in [
        ("/board/inclusion?index=x&size=1", ["index"]),
        ("/board/inclusion?size=1", ["index"]),
        ("/board/inclusion?index=-1&size=1", ["index"]),
        ("/board/tree-head?size=0", ["size"]),
        ("/board/tree-heads?limit=1001", ["limit"]),
        ("/board/entries?start=-1", ["start"]),
        ("/board/consistency?first=0&second=1", ["first"]),
    ]:
        rejected(kit, e, lambda q=query: e.client.get(e.path(q)), 400, *words)
    size = e.snapshot()["head_size"]
    for query in (
        f"/board/inclusion?index={size}&size={size}",
        f"/board/inclusion?index=0&size={size + 1}",
        f"/board/consistency?first=2&second={size + 1}",
        "/board/consistency?first=3&second=2",
        f"/board/tree-head?size={size + 1}",
        f"/credentials/{'00' * 32}",
        "/tally",
        "/result",
    ):
        rejected(kit, e, lambda q=query: e.client.get(e.path(q)), 404)
    rejected(kit, e, lambda: e.client.get(e.path("/credentials/xyz")), 400, "credential")


@pytest.mark.parametrize(
    "query",
    [
        "/board/tree-head?size={big}",
        "/board/tree-heads?start={big}",
        "/board/entries?start={big}",
        "/board/inclusion?index=0&size={big}",
        "/board/consistency?first=1&second={big}",
    ],
)
@pytest.mark.parametrize("big", [2**63, 10**30])
def test_query_numbers_beyond_64_bits(kit: Any, sqlite_election: Any, query: str, big: int):
    """Board positions are 64-bit integers in storage: a larger one in a query is a bad
    request (or an absent position), never a server error."""
    e = sqlite_election
    with unchanged(e):
        r = e.client.get(e.path(query.format(big=big)))
        assert r.status_code in (400, 404), f"{r.status_code}: {r.text[:300]}"
        kit.is_problem(r, r.status_code)


# --- the key ceremony and the decryption in the wrong order or with bad data --------------------


def test_ceremony_steps_out_of_order_or_twice(kit: Any, database_url: str, ceremony: Any, tmp_path):
    board, client = kit.in_process_board(database_url, tmp_path / "data")
    e = kit.ElectionOnBoard(client, ceremony, board)
    assert e.create().status_code == 201
    rejected(kit, e, e.create, 409, "already exists")
    assert e.post_commitment(1).status_code == 201
    rejected(kit, e, lambda: e.post_commitment(1), 409, "trustee 1 has already committed")
    rejected(kit, e, lambda: e.post_key(1), 409, "1 of 3 trustees have committed to a key")
    assert e.post_commitment(2).status_code == e.post_commitment(3).status_code == 201
    # The rushing trustee: a key other than the one committed to is refused.
    rushed = lambda: client.post(  # noqa: E731
        e.path("/trustees/1/key"),
        json=kit.make_ceremony().publics[1].to_json(),
        headers=e.trustee(1),
    )
    rejected(kit, e, rushed, 422, "does not match its commitment")
    assert e.post_key(1).status_code == 201
    rejected(kit, e, lambda: e.post_key(1), 409, "trustee 1 has already published a key")
    rejected(kit, e, lambda: e.post_shares(1), 409, "1 of 3 trustee keys published")
    wrong_index = lambda: client.post(  # noqa: E731
        e.path("/trustees/2/key"), json=ceremony.publics[3].to_json(), headers=e.trustee(2)
    )
    rejected(kit, e, wrong_index, 422, "trustee 3's, posted as trustee 2")
    assert e.post_key(2).status_code == e.post_key(3).status_code == 201
    rejected(kit, e, lambda: e.post_verdict(1), 409, "not every trustee has sent its shares")
    rejected(kit, e, e.open, 409, "0 of 3 trustees have checked their shares")
    for i in (1, 2, 3):
        assert e.post_shares(i).status_code == 201
    rejected(kit, e, lambda: e.post_shares(2), 409, "trustee 2 has already sent its shares")
    for i in (1, 2, 3):
        assert e.post_verdict(i).status_code == 201
    rejected(kit, e, lambda: e.post_verdict(3), 409, "already given its verdict")
    rejected(kit, e, e.open, 409, "credential list is not published")
    rejected(kit, e, lambda: e.post_decryption(1, {}), 409, "tally is not computed")
    unsorted = ceremony.credentials.to_json()
    unsorted["districts"]["north"].reverse()
    send = lambda: client.post(  # noqa: E731
        e.path("/credentials"), json=unsorted, headers=e.credential_authority()
    )
    rejected(kit, e, send, 400, "not sorted")
    assert e.post_credentials().status_code == 201
    rejected(kit, e, e.post_credentials, 409, "already published")
    assert e.open().status_code == 201
    rejected(kit, e, lambda: e.post_key(1), 409, "the key ceremony is over")
    board.store.close()


def test_create_with_bad_parameters(kit: Any, sqlite_election: Any):
    e = sqlite_election
    manifest = kit.demo_manifest("new-2026").to_json()
    for body, status, words in [
        ({"manifest": manifest, "trustees": 2, "threshold": 3}, 400, ["more than the 2"]),
        ({"manifest": manifest, "trustees": 0, "threshold": 0}, 400, ["at least 1"]),
        ({"manifest": manifest, "trustees": "3", "threshold": 2}, 400, ["expected an integer"]),
        ({"manifest": manifest, "threshold": 2}, 400, ["missing field 'trustees'"]),
        ({"manifest": {**manifest, "contests": "x"}, "trustees": 3, "threshold": 2}, 400, []),
        ({"manifest": e.ceremony.manifest.to_json(), "trustees": 3, "threshold": 2}, 409, []),
    ]:
        send = lambda b=body: e.client.post("/api/elections", json=b, headers=kit.ADMIN)  # noqa: E731
        rejected(kit, e, send, status, *words)


def _tamper_share(dec: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dec)
    share = out["shares"][0]
    share["share"] = g_pow(Scalar(12345)).hex()
    return out


def test_decryptions_and_result(kit: Any, election_on_board: Any):
    e = election_on_board
    for voter in range(3):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
    rejected(kit, e, e.publish_result, 409, "tally is not computed")
    assert e.close().status_code == 201
    good = e.decryption(1)
    rejected(kit, e, lambda: e.post_decryption(1, _tamper_share(good)), 422, "president")
    flipped = copy.deepcopy(good)
    proof = flipped["shares"][2]["proof"]
    proof["response"] = _scalar_plus_one(proof["response"])
    rejected(kit, e, lambda: e.post_decryption(1, flipped), 422)
    unsigned = copy.deepcopy(good)
    unsigned["signature"]["response"] = _scalar_plus_one(unsigned["signature"]["response"])
    rejected(kit, e, lambda: e.post_decryption(1, unsigned), 422, "signature of trustee 1")
    rejected(kit, e, lambda: e.post_decryption(2, good), 422, "trustee 1 posted as 2")
    short = copy.deepcopy(good)
    short["shares"].pop()
    rejected(kit, e, lambda: e.post_decryption(1, short), 400)
    assert e.post_decryption(1, good).status_code == 201
    rejected(kit, e, lambda: e.post_decryption(1, good), 409, "trustee 1 has already decrypted")
    rejected(kit, e, e.publish_result, 422, "at least 2")
    assert e.post_decryption(3).status_code == 201
    assert e.publish_result().status_code == 201
    rejected(kit, e, e.publish_result, 409, "already published")
    rejected(kit, e, lambda: e.post_decryption(2), 409, "already published")


# --- fuzzing the ballot endpoint ----------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=70)
    | st.sampled_from(["00" * 32, "ff" * 32, L_HEX, IDENTITY.hex(), "north", "cast"]),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


HEX = "0123456789abcdef"


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            out += _paths(v, (*prefix, k))
    return out


def _mutate(value: Any, path: tuple, op: str, new: Any, rnd: int) -> Any:
    value = copy.deepcopy(value)
    if not path:
        return new
    parent = value
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    old = parent[key]
    if op == "replace":
        parent[key] = new
    elif op == "delete":
        del parent[key]
    elif op == "flip-hex" and isinstance(old, str) and old:
        i = rnd % len(old)
        digit = HEX[(HEX.index(old[i]) + 1) % 16] if old[i] in HEX else "0"
        parent[key] = old[:i] + digit + old[i + 1 :]
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(old))
    elif op == "add-field" and isinstance(old, dict):
        old[f"x{rnd}"] = new
    elif op == "swap" and isinstance(parent, list) and len(parent) > 1:
        j = rnd % len(parent)
        parent[key], parent[j] = parent[j], parent[key]
    else:
        parent[key] = new
    return value


def _check_fuzz_answer(kit: Any, e: Any, before: dict[str, Any], r: httpx.Response) -> None:
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        kit.is_problem(r, r.status_code)
        assert e.snapshot() == before
    else:
        # Only the ballot already cast can come back: anything else would be a forgery.
        assert r.status_code == 200 and r.json()["already_cast"] is True, r.text
        assert e.snapshot() == before


@FUZZ
@given(value=json_values, wrap=st.booleans())
def test_fuzz_the_ballot_endpoint_with_any_json(kit: Any, sqlite_election: Any, value, wrap):
    e = sqlite_election
    before = e.snapshot()
    body = {"ballot": value} if wrap else value
    _check_fuzz_answer(kit, e, before, cast_json(e, body)())


@FUZZ
@given(body=st.binary(max_size=300))
def test_fuzz_the_ballot_endpoint_with_any_bytes(kit: Any, sqlite_election: Any, body: bytes):
    e = sqlite_election
    before = e.snapshot()
    _check_fuzz_answer(kit, e, before, cast_raw(e, body)())


@pytest.fixture
def cast_ballot(sqlite_election: Any) -> dict[str, Any]:
    ballot = valid_ballot(sqlite_election, voter=4)
    assert sqlite_election.cast(ballot).status_code == 201
    return ballot


@FUZZ
@given(
    data=st.data(),
    op=st.sampled_from(
        ["replace", "delete", "flip-hex", "flip-hex", "duplicate", "add-field", "swap"]
    ),
    new=json_values,
    rnd=st.integers(min_value=0, max_value=10**6),
)
def test_fuzz_mutations_of_a_valid_ballot(
    kit: Any, sqlite_election: Any, cast_ballot: dict[str, Any], data, op, new, rnd
):
    e = sqlite_election
    paths = _paths(cast_ballot)
    path = data.draw(st.sampled_from(paths))
    mutated = _mutate(cast_ballot, path, op, new, rnd)
    before = e.snapshot()
    _check_fuzz_answer(kit, e, before, cast_json(e, {"ballot": mutated})())
    # As an audit (with an opening that cannot match), it is refused whatever it is.
    audit = e.client.post(
        e.path("/audits"),
        content=json.dumps({"ballot": mutated, "opening": []}).encode(),
        headers={"content-type": "application/json"},
    )
    assert 400 <= audit.status_code < 500, audit.text
    _check_fuzz_answer(kit, e, before, audit)
