"""The board checks the log's grammar (openballot.record.log_grammar) before it appends any
leaf, on top of each request's own checks, and replays its stored log through it at start-up:
even a bug in a request's checks could not write a log the verifier would refuse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from openballot.board.log import ElectionLog
from openballot.board.signing import BoardKey
from openballot.board.store import BoardStorageError, BoardStore
from openballot.record.board_entries import (
    CeremonyOkEntry,
    CredentialsEntry,
    ManifestEntry,
    ResultEntry,
    TallyEntry,
)
from openballot.server.service import Board, Conflict


@pytest.mark.parametrize(
    ("leaf", "rules"),
    [
        (CeremonyOkEntry(9, {}), ["order.trustee", "order.setup"]),
        (TallyEntry({"ballot_log": {"size": 7, "root": "00" * 32}}), ["order.tally-size"]),
        (ResultEntry({}), ["order.result"]),
    ],
    ids=["verdict of trustee 9 of 3", "tally of a longer log", "result before the tally"],
)
def test_an_ungrammatical_leaf_is_never_appended(
    sqlite_election: Any, leaf: Any, rules: list[str]
) -> None:
    e = sqlite_election
    assert e.cast(e.ceremony.ballot(0)[0]).status_code == 201
    service = e.board.elections[e.election_id]
    before = e.snapshot()
    # Past every request's own checks, as a bug in them would be: the grammar still refuses.
    with pytest.raises(Conflict) as refused:
        service._append(leaf)
    for rule in rules:
        assert f"[{rule}]" in str(refused.value)
    assert e.snapshot() == before


def test_ballots_and_the_tally_keep_to_the_grammar(sqlite_election: Any) -> None:
    e = sqlite_election
    for voter in range(3):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
    e.finish()
    service = e.board.elections[e.election_id]
    assert service.order.ballots == 3 and service.order.decided
    # A restarted board replays its log through the grammar and finds it as it was.
    assert Board(e.board.store, e.board.key).elections[e.election_id].order == service.order


def _stored(tmp_path: Path, kit: Any, *leaves: bytes) -> tuple[BoardStore, BoardKey]:
    store = BoardStore(f"sqlite:///{tmp_path / 'board.sqlite3'}")
    key = BoardKey.load_or_create(tmp_path / "board.key")
    store.create_election("demo-2026", 0, {})
    log = ElectionLog(store, key, "demo-2026")
    for leaf in (ManifestEntry(kit.demo_manifest().to_json(), 3, 2).leaf(), *leaves):
        log.append(json.loads(leaf)["type"], leaf)
    return store, key


def test_a_stored_log_with_ballots_before_the_opening_stops_the_start(
    tmp_path: Path, kit: Any
) -> None:
    store, key = _stored(
        tmp_path, kit, b'{"type":"cast","ballot":{}}', CredentialsEntry({"x": 1}).leaf()
    )
    with pytest.raises(BoardStorageError, match="ballots out of place before leaf 2"):
        Board(store, key)
    store.close()


def test_a_stored_verdict_of_an_unknown_trustee_stops_the_start(tmp_path: Path, kit: Any) -> None:
    store, key = _stored(tmp_path, kit, CeremonyOkEntry(9, {}).leaf())
    with pytest.raises(BoardStorageError, match=r"\[order\.trustee\] .* trustee 9 of 3"):
        Board(store, key)
    store.close()
