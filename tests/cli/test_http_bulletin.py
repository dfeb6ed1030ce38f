"""The board as the bulletin of the role steps (cli/http_bulletin.py), against an in-process
board: the election context is rebuilt from what the board publishes and a board that states
another joint key or fingerprint is refused; every receipt is checked before it is returned."""

from __future__ import annotations

import json
from typing import Any

import pytest

from openballot.cli.http_bulletin import HttpBulletin
from openballot.errors import ProofError, ProtocolError


def _stating(bulletin: HttpBulletin, monkeypatch: pytest.MonkeyPatch, **changes: Any) -> None:
    """Make the board state `changes` in its description of the election."""
    honest = bulletin.info

    def info() -> dict[str, Any]:
        return {**honest(), **changes}

    monkeypatch.setattr(bulletin, "info", info)


def test_the_context_is_rebuilt_from_the_boards_parts(sqlite_election: Any) -> None:
    e = sqlite_election
    bulletin = HttpBulletin(e.client, e.election_id)
    ctx = bulletin.context()
    assert ctx.fingerprint == e.ctx.fingerprint
    assert ctx.joint_key == e.ctx.joint_key
    assert ctx.credentials_digest == e.ctx.credentials_digest
    assert ctx.credential_list is None  # the board states the digest, not the list
    assert bulletin.parameters().manifest == e.ctx.manifest
    assert bulletin.credentials_published()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("fingerprint", "states an election fingerprint that its data does not give"),
        ("joint_key", "states a joint key that its trustees' keys do not give"),
        ("credentials_digest", "states an election fingerprint that its data does not give"),
    ],
)
def test_a_board_stating_other_values_is_refused(
    sqlite_election: Any, monkeypatch: pytest.MonkeyPatch, field: str, message: str
) -> None:
    e = sqlite_election
    bulletin = HttpBulletin(e.client, e.election_id)
    forged = "ab" * 64 if field != "joint_key" else e.ctx.trustees[0].commitments[0].hex()
    _stating(bulletin, monkeypatch, **{field: forged})
    with pytest.raises(ProofError, match=message):
        bulletin.context()


def test_a_board_with_a_missing_trustee_key_is_refused(
    sqlite_election: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = sqlite_election
    bulletin = HttpBulletin(e.client, e.election_id)
    _stating(bulletin, monkeypatch, trustees=[t.to_json() for t in e.ctx.trustees[:2]])
    with pytest.raises(ProtocolError, match=r"2 of 3 trustees have published keys"):
        bulletin.context()


def test_receipts_are_checked(sqlite_election: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    e = sqlite_election
    bulletin = HttpBulletin(e.client, e.election_id)
    ballot, _ = e.ceremony.ballot(0)
    answered = bulletin.cast(ballot)
    assert answered.receipt.tracker == ballot.tracker()
    body = json.loads(answered.body)  # the answer's bytes, as a voter keeps them
    assert body == {**answered.receipt.to_json(), "already_cast": False}

    # The same ballot again, from a board whose key is not the one pinned.
    other, _ = e.ceremony.ballot(1)
    monkeypatch.setattr(bulletin, "_board_key", bytes(32))
    with pytest.raises(ProofError, match=r"signature does not verify"):
        bulletin.cast(other)


def test_credentials_not_yet_published(make_election: Any, sqlite_url: str, kit: Any) -> None:
    e = make_election(sqlite_url)
    fresh = kit.ElectionOnBoard(e.client, kit.make_ceremony(kit.demo_manifest("other-2026")))
    assert fresh.create().status_code == 201
    bulletin = HttpBulletin(e.client, fresh.election_id)
    assert not bulletin.credentials_published()
    assert not bulletin.has_trustee_key(1)
    for i in (1, 2, 3):
        assert fresh.post_commitment(i).status_code == 201
    assert set(bulletin.commitments()) == {1, 2, 3}
    assert fresh.post_key(1).status_code == 201
    assert bulletin.has_trustee_key(1) and not bulletin.has_trustee_key(2)
