"""Checking ballots before they reach the writer: on every core, in a pool of processes.

The costly rule of the acceptance policy (validity: every proof and the signature, 12.7, and
an audit's opening, 12.8) needs no state of the board, so it runs in worker processes: `serve
--workers N`, all cores by default. A worker also decodes the request's body, computes the
tracker and encodes the leaf, so the writer process only sequences (`sequencer`).

A worker does not raise a validity failure: it returns it, and the writer raises it in the
policy's order (order first, then the phase, then validity, eligibility, the opening), so an
answer is the same whichever process checked the ballot. With `workers=0` the checks run in
the calling thread (an in-process board, the tests).

Workers are started with `spawn`: a forked worker would inherit the board's database
connections and its writer lock. Each learns an election's context once (by fingerprint,
without the credential list, which validity does not need) and watches its parent, so a
SIGKILLed server leaves no worker behind. The request's thread talks to a worker over a pipe
of its own (a lane), with no relaying thread in between (`BallotChecker`).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait
from typing import Any

from openballot.election.acceptance import BallotKind, BallotRef, check_signature_then_proofs
from openballot.election.ballot import (
    BallotOpening,
    EncryptedBallot,
    check_ballot_form,
    verify_opening,
)
from openballot.election.context import ElectionContext
from openballot.errors import DecodeError, OpenBallotError, ProofError, ProtocolError
from openballot.jsonfields import get, obj, only_keys
from openballot.record.ballot_log import AuditEntry, CastEntry

__all__ = ["CheckedBallot", "BallotChecker", "check_body", "LANES_PER_WORKER"]

#: The error classes a worker sends back as they are (their constructor takes the message).
_PORTABLE = (DecodeError, ProofError, ProtocolError, OpenBallotError)


@dataclass(frozen=True, slots=True)
class CheckedBallot:
    """A ballot decoded from a request and checked on its own, ready for the writer: what
    the order and eligibility rules need (`ref`), the leaf to append, and the validity
    refusals, if any, for the writer to raise in order. `checked` is False when validity was
    not checked (the election was not open when the ballot came in)."""

    kind: BallotKind
    ref: BallotRef
    leaf: bytes
    checked: bool
    invalid_form: OpenBallotError | None = None
    invalid_ballot: OpenBallotError | None = None
    invalid_opening: OpenBallotError | None = None
    #: False when the range proofs were left unchecked: the ballot's credential was not on
    #: the list when it came in, so the writer refuses it as ineligible without them.
    proofs_checked: bool = True

    def raise_if_invalid_form(self) -> None:
        if self.invalid_form is not None:
            raise self.invalid_form

    def raise_if_invalid_ballot(self) -> None:
        if self.invalid_ballot is not None:
            raise self.invalid_ballot

    def raise_if_invalid_opening(self) -> None:
        if self.invalid_opening is not None:
            raise self.invalid_opening


def _portable(exc: OpenBallotError) -> OpenBallotError:
    """The error as one of the base classes (same message, code and problem detail), which
    crosses a process boundary whatever its own constructor takes."""
    if type(exc) in _PORTABLE:
        return exc
    base = next(cls for cls in _PORTABLE if isinstance(exc, cls))
    return base(str(exc), code=exc.code)


def check_body(
    ctx: ElectionContext | None, body: Any, kind: BallotKind, proofs: bool = True
) -> CheckedBallot:
    """Decode a cast (`{"ballot"}`) or audit (`{"ballot", "opening"}`) body and, given the
    election's context, check the ballot's validity (without its range proofs when `proofs`
    is False). Raises only when the body does not decode."""
    o = obj(body, "body")
    if kind is BallotKind.CAST:
        only_keys(o, {"ballot"}, "body")
    else:
        only_keys(o, {"ballot", "opening"}, "body")
    ballot = EncryptedBallot.from_json(get(o, "ballot", "body"), "ballot")
    opening = None
    if kind is BallotKind.AUDIT:
        opening = BallotOpening.from_json(get(o, "opening", "body"), "opening")
    leaf = CastEntry(ballot).leaf() if opening is None else AuditEntry(ballot, opening).leaf()
    ref = BallotRef.of(ballot)
    if ctx is None:
        return CheckedBallot(kind, ref, leaf, False)
    # Cheapest first, as the acceptance policy orders them: the form (no group operation),
    # the signature (one proof), and the range proofs only for a credential on the list.
    try:
        check_ballot_form(ctx, ballot)
    except OpenBallotError as exc:
        return CheckedBallot(kind, ref, leaf, True, invalid_form=_portable(exc))
    try:
        check_signature_then_proofs(ctx, ballot, proofs)
    except OpenBallotError as exc:
        return CheckedBallot(kind, ref, leaf, True, invalid_ballot=_portable(exc))
    if not proofs:
        return CheckedBallot(kind, ref, leaf, True, proofs_checked=False)
    if opening is not None:
        try:
            verify_opening(ctx, ballot, opening)
        except OpenBallotError as exc:
            return CheckedBallot(kind, ref, leaf, True, invalid_opening=_portable(exc))
    return CheckedBallot(kind, ref, leaf, True)


# --- the worker side ---------------------------------------------------------------------------

_contexts: dict[bytes, ElectionContext] = {}


class _NeedContext:
    """A worker's answer when it does not know the election yet: send it the context."""


