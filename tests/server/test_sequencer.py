"""Group commit (`openballot.server.sequencer`): ballots waiting together are committed as one
batch under one signed tree head, each with its own inclusion proof; nothing is answered
before its batch is durable; casting stays idempotent within a batch and across batches.

A test makes a batch by holding the election's lock (as a writer busy with the previous batch
does) while casts queue up, then letting go: the next writer takes them all."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from openballot.record.merkle import leaf_hash, verify_inclusion
from openballot.record.tree_head import SignedTreeHead
from openballot.server.sequencer import Sequencer
from openballot.server.service import CastAnswer, ElectionService

CastCall = Callable[[], CastAnswer]


@contextmanager
def one_batch(service: ElectionService, calls: list[CastCall]) -> Iterator[list[Any]]:
    """Run `calls` (casts or audits) in threads while the writer is busy; yields, once they
    are done, each call's receipt or exception, in the order of `calls`."""
    results: list[Any] = [None] * len(calls)

    def run(k: int) -> None:
        try:
            results[k] = calls[k]()
        except Exception as exc:
            results[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    with service.log.lock:
        batches = service.sequencer.batches
        deadline = time.monotonic() + 60
        for k, t in enumerate(threads):
            t.start()  # one at a time: the queue's order is the order of `calls`
            while service.sequencer.waiting() < k + 1:
                assert time.monotonic() < deadline, "the casts did not queue up"
                time.sleep(0.005)
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive()
    assert service.sequencer.batches <= batches + 1, "the waiting ballots made several batches"
    yield results


def cast(service: ElectionService, ballot: Any) -> CastCall:
    return lambda: service.cast({"ballot": ballot.to_json()})


def board_key(e: Any) -> bytes:
    return bytes.fromhex(e.client.get("/api/board").json()["board_key"])


def check_receipt(receipt: dict[str, Any], key: bytes, tracker: bytes, eid: str) -> None:
    """As a voter's device checks it (protocol.md 17.6): signed head, leaf included."""
    assert receipt["tracker"] == tracker.hex()
    head = SignedTreeHead.from_json(receipt["tree_head"])
    head.verify(key)
    assert head.election_id == eid
    proof = [bytes.fromhex(h) for h in receipt["inclusion_proof"]]
    verify_inclusion(
        leaf_hash(receipt["entry"].encode()), receipt["index"], head.size, proof, head.root
    )


def test_ballots_waiting_together_share_one_tree_head(election_on_board: Any) -> None:
    e = election_on_board
    service = e.board.elections[e.election_id]
    start = service.log.size
    heads_before = e.snapshot()["heads"]["tree_heads"]
    ballots = [e.ceremony.ballot(k)[0] for k in range(5)]

    with one_batch(service, [cast(service, b) for b in ballots]) as receipts:
        pass
    assert all(isinstance(r, CastAnswer) for r in receipts), receipts
    assert sorted(r.appended.entry.seq for r in receipts) == list(range(start, start + 5))
    [head] = {r.appended.tree_head for r in receipts}
    assert head.size == start + 5
    for b, r in zip(ballots, receipts, strict=True):
        assert r.already_cast is False
        check_receipt(r.to_json(), board_key(e), b.tracker(), e.election_id)

    # One signed head for the batch, none for the sizes inside it.
    heads = e.snapshot()["heads"]["tree_heads"]
    assert heads[: len(heads_before)] == heads_before
    [new] = heads[len(heads_before) :]
    assert SignedTreeHead.from_json(new) == head


def test_the_same_ballot_twice_in_one_batch(election_on_board: Any) -> None:
    e = election_on_board
    service = e.board.elections[e.election_id]
    start = service.log.size
    same, other = e.ceremony.ballot(0)[0], e.ceremony.ballot(1)[0]

    with one_batch(service, [cast(service, same), cast(service, other), cast(service, same)]) as rs:
        pass
    assert service.log.size == start + 2  # one leaf for the ballot sent twice
    first, second, again = rs
    assert [first.already_cast, second.already_cast, again.already_cast] == [False, False, True]
    assert again.appended.entry == first.appended.entry
    assert again.appended.tree_head == first.appended.tree_head == second.appended.tree_head
    for r in rs:
        check_receipt(r.to_json(), board_key(e), r.tracker, e.election_id)


def test_the_same_ballot_in_two_consecutive_batches(election_on_board: Any) -> None:
    e = election_on_board
    service = e.board.elections[e.election_id]
    same = e.ceremony.ballot(0)[0]

    with one_batch(service, [cast(service, same)]) as [first]:
        pass
    with one_batch(service, [cast(service, same), cast(service, e.ceremony.ballot(1)[0])]) as rs:
        pass
    again, new = rs
    assert first.already_cast is False and again.already_cast is True and new.already_cast is False
    assert again.appended.entry == first.appended.entry  # the one leaf
    # The replay's receipt is against the newer batch's head, which covers the old leaf.
    assert again.appended.tree_head == new.appended.tree_head
    assert again.appended.tree_head.size == first.appended.tree_head.size + 1
    for r in (first, again, new):
        check_receipt(r.to_json(), board_key(e), r.tracker, e.election_id)

    # ... and through the API, in a batch of its own: 200, the same leaf.
    r = e.cast(same)
    assert r.status_code == 200, r.text
    assert r.json()["already_cast"] is True
    assert r.json()["index"] == first.appended.entry.seq


def test_refusals_in_a_batch_leave_the_others_alone(election_on_board: Any) -> None:
    """A ballot refused in a batch gets its own answer; the others are committed."""
    e = election_on_board
    service = e.board.elections[e.election_id]
    start = service.log.size
    audited, opening = e.ceremony.ballot(0)
    cast_ok = e.ceremony.ballot(1)[0]

    def audit() -> CastAnswer:
        return service.audit({"ballot": audited.to_json(), "opening": opening.to_json()})

    with one_batch(service, [audit, cast(service, audited), cast(service, cast_ok)]) as rs:
        pass
    audit_receipt, refused, cast_receipt = rs
    assert isinstance(audit_receipt, CastAnswer) and isinstance(cast_receipt, CastAnswer)
    assert "was audited and can never be cast" in str(refused)
    assert service.log.size == start + 2


def test_no_answer_before_the_batch_is_durable(
    election_on_board: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's commit fails: every ballot in it gets the error, none a receipt, and the
    board is as it was; sent again, they are accepted."""
    e = election_on_board
    service = e.board.elections[e.election_id]
    before = e.snapshot()
    ballots = [e.ceremony.ballot(k)[0] for k in range(3)]

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("no space left on device")

    with monkeypatch.context() as m:
        m.setattr(e.board.store, "append", fail)
        with one_batch(service, [cast(service, b) for b in ballots]) as rs:
            pass
    assert all(isinstance(r, OSError) for r in rs), rs
    assert e.snapshot() == before

    with one_batch(service, [cast(service, b) for b in ballots]) as rs:
        pass
    assert all(isinstance(r, CastAnswer) and not r.already_cast for r in rs), rs


# --- letting batches grow while the workers have a backlog ---------------------------------------


def lingering(service: ElectionService, max_wait: float) -> Sequencer:
    """The service's writer as with one checking worker (lanes=1), waiting up to max_wait."""
    service.sequencer = Sequencer(service.log, service._decide, lanes=1, max_wait=max_wait)
    return service.sequencer


def in_thread(call: CastCall) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(call()))
    t.start()
    return t, out


def test_a_writer_waits_for_ballots_still_being_checked(election_on_board: Any) -> None:
    """With one worker and a backlog (two more ballots announced than it checks at once),
    the writer holds its ballot for the next one, and commits them as one batch as soon as
    the backlog is gone."""
    e = election_on_board
    service = e.board.elections[e.election_id]
    sequencer = lingering(service, max_wait=60)
    batches = sequencer.batches
    backlog = [sequencer.arriving(), sequencer.arriving()]
    a, out_a = in_thread(cast(service, e.ceremony.ballot(0)[0]))
    deadline = time.monotonic() + 30
    while sequencer.waiting() < 1:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    b, out_b = in_thread(cast(service, e.ceremony.ballot(1)[0]))
    while sequencer.waiting() < 2:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.1)
    assert not out_a and sequencer.batches == batches  # still waiting: the worker is busy
    with backlog.pop():  # one announced ballot is given up: no backlog left
        pass
    a.join(30)
    b.join(30)
    [ra], [rb] = out_a, out_b
    assert sequencer.batches == batches + 1
    assert ra.appended.tree_head == rb.appended.tree_head
    assert {ra.appended.entry.seq, rb.appended.entry.seq} == {
        ra.appended.tree_head.size - 2,
        ra.appended.tree_head.size - 1,
    }
    for r in (ra, rb):
        check_receipt(r.to_json(), board_key(e), r.tracker, e.election_id)
    backlog.pop().__exit__(None, None, None)


