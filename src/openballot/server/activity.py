"""Ballots recorded per district over time, for the live observer view (docs/server.md).

An observer's page asks for it every few seconds while millions of ballots come in, so it is
never computed from scratch per request: one `ActivityIndex` per election keeps the number
of cast leaves per district and per minute, and each request only reads the leaves appended
since the previous one (in chunks of `CHUNK`, so memory stays bounded however far behind the
index is). A leaf's time is the timestamp of the first signed tree head that covers it (the
head of the batch it was committed in): a public, signed time, not the server's clock at the
request. The index lives in the server's memory and is rebuilt after a restart, on the first
requests, by reading the board's leaves once (at most PER_REQUEST leaves a request).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

from openballot.board.store import BoardStorageError, BoardStore
from openballot.errors import DecodeError
from openballot.record.ballot_log import CastEntry

__all__ = ["MINUTE_MS", "CHUNK", "PER_REQUEST", "Activity", "ActivityIndex"]

MINUTE_MS: Final = 60_000
#: Leaves read per step while the index catches up.
CHUNK: Final = 20_000
#: Leaves read by one request at most: after a restart the index catches up over several
#: requests (each answer says up to which `size` it counts), so none of them takes long.
PER_REQUEST: Final = 100_000


@dataclass(frozen=True, slots=True)
class Activity:
    """Cast leaves per district in buckets of `bucket_seconds`, over the first `size` leaves
    of the log (the latest signed tree head when the index was brought up to date, or fewer
    while it catches up: see PER_REQUEST)."""

    election_id: str
    size: int
    bucket_seconds: int
    districts: tuple[str, ...]
    buckets: tuple[tuple[int, tuple[int, ...]], ...]  # (start ms, count per district)

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election_id,
            "size": self.size,
            "bucket_seconds": self.bucket_seconds,
            "districts": list(self.districts),
            "buckets": [
                {"start": start, "cast": dict(zip(self.districts, counts, strict=True))}
                for start, counts in self.buckets
            ],
        }


class ActivityIndex:
    """Cast leaves per (minute, district) of one election, brought up to date on demand."""

    def __init__(self, store: BoardStore, election_id: str, districts: tuple[str, ...]) -> None:
        self.store = store
        self.election_id = election_id
        self.districts = districts
        self.size = 0  # leaves counted so far
        self._minutes: dict[int, Counter[str]] = {}
        self._lock = threading.Lock()

    def activity(self, bucket_seconds: int) -> Activity:
        """The activity up to the latest signed tree head, in buckets of `bucket_seconds`
        (a whole number of minutes, so that minutes add up into buckets exactly)."""
        if bucket_seconds < 60 or bucket_seconds % 60:
            raise DecodeError(
                f"bucket: expected a whole number of minutes in seconds (60, 120, …), "
                f"got {bucket_seconds}"
            )
        with self._lock:
            self._catch_up()
            size = self.size
            minutes = {m: dict(c) for m, c in self._minutes.items()}
        width = bucket_seconds * 1000
        buckets: dict[int, Counter[str]] = {}
        for minute, counts in minutes.items():
            buckets.setdefault(minute // width * width, Counter()).update(counts)
        rows = tuple(
            (start, tuple(buckets[start][d] for d in self.districts)) for start in sorted(buckets)
        )
        return Activity(self.election_id, size, bucket_seconds, self.districts, rows)

    def _catch_up(self) -> None:
        head = self.store.tree_head(self.election_id)
        end = 0 if head is None else min(head.size, self.size + PER_REQUEST)
        while self.size < end:
            stop = min(end, self.size + CHUNK)
            # A head per batch, a batch at least one leaf: CHUNK heads cover the chunk.
            heads = [
                h
                for h in self.store.tree_heads(self.election_id, self.size + 1, CHUNK)
                if h.size <= end
            ]
            at = 0
            counts: dict[int, Counter[str]] = {}
            for entry in self.store.entries(self.election_id, self.size, stop):
                while at < len(heads) and heads[at].size <= entry.seq:
                    at += 1
                if at == len(heads):
                    raise BoardStorageError(
                        f"election {self.election_id!r}: leaf {entry.seq} is covered by no "
                        "signed tree head"
                    )
                if entry.type == CastEntry.TAG:
                    minute = heads[at].timestamp_ms // MINUTE_MS * MINUTE_MS
                    counts.setdefault(minute, Counter())[_district(entry.data)] += 1
            # Counted only once the whole chunk was read: a failure leaves the index as it was.
            for minute, c in counts.items():
                self._minutes.setdefault(minute, Counter()).update(c)
            self.size = stop


def _district(leaf: bytes) -> str:
    # The board checked the ballot before it appended it: its district is one of the manifest's.
    return str(json.loads(leaf)["ballot"]["district"])
