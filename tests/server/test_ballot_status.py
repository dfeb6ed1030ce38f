"""`GET /api/elections/{id}/ballots/{tracker}` (protocol.md 17.7): every fate in every phase,
each answer's inclusion proof against the latest signed tree head, the errors; and the
board's fate and the verifier's agree on every tracker of an exported record."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from typing import Any

import pytest

from openballot.cli.board_client import BoardClient
from openballot.errors import OpenBallotError
from openballot.record.ballot_fate import BallotFate, Fate
from openballot.record.merkle import MerkleTree
from openballot.record.receipt import Receipt
from openballot.record.tree_head import SignedTreeHead
from openballot.server.routes.voters import FateName
from openballot.verify.board_check import VoterReceipt
from openballot.verify.verifier import verify_record


def status(e: Any, tracker: bytes) -> dict[str, Any]:
    """The board's answer, its receipt checked as a voter's device checks it, against the
    latest signed head."""
    r = e.client.get(e.path(f"/ballots/{tracker.hex()}"))
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    board_key = bytes.fromhex(e.client.get("/api/board").json()["board_key"])
    Receipt.from_json(answer).verify(board_key, e.election_id, tracker)
    latest = e.client.get(e.path("/board/tree-head")).json()
    assert answer["tree_head"] == latest
    return answer


def fate(e: Any, tracker: bytes) -> str:
    return str(BallotFate.from_json(status(e, tracker)))


def test_every_fate_in_every_phase(sqlite_election: Any, tmp_path: Path) -> None:
    e = sqlite_election
    c = e.ceremony
    first, _ = c.ballot(0)
    revote, _ = c.ballot(0)
    challenged, opening = c.ballot(1)
    after_audit, _ = c.ballot(1)
    other, _ = c.ballot(2)

    assert e.cast(first).status_code == 201
    assert fate(e, first.tracker()) == "recorded"
    r = e.cast(revote)
    assert r.status_code == 201
    later = r.json()["index"]
    answer = status(e, first.tracker())
    assert (answer["fate"], answer["superseded_by"]) == ("superseded", later)
    assert "reason" not in answer
    assert answer["index"] == e.receipts[0]["index"]
    assert fate(e, revote.tracker()) == "recorded"

    assert e.audit(challenged, opening).status_code == 201
    answer = status(e, challenged.tracker())
    assert answer["fate"] == "audited"
    assert '"type":"audit"' in answer["entry"] and '"opening"' in answer["entry"]
    assert e.cast(after_audit).status_code == 201  # the same voter casts after her audit
    assert fate(e, after_audit.tracker()) == "recorded"
    assert e.cast(other).status_code == 201

    expected = {
        first.tracker(): f"superseded by a re-vote (leaf {later})",
        revote.tracker(): "counted",
        challenged.tracker(): "audited",
        after_audit.tracker(): "counted",
        other.tracker(): "counted",
    }
    assert e.close().status_code == 201
    assert {t: fate(e, t) for t in expected} == expected
    for i in (1, 3):
        assert e.post_decryption(i).status_code == 201
    assert {t: fate(e, t) for t in expected} == expected
    assert e.publish_result().status_code == 201
    assert {t: fate(e, t) for t in expected} == expected

    # The verifier, given a receipt for every tracker, names the same fates.
    record = tmp_path / "record"
    BoardClient(e.client, e.election_id).export(record)
    answers = {t: status(e, t) for t in expected}
    kept = [VoterReceipt(a, t.hex()) for t, a in answers.items()]
    report = verify_record(record, 1, receipts=kept)
    assert report.ok, [str(f) for f in report.findings]
    assert {w: str(f) for w, f in report.fates} == {t.hex(): v for t, v in expected.items()}
    assert [f.to_json() for _, f in report.fates] == [
        {k: a[k] for k in ("fate", "superseded_by", "reason") if k in a} for a in answers.values()
    ]


def test_errors(sqlite_election: Any, kit: Any) -> None:
    e = sqlite_election
    unknown = bytes(range(32))
    kit.is_problem(e.client.get(e.path(f"/ballots/{unknown.hex()}")), 404, "no ballot")
    for bad in ("00", "zz" * 32, "0" * 65, unknown.hex().upper(), " " + unknown.hex()[1:]):
        kit.is_problem(e.client.get(e.path(f"/ballots/{bad}")), 400, "tracker")
    kit.is_problem(e.client.get(f"/api/elections/nope/ballots/{unknown.hex()}"), 404, "nope")


def test_before_voting_opens_no_ballot_is_on_the_board(
    make_election: Any, sqlite_url: str, kit: Any
) -> None:
    e = make_election(sqlite_url, open_=False)
    ballot, _ = e.ceremony.ballot(0)
    kit.is_problem(e.client.get(e.path(f"/ballots/{ballot.tracker().hex()}")), 404, "no ballot")


def test_the_openapi_document_lists_the_answer(sqlite_election: Any) -> None:
    doc = sqlite_election.client.get("/openapi.json").json()
    op = doc["paths"]["/api/elections/{election_id}/ballots/{tracker}"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BallotStatusModel"
    }
    model = doc["components"]["schemas"]["BallotStatusModel"]
    assert set(model["required"]) == {
        "tracker",
        "index",
        "entry",
        "tree_head",
        "inclusion_proof",
        "fate",
    }
    assert set(typing.get_args(FateName)) == {f.value for f in Fate}


class LyingBoard(BoardClient):
    """A board whose status answers are changed by `lie` on the way."""

    def __init__(self, e: Any, lie: Any) -> None:
        super().__init__(e.client, e.election_id)
        self.lie = lie

    def get(self, path: str, **params: Any) -> Any:
        answer = super().get(path, **params)
        return self.lie(answer) if "/ballots/" in path else answer


def test_a_client_checks_the_board_s_status_answer(sqlite_election: Any) -> None:
    """`BoardClient.ballot_status` (what `openballot board status` runs) accepts the honest
    answer and refuses a board that lies about where the ballot is or what replaced it."""
    e = sqlite_election
    key = bytes.fromhex(e.client.get("/api/board").json()["board_key"])
    ballot, _ = e.ceremony.ballot(3)
    assert e.cast(ballot).status_code == 201
    kept = Receipt.from_json(e.receipts[-1], "mine.json")
    tracker = ballot.tracker()
    honest = BoardClient(e.client, e.election_id)
    assert str(honest.ballot_status(tracker, key, kept)[1]) == "recorded"
    other, _ = e.ceremony.ballot(4)
    assert e.cast(other).status_code == 201  # the head moves on: still consistent
    assert str(honest.ballot_status(tracker, key, kept)[1]) == "recorded"

    lies = {
        "a re-vote that is not a later leaf": lambda a: {
            **a,
            "fate": "superseded",
            "superseded_by": a["index"],
        },
        "another ballot's leaf": lambda a: {**a, "index": a["index"] + 1},
        "a head of another election": lambda a: {
            **a,
            "tree_head": {**a["tree_head"], "election": "other"},
        },
        "a forged signature": lambda a: {
            **a,
            "tree_head": {**a["tree_head"], "signature": "00" * 64},
        },
    }
    for name, lie in lies.items():
        with pytest.raises(OpenBallotError):
            LyingBoard(e, lie).ballot_status(tracker, key, kept)
            pytest.fail(name)
    # A board that rewrote an earlier leaf after the receipt: the receipt holds on its own
    # (signed, the ballot included), but the board's head does not extend it.
    entries = e.client.get(e.path("/board/entries")).json()["entries"][: kept.index + 1]
    rewritten = MerkleTree()
    for k, entry in enumerate(entries):
        rewritten.append(entry["data"].encode() + (b" " if k == 1 else b""))
    size, root = kept.index + 1, rewritten.root()
    head = SignedTreeHead(e.election_id, size, root, 1, b"")
    message = SignedTreeHead.message_for(e.election_id, size, root, 1)
    head = dataclasses.replace(head, signature=e.board.key.sign(message))
    proof = tuple(rewritten.inclusion_proof(kept.index, size))
    forged = dataclasses.replace(kept, tree_head=head, inclusion_proof=proof)
    forged.verify(key, e.election_id, tracker)
    with pytest.raises(OpenBallotError, match="consisten"):
        honest.ballot_status(tracker, key, forged)