def _watch_parent(parent: int) -> None:
    """Exit when the server is gone (SIGKILL included): nobody else would stop this worker."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _in_worker(
    key: bytes | None, blob: bytes | None, body: Any, kind: BallotKind, proofs: bool
) -> CheckedBallot | type[_NeedContext]:
    ctx = None
    if key is not None:
        ctx = _contexts.get(key)
        if ctx is None:
            if blob is None:
                return _NeedContext
            ctx = _contexts[key] = pickle.loads(blob)  # noqa: S301 - from our parent only
    try:
        return check_body(ctx, body, kind, proofs)
    except OpenBallotError as exc:
        raise _portable(exc) from None


def _serve(lanes: list[Connection], parent: int) -> None:
    """A worker's loop: answer each request on the lane it came on, one at a time."""
    _watch_parent(parent)
    while True:
        for lane in wait(lanes):
            assert isinstance(lane, Connection)
            try:
                request = pickle.loads(lane.recv_bytes())  # noqa: S301 - from our parent only
            except (EOFError, OSError):
                # The server closed the pool, or is gone (a SIGKILLed server resets the pipe)
                return
            answer: tuple[bool, Any]
            try:
                answer = (True, _in_worker(*request))
            except Exception as exc:  # the caller raises it (a bug's traceback in the log)
                answer = (False, exc if _picklable(exc) else RuntimeError(repr(exc)))
            try:
                lane.send_bytes(_dumps(answer))
            except OSError:
                return  # as above: nobody is left to answer


def _dumps(value: Any) -> bytes:
    # Plain pickle rather than `Connection.send`'s ForkingPickler, whose reducers (for
    # sockets and file descriptors) nothing here needs and which costs more a message.
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes
    except Exception:
        return False
    return True


# --- the server side ---------------------------------------------------------------------------

#: Requests outstanding on one worker at most: the one it checks and the next, waiting in its
#: pipe, so a worker goes from one ballot to the next without waiting for the server.
LANES_PER_WORKER = 2


class _Worker:
    """One checking process and its lanes (a pipe each; a lane carries one request at a
    time, so its answer is the next thing read from it)."""

    def __init__(self, context: Any, parent: int) -> None:
        pipes = [Pipe() for _ in range(LANES_PER_WORKER)]
        self.process = context.Process(
            target=_serve, args=([theirs for _, theirs in pipes], parent), daemon=True
        )
        self.process.start()
        for _, theirs in pipes:
            theirs.close()
        self.lanes = [_Lane(self, ours) for ours, _ in pipes]
        self.busy = 0  # lanes in use

    def stop(self, timeout: float) -> None:
        for lane in self.lanes:
            lane.conn.close()  # the worker reads EOF and returns
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout)


