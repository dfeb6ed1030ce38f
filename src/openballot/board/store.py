"""Durable storage of board entries and signed tree heads, through SQLAlchemy Core.

SQLite runs in WAL mode with synchronous=FULL, so a committed append survives a crash or a
SIGKILL; PostgreSQL commits are durable by default. An append writes a batch of entries and the
one tree head that covers them in one transaction: a receipt is handed out only after that
commits.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from openballot.errors import OpenBallotError, ProtocolError
from openballot.record.merkle import leaf_hash
from openballot.record.tree_head import SignedTreeHead

__all__ = ["StoredEntry", "BoardStore", "DuplicateEntry", "BoardInUse", "BoardStorageError"]

metadata = MetaData()

elections = Table(
    "elections",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_ms", BigInteger, nullable=False),
)

entries = Table(
    "entries",
    metadata,
    Column("election_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("type", String(32), nullable=False),
    Column("data", LargeBinary, nullable=False),
    # Kept so that start-up rebuilds the Merkle tree without reading every entry's data.
    Column("leaf_hash", LargeBinary, nullable=False),
    # Set for ballots only: the unique index makes a replayed ballot impossible to store twice.
    Column("tracker", LargeBinary, nullable=True),
)
Index("entries_tracker", entries.c.election_id, entries.c.tracker, unique=True)
Index("entries_type", entries.c.election_id, entries.c.type, entries.c.seq)

tokens = Table(
    "tokens",
    metadata,
    Column("election_id", String(64), primary_key=True),
    Column("role", String(32), primary_key=True),
    # SHA-256 of the bearer token: a stolen database does not hand out the tokens.
    Column("token_hash", LargeBinary, nullable=False),
)

tree_heads = Table(
    "tree_heads",
    metadata,
    Column("election_id", String(64), primary_key=True),
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary, nullable=False),
    Column("timestamp_ms", BigInteger, nullable=False),
    Column("signature", LargeBinary, nullable=False),
)


_INSERT_ENTRIES = (
    "INSERT INTO entries (election_id, seq, type, data, leaf_hash, tracker)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_TREE_HEAD = (
    "INSERT INTO tree_heads (election_id, size, root, timestamp_ms, signature)"
    " VALUES (?, ?, ?, ?, ?)"
)

#: A batch and its tree head in one statement: a data-modifying WITH runs whether or not it is
#: read, and a statement is atomic, so both inserts commit together or not at all. The byte
#: arrays go in binary (`%b`): as text, psycopg escapes every element with a regular
#: expression, which cost more than the round trips saved.
_APPEND_POSTGRESQL = (
    "WITH head AS ("
    "INSERT INTO tree_heads (election_id, size, root, timestamp_ms, signature)"
    " VALUES (%s, %s, %s, %s, %s)) "
    "INSERT INTO entries (election_id, seq, type, data, leaf_hash, tracker)"
    " SELECT %s, e.seq, e.type, e.data, e.leaf_hash, e.tracker"
    " FROM unnest(%s::bigint[], %s::varchar[], %b::bytea[], %b::bytea[], %b::bytea[])"
    " AS e(seq, type, data, leaf_hash, tracker)"
)


class BoardInUse(OpenBallotError):
    """Another server process writes to this database."""


class BoardStorageError(OpenBallotError):
    """The storage does not hold what the board wrote to it, or contradicts itself (an entry
    missing from the log, a leaf out of place, a position taken by another writer): the
    board's fault or its operator's, never a client's."""


#: pg_advisory_lock key of the board's single writer (per database).
WRITER_LOCK_KEY = 0x6F62626F617264  # "obboard"


class DuplicateEntry(ProtocolError):
    """The ballot (by tracker) is already on the board."""


@dataclass(frozen=True, slots=True)
class StoredEntry:
    seq: int  # 0-based leaf index
    type: str
    data: bytes
    tracker: bytes | None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _compress_entries_with_lz4(engine: Engine) -> None:
    """Have PostgreSQL compress the entries' bytes with lz4 rather than its default, pglz.
    A ballot's leaf (about 6.5 kB of JSON with hex) is stored out of line, compressed: pglz
    spent about 0.1 ms of the database server's CPU an entry and kept it at 8.7 kB with its
    indexes; lz4 stores it in 6.6 kB for less CPU (docs/scale.md). Rows already stored keep
    theirs. A server without lz4 (built without it, or before PostgreSQL 14), or a database
    role that does not own the table, keeps the default: a matter of speed and size only."""
    with contextlib.suppress(DBAPIError):
        with engine.connect() as conn:
            current = conn.exec_driver_sql(
                "SELECT attcompression FROM pg_attribute"
                " WHERE attrelid = 'entries'::regclass AND attname = 'data'"
            ).scalar()
        if current != "l":
            with engine.begin() as conn:
                conn.exec_driver_sql("ALTER TABLE entries ALTER COLUMN data SET COMPRESSION lz4")


