"""BoardStore: durable, ordered storage of entries and signed tree heads, on SQLite and on a
real PostgreSQL server."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openballot.board.signing import BoardKey
from openballot.board.store import BoardStore, DuplicateEntry, StoredEntry
from openballot.record.merkle import MerkleTree, leaf_hash
from openballot.record.tree_head import SignedTreeHead
from openballot.server.service import Board

EID = "store-test"


def head_for(key: BoardKey, tree: MerkleTree, election_id: str = EID) -> SignedTreeHead:
    size, root = tree.size, tree.root()
    ts = 1_700_000_000_000 + size
    message = SignedTreeHead.message_for(election_id, size, root, ts)
    return SignedTreeHead(election_id, size, root, ts, key.sign(message))


def fill(
    store: BoardStore, key: BoardKey, n: int, election_id: str = EID, tracked: bool = True
) -> tuple[list[StoredEntry], list[SignedTreeHead]]:
    """Append n entries (every other one a ballot with a tracker) as ElectionLog would."""
    tree = MerkleTree()
    for e in store.entries(election_id):
        tree.append(e.data)
    written, heads = [], []
    for _ in range(n):
        seq = tree.size
        data = json.dumps({"type": "test", "seq": seq, "election": election_id}).encode()
        tracker = hashlib.sha256(b"%s/%d" % (election_id.encode(), seq)).digest()
        ballot = tracked and seq % 2 == 1
        entry = StoredEntry(seq, "cast" if ballot else "note", data, tracker if ballot else None)
        tree.append(data)
        head = head_for(key, tree, election_id)
        store.append(election_id, [entry], head)
        written.append(entry)
        heads.append(head)
    return written, heads


@pytest.fixture
def key(tmp_path: Path) -> BoardKey:
    return BoardKey.load_or_create(tmp_path / "board.key")


@pytest.fixture
def store(database_url: str) -> Any:
    s = BoardStore(database_url)
    s.create_election(EID, 1, {"admin": b"\x00" * 32})
    yield s
    s.close()


def test_appends_are_durable_and_ordered(database_url: str, store: BoardStore, key: BoardKey):
    written, heads = fill(store, key, 12)
    store.close()

    reopened = BoardStore(database_url)
    try:
        assert reopened.election_ids() == [EID]
        assert list(reopened.entries(EID)) == written
        assert [seq for seq, _ in reopened.leaf_hashes(EID)] == list(range(12))
        assert [h for _, h in reopened.leaf_hashes(EID)] == [leaf_hash(e.data) for e in written]
        assert list(reopened.tree_heads(EID)) == heads
        assert reopened.tree_head(EID) == heads[-1]
        for e in written:
            if e.tracker is not None:
                assert reopened.entry_by_tracker(EID, e.tracker) == e
        assert reopened.entry_by_tracker(EID, b"\x01" * 32) is None
    finally:
        reopened.close()


def test_a_duplicate_tracker_is_refused_and_nothing_is_stored(store: BoardStore, key: BoardKey):
    written, heads = fill(store, key, 2)  # entry 1 is a ballot with a tracker
    tracker = written[1].tracker
    assert tracker is not None

    tree = MerkleTree()
    for e in written:
        tree.append(e.data)
    replay = StoredEntry(2, "cast", b'{"type":"cast","again":true}', tracker)
    tree.append(replay.data)
    with pytest.raises(DuplicateEntry):
        store.append(EID, [replay], head_for(key, tree))

    # Neither the entry nor its tree head: the transaction was rolled back as a whole.
    assert list(store.entries(EID)) == written
    assert store.tree_head(EID, 3) is None
    assert store.tree_head(EID) == heads[-1]
    assert list(store.tree_heads(EID)) == heads
    assert store.entry_by_tracker(EID, tracker) == written[1]

    # The same position takes a different ballot afterwards.
    other = StoredEntry(2, "cast", b'{"type":"cast","other":true}', b"\x07" * 32)
    tree.truncate(2)
    tree.append(other.data)
    store.append(EID, [other], head_for(key, tree))
    assert [e.seq for e in store.entries(EID)] == [0, 1, 2]


def test_a_batch_is_stored_whole_or_not_at_all(store: BoardStore, key: BoardKey):
    """Several entries under one head, ballots and other leaves mixed (PostgreSQL sends the
    batch as arrays in one statement, where a missing tracker is a NULL element)."""
    written, heads = fill(store, key, 2)
    tree = MerkleTree()
    for e in written:
        tree.append(e.data)
    batch = [
        StoredEntry(2, "note", b"a note, no tracker", None),
        StoredEntry(3, "cast", b'{"type":"cast","n":3}', b"\x03" * 32),
        StoredEntry(4, "cast", b'{"type":"cast","n":4}', b"\x04" * 32),
        StoredEntry(5, "note", b"another note", None),
    ]
    for e in batch:
        tree.append(e.data)
    head = head_for(key, tree)
    store.append(EID, batch, head)
    assert list(store.entries(EID)) == written + batch
    assert [h for _, h in store.leaf_hashes(EID)] == [leaf_hash(e.data) for e in written + batch]
    assert store.tree_head(EID) == head
    assert store.entry_by_tracker(EID, b"\x04" * 32) == batch[2]

    # A batch with one known tracker among fresh ones: refused whole, its head not stored.
    again = [
        StoredEntry(6, "cast", b'{"type":"cast","n":6}', b"\x06" * 32),
        StoredEntry(7, "cast", b'{"type":"cast","replay":true}', b"\x03" * 32),
    ]
    for e in again:
        tree.append(e.data)
    with pytest.raises(DuplicateEntry):
        store.append(EID, again, head_for(key, tree))
    assert list(store.entries(EID)) == written + batch
    assert store.tree_head(EID) == head
    assert list(store.tree_heads(EID)) == [*heads, head]
    assert store.entry_by_tracker(EID, b"\x06" * 32) is None


def test_a_position_is_taken_once(store: BoardStore, key: BoardKey):
    written, _ = fill(store, key, 3)
    tree = MerkleTree()
    for e in written[:2]:
        tree.append(e.data)
    clash = StoredEntry(2, "note", b"another entry at position 2", None)
    tree.append(clash.data)
    with pytest.raises(DuplicateEntry):
        store.append(EID, [clash], head_for(key, tree))
    assert list(store.entries(EID)) == written


def test_entries_are_fetched_in_batches(store: BoardStore, key: BoardKey):
    written, _ = fill(store, key, 23)
    fill(store, key, 5, election_id="other")  # another election's log does not mix in
    for batch in (1, 4, 5, 23, 100):
        assert list(store.entries(EID, batch=batch)) == written
        assert list(store.entries(EID, 7, 19, batch=batch)) == written[7:19]
        assert list(store.entries(EID, 20, None, batch=batch)) == written[20:]
        assert list(store.entries(EID, 22, 1000, batch=batch)) == written[22:]
    assert list(store.entries(EID, 23)) == []
    assert list(store.entries(EID, 5, 5)) == []
    assert [e.seq for e in store.entries("other")] == list(range(5))
    assert [seq for seq, _ in store.leaf_hashes(EID, batch=4)] == list(range(23))
    assert list(store.entries("no-such-election")) == []


def test_entries_stream_without_a_long_transaction(store: BoardStore, key: BoardKey):
    """A reader iterating the log page by page sees appends made while it reads (each page is
    its own short query), so an export never holds the writers back."""
    written, _ = fill(store, key, 6)
    reader = store.entries(EID, batch=2)
    first = [next(reader), next(reader)]
    more, _ = fill(store, key, 2)
    assert first + list(reader) == written + more


def test_tree_heads_by_size_and_latest(store: BoardStore, key: BoardKey):
    assert store.tree_head(EID) is None
    assert list(store.tree_heads(EID)) == []
    _, heads = fill(store, key, 10)
    for h in heads:
        assert store.tree_head(EID, h.size) == h
    assert store.tree_head(EID, 11) is None
    assert store.tree_head(EID) == heads[-1]
    assert list(store.tree_heads(EID, start=4)) == heads[3:]
    assert list(store.tree_heads(EID, start=4, limit=3)) == heads[3:6]
    assert store.tree_head("other") is None
    for h in store.tree_heads(EID):
        h.verify(key.public)


def test_an_election_id_is_created_once(store: BoardStore):
    from openballot.errors import ProtocolError

    with pytest.raises(ProtocolError, match="already exists"):
        store.create_election(EID, 2, {"admin": b"\x01" * 32})
    assert store.token_hash(EID, "admin") == b"\x00" * 32
    assert store.token_hash(EID, "nobody") is None


def _everything_stored(url: str) -> bytes:
    """Every byte the database holds for the board: the SQLite files (with the WAL), or every
    row of every table as text on PostgreSQL."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        assert u.database
        db = Path(u.database)
        return b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))
    engine = create_engine(url)
    try:
        out = []
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                    out.append(
                        repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                    )
        return "\n".join(out).encode()
    finally:
        engine.dispose()


