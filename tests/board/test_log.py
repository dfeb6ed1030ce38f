"""ElectionLog: the Merkle tree in memory over durable storage, signed tree heads, proofs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from openballot.board.log import ElectionLog
from openballot.board.signing import BoardKey
from openballot.board.store import BoardStorageError, BoardStore, DuplicateEntry, StoredEntry
from openballot.errors import ProofError
from openballot.record.merkle import (
    MerkleTree,
    leaf_hash,
    merkle_root,
    verify_consistency,
    verify_inclusion,
)

EID = "log-test"


@pytest.fixture
def key(tmp_path: Path) -> BoardKey:
    return BoardKey.load_or_create(tmp_path / "board.key")


@pytest.fixture
def store(database_url: str) -> Iterator[BoardStore]:
    s = BoardStore(database_url)
    s.create_election(EID, 1, {})
    yield s
    s.close()


def data(i: int) -> bytes:
    return b'{"type":"test","n":%d}' % i


def tracker(i: int) -> bytes:
    return hashlib.sha256(b"ballot %d" % i).digest()


def append_many(log: ElectionLog, start: int, n: int) -> list:
    return [
        log.append("cast" if i % 3 else "note", data(i), tracker(i) if i % 3 else None)
        for i in range(start, start + n)
    ]


def test_the_tree_is_rebuilt_from_storage_after_reopening(
    database_url: str, store: BoardStore, key: BoardKey
):
    log = ElectionLog(store, key, EID)
    append_many(log, 0, 37)
    levels, root = [list(level) for level in log.tree.levels], log.tree.root()
    store.close()

    again = BoardStore(database_url)
    try:
        reopened = ElectionLog(again, key, EID)
        assert reopened.size == 37
        assert reopened.tree.root() == root == merkle_root([data(i) for i in range(37)])
        assert reopened.tree.levels == levels
        for size in (1, 2, 5, 16, 17, 36, 37):
            assert reopened.tree.root(size) == merkle_root([data(i) for i in range(size)])
        # ... and carries on where it stopped.
        more = reopened.append("note", data(37))
        assert more.entry.seq == 37
        assert reopened.latest_tree_head() == more.tree_head
    finally:
        again.close()


def test_every_stored_tree_head_is_signed_and_matches_the_tree(
    store: BoardStore, key: BoardKey, tmp_path: Path
):
    log = ElectionLog(store, key, EID)
    appended = append_many(log, 0, 21)
    heads = list(store.tree_heads(EID))
    assert [h.size for h in heads] == list(range(1, 22))
    assert heads == [a.tree_head for a in appended]
    for h in heads:
        h.verify(key.public)
        assert h.election_id == EID
        assert h.root == log.tree.root(h.size)
    assert [h.timestamp_ms for h in heads] == sorted(h.timestamp_ms for h in heads)
    # ... by this board's key and no other.
    other = BoardKey.load_or_create(tmp_path / "other.key")
    with pytest.raises(ProofError):
        heads[0].verify(other.public)


def test_inclusion_proofs_of_appends_verify(store: BoardStore, key: BoardKey):
    log = ElectionLog(store, key, EID)
    for a in append_many(log, 0, 19):
        head = a.tree_head
        assert head.size == a.entry.seq + 1
        verify_inclusion(
            leaf_hash(a.entry.data), a.entry.seq, head.size, a.inclusion_proof, head.root
        )
        with pytest.raises(ProofError):
            verify_inclusion(
                leaf_hash(a.entry.data + b" "), a.entry.seq, head.size, a.inclusion_proof, head.root
            )
    # Receipts against the latest head and consistency between any two heads.
    latest = log.latest_tree_head()
    assert latest is not None
    for e in log.entries():
        r = log.receipt_for(e)
        assert r.tree_head == latest
        verify_inclusion(leaf_hash(e.data), e.seq, latest.size, r.inclusion_proof, latest.root)
    for first in range(1, latest.size + 1):
        old = store.tree_head(EID, first)
        assert old is not None
        proof = log.tree.consistency_proof(first, latest.size)
        verify_consistency(first, latest.size, old.root, latest.root, proof)


def test_a_failed_commit_leaves_the_tree_as_it_was(
    store: BoardStore, key: BoardKey, monkeypatch: pytest.MonkeyPatch
):
    log = ElectionLog(store, key, EID)
    append_many(log, 0, 6)
    size, root, levels = log.size, log.tree.root(), [list(x) for x in log.tree.levels]

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "append", fail)
    with pytest.raises(OSError, match="disk full"):
        log.append("cast", data(99), tracker(99))
    assert log.size == size
    assert log.tree.root() == root
    assert log.tree.levels == levels
    monkeypatch.undo()

    assert store.tree_head(EID) == store.tree_head(EID, size)
    again = log.append("cast", data(99), tracker(99))
    assert again.entry.seq == size
    assert again.tree_head.root == merkle_root([*(data(i) for i in range(6)), data(99)])


def test_a_duplicate_tracker_leaves_the_tree_as_it_was(store: BoardStore, key: BoardKey):
    log = ElectionLog(store, key, EID)
    append_many(log, 0, 5)  # entry 1 carries tracker(1)
    size, root = log.size, log.tree.root()
    with pytest.raises(DuplicateEntry):
        log.append("cast", data(50), tracker(1))
    assert (log.size, log.tree.root()) == (size, root)
    assert [e.seq for e in log.entries()] == list(range(size))


def test_a_gap_in_storage_is_refused(store: BoardStore, key: BoardKey):
    from sqlalchemy import delete

    from openballot.board.store import entries

    log = ElectionLog(store, key, EID)
    append_many(log, 0, 4)
    with store.engine.begin() as conn:
        conn.execute(delete(entries).where(entries.c.seq == 1))
    with pytest.raises(BoardStorageError) as raised:
        ElectionLog(store, key, EID)
    assert str(raised.value) == (
        f"board storage of election {EID!r} has a gap at entry 1: "
        "expected entry 1 next, found entry 2"
    )


def test_a_gap_found_after_a_failed_append_is_refused(
    store: BoardStore, key: BoardKey, monkeypatch: pytest.MonkeyPatch
):
    """An append whose commit raised re-reads what storage holds from its position on; an
    entry one position too far (another writer, a tampered database) is not taken as a leaf."""
    log = ElectionLog(store, key, EID)
    append_many(log, 0, 3)
    real_append = store.append

    def one_too_far(election_id: str, batch: list[StoredEntry], head: object) -> None:
        moved = [StoredEntry(e.seq + 1, e.type, e.data, None) for e in batch]
        real_append(election_id, moved, head)
        raise OSError("server closed the connection unexpectedly")

    monkeypatch.setattr(store, "append", one_too_far)
    with pytest.raises(BoardStorageError, match="has a gap at entry 3: .* found entry 4"):
        log.append("note", data(3))
    assert log.size == 3


def test_the_in_memory_tree_matches_a_tree_built_from_the_log(store: BoardStore, key: BoardKey):
    log = ElectionLog(store, key, EID)
    append_many(log, 0, 13)
    fresh = MerkleTree()
    for e in log.entries():
        fresh.append(e.data)
    assert fresh.levels == log.tree.levels
    assert log.tree.levels[0] == fresh.levels[0]
