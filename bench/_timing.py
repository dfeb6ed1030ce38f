"""Timing helpers shared by the benchmark scripts.

Usage, from a script in bench/: ``with one_core(): per_second = rate(lambda: p ** s)``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator

__all__ = ["rate", "seconds_per_op", "one_core"]


def rate(
    fn: Callable[[], object], seconds: float = 1.0, warmup: float = 0.1, rounds: int = 3
) -> float:
    """Calls of `fn` per second.

    Runs `fn` for about `warmup` seconds first, then sizes a batch to take about 1/20 of a
    round, then runs `rounds` rounds of whole batches for about `seconds` in total and returns
    the best round (the one least disturbed by the rest of the machine). The loop costs some
    tens of nanoseconds a call, which is included.
    """
    if seconds <= 0 or rounds < 1:
        raise ValueError("seconds must be positive and rounds at least 1")
    clock = time.perf_counter
    deadline = clock() + warmup
    fn()
    while clock() < deadline:
        fn()

    round_seconds = seconds / rounds
    batch = 1
    while True:
        start = clock()
        for _ in range(batch):
            fn()
        elapsed = clock() - start
        if elapsed >= round_seconds / 20:
            break
        batch *= 2

    best = 0.0
    for _ in range(rounds):
        calls = 0
        start = clock()
        while True:
            for _ in range(batch):
                fn()
            calls += batch
            elapsed = clock() - start
            if elapsed >= round_seconds:
                break
        best = max(best, calls / elapsed)
    return best


def seconds_per_op(fn: Callable[[], object], seconds: float = 1.0) -> float:
    """1 / rate(fn): the cost of one call in seconds."""
    return 1.0 / rate(fn, seconds)


@contextlib.contextmanager
def one_core() -> Iterator[int | None]:
    """Pin this process to one CPU for the duration, then restore the previous affinity (so
    worker processes started afterwards still get every core). Yields the CPU number, or None
    where the platform cannot pin (macOS, Windows)."""
    if not hasattr(os, "sched_getaffinity"):
        yield None
        return
    previous = os.sched_getaffinity(0)
    cpu = min(previous)
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, previous)
