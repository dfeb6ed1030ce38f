"""Casting into the record's ballot log, as a board would: verify first, then append durably.

The box indexes the log once when opened (each tracker, cast or audited), so a session that
casts many ballots pays for the scan once. Casting an identical ballot again is idempotent. What
may be appended is decided by the election's `AcceptancePolicy`, as on the HTTP board.
"""

from __future__ import annotations

from dataclasses import dataclass

from openballot.election.acceptance import AcceptancePolicy, BallotKind, OutOfOrder
from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.election.context import ElectionContext
from openballot.errors import ProtocolError
from openballot.record.ballot_log import (
    AuditEntry,
    CastEntry,
    Entry,
    entry_line,
    parse_unverified_entry,
)
from openballot.record.files import append_line, iter_lines
from openballot.record.layout import RecordLayout

__all__ = ["Recorded", "BallotBox"]


@dataclass(frozen=True, slots=True)
class Recorded:
    """Where the box put a ballot: its line in ballots.jsonl. A record directory has no signed
    tree head, so this is not a receipt (record/receipt.py); `already_cast` says the line
    was there before."""

    tracker: bytes
    line: int
    already_cast: bool = False


class BallotBox:
    def __init__(self, layout: RecordLayout, ctx: ElectionContext) -> None:
        self._layout = layout
        self._policy = AcceptancePolicy(ctx)
        self._lines: dict[bytes, int] = {}
        self._earlier: dict[bytes, BallotKind] = {}  # tracker -> what its first line did
        if layout.ballots.exists():
            for number, line in iter_lines(layout.ballots):
                entry = parse_unverified_entry(line, f"{layout.ballots.name}:{number}")
                tracker = entry.ballot.tracker()
                self._lines.setdefault(tracker, number)
                self._earlier.setdefault(tracker, entry.kind)

    def _check_open(self) -> None:
        if self._layout.tally.exists():
            raise ProtocolError("the election is closed: the tally has been computed")

    def cast(self, ballot: EncryptedBallot) -> Recorded:
        self._check_open()
        tracker = ballot.tracker()
        try:
            self._policy.check(ballot, earlier=self._earlier.get(tracker))
        except OutOfOrder as exc:
            if exc.replay:
                return Recorded(tracker, self._lines[tracker], already_cast=True)
            raise
        return self._append(tracker, CastEntry(ballot))

    def audit(self, ballot: EncryptedBallot, opening: BallotOpening) -> Recorded:
        self._check_open()
        self._policy.check(ballot, opening, self._earlier.get(ballot.tracker()))
        return self._append(ballot.tracker(), AuditEntry(ballot, opening))

    def _append(self, tracker: bytes, entry: Entry) -> Recorded:
        number = append_line(self._layout.ballots, entry_line(entry))
        self._lines[tracker] = number
        self._earlier[tracker] = entry.kind
        return Recorded(tracker, number)
