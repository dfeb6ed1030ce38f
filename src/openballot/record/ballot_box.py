"""Casting into the record's ballot log, as a board would: verify first, then append durably.

The box indexes the log once when opened (trackers, audited trackers), so a session that casts
many ballots pays for the scan once. Casting an identical ballot again is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from openballot.election.ballot import BallotOpening, EncryptedBallot, verify_ballot, verify_opening
from openballot.election.context import ElectionContext
from openballot.errors import ProtocolError
from openballot.record.ballot_log import AuditEntry, CastEntry, entry_line, parse_unverified_entry
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
        self._ctx = ctx
        self._eligible = ctx.credentials.district_of()
        self._lines: dict[bytes, int] = {}
        self._audited: set[bytes] = set()
        if layout.ballots.exists():
            for number, line in iter_lines(layout.ballots):
                entry = parse_unverified_entry(line, f"{layout.ballots.name}:{number}")
                tracker = entry.ballot.tracker()
                self._lines.setdefault(tracker, number)
                if isinstance(entry, AuditEntry):
                    self._audited.add(tracker)

    def _check_open(self) -> None:
        if self._layout.tally.exists():
            raise ProtocolError("the election is closed: the tally has been computed")

    def _check(self, ballot: EncryptedBallot) -> None:
        verify_ballot(self._ctx, ballot)
        if self._eligible.get(ballot.credential.data) != ballot.district:
            raise ProtocolError(
                f"credential is not on the credential list of district {ballot.district!r}"
            )

    def cast(self, ballot: EncryptedBallot) -> Recorded:
        self._check_open()
        tracker = ballot.tracker()
        if tracker in self._audited:
            raise ProtocolError(f"ballot {tracker.hex()} was audited and can never be cast")
        if tracker in self._lines:
            return Recorded(tracker, self._lines[tracker], already_cast=True)
        self._check(ballot)
        number = append_line(self._layout.ballots, entry_line(CastEntry(ballot)))
        self._lines[tracker] = number
        return Recorded(tracker, number)

    def audit(self, ballot: EncryptedBallot, opening: BallotOpening) -> Recorded:
        self._check_open()
        tracker = ballot.tracker()
        if tracker in self._lines:
            raise ProtocolError(f"ballot {tracker.hex()} is already in the record")
        self._check(ballot)
        verify_opening(self._ctx, ballot, opening)
        number = append_line(self._layout.ballots, entry_line(AuditEntry(ballot, opening)))
        self._lines[tracker] = number
        self._audited.add(tracker)
        return Recorded(tracker, number)
