"""Start-up checks of a board: it serves only a log it can stand behind.

Before the service answers anyone, every election's latest signed tree head must verify under
the board's key (a lost and re-created, or swapped, `board.key` would sign heads that
contradict every receipt handed out so far), and the Merkle root of the entries as stored must
be the root that head signs (an entry altered or lost in the database would be served as if
the board had signed it). A database the engine cannot read is refused the same way, with one
line, rather than turned into a 500 on the first request that reaches the damaged page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from openballot.board.log import ElectionLog
from openballot.board.signing import BoardKey, BoardKeyError
from openballot.board.store import BoardStorageError, BoardStore
from openballot.errors import ProofError
from openballot.record.merkle import leaf_hash

__all__ = [
    "BoardIntegrityError",
    "open_board_key",
    "readable_storage",
    "check_storage",
    "check_election",
]


class BoardIntegrityError(BoardStorageError):
    """The board's storage or key contradicts the tree heads it signed: the service must not
    start on it."""


def open_board_key(path: Path, store: BoardStore) -> BoardKey:
    """The board's key: the one in `path`, or a new one only when no election holds a tree
    head (a new key signs nothing that was signed before)."""
    if path.exists() or path.is_symlink():
        return BoardKey.load(path)
    signed = [e for e in store.election_ids() if store.tree_head(e) is not None]
    if signed:
        raise BoardKeyError(
            f"board key file {path} is missing, but the database holds {len(signed)} "
            f"election(s) whose tree heads it signed ({', '.join(map(repr, signed[:3]))}"
            f"{', …' if len(signed) > 3 else ''}): restore the key file from a backup; "
            "a new key would not verify them"
        )
    return BoardKey.create(path)


@contextmanager
def readable_storage(url: str) -> Iterator[None]:
    """Turn an error of the database engine during start-up (a damaged file, a page of
    random bytes) into one line naming the storage."""
    try:
        yield
    except DatabaseError as exc:
        reason = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
        raise BoardIntegrityError(
            f"board storage {url.split('@')[-1]} cannot be read: {reason}"
        ) from None


def _sqlite_damage(store: BoardStore) -> str | None:
    """SQLite's own page-level check: damage in a page no start-up query reads (an index)
    would otherwise surface later as a 500. PostgreSQL checksums its pages itself."""
    if store.engine.dialect.name != "sqlite":
        return None
    with store.engine.connect() as conn:
        rows = [str(r[0]) for r in conn.execute(text("PRAGMA quick_check"))]
    return None if rows == ["ok"] else rows[0].replace("\n", " ")[:200]


def check_storage(store: BoardStore) -> None:
    damage = _sqlite_damage(store)
    if damage is not None:
        raise BoardIntegrityError(f"board storage {store.url.split('@')[-1]} is damaged: {damage}")


def check_election(log: ElectionLog) -> None:
    """The election's latest tree head is signed by the board's key and signs the root of
    the entries as stored. The entries are streamed (the store reads them in batches) and
    compared with the leaf hashes the in-memory tree was rebuilt from, so memory stays that
    of the tree."""
    store, where = log.store, f"election {log.election_id!r}"
    head = store.tree_head(log.election_id)
    if head is None:
        if log.size:
            raise BoardIntegrityError(f"{where}: {log.size} entries stored but no signed tree head")
        return  # created, never written: the board forgets it (`Board._load`)
    try:
        head.verify(log.key.public)
    except ProofError:
        raise BoardIntegrityError(
            f"{where}: its latest tree head (size {head.size}) is not signed by the board key "
            f"in use ({log.key.public.hex()[:16]}…): the key file was replaced or re-created; "
            "restore the board's original key file"
        ) from None
    if head.size != log.size:
        raise BoardIntegrityError(
            f"{where}: {log.size} entries stored, but its latest signed tree head covers "
            f"{head.size}"
        )
    root = log.tree.root(head.size)
    if root != head.root:
        raise BoardIntegrityError(
            f"{where}: the Merkle root of its {head.size} stored entries is "
            f"{root.hex()[:16]}…, its latest signed tree head says {head.root.hex()[:16]}…"
        )
    leaves = log.tree.levels[0]
    seen = 0
    for entry in store.entries(log.election_id, 0, head.size):
        if entry.seq != seen or leaf_hash(entry.data) != leaves[entry.seq]:
            raise BoardIntegrityError(
                f"{where}: stored entry {seen} is not the one its signed tree head covers "
                "(altered or lost in the database)"
            )
        seen += 1
    if seen != head.size:
        raise BoardIntegrityError(
            f"{where}: {seen} entries readable, its latest signed tree head covers {head.size}"
        )
