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
from collections.abc import Iterator, Sequence
from typing import Protocol

__all__ = ["CountingStore", "MemoryStore", "DiskStore", "SpillingStore", "SPILL_AFTER"]

#: Trackers held in memory before the state moves to disk: some 3 MB in CPython, small next
#: to the interpreter and the loaded election, so a log of this size costs no disk at all.
SPILL_AFTER = 16_384
# SQLite's limit on the parameters of one statement is 32766 since 3.32; stay well below it.
_MAX_PARAMETERS = 500


class CountingStore(Protocol):
    """The maps of `Counting`. Tracker states are ints: a line number (>= 1) or a negative
    code for a `First` (`Counting` owns the meaning)."""

    def prefetch(self, trackers: Sequence[bytes], credentials: Sequence[bytes]) -> None:
        """A hint: the next lines have these trackers and credentials (a store may batch)."""
        ...

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

    def prefetch(self, trackers: Sequence[bytes], credentials: Sequence[bytes]) -> None:
        pass

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
    transaction; SQLite's page cache (2 MiB by default) bounds the memory. Lookups and writes
    are batched per chunk of the log: `prefetch` reads the entries of a chunk's trackers and
    credentials in two queries and flushes the writes of the previous chunk with
    `executemany`, so a line costs a few microseconds, not a round of queries."""

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
        # The current chunk's view: what the tables hold for its keys (None: no entry), and
        # what it changed, not yet written. A key outside the view is looked up on its own.
        self._firsts: dict[bytes, int | None] = {}
        self._lasts: dict[bytes, int | None] = {}
        self._new_firsts: dict[bytes, int] = {}
        self._new_lasts: dict[bytes, int] = {}
        self._new_out: list[int] = []

    def prefetch(self, trackers: Sequence[bytes], credentials: Sequence[bytes]) -> None:
        """Get ready for a chunk of lines with these keys."""
        self._flush()
        self._firsts = self._many("SELECT tracker, state FROM first WHERE tracker", trackers)
        self._lasts = self._many("SELECT credential, line FROM last WHERE credential", credentials)

    def first(self, tracker: bytes) -> int | None:
        return self._get(self._firsts, "SELECT state FROM first WHERE tracker = ?", tracker)

    def set_first(self, tracker: bytes, state: int) -> None:
        self._firsts[tracker] = self._new_firsts[tracker] = state

    def last(self, credential: bytes) -> int | None:
        return self._get(self._lasts, "SELECT line FROM last WHERE credential = ?", credential)

    def set_last(self, credential: bytes, line: int) -> None:
        self._lasts[credential] = self._new_lasts[credential] = line

    def take_back(self, line: int) -> None:
        self._new_out.append(line)

    def taken_back(self) -> Iterator[int]:
        self._flush()
        return (line for (line,) in self._db.execute("SELECT line FROM out ORDER BY line"))

    def last_lines(self) -> Iterator[int]:
        self._flush()
        return (line for (line,) in self._db.execute("SELECT line FROM last"))

    def add_all(self, store: MemoryStore) -> None:
        """Take over a memory store's state."""
        self._new_firsts.update(store.firsts)
        self._new_lasts.update(store.lasts)
        self._new_out.extend(store.out)
        self._firsts, self._lasts = dict(store.firsts), dict(store.lasts)

    def close(self) -> None:
        self._db.close()

    def _flush(self) -> None:
        self._db.executemany("INSERT OR REPLACE INTO first VALUES (?, ?)", self._new_firsts.items())
        self._db.executemany("INSERT OR REPLACE INTO last VALUES (?, ?)", self._new_lasts.items())
        self._db.executemany("INSERT OR IGNORE INTO out VALUES (?)", ((n,) for n in self._new_out))
        self._new_firsts, self._new_lasts, self._new_out = {}, {}, []

    def _many(self, query: str, keys: Sequence[bytes]) -> dict[bytes, int | None]:
        view: dict[bytes, int | None] = dict.fromkeys(keys)
        unique = list(view)
        for i in range(0, len(unique), _MAX_PARAMETERS):
            part = unique[i : i + _MAX_PARAMETERS]
            marks = ",".join("?" * len(part))
            view.update(self._db.execute(f"{query} IN ({marks})", part))
        return view

    def _get(self, view: dict[bytes, int | None], query: str, key: bytes) -> int | None:
        if key in view:
            return view[key]
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

    def prefetch(self, trackers: Sequence[bytes], credentials: Sequence[bytes]) -> None:
        self._store.prefetch(trackers, credentials)

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