def test_only_token_hashes_are_stored(database_url: str, tmp_path: Path):
    from openballot.cli.demo import demo_manifest_path

    store = BoardStore(database_url)
    board = Board(store, BoardKey.load_or_create(tmp_path / "board.key"))
    manifest = json.loads(demo_manifest_path().read_text())
    _, tokens = board.create({"manifest": manifest, "trustees": 3, "threshold": 2})
    assert set(tokens) == {"credential-authority", "trustee-1", "trustee-2", "trustee-3"}
    for role, token in tokens.items():
        assert store.token_hash("demo-2026", role) == hashlib.sha256(token.encode()).digest()
    stored = _everything_stored(database_url)
    store.close()
    assert b"demo-2026" in stored and len(stored) > 1000  # the scan does see the data
    for token in tokens.values():
        assert token.encode() not in stored
        assert token.encode().hex().encode() not in stored


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest, kit: Any) -> Iterator[str]:
    assert request.param == "postgresql"
    with kit.fresh_postgres_database(kit.postgres_base_url()) as url:
        yield url


@pytest.mark.parametrize("postgres_url", ["postgresql"], indirect=True)
def test_postgresql_compresses_entries_with_lz4(postgres_url: str) -> None:
    """A ballot's leaf is stored compressed with lz4, not pglz (docs/scale.md), once a board
    has started on the database, whichever created its tables."""
    first = BoardStore(postgres_url)
    with first.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE entries ALTER COLUMN data SET COMPRESSION pglz")
    first.close()
    again = BoardStore(postgres_url)  # a start sets it again
    try:
        with again.engine.connect() as conn:
            method = conn.exec_driver_sql(
                "SELECT attcompression FROM pg_attribute"
                " WHERE attrelid = 'entries'::regclass AND attname = 'data'"
            ).scalar()
        assert method == "l"
    finally:
        again.close()
