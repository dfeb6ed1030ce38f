"""The election service on its storage: leaves are replayed through the registry of leaf
kinds when the board starts, and storage that contradicts itself is a BoardStorageError (a
problem detail over HTTP), never a bare traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from openballot.board.log import ElectionLog
from openballot.board.signing import BoardKey
from openballot.board.store import BoardStorageError, BoardStore, DuplicateEntry
from openballot.record.board_entries import CeremonyOkEntry, ManifestEntry, TallyEntry
from openballot.server.service import Board


@pytest.fixture
def storage(sqlite_url: str, tmp_path: Path) -> Any:
    store = BoardStore(sqlite_url)
    key = BoardKey.load_or_create(tmp_path / "board.key")
    yield store, key
    store.close()


def _log(store: BoardStore, key: BoardKey, eid: str, *leaves: bytes) -> None:
    store.create_election(eid, 0, {})
    log = ElectionLog(store, key, eid)
    for leaf in leaves:
        log.append(json.loads(leaf)["type"], leaf)


def _manifest(kit: Any) -> bytes:
    return ManifestEntry(kit.demo_manifest().to_json(), 3, 2).leaf()


def test_the_fixed_part_is_replayed_at_start(sqlite_election: Any) -> None:
    e = sqlite_election
    for i in range(3):
        assert e.cast(e.ceremony.ballot(i)[0]).status_code == 201
    e.finish()
    before = e.board.elections[e.election_id]
    again = Board(e.board.store, e.board.key).elections[e.election_id]
    assert again.state == before.state == "decrypted"
    for name in ("keys", "shares", "complaints", "verdicts", "eligible", "tally", "result"):
        assert getattr(again, name) == getattr(before, name), name
    assert again.decryptions.keys() == before.decryptions.keys()


@pytest.mark.parametrize(
    ("leaves", "words"),
    [
        (lambda m: [CeremonyOkEntry(1, {}).leaf()], "no manifest"),
        (lambda m: [m, TallyEntry({}).leaf()], r"'tally' leaf cannot be leaf 1 .*\[order\.tally\]"),
        (lambda m: [m, m], "'manifest' leaf"),
        (lambda m: [m, b'{"type":"ceremony-ok","trustee":1,"x":1}'], "unexpected field 'x'"),
    ],
    ids=["no manifest", "tally too early", "two manifests", "unknown field"],
)
def test_storage_that_contradicts_itself_stops_the_start(
    storage: Any, kit: Any, leaves: Any, words: str
) -> None:
    store, key = storage
    _log(store, key, "demo-2026", *leaves(_manifest(kit)))
    with pytest.raises(BoardStorageError, match=words):
        Board(store, key)


def test_a_leaf_stored_under_another_type(storage: Any, kit: Any) -> None:
    store, key = storage
    store.create_election("demo-2026", 0, {})
    log = ElectionLog(store, key, "demo-2026")
    log.append("manifest", _manifest(kit))
    log.append("shares", CeremonyOkEntry(1, {}).leaf())
    with pytest.raises(BoardStorageError, match="leaf 1 is stored as a 'shares' leaf"):
        Board(store, key)


def test_a_lost_race_without_a_winner_is_a_problem_detail(
    sqlite_election: Any, kit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store says the ballot is a duplicate but holds no such ballot: the board's state
    is broken, which the voter learns as a 500 problem detail, not a traceback."""
    e = sqlite_election
    log = e.board.elections[e.election_id].log

    def duplicate(*args: object, **kwargs: object) -> None:
        raise DuplicateEntry("taken")

    monkeypatch.setattr(log, "append_batch", duplicate)
    r = e.cast(e.ceremony.ballot(0)[0])
    kit.is_problem(r, 500, "another writer")
    assert r.json()["type"].endswith("/storage-error")


def test_casts_run_in_the_boards_casting_threads(storage: Any) -> None:
    """`Board.run_cast` runs the call off the event loop in a thread of the board's own, hands
    back its answer or raises its error unchanged, and `close` ends those threads."""
    import asyncio
    import threading

    from openballot.errors import ProtocolError
    from openballot.server.service import CastAnswer

    store, key = storage
    board = Board(store, key)
    loop_thread: list[str] = []

    def answered(body: Any) -> CastAnswer:
        assert threading.current_thread().name.startswith("cast")
        assert threading.current_thread().name != loop_thread[0]
        return body  # type: ignore[no-any-return]

    def refused(body: Any) -> CastAnswer:
        raise ProtocolError(f"ballot {body}: refused")

    async def both() -> None:
        loop_thread.append(threading.current_thread().name)
        assert await board.run_cast(answered, "answer") == "answer"
        with pytest.raises(ProtocolError, match="ballot x: refused"):
            await board.run_cast(refused, "x")

    asyncio.run(both())
    board.close()
    with pytest.raises(RuntimeError):  # no cast is taken once the board is closed
        asyncio.run(board.run_cast(answered, "late"))
