"""Which ballots count (protocol.md 13.2), as a pure state machine over the ballot log.

The lines are fed in log order, each already checked on its own by a worker (`CheckedLine`).
The machine keeps, per tracker, what its first line was (`First`), and per credential the
line of its current counting ballot. It answers each line's findings and collects the lines
whose contribution to the partial tallies must be taken back (superseded re-votes,
duplicates, ineligible ballots, cast ballots opened by a later audit). It never sees a
ciphertext; its state (an entry per line) lives in a `CountingStore`, which moves to disk
when the log is large, so the verifier's memory does not grow with the log.

Which line a board would have refused, and why, is the election's `AcceptancePolicy`; what
the refusal means for the count, and which finding it is, is decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from openballot.election.acceptance import (
    AcceptancePolicy,
    BallotKind,
    BallotRef,
    Ineligible,
    OutOfOrder,
)
from openballot.record.ballot_fate import BallotFacts, BallotFate, decide_fate
from openballot.verify.checks import Check
from openballot.verify.counting_store import CountingStore, SpillingStore
from openballot.verify.findings import Finding

__all__ = ["CheckedLine", "First", "TrackerState", "Counting"]


@dataclass(frozen=True, slots=True)
class CheckedLine:
    """A line of the ballot log that decodes, as a worker found it on its own."""

    number: int
    kind: BallotKind
    ballot: BallotRef
    where: str  # "ballots.jsonl:LINE ballot TRACKER", as findings name it
    problem: Finding | None  # ballot.proof or audit.opening: the line fails 12.7 or 12.8


class First(Enum):
    """What a tracker's first line was, when it is not a cast ballot valid on its own."""

    AUDIT = "an audit"
    INVALID_CAST = "a cast ballot that fails its checks"


#: What a tracker's first line was: a `First`, or the number of a line that cast a ballot
#: valid on its own (its contribution is in the partial tallies: an audit may take it back).
TrackerState = First | int

# How a store holds a `First`: line numbers are positive, so negative ints are free.
_CODE_OF = {First.AUDIT: -1, First.INVALID_CAST: -2}
_FIRST_OF = {code: first for first, code in _CODE_OF.items()}


