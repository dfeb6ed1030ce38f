"""The counting rules' state (openballot.verify.counting_store): in memory, on disk, and the
automatic move from one to the other give the same answers to `Counting`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_counting import AUDIT, CAST, events, line, policy, ref

from openballot.verify.counting import Counting, First
from openballot.verify.counting_store import (
    CountingStore,
    DiskStore,
    MemoryStore,
    SpillingStore,
)

STORES: dict[str, Callable[[], CountingStore]] = {
    "memory": MemoryStore,
    "disk": DiskStore,
    "spills after 3 trackers": lambda: SpillingStore(spill_after=3),
}


@pytest.mark.parametrize("make", STORES.values(), ids=STORES.keys())
def test_each_store_keeps_the_three_maps(make: Callable[[], CountingStore]) -> None:
    store = make()
    for n in range(1, 6):
        store.set_first(bytes([n]) * 32, n if n % 2 else -1)
    store.set_last(b"c" * 32, 3)
    store.set_last(b"c" * 32, 5)
    for n in (9, 2, 7, 2):
        store.take_back(n)
    store.prefetch([bytes([n]) * 32 for n in (2, 6)], [b"c" * 32])  # writes what came before
    assert [store.first(bytes([n]) * 32) for n in range(1, 7)] == [1, -1, 3, -1, 5, None]
    assert (store.last(b"c" * 32), store.last(b"d" * 32)) == (5, None)
    assert list(store.last_lines()) == [5]
    assert list(store.taken_back()) == [2, 7, 9]  # ascending, once each
    store.close()


def test_the_spilling_store_moves_to_disk_at_its_threshold() -> None:
    store = SpillingStore(spill_after=3)
    store.set_first(b"a", 1)
    store.set_first(b"b", 2)
    assert not store.on_disk
    store.set_first(b"c", 3)
    assert store.on_disk
    assert [store.first(t) for t in (b"a", b"b", b"c")] == [1, 2, 3]
    store.close()


@settings(max_examples=100, deadline=None)
@given(events, st.integers(1, 5))
def test_counting_answers_the_same_on_every_store(log: list, chunk: int) -> None:  # type: ignore[type-arg]
    """The lines come in chunks, each announced by `prefetch`, as the ballot pass gives them."""
    answers = []
    for make in STORES.values():
        counting = Counting(policy(), make())
        lines = [line(n, e.kind, e.ballot, e.ok) for n, e in enumerate(log, 1)]
        checks = []
        for i in range(0, len(lines), chunk):
            counting.prefetch(lines[i : i + chunk])
            checks += [counting.add(x) for x in lines[i : i + chunk]]
        states = [counting.state(e.ballot.tracker) for e in log]
        answers.append((checks, states, counting.out, counting.counted_lines(), counting.cast))
        counting.close()
    assert answers[0] == answers[1] == answers[2]


def test_a_first_state_survives_the_move_to_disk() -> None:
    counting = Counting(policy(), SpillingStore(spill_after=2))
    counting.add(line(1, CAST, ref(1), ok=False))
    counting.add(line(2, AUDIT, ref(2)))
    counting.add(line(3, CAST, ref(3)))
    assert [counting.state(ref(n).tracker) for n in (1, 2, 3)] == [
        First.INVALID_CAST,
        First.AUDIT,
        3,
    ]
    counting.close()