def test_a_writer_waits_no_longer_than_max_wait(election_on_board: Any) -> None:
    e = election_on_board
    service = e.board.elections[e.election_id]
    sequencer = lingering(service, max_wait=0.3)
    with sequencer.arriving(), sequencer.arriving():  # a backlog that never comes
        start = time.monotonic()
        r = cast(service, e.ceremony.ballot(0)[0])()
        waited = time.monotonic() - start
    assert 0.3 <= waited < 20, waited
    assert r.appended.tree_head.size == r.appended.entry.seq + 1  # a batch of one


def test_a_writer_without_a_backlog_does_not_wait(election_on_board: Any) -> None:
    """As many ballots being checked as workers: waiting would leave a worker idle."""
    e = election_on_board
    service = e.board.elections[e.election_id]
    sequencer = lingering(service, max_wait=60)
    with sequencer.arriving():
        start = time.monotonic()
        cast(service, e.ceremony.ballot(0)[0])()
        assert time.monotonic() - start < 30
    assert sequencer.waiting() == 0


def test_fresh_ballots_need_no_lookup_and_a_known_tracker_is_found(
    election_on_board: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of fresh ballots is inserted without asking the board for its trackers; one
    whose tracker the board holds (a replay, a cast of an audited ballot) is found by the
    unique index, and the batch decided again with the lookup: the same answers as ever."""
    e = election_on_board
    service = e.board.elections[e.election_id]
    store = e.board.store
    lookups: list[int] = []
    real = store.entries_by_tracker

    def counted(election_id: str, trackers: Any) -> Any:
        lookups.append(len(trackers))
        return real(election_id, trackers)

    monkeypatch.setattr(store, "entries_by_tracker", counted)
    fresh = [e.ceremony.ballot(k)[0] for k in range(3)]
    with one_batch(service, [cast(service, b) for b in fresh]) as rs:
        pass
    assert all(isinstance(r, CastAnswer) and not r.already_cast for r in rs), rs
    assert lookups == []

    audited, opening = e.ceremony.ballot(3)
    service.audit({"ballot": audited.to_json(), "opening": opening.to_json()})
    size = service.log.size
    new = e.ceremony.ballot(4)[0]
    calls = [cast(service, fresh[0]), cast(service, audited), cast(service, new)]
    with one_batch(service, calls) as (replay, refused, accepted):
        pass
    assert lookups == [3]
    assert isinstance(replay, CastAnswer) and replay.already_cast
    assert replay.appended.entry == rs[0].appended.entry
    assert "was audited and can never be cast" in str(refused)
    assert isinstance(accepted, CastAnswer) and not accepted.already_cast
    assert service.log.size == size + 1
    for r in (replay, accepted):
        check_receipt(r.to_json(), board_key(e), r.tracker, e.election_id)
