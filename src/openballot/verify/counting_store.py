"""Where the counting rules (`Counting`) keep their state: in memory for a small log, in a
temporary SQLite file past a threshold, so the verifier's memory does not grow with the log.

The state is three maps, all keyed by bytes or line numbers and none holding a ballot:
- tracker -> what its first line was (an entry per line of the log);
- credential -> the line of its current counting ballot (an entry per credential that voted);
- the lines whose contribution must be taken back from the tally (at most one per line).

`SpillingStore` (the default) starts with `MemoryStore` and moves everything into `DiskStore`
once the log has `spill_after` trackers. The two stores answer identically: `Counting`'s
tests run against both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Protocol

__all__ = ["CountingStore", "MemoryStore", "DiskStore", "SpillingStore", "SPILL_AFTER"]

#: Trackers held in memory before the state moves to disk: some 3 MB in CPython, small next
#: to the interpreter and the loaded election, so a log of this size costs no disk at all.
SPILL_AFTER = 16_384


class CountingStore(Protocol):
    """The maps of `Counting`. Tracker states are ints: a line number (>= 1) or a negative
    code for a `First` (`Counting` owns the meaning)."""

    def first(self, tracker: bytes) -> int | None: ...
    def set_first(self, tracker: bytes, state: int) -> None: ...
    def last(self, credential: bytes) -> int | None: ...
    def set_last(self, credential: bytes, line: int) -> None: ...
    def take_back(self, line: int) -> None: ...
    def taken_back(self) -> Iterator[int]:
        """The lines taken back, in ascending order (the second pass merges them with the log)."""
        ...

    def last_lines(self) -> Iterator[int]: ...
    def close(self) -> None: ...


class MemoryStore:
    """Dicts and a set: about 150 bytes per line in CPython."""

    def __init__(self) -> None:
        self.firsts: dict[bytes, int] = {}
        self.lasts: dict[bytes, int] = {}
        self.out: set[int] = set()

    def first(self, tracker: bytes) -> int | None:
        return self.firsts.get(tracker)

    def set_first(self, tracker: bytes, state: int) -> None:
        self.firsts[tracker] = state

    def last(self, credential: bytes) -> int | None:
        return self.lasts.get(credential)

    def set_last(self, credential: bytes, line: int) -> None:
        self.lasts[credential] = line

    def take_back(self, line: int) -> None:
        self.out.add(line)

    def taken_back(self) -> Iterator[int]:
        return iter(sorted(self.out))

    def last_lines(self) -> Iterator[int]:
        return iter(self.lasts.values())

    def close(self) -> None:
        pass


class DiskStore:
    """The same maps as SQLite tables in a private temporary file, deleted when closed.

    Nothing here needs to survive a crash, so there is no journal, no fsync and one open
    transaction; SQLite's page cache (2 MiB by default) bounds the memory. Each call is one
    primary-key lookup or insert, a few microseconds: small next to the milliseconds a worker
    spends checking the ballot of the line."""

    def __init__(self) -> None:
        # "" is SQLite's private temporary on-disk database, removed when it is closed.
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE first (tracker BLOB PRIMARY KEY, state INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE last (credential BLOB PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE out (line INTEGER PRIMARY KEY);
            BEGIN;
            """
        )

    def first(self, tracker: bytes) -> int | None:
        return self._one("SELECT state FROM first WHERE tracker = ?", tracker)

    def set_first(self, tracker: bytes, state: int) -> None:
        self._db.execute("INSERT OR REPLACE INTO first VALUES (?, ?)", (tracker, state))

    def last(self, credential: bytes) -> int | None:
        return self._one("SELECT line FROM last WHERE credential = ?", credential)

    def set_last(self, credential: bytes, line: int) -> None:
        self._db.execute("INSERT OR REPLACE INTO last VALUES (?, ?)", (credential, line))

    def take_back(self, line: int) -> None:
        self._db.execute("INSERT OR IGNORE INTO out VALUES (?)", (line,))

    def taken_back(self) -> Iterator[int]:
        return (line for (line,) in self._db.execute("SELECT line FROM out ORDER BY line"))

    def last_lines(self) -> Iterator[int]:
        return (line for (line,) in self._db.execute("SELECT line FROM last"))

    def add_all(self, store: MemoryStore) -> None:
        """Take over a memory store's state, in a few batched inserts."""
        self._db.executemany("INSERT INTO first VALUES (?, ?)", store.firsts.items())
        self._db.executemany("INSERT INTO last VALUES (?, ?)", store.lasts.items())
        self._db.executemany("INSERT INTO out VALUES (?)", ((n,) for n in store.out))

    def close(self) -> None:
        self._db.close()

    def _one(self, query: str, key: bytes) -> int | None:
        row = self._db.execute(query, (key,)).fetchone()
        return None if row is None else int(row[0])


class SpillingStore:
    """A `MemoryStore` until the log has `spill_after` trackers, then a `DiskStore`."""

    def __init__(self, spill_after: int = SPILL_AFTER) -> None:
        self._spill_after = spill_after
        self._memory: MemoryStore | None = MemoryStore()
        self._store: MemoryStore | DiskStore = self._memory

    @property
    def on_disk(self) -> bool:
        return self._memory is None

    def first(self, tracker: bytes) -> int | None:
        return self._store.first(tracker)

    def set_first(self, tracker: bytes, state: int) -> None:
        self._store.set_first(tracker, state)
        if self._memory is not None and len(self._memory.firsts) >= self._spill_after:
            disk = DiskStore()
            disk.add_all(self._memory)
            self._memory = None
            self._store = disk

    def last(self, credential: bytes) -> int | None:
        return self._store.last(credential)

    def set_last(self, credential: bytes, line: int) -> None:
        self._store.set_last(credential, line)

    def take_back(self, line: int) -> None:
        self._store.take_back(line)

    def taken_back(self) -> Iterator[int]:
        return self._store.taken_back()

    def last_lines(self) -> Iterator[int]:
        return self._store.last_lines()

    def close(self) -> None:
        self._store.close()