class BoardStore:
    def __init__(self, url: str) -> None:
        self.url = url
        kwargs: dict[str, Any] = {}
        if url.startswith("postgresql"):
            kwargs["pool_size"] = 8
        self.engine: Engine = create_engine(url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        if self.engine.dialect.name == "postgresql":
            _compress_entries_with_lz4(self.engine)
        self._writer_lock: Any = None
        self._take_writer_lock()

    def _take_writer_lock(self) -> None:
        """One writing process per database: the Merkle tree lives in each process's memory
        and appends are serialised by a lock in that process. The lock dies with the process
        (SIGKILL included): a file lock beside SQLite, a session advisory lock on PostgreSQL."""
        busy = BoardInUse(f"another openballot server is using {self.url.split('@')[-1]}")
        if self.engine.dialect.name == "sqlite":
            import fcntl

            path = self.engine.url.database
            if not path or path == ":memory:":
                return
            fd = os.open(path + ".writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise busy from None
            self._writer_lock = fd
            return
        conn = self.engine.raw_connection()  # kept out of the pool while the store lives
        cur = conn.cursor()
        cur.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_LOCK_KEY,))
        row = cur.fetchone()
        conn.commit()
        ok = bool(row and row[0])
        if not ok:
            conn.close()
            raise busy
        self._writer_lock = conn

    def close(self) -> None:
        lock, self._writer_lock = self._writer_lock, None
        if isinstance(lock, int):
            os.close(lock)
        elif lock is not None:
            lock.invalidate()  # closes the connection: PostgreSQL releases the lock
        self.engine.dispose()

    def create_election(
        self, election_id: str, created_ms: int, token_hashes: dict[str, bytes]
    ) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(elections.insert().values(id=election_id, created_ms=created_ms))
                for role, h in token_hashes.items():
                    conn.execute(
                        tokens.insert().values(election_id=election_id, role=role, token_hash=h)
                    )
        except IntegrityError:
            raise ProtocolError(f"election {election_id!r} already exists") from None

    def delete_election(self, election_id: str) -> None:
        """Undo a creation whose first entry could not be stored (nothing else refers to it)."""
        with self.engine.begin() as conn:
            for table in (tree_heads, entries, tokens):
                conn.execute(table.delete().where(table.c.election_id == election_id))
            conn.execute(elections.delete().where(elections.c.id == election_id))

    def token_hash(self, election_id: str, role: str) -> bytes | None:
        with self.engine.connect() as conn:
            r = conn.execute(
                select(tokens.c.token_hash).where(
                    tokens.c.election_id == election_id, tokens.c.role == role
                )
            ).first()
        return None if r is None else bytes(r[0])

    def leaf_hashes(
        self, election_id: str, batch: int = 50000, start: int = 0
    ) -> Iterator[tuple[int, bytes]]:
        seq = start
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(entries.c.seq, entries.c.leaf_hash)
                    .where(entries.c.election_id == election_id, entries.c.seq >= seq)
                    .order_by(entries.c.seq)
                    .limit(batch)
                ).all()
            if not rows:
                return
            for r in rows:
                yield r.seq, bytes(r.leaf_hash)
            seq = rows[-1].seq + 1

    def entries_of_types(self, election_id: str, types: list[str]) -> Iterator[StoredEntry]:
        """The (few) entries of the given types, in log order: the election's fixed part."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(entries.c.seq, entries.c.type, entries.c.data, entries.c.tracker)
                .where(entries.c.election_id == election_id, entries.c.type.in_(types))
                .order_by(entries.c.seq)
            ).all()
        for r in rows:
            yield StoredEntry(r.seq, r.type, bytes(r.data), _opt_bytes(r.tracker))

    def election_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(elections.c.id).order_by(elections.c.id))]

    def append(self, election_id: str, batch: Sequence[StoredEntry], head: SignedTreeHead) -> None:
        """Store a batch of entries and the one tree head that covers them, atomically and
        durably: one transaction, one commit (one fsync), whatever the batch's length."""
        try:
            if self.engine.dialect.name == "postgresql":
                self._append_postgresql(election_id, batch, head)
            else:
                self._append_sqlite(election_id, batch, head)
        except IntegrityError:
            raise DuplicateEntry("an entry of this batch is already on the board") from None

    def _append_sqlite(
        self, election_id: str, batch: Sequence[StoredEntry], head: SignedTreeHead
    ) -> None:
        # The statements' text is fixed, so SQLAlchemy builds and compiles nothing per batch.
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                _INSERT_ENTRIES,
                [
                    (
                        election_id,
                        entry.seq,
                        entry.type,
                        entry.data,
                        leaf_hash(entry.data),
                        entry.tracker,
                    )
                    for entry in batch
                ],
            )
            conn.exec_driver_sql(
                _INSERT_TREE_HEAD,
                (election_id, head.size, head.root, head.timestamp_ms, head.signature),
            )

    def _append_postgresql(
        self, election_id: str, batch: Sequence[StoredEntry], head: SignedTreeHead
    ) -> None:
        """`append` as one statement, sent in one round trip and committed on its own: the
        entries come as arrays, so its text is the same for every batch and psycopg prepares
        it once. BEGIN, an insert per table and COMMIT were four round trips, and the server
        parsed and planned them anew for each batch (docs/scale.md)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(
                _APPEND_POSTGRESQL,
                (
                    election_id,
                    head.size,
                    head.root,
                    head.timestamp_ms,
                    head.signature,
                    election_id,
                    [entry.seq for entry in batch],
                    [entry.type for entry in batch],
                    [entry.data for entry in batch],
                    [leaf_hash(entry.data) for entry in batch],
                    [entry.tracker for entry in batch],
                ),
            )

    def entries(
        self, election_id: str, start: int = 0, end: int | None = None, batch: int = 5000
    ) -> Iterator[StoredEntry]:
        """Entries in log order, fetched in batches so a log of millions streams."""
        seq = start
        while end is None or seq < end:
            limit = batch if end is None else min(batch, end - seq)
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(entries.c.seq, entries.c.type, entries.c.data, entries.c.tracker)
                    .where(entries.c.election_id == election_id, entries.c.seq >= seq)
                    .order_by(entries.c.seq)
                    .limit(limit)
                ).all()
            if not rows:
                return
            for r in rows:
                yield StoredEntry(r.seq, r.type, bytes(r.data), _opt_bytes(r.tracker))
            seq = rows[-1].seq + 1

    def entries_by_tracker(
        self, election_id: str, trackers: Collection[bytes]
    ) -> dict[bytes, StoredEntry]:
        """The ballots among `trackers` already on the board, in one query (a batch's)."""
        if not trackers:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(entries.c.seq, entries.c.type, entries.c.data, entries.c.tracker).where(
                    entries.c.election_id == election_id, entries.c.tracker.in_(list(trackers))
                )
            ).all()
        return {
            bytes(r.tracker): StoredEntry(r.seq, r.type, bytes(r.data), bytes(r.tracker))
            for r in rows
        }

    def entry_by_tracker(self, election_id: str, tracker: bytes) -> StoredEntry | None:
        return self.entries_by_tracker(election_id, [tracker]).get(tracker)

    def tree_head(self, election_id: str, size: int | None = None) -> SignedTreeHead | None:
        """The tree head of a given size, or the latest."""
        q = select(tree_heads).where(tree_heads.c.election_id == election_id)
        q = (
            q.where(tree_heads.c.size == size)
            if size is not None
            else q.order_by(tree_heads.c.size.desc()).limit(1)
        )
        with self.engine.connect() as conn:
            r = conn.execute(q).first()
        if r is None:
            return None
        return SignedTreeHead(
            election_id, r.size, bytes(r.root), r.timestamp_ms, bytes(r.signature)
        )

    def tree_heads(
        self, election_id: str, start: int = 1, limit: int | None = None
    ) -> Iterator[SignedTreeHead]:
        q = (
            select(tree_heads)
            .where(tree_heads.c.election_id == election_id, tree_heads.c.size >= start)
            .order_by(tree_heads.c.size)
        )
        if limit is not None:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            for r in conn.execute(q):
                yield SignedTreeHead(
                    election_id, r.size, bytes(r.root), r.timestamp_ms, bytes(r.signature)
                )


def _opt_bytes(value: Any) -> bytes | None:
    return None if value is None else bytes(value)