class _Lane:
    __slots__ = ("worker", "conn")

    def __init__(self, worker: _Worker, conn: Connection) -> None:
        self.worker = worker
        self.conn = conn

    def ask(self, request: tuple[Any, ...]) -> Any:
        self.conn.send_bytes(_dumps(request))
        ok, value = pickle.loads(self.conn.recv_bytes())  # noqa: S301 - our worker's answer
        if not ok:
            raise value
        return value


class BallotChecker:
    """`check_body` in `workers` processes (in the calling thread when `workers` is 0).

    The calling thread talks to a worker itself, over a pipe: it takes a free lane of the
    least busy worker, sends the request and blocks (without the GIL) until the answer. No
    helper thread of the server's process relays requests or answers (a process pool's two
    did, and cost the writer about 0.3 ms a ballot)."""

    def __init__(self, workers: int = 0) -> None:
        if workers < 0:
            raise ValueError(f"workers must be 0 or more, not {workers}")
        self.workers = workers
        self._lock = threading.Lock()
        self._free = threading.Condition(self._lock)
        self._blobs: dict[bytes, bytes] = {}
        self._context = multiprocessing.get_context("spawn")
        self._pool: list[_Worker] = []
        self._idle: list[_Lane] = []
        self._closed = False
        with self._lock:
            for _ in range(workers):
                self._add_worker()

    def _add_worker(self) -> None:
        """Start a worker (with the lock held)."""
        worker = _Worker(self._context, os.getpid())
        self._pool.append(worker)
        self._idle.extend(worker.lanes)
        self._free.notify_all()

    def _blob(self, ctx: ElectionContext) -> bytes:
        with self._lock:
            blob = self._blobs.get(ctx.fingerprint)
            if blob is None:
                # Validity does not read the credential list (eligibility is the writer's):
                # a worker is spared a copy as large as the electorate.
                light = dataclasses.replace(ctx, credential_list=None)
                blob = self._blobs[ctx.fingerprint] = pickle.dumps(light)
            return blob

    def _take_lane(self) -> _Lane:
        with self._free:
            while not self._idle:
                if self._closed:
                    raise BrokenProcessPool("the ballot checkers are stopped")
                self._free.wait()
            lane = min(self._idle, key=lambda lane: lane.worker.busy)
            self._idle.remove(lane)
            lane.worker.busy += 1
            return lane

    def _give_back(self, lane: _Lane) -> None:
        with self._free:
            lane.worker.busy -= 1
            if lane.worker in self._pool:  # not a worker replaced meanwhile
                self._idle.append(lane)
                self._free.notify()

    def check(
        self, ctx: ElectionContext | None, body: Any, kind: BallotKind, proofs: bool = True
    ) -> CheckedBallot:
        if not self.workers:
            return check_body(ctx, body, kind, proofs)
        key = None if ctx is None else ctx.fingerprint
        lane = self._take_lane()
        try:
            out = lane.ask((key, None, body, kind, proofs))
            if out is _NeedContext:
                assert ctx is not None
                out = lane.ask((key, self._blob(ctx), body, kind, proofs))
        except (EOFError, OSError):
            # A worker died (killed, out of memory): this request fails (500, safe to send
            # again) and the worker is replaced, so the next ones do not fail forever.
            self._replace(lane.worker)
            raise BrokenProcessPool("a ballot-checking worker died; send it again") from None
        finally:
            self._give_back(lane)
        assert isinstance(out, CheckedBallot)
        return out

    def _replace(self, dead: _Worker) -> None:
        with self._free:
            if dead not in self._pool or self._closed:
                return
            self._pool.remove(dead)
            self._idle = [lane for lane in self._idle if lane.worker is not dead]
            self._add_worker()
        dead.stop(timeout=5)

    def close(self) -> None:
        with self._free:
            pool, self._pool, self._idle = self._pool, [], []
            self._closed = True
            self._free.notify_all()
        for worker in pool:
            worker.stop(timeout=10)