class Counting:
    """Protocol.md 13.2, one line at a time. `cast`, `audited` and `superseded` count lines as
    the verifier reports them; `taken_back()` gives the lines taken back.

    `store` holds the state; the default keeps a small log in memory and moves a large one
    to a temporary file. `close()` releases it."""

    def __init__(self, policy: AcceptancePolicy, store: CountingStore | None = None) -> None:
        self._policy = policy
        self._store: CountingStore = store if store is not None else SpillingStore()
        self.cast = 0
        self.audited = 0
        self.superseded = 0

    def state(self, tracker: bytes) -> TrackerState | None:
        code = self._store.first(tracker)
        return None if code is None else _FIRST_OF.get(code, code)

    def taken_back(self) -> Iterator[int]:
        """The lines whose contribution to the partial tallies must be taken back, ascending."""
        return self._store.taken_back()

    @property
    def out(self) -> set[int]:
        """`taken_back()` as a set (for tests and tools: it can be as large as the log)."""
        return set(self._store.taken_back())

    def counted_lines(self) -> set[int]:
        """The lines that count: each credential's last valid, eligible ballot, unless an
        audit opened it. (For tests and tools: it is as large as the electorate.)"""
        return set(self._store.last_lines()) - self.out

    def close(self) -> None:
        self._store.close()

    def prefetch(self, lines: Iterable[CheckedLine]) -> None:
        """A hint that these lines come next, so an on-disk store looks their keys up at once."""
        refs = [line.ballot for line in lines]
        self._store.prefetch([r.tracker for r in refs], [r.credential for r in refs])

    def add(self, line: CheckedLine) -> list[Finding]:
        """Apply 13.2 to the next line of the log; its findings, in the order 13.2 gives."""
        first = self.state(line.ballot.tracker)
        if first is None:
            state = _state_of(line)
            code = state if isinstance(state, int) else _CODE_OF[state]
            self._store.set_first(line.ballot.tracker, code)
        if line.kind is BallotKind.AUDIT:
            return self._audit(line, first)
        return self._cast(line, first)

    def _order(self, line: CheckedLine, first: TrackerState | None) -> OutOfOrder | None:
        """The policy's order rule: would a board have refused this line for its tracker?"""
        earlier = None if first is None else _kind_of(first)
        try:
            self._policy.check_order(line.ballot.tracker, line.kind, earlier)
        except OutOfOrder as exc:
            return exc
        return None

    def _eligible(self, line: CheckedLine, check: Check) -> Finding | None:
        try:
            self._policy.check_eligible(line.ballot)
        except Ineligible as exc:
            return Finding(check, line.where, exc.reason)
        return None

    def _audit(self, line: CheckedLine, first: TrackerState | None) -> list[Finding]:
        """An audited ballot never counts; a valid opening of a cast ballot takes it out."""
        self.audited += 1
        findings = [line.problem] if line.problem else []
        if not line.problem:
            ineligible = self._eligible(line, Check.AUDIT_ELIGIBILITY)
            findings += [ineligible] if ineligible else []
        refused = self._order(line, first)
        if refused is None:
            return findings
        if refused.earlier is BallotKind.AUDIT:
            return [*findings, Finding(Check.BALLOT_DUPLICATE, line.where, refused.reason)]
        if line.problem:
            # Otherwise whoever can append a line could cancel any cast ballot.
            consequence = "its opening fails, so the cast ballot keeps counting"
        else:
            consequence = "its opening holds, so the cast ballot is opened and stops counting"
            if isinstance(first, int):
                self._store.take_back(first)
        message = f"{refused.reason}; {consequence}"
        return [*findings, Finding(Check.AUDIT_CAST, line.where, message)]

    def _cast(self, line: CheckedLine, first: TrackerState | None) -> list[Finding]:
        """The last valid, eligible cast ballot of a credential counts."""
        refused = self._order(line, first)
        if refused is not None:
            if line.problem is None:
                self._store.take_back(line.number)  # a worker added it, as a valid ballot
            check = Check.BALLOT_DUPLICATE if refused.replay else Check.AUDIT_CAST
            return [Finding(check, line.where, f"{refused.reason}; this line does not count")]
        self.cast += 1
        if line.problem:
            return [line.problem]
        ineligible = self._eligible(line, Check.BALLOT_ELIGIBILITY)
        if ineligible:
            self._store.take_back(line.number)
            return [ineligible]
        previous = self._store.last(line.ballot.credential)
        if previous is not None:
            # a re-vote: it supersedes the credential's earlier ballot
            self._store.take_back(previous)
            self.superseded += 1
        self._store.set_last(line.ballot.credential, line.number)
        return []

    # --- What became of a ballot (protocol.md 17.7), once every line is in ---------------

    def fate_of(
        self, ballot: BallotRef, tally_lines: int | None, leaf_of: Callable[[int], int]
    ) -> BallotFate:
        """The fate of the ballot with `ballot`'s tracker. `tally_lines`: the ballot-log size
        the tally states (None: no tally); `leaf_of` turns a line number into its board-log
        index."""
        first = self.state(ballot.tracker)
        tallied = tally_lines is not None
        if first is None or first is First.AUDIT:
            refused = None if first else "it is not on the ballot log"
            return decide_fate(BallotFacts(first is First.AUDIT, tallied, refused))
        if first is First.INVALID_CAST:
            return decide_fate(BallotFacts(False, tallied, "it fails its checks"))
        try:
            self._policy.check_eligible(ballot)
        except Ineligible as exc:
            return decide_fate(BallotFacts(False, tallied, exc.reason))
        if tally_lines is not None and first > tally_lines:
            return decide_fate(BallotFacts(False, tallied, "it was cast after the tally"))
        # A valid, eligible first line became its credential's `last`: another `last` now
        # is a later line.
        last = self._store.last(ballot.credential)
        last = first if last is None else last
        return decide_fate(
            BallotFacts(
                False,
                tallied,
                superseded_by=None if last == first else leaf_of(last),
                opened=last == first and self._taken_back(first),
            )
        )

    def _taken_back(self, line: int) -> bool:
        for taken in self._store.taken_back():  # ascending
            if taken >= line:
                return taken == line
        return False


def _state_of(line: CheckedLine) -> TrackerState:
    if line.kind is BallotKind.AUDIT:
        return First.AUDIT
    return First.INVALID_CAST if line.problem else line.number


def _kind_of(state: TrackerState) -> BallotKind:
    return BallotKind.AUDIT if state is First.AUDIT else BallotKind.CAST
