"""A whole election through the HTTP API, on SQLite and on PostgreSQL: every role's call with
its status code and body, receipts checked as a voter's device would, and the exported record
verified with the voters' receipts."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from openballot.cli.board_client import BoardClient, Monitor
from openballot.cli.demo import random_choices
from openballot.election.decryption import Result
from openballot.record.merkle import leaf_hash, verify_consistency, verify_inclusion
from openballot.record.tree_head import SignedTreeHead
from openballot.verify.board_check import VoterReceipt
from openballot.verify.verifier import verify_record


def check_receipt(receipt: dict[str, Any], board_key: bytes, tracker: bytes, eid: str) -> None:
    """What a voter's device does with a receipt: the tree head is signed by the board and
    the receipted entry is in it."""
    assert receipt["tracker"] == tracker.hex()
    head = SignedTreeHead.from_json(receipt["tree_head"])
    head.verify(board_key)
    assert head.election_id == eid
    assert 0 <= receipt["index"] < head.size
    proof = [bytes.fromhex(h) for h in receipt["inclusion_proof"]]
    verify_inclusion(
        leaf_hash(receipt["entry"].encode()), receipt["index"], head.size, proof, head.root
    )


def test_a_whole_election_through_the_api(
    database_url: str, tmp_path: Path, ceremony: Any, kit: Any
) -> None:
    board, client = kit.in_process_board(database_url, tmp_path / "data")
    e = kit.ElectionOnBoard(client, ceremony, board)
    eid = e.election_id

    # Nothing yet; the board's key is public.
    r = client.get("/api/board")
    assert r.status_code == 200
    board_key = bytes.fromhex(r.json()["board_key"])
    assert r.json() == {"board_key": board_key.hex(), "elections": []}

    # The admin creates the election: one token per role, shown once.
    r = e.create()
    assert r.status_code == 201, r.text
    assert r.json()["election"] == eid
    tokens = r.json()["tokens"]
    assert set(tokens) == {"credential-authority", "trustee-1", "trustee-2", "trustee-3"}
    assert len(set(tokens.values())) == 4 and all(len(t) >= 32 for t in tokens.values())
    info = client.get(e.path()).json()
    assert info["state"] == "setup"
    assert (info["trustee_count"], info["threshold"], info["trustees"]) == (3, 2, [])
    assert info["manifest"] == ceremony.manifest.to_json()
    assert info["board_key"] == board_key.hex()
    assert client.get("/api/board").json()["elections"] == [eid]

    # Key ceremony: commitments, keys, then shares, then each trustee's verdict; each is a
    # board entry.
    indices = []
    for step in (e.post_commitment, e.post_key, e.post_shares, e.post_verdict):
        for i in (1, 2, 3):
            r = step(i)
            assert r.status_code == 201, r.text
            indices.append(r.json()["index"])
    assert indices == list(range(1, 13))  # the manifest is entry 0
    ceremony_view = client.get(e.path("/ceremony")).json()
    assert ceremony_view["keys"] == [ceremony.publics[i].to_json() for i in (1, 2, 3)]
    assert sorted(ceremony_view["shares"]) == ["1", "2", "3"]
    assert ceremony_view["complaints"] == []

    r = e.post_credentials()
    assert (r.status_code, r.json()) == (201, {"index": 13})
    district, code = ceremony.voters[0]
    cred = ceremony.credentials.districts[0][1][0].hex()
    assert client.get(e.path(f"/credentials/{cred}")).json() == {"district": "north"}

    r = e.open()
    assert r.status_code == 201, r.text
    assert r.json() == {"state": "open", "fingerprint": ceremony.ctx.fingerprint.hex()}
    info = client.get(e.path()).json()
    assert info["state"] == "open"
    assert info["fingerprint"] == ceremony.ctx.fingerprint.hex()
    assert info["joint_key"] == ceremony.ctx.joint_key.hex()
    assert info["credential_counts"] == {"north": 4, "south": 3}

    # Every voter casts; some re-vote; one audits a ballot first.
    rng = random.Random(7)
    receipts: list[dict[str, Any]] = []
    index = 15  # after the manifest, 12 ceremony entries, the credentials and "election"
    for voter, (district, _) in enumerate(ceremony.voters):
        votes = 2 if voter in (1, 5) else 1
        for _ in range(votes):
            ballot, _ = ceremony.ballot(voter, random_choices(ceremony.manifest, district, rng))
            r = e.cast(ballot)
            assert r.status_code == 201, r.text
            body = r.json()
            assert body["already_cast"] is False
            assert body["index"] == index
            index += 1
            check_receipt(body, board_key, ballot.tracker(), eid)
            assert body["tree_head"]["size"] == body["index"] + 1
            receipts.append(body)
        if voter == 2:
            challenged, opening = ceremony.ballot(voter)
            r = e.audit(challenged, opening)
            assert r.status_code == 201, r.text
            assert r.json()["already_cast"] is False
            check_receipt(r.json(), board_key, challenged.tracker(), eid)
            audited = r.json()
            assert audited["index"] == index
            index += 1
    last_ballot = ballot

    # The same ballot again: the same receipt index, against the latest tree head.
    r = e.cast(last_ballot)
    assert r.status_code == 200, r.text
    again = r.json()
    assert again["already_cast"] is True
    assert again["index"] == receipts[-1]["index"]
    assert again["entry"] == receipts[-1]["entry"]
    check_receipt(again, board_key, last_ballot.tracker(), eid)
    e.receipts.pop()

    # Closing computes the tally; any two trustees decrypt it.
    r = e.close()
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "closed"
    assert r.json()["tally"] == client.get(e.path("/tally")).json()
    for i in (1, 3):
        r = e.post_decryption(i)
        assert r.status_code == 201, r.text
        assert isinstance(r.json()["index"], int)
    assert client.get(e.path("/result")).status_code == 404
    r = e.publish_result()
    assert r.status_code == 201, r.text
    result = Result.from_json(r.json(), ceremony.ctx)
    assert client.get(e.path("/result")).json() == r.json()
    assert client.get(e.path()).json()["state"] == "decrypted"
    # Seven voters, the last ballot of each counts: the referendum has seven votes.
    assert sum(r.json()["totals"]["referendum"].values()) == 7
    assert result is not None

    # The board's log: signed tree heads, each consistent with the latest.
    latest = SignedTreeHead.from_json(client.get(e.path("/board/tree-head")).json())
    latest.verify(board_key)
    heads = client.get(e.path("/board/tree-heads")).json()["tree_heads"]
    assert [h["size"] for h in heads] == list(range(1, latest.size + 1))
    for h in heads[::5]:
        head = SignedTreeHead.from_json(h)
        proof = client.get(
            e.path("/board/consistency"), params={"first": head.size, "second": latest.size}
        ).json()["proof"]
        verify_consistency(
            head.size, latest.size, head.root, latest.root, [bytes.fromhex(p) for p in proof]
        )
    entries = client.get(e.path("/board/entries")).json()["entries"]
    assert len(entries) == latest.size
    assert entries[audited["index"]]["type"] == "audit"

    # Export the record and verify it with every receipt the voters kept.
    record = tmp_path / "record"
    n = BoardClient(client, eid).export(record)
    assert n == latest.size
    kept = [VoterReceipt(x, f"receipt {k}") for k, x in enumerate([*receipts, audited, again])]
    report = verify_record(record, 1, receipts=kept)
    assert report.ok, [str(f) for f in report.findings]
    assert (report.cast, report.audited, report.counted, report.superseded) == (9, 1, 7, 2)

    # A monitor pinned to the board's key sees a consistent, signed log.
    assert Monitor(BoardClient(client, eid), board_key).check() == latest
    board.store.close()


def test_the_openapi_schema_lists_the_api(sqlite_election: Any) -> None:
    client = sqlite_election.client
    r = client.get("/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["info"]["title"] == "OpenBallot"
    paths = schema["paths"]
    assert "post" in paths["/api/elections/{election_id}/ballots"]
    for path in (
        "/api/elections",
        "/api/elections/{election_id}/audits",
        "/api/elections/{election_id}/board/tree-head",
        "/api/elections/{election_id}/board/inclusion",
        "/api/elections/{election_id}/board/consistency",
        "/api/elections/{election_id}/trustees/{index}/decryption",
    ):
        assert path in paths
    assert client.get("/docs").status_code == 200


E = "/api/elections/{election_id}"
AUTH = ("header", "Authorization")
#: Every operation of the API with its parameters, in the order the OpenAPI document lists
#: them: the routes are spread over one router per role, and this is the whole of them.
OPERATIONS = {
    ("get", "/api/board"): [],
    ("post", "/api/elections"): [AUTH],
    ("post", "/api/manifests/check"): [AUTH],
    ("post", "/api/console/login"): [],
    ("get", "/api/console/session"): [],
    ("post", "/api/console/logout"): [],
    ("get", E): [("path", "election_id")],
    ("get", E + "/ceremony"): [("path", "election_id")],
    ("post", E + "/open"): [("path", "election_id"), AUTH],
    ("post", E + "/close"): [("path", "election_id"), AUTH],
    ("post", E + "/result"): [("path", "election_id"), AUTH],
    ("get", E + "/result"): [("path", "election_id")],
    ("get", E + "/tally"): [("path", "election_id")],
    ("post", E + "/credentials"): [("path", "election_id"), AUTH],
    ("get", E + "/credentials/{credential}"): [("path", "election_id"), ("path", "credential")],
    ("post", E + "/ballots"): [("path", "election_id")],
    ("post", E + "/audits"): [("path", "election_id")],
    ("get", E + "/ballots/{tracker}"): [("path", "election_id"), ("path", "tracker")],
    **{
        ("post", E + f"/trustees/{{index}}/{step}"): [
            ("path", "election_id"),
            ("path", "index"),
            AUTH,
        ]
        for step in ("commitment", "key", "shares", "verdict", "decryption")
    },
    ("get", E + "/board/tree-head"): [("path", "election_id"), ("query", "size")],
    ("get", E + "/board/tree-heads"): [
        ("path", "election_id"),
        ("query", "start"),
        ("query", "limit"),
    ],
    ("get", E + "/board/entries"): [
        ("path", "election_id"),
        ("query", "start"),
        ("query", "limit"),
    ],
    ("get", E + "/board/inclusion"): [
        ("path", "election_id"),
        ("query", "index"),
        ("query", "size"),
    ],
    ("get", E + "/board/consistency"): [
        ("path", "election_id"),
        ("query", "first"),
        ("query", "second"),
    ],
    ("get", E + "/activity"): [("path", "election_id"), ("query", "bucket")],
    ("get", E + "/record.zip"): [("path", "election_id")],
}


def test_the_openapi_schema_lists_every_operation_and_its_parameters(
    sqlite_election: Any,
) -> None:
    paths = sqlite_election.client.get("/openapi.json").json()["paths"]
    listed = {
        (method, path): [(p["in"], p["name"]) for p in op.get("parameters", [])]
        for path, ops in paths.items()
        for method, op in ops.items()
    }
    assert listed == OPERATIONS


def test_concurrent_casts(election_on_board: Any) -> None:
    """Casts race each other: the same ballot from 8 clients at once is stored once (one 201,
    the rest 200 with the same index); different ballots each get their own position, and
    every receipt verifies against its own tree head (its batch's)."""
    import threading

    e = election_on_board
    board_key = bytes.fromhex(e.client.get("/api/board").json()["board_key"])
    service = e.board.elections[e.election_id]
    start = service.log.size

    same, _ = e.ceremony.ballot(0)
    barrier = threading.Barrier(8)
    results: list[Any] = []
    lock = threading.Lock()

    def cast_same() -> None:
        barrier.wait()
        receipt = service.cast({"ballot": same.to_json()})
        with lock:
            results.append(receipt)

    threads = [threading.Thread(target=cast_same) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 8
    assert sorted(r.already_cast for r in results) == [False] + [True] * 7
    assert {r.appended.entry.seq for r in results} == {start}
    assert service.log.size == start + 1

    ballots = [e.ceremony.ballot(k % len(e.voters))[0] for k in range(24)]
    receipts: list[dict[str, Any]] = []

    def cast_many(part: list[Any]) -> None:
        barrier.wait()
        for b in part:
            r = service.cast({"ballot": b.to_json()})
            with lock:
                receipts.append(r.to_json())

    threads = [threading.Thread(target=cast_many, args=(ballots[k::8],)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r["index"] for r in receipts) == list(range(start + 1, start + 25))
    # Ballots waiting together are committed as one batch under one tree head (protocol.md
    # 17.3): each receipt's head covers its leaf and is one the board keeps.
    heads = e.client.get(e.path("/board/tree-heads")).json()["tree_heads"]
    sizes = [h["size"] for h in heads]
    assert sizes == sorted(set(sizes)) and sizes[-1] == start + 25
    for r in receipts:
        assert r["already_cast"] is False
        assert r["tree_head"]["size"] > r["index"]
        assert r["tree_head"] in heads
        check_receipt(r, board_key, bytes.fromhex(r["tracker"]), e.election_id)


def test_casts_are_served_by_the_plain_route_ahead_of_fastapis(
    tmp_path: Path, kit: Any, monkeypatch: Any
) -> None:
    """POST …/ballots goes through `CastRoute` (the busiest request skips FastAPI's routing
    layers), at the path /docs documents for the cast, with the same problem details."""
    from openballot.server.routes import voters

    _, client = kit.in_process_board(f"sqlite:///{tmp_path / 'board.sqlite3'}", tmp_path / "data")
    first = client.app.router.routes[0]
    assert isinstance(first, voters.CastRoute)
    documented = client.get("/openapi.json").json()["paths"][first.path]
    assert "post" in documented

    served: list[str] = []
    real = voters.cast

    async def spy(election_id: str, request: Any) -> Any:
        served.append(election_id)
        return await real(election_id, request)

    monkeypatch.setattr(voters, "cast", spy)
    r = client.post("/api/elections/nowhere/ballots", json={"ballot": {}})
    kit.is_problem(r, 404, "no election 'nowhere'")
    assert r.json()["code"] == "unknown-election"
    assert served == ["nowhere"]
