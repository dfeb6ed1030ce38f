"""The writer of one election's ballot log: it sequences checked ballots and commits them in
groups.

Group commit: a caller puts its checked ballot in the queue, then takes the election's lock;
whoever holds the lock is the writer and commits every ballot waiting, in arrival order, as
one batch: one transaction, one fsync, one signed tree head (`ElectionLog.append_batch`).
While it commits, new ballots queue up and make the next batch, so a batch is as large as the
load makes it, and a lone ballot waits for nobody. A caller whose ballot was in another's
batch finds its answer when it gets the lock.

Letting batches grow: a batch's commit costs the writer about as much CPU whatever its size
(docs/scale.md), so a writer that would commit a batch of one while more ballots of the
election are still being checked waits for them, but only while the checking workers have
more ballots than they can check at once (`lanes`): then the wait costs no worker any time,
since each has a next ballot queued. It stops waiting when the workers have no such backlog,
when the batch reaches `LINGER_BATCH`, or after `max_wait` seconds, whichever comes first.
With 4 clients this made batches of 1.6 (2 workers) and 2.9 (1 worker) ballots, against 1.0-1.1
without waiting. Only this election's ballots are counted: with several elections open at once,
a writer waits less than it could.

No receipt before its batch is durable: answers are handed out only after the commit, and
when the commit fails every ballot of the batch gets the error (sending it again is safe).
Casting stays idempotent across batches: a tracker is looked up among the batch's earlier
ballots and on the board, and a cast ballot met again is answered with a receipt of the one
leaf. The board is asked only when it matters (`Sequencer._commit`): a batch of fresh ballots
is inserted at once, and the tracker's unique index refuses one already there, upon which the
batch is decided again with its trackers looked up in one query.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from openballot.board.log import Appended, ElectionLog, NewLeaf
from openballot.board.store import BoardStorageError, DuplicateEntry, StoredEntry
from openballot.election.acceptance import BallotKind
from openballot.server.ballot_checks import CheckedBallot

__all__ = ["Sequenced", "Decide", "Sequencer", "Arrival", "MAX_BATCH", "LINGER_BATCH"]

#: Ballots in one batch at most: bounds a transaction and the wait of its first ballot.
MAX_BATCH = 512

#: A writer waits for ballots still being checked only while its batch is smaller than this:
#: past it, a larger batch saves little CPU per ballot (bench_sequencer.py).
LINGER_BATCH = 64

#: The acceptance decision for a ballot, given what the log holds with its tracker already
#: (None: nothing): returns True for a replay (answered with the earlier leaf's receipt),
#: False to append it, or raises the refusal.
Decide = Callable[[CheckedBallot, BallotKind | None], bool]


@dataclass(frozen=True, slots=True)
class Sequenced:
    """A ballot's place on the log: its leaf under a committed tree head."""

    appended: Appended
    already_cast: bool


class _Waiting:
    __slots__ = ("checked", "done", "answer", "error")

    def __init__(self, checked: CheckedBallot) -> None:
        self.checked = checked
        self.done = False
        self.answer: Sequenced | None = None
        self.error: BaseException | None = None


class Arrival:
    """A ballot on its way to the writer: counted as being checked from its creation until it
    is submitted (or given up), so a writer knows more ballots are coming."""

    __slots__ = ("_sequencer", "_open")

    def __init__(self, sequencer: Sequencer) -> None:
        self._sequencer = sequencer
        self._open = True

    def submit(self, checked: CheckedBallot) -> Sequenced:
        """`Sequencer.submit`, no longer counted as being checked from the moment it queues."""
        self._open, was_open = False, self._open
        return self._sequencer.submit(checked, arriving=was_open)

    def __enter__(self) -> Arrival:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._open:  # its check failed, or it is checked again: it is not coming now
            self._open = False
            self._sequencer._arrived(queued=None)


