"""The writer of one election's ballot log: it sequences checked ballots and commits them in
groups.

Group commit: a caller puts its checked ballot in the queue, then takes the election's lock;
whoever holds the lock is the writer and commits every ballot waiting, in arrival order, as
one batch: one transaction, one fsync, one signed tree head (`ElectionLog.append_batch`).
While it commits, new ballots queue up and make the next batch, so a batch is as large as the
load makes it, and a lone ballot waits for nobody. A caller whose ballot was in another's
batch finds its answer when it gets the lock.

No receipt before its batch is durable: answers are handed out only after the commit, and
when the commit fails every ballot of the batch gets the error (sending it again is safe).
Casting stays idempotent across batches: a tracker is looked up among the batch's earlier
ballots and on the board, in one query per batch, and a cast ballot met again is answered
with a receipt of the one leaf.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from openballot.board.log import Appended, ElectionLog, NewLeaf
from openballot.board.store import BoardStorageError, DuplicateEntry, StoredEntry
from openballot.election.acceptance import BallotKind
from openballot.server.ballot_checks import CheckedBallot

__all__ = ["Sequenced", "Decide", "Sequencer", "MAX_BATCH"]

#: Ballots in one batch at most: bounds a transaction and the wait of its first ballot.
MAX_BATCH = 512

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


class Sequencer:
    def __init__(self, log: ElectionLog, decide: Decide) -> None:
        self._log = log
        self._decide = decide
        self._queue: deque[_Waiting] = deque()
        self._queue_lock = threading.Lock()
        self.batches = 0  # committed batches, for the tests and the bench

    def waiting(self) -> int:
        """Ballots queued for the next batch."""
        with self._queue_lock:
            return len(self._queue)

    def submit(self, checked: CheckedBallot) -> Sequenced:
        """Sequence one checked ballot; returns once it is durably on the log (or refused)."""
        waiting = _Waiting(checked)
        with self._queue_lock:
            self._queue.append(waiting)
        while not waiting.done:
            with self._log.lock:
                if not waiting.done:
                    self._write(self._take())
        if waiting.error is not None:
            raise waiting.error
        assert waiting.answer is not None
        return waiting.answer

    def _take(self) -> list[_Waiting]:
        with self._queue_lock:
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
        log = self._log
        on_board = log.store.entries_by_tracker(
            log.election_id, {w.checked.ref.tracker for w in batch}
        )
        leaves: list[NewLeaf] = []
        appending: list[_Waiting] = []
        new: dict[bytes, int] = {}  # tracker -> its position in `leaves`
        replays: list[tuple[_Waiting, StoredEntry | int]] = []
        for w in batch:
            tracker = w.checked.ref.tracker
            earlier: StoredEntry | int | None = new.get(tracker, on_board.get(tracker))
            if isinstance(earlier, int):
                kind: BallotKind | None = appending[earlier].checked.kind
            else:
                kind = None if earlier is None else BallotKind(earlier.type)
            try:
                replay = self._decide(w.checked, kind)
            except Exception as exc:  # a refusal: this ballot's answer, not the batch's
                w.error = exc
                w.done = True
                continue
            if replay:
                assert earlier is not None
                replays.append((w, earlier))
                continue
            new[tracker] = len(leaves)
            leaves.append(NewLeaf(w.checked.kind.value, w.checked.leaf, tracker))
            appending.append(w)
        appended: list[Appended] = []
        if leaves:
            try:
                appended = log.append_batch(leaves)
            except DuplicateEntry:
                # Every tracker was looked up with the lock held: someone else wrote here.
                raise BoardStorageError(
                    "the board's position was taken by another writer"
                ) from None
            self.batches += 1
        for w, a in zip(appending, appended, strict=True):
            w.answer = Sequenced(a, False)
        for w, earlier in replays:
            if isinstance(earlier, int):
                w.answer = Sequenced(appended[earlier], True)
            elif appended:
                w.answer = Sequenced(log.receipt_under(earlier, appended[0].tree_head), True)
            else:
                w.answer = Sequenced(log.receipt_for(earlier), True)
