"""Ballots per second per core: encryption, verification, and the floor the primitives give.

    .venv/bin/python bench/bench_ballots.py [--ballots N]

The ballot has one contest of 5 options (choose exactly 1): 5 selection proofs over {0, 1},
one contest proof and the credential signature. The floor counts the libsodium calls one
encryption and one verification make, priced at the measured cost of each call; the gap to
the measured rate is Python's own overhead. The last part verifies a whole ballot log with
the verifier's process pool on every core and reports peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_primitives import primitive_costs  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from openballot.crypto import _sodium  # noqa: E402
from openballot.election.ballot import encrypt_ballot, verify_ballot  # noqa: E402
from openballot.record.ballot_log import CastEntry, entry_line  # noqa: E402
from openballot.testing import honest_election, one_contest_manifest  # noqa: E402
from openballot.verify.ballot_pass import check_ballot_log  # noqa: E402

PRICED = {
    "scalarmult": "mul",
    "scalarmult_base": "base_mul",
    "point_add": "add",
    "point_sub": "add",
}


def count_calls(fn: Callable[[], object]) -> Counter[str]:
    """How many times each libsodium call runs in fn()."""
    counts: Counter[str] = Counter()
    originals = {name: getattr(_sodium, name) for name in PRICED}

    def wrap(name: str, f: Callable[..., bytes]) -> Callable[..., bytes]:
        def counted(*args: bytes) -> bytes:
            counts[name] += 1
            return f(*args)

        return counted

    for name, f in originals.items():
        setattr(_sodium, name, wrap(name, f))
    try:
        fn()
    finally:
        for name, f in originals.items():
            setattr(_sodium, name, f)
    return counts


def per_second(fn: Callable[[], object], seconds: float = 2.0) -> float:
    fn()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=2000, help="size of the log to verify")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    console = Console()
    costs = primitive_costs()
    voters = min(args.ballots, 500)
    election = honest_election(
        one_contest_manifest("bench"), trustees=1, threshold=1, voters={"d": voters}
    )
    ctx = election.ctx
    secret = election.secret("d")
    choice = {"c": ["o2"]}
    ballot, _ = encrypt_ballot(ctx, "d", secret, choice)

    rows = []
    for what, fn in (
        ("encrypt + prove + sign", lambda: encrypt_ballot(ctx, "d", secret, choice)),
        ("verify (proofs + signature)", lambda: verify_ballot(ctx, ballot)),
    ):
        calls = count_calls(fn)
        floor = sum(costs[PRICED[name]] * n for name, n in calls.items())
        rate = per_second(fn)
        ops = ", ".join(f"{n} {name}" for name, n in sorted(calls.items()))
        rows.append((what, rate, 1 / floor, ops))

    table = Table(title="one 5-selection ballot, one core")
    table.add_column("step")
    table.add_column("ballots/s", justify="right")
    table.add_column("floor ballots/s", justify="right")
    table.add_column("of floor", justify="right")
    table.add_column("libsodium calls per ballot")
    for what, rate, floor_rate, ops in rows:
        table.add_row(what, f"{rate:,.0f}", f"{floor_rate:,.0f}", f"{rate / floor_rate:.0%}", ops)
    console.print(table)

    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "ballots.jsonl"
        with open(log, "wb") as f:
            for i in range(args.ballots):
                b, _ = election.vote("d", choice, voter=i % voters)
                f.write(entry_line(CastEntry(b)) + b"\n")
        start = time.perf_counter()
        summary = check_ballot_log(ctx, log, workers)
        elapsed = time.perf_counter() - start
        assert not summary.findings, summary.findings[:1]
    rate = args.ballots / elapsed
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    console.print(
        f"ballot log of {args.ballots} ballots verified and tallied on {workers} cores: "
        f"{rate:,.0f} ballots/s ({rate / workers:,.0f} per core); peak memory "
        f"{peak_self:,.0f} MiB main process, {peak_children:,.0f} MiB largest worker"
    )
    if args.json:
        steps = {
            what.split(" (")[0].replace(" + ", "_").replace(" ", "_"): {
                "ballots_per_s": round(rate_, 1),
                "floor_ballots_per_s": round(floor_rate, 1),
            }
            for what, rate_, floor_rate, _ in rows
        }
        print(
            json.dumps(
                {
                    "one_core": steps,
                    "log_ballots": args.ballots,
                    "log_ballots_per_s": round(rate, 1),
                    "log_ballots_per_s_per_core": round(rate / workers, 1),
                    "cores": workers,
                    "peak_rss_mib_main": round(peak_self, 1),
                    "peak_rss_mib_worker": round(peak_children, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