class Sequencer:
    def __init__(
        self, log: ElectionLog, decide: Decide, lanes: int = 0, max_wait: float = 0.025
    ) -> None:
        """`lanes`: ballots the checking workers check at once (0: none are checked
        elsewhere, never wait); `max_wait`: seconds a writer waits for ballots being checked."""
        self._log = log
        self._decide = decide
        self._lanes = lanes
        self._max_wait = max_wait
        self._queue: deque[_Waiting] = deque()
        self._queue_lock = threading.Lock()
        self._more = threading.Condition(self._queue_lock)
        self._checking = 0  # ballots announced by `arriving` and not submitted yet
        self.batches = 0  # committed batches, for the tests and the bench

    def waiting(self) -> int:
        """Ballots queued for the next batch."""
        with self._queue_lock:
            return len(self._queue)

    def arriving(self) -> Arrival:
        """Announce a ballot about to be checked; submit it through the `Arrival` returned."""
        with self._queue_lock:
            self._checking += 1
        return Arrival(self)

    def _arrived(self, queued: _Waiting | None) -> None:
        with self._more:
            self._checking -= 1
            if queued is not None:
                self._queue.append(queued)
            self._more.notify()

    def submit(self, checked: CheckedBallot, arriving: bool = False) -> Sequenced:
        """Sequence one checked ballot; returns once it is durably on the log (or refused)."""
        waiting = _Waiting(checked)
        if arriving:
            self._arrived(waiting)
        else:
            with self._more:
                self._queue.append(waiting)
                self._more.notify()
        while not waiting.done:
            with self._log.lock:
                if not waiting.done:
                    self._write(self._take())
        if waiting.error is not None:
            raise waiting.error
        assert waiting.answer is not None
        return waiting.answer

    def _take(self) -> list[_Waiting]:
        with self._more:
            if self._lanes:
                deadline = time.monotonic() + self._max_wait
                # Wait only while the workers have a backlog: then every one of them is busy
                # and has its next ballot, and waiting costs none of them any time.
                while len(self._queue) < LINGER_BATCH and self._checking > self._lanes:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._more.wait(left)
            n = min(len(self._queue), MAX_BATCH)
            return [self._queue.popleft() for _ in range(n)]

    def _write(self, batch: list[_Waiting]) -> None:
        """Decide and commit one batch (with the log's lock held); answers every ballot."""
        try:
            self._commit(batch)
        except BaseException as exc:
            for w in batch:
                if not w.done:
                    w.error = exc
        finally:
            for w in batch:
                w.done = True

    def _commit(self, batch: list[_Waiting]) -> None:
        """Decide and append the batch. Optimistically first: as if none of its trackers were
        on the board, which a fresh ballot is not, and the tracker's unique index in storage
        has the last word. If the insert meets a tracker already there (a replay, a cast of
        an audited ballot), or a rule refused a ballot (its answer may depend on what the
        board holds: a replay is answered even after the close), the batch is decided again
        with its trackers looked up, in one query. So a batch of fresh ballots costs one
        transaction and no lookup."""
        plan = self._plan(batch, {})
        if not plan.refusals:
            try:
                self._answer(plan, self._append(plan.leaves))
                return
            except DuplicateEntry:
                pass  # nothing was committed: the insert failed inside the transaction
        log = self._log
        on_board = log.store.entries_by_tracker(
            log.election_id, {w.checked.ref.tracker for w in batch}
        )
        plan = self._plan(batch, on_board)
        for w, exc in plan.refusals:  # final now, whatever becomes of the commit
            w.error = exc
            w.done = True
        try:
            appended = self._append(plan.leaves)
        except DuplicateEntry:
            # Every tracker was looked up with the lock held: someone else wrote here.
            raise BoardStorageError("the board's position was taken by another writer") from None
        self._answer(plan, appended)

    def _plan(self, batch: list[_Waiting], on_board: dict[bytes, StoredEntry]) -> _Plan:
        """Each ballot's decision, given what the board holds of the batch's trackers."""
        plan = _Plan()
        new: dict[bytes, int] = {}  # tracker -> its position in `plan.leaves`
        for w in batch:
            tracker = w.checked.ref.tracker
            earlier: StoredEntry | int | None = new.get(tracker, on_board.get(tracker))
            if isinstance(earlier, int):
                kind: BallotKind | None = plan.appending[earlier].checked.kind
            else:
                kind = None if earlier is None else BallotKind(earlier.type)
            try:
                replay = self._decide(w.checked, kind)
            except Exception as exc:  # a refusal: this ballot's answer, not the batch's
                plan.refusals.append((w, exc))
                continue
            if replay:
                assert earlier is not None
                plan.replays.append((w, earlier))
                continue
            new[tracker] = len(plan.leaves)
            plan.leaves.append(NewLeaf(w.checked.kind.value, w.checked.leaf, tracker))
            plan.appending.append(w)
        return plan

    def _append(self, leaves: list[NewLeaf]) -> list[Appended]:
        if not leaves:
            return []
        appended = self._log.append_batch(leaves)
        self.batches += 1
        return appended

    def _answer(self, plan: _Plan, appended: list[Appended]) -> None:
        log = self._log
        for w, a in zip(plan.appending, appended, strict=True):
            w.answer = Sequenced(a, False)
        for w, earlier in plan.replays:
            if isinstance(earlier, int):
                w.answer = Sequenced(appended[earlier], True)
            elif appended:
                w.answer = Sequenced(log.receipt_under(earlier, appended[0].tree_head), True)
            else:
                w.answer = Sequenced(log.receipt_for(earlier), True)


@dataclass(slots=True)
class _Plan:
    """A batch decided: the leaves to append (with their ballots), the replays (with the
    earlier leaf: on the board, or a position in `leaves`) and the refusals."""

    leaves: list[NewLeaf] = field(default_factory=list)
    appending: list[_Waiting] = field(default_factory=list)
    replays: list[tuple[_Waiting, StoredEntry | int]] = field(default_factory=list)
    refusals: list[tuple[_Waiting, Exception]] = field(default_factory=list)
