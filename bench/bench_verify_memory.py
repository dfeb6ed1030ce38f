"""Peak memory of the verifier's ballot pass at two or more log sizes: is it flat?

    .venv/bin/python bench/bench_verify_memory.py [--lines 20000 200000] [--store spilling]
        [--credentials 1000] [--workers 2] [--json]
    .venv/bin/python bench/bench_verify_memory.py --counting-rate 200000 [--json]

Each size runs in a fresh process, which builds a synthetic ballot log and runs the real
ballot pass on it (`check_ballot_log`: process pool, ordered counting, take-back pass) and
reports its peak RSS (`ru_maxrss`) for the main process, which holds the counting state, and
for the largest worker.

The log is cheap to make: `--credentials` real ballots are encrypted once, and line i is
the ballot of credential i mod C with its signature response replaced by the scalar i, so
every line has its own tracker (a re-vote of that credential). Those signatures do not
verify, so the bench replaces the per-ballot crypto check (`check_valid`, 15 ms a ballot)
with a no-op in its workers: everything else the verifier does per line runs (decoding every
point, the partial tallies, the Merkle root, the counting rules, the take-back), and the
memory of the crypto check is per chunk, not per line. `--store memory` keeps the counting
state in memory at any size, as the verifier did before, to show what the on-disk store saves.

`--counting-rate N` instead times the counting rules alone (`Counting`, as the main process
runs them, in chunks of 200 with `prefetch`) on N made-up lines of `--credentials`
credentials, with the state in memory and on disk: the pace at which one process can count,
whatever the number of workers checking ballots.

`--json` prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from openballot.election.ballot import encrypt_ballot
from openballot.election.context import ElectionContext
from openballot.election.credentials import credential_secret
from openballot.record.ballot_log import CastEntry, entry_line
from openballot.testing import HonestElection, honest_election, one_contest_manifest


def make_election(credentials: int) -> HonestElection:
    """One trustee, one district of `credentials` voters, the one-contest ballot."""
    return honest_election(
        one_contest_manifest("bench-memory"), trustees=1, threshold=1, voters={"d": credentials}
    )


def write_log(ctx: ElectionContext, codes: list[str], lines: int, path: Path) -> None:
    templates = []
    for code in codes:
        ballot, _ = encrypt_ballot(ctx, "d", credential_secret("bench-memory", code), {"c": ["o1"]})
        entry = json.loads(entry_line(CastEntry(ballot)))
        response = entry["ballot"]["signature"]["response"]
        templates.append(entry_line(CastEntry(ballot)).replace(response.encode(), b"%s"))
    with open(path, "wb") as f:
        for i in range(1, lines + 1):
            scalar = i.to_bytes(32, "little").hex().encode()
            f.write(templates[i % len(codes)] % scalar + b"\n")


def one_size(lines: int, credentials: int, workers: int, store: str) -> dict[str, Any]:
    """In this process: build the log, run the ballot pass, report."""
    import openballot.verify.ballot_pass as ballot_pass
    import openballot.verify.counting as counting
    from openballot.verify.counting_store import SpillingStore

    ballot_pass.check_valid = lambda *args: None  # workers fork after this: they see it too
    if store == "memory":
        counting.SpillingStore = lambda: SpillingStore(spill_after=1 << 62)  # type: ignore[assignment,misc]
    election = make_election(credentials)
    ctx, codes = election.ctx, [code for _, code in election.voters]
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "ballots.jsonl"
        write_log(ctx, codes, lines, log)
        size = log.stat().st_size
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        summary = ballot_pass.check_ballot_log(ctx, log, workers)
        seconds = time.perf_counter() - start
    assert summary.log_size == lines and not summary.findings, summary.findings[:1]
    assert summary.counted == min(lines, credentials)
    return {
        "lines": lines,
        "credentials": credentials,
        "store": store,
        "log_bytes": size,
        "seconds": round(seconds, 2),
        "lines_per_s": round(lines / seconds),
        "peak_rss_mib_before_pass": round(before / 1024, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mib_largest_worker": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }


def counting_rate(lines: int, credentials: int) -> dict[str, Any]:
    import os

    from openballot.election.acceptance import AcceptancePolicy, BallotKind, BallotRef
    from openballot.verify.counting import CheckedLine, Counting
    from openballot.verify.counting_store import DiskStore, MemoryStore

    creds = [os.urandom(32) for _ in range(credentials)]
    policy = AcceptancePolicy(None, dict.fromkeys(creds, "d"))  # type: ignore[arg-type]
    made = [
        CheckedLine(n, BallotKind.CAST, BallotRef(os.urandom(32), creds[n % credentials], "d"),
                    f"ballots.jsonl:{n}", None)
        for n in range(1, lines + 1)
    ]  # fmt: skip
    rates = {}
    for name, store in (("memory", MemoryStore()), ("disk", DiskStore())):
        counting = Counting(policy, store)
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(0, lines, 200):
            counting.prefetch(made[i : i + 200])
            for line in made[i : i + 200]:
                counting.add(line)
        sum(1 for _ in counting.taken_back())
        rates[f"counting_lines_per_s_{name}"] = round(lines / (time.perf_counter() - start))
        rates[f"counting_lines_per_cpu_s_{name}"] = round(lines / (time.process_time() - cpu))
        counting.close()
    return {"lines": lines, "credentials": credentials, **rates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--credentials", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store", choices=["spilling", "memory"], default="spilling")
    parser.add_argument("--counting-rate", type=int, metavar="N")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.counting_rate:
        print(json.dumps(counting_rate(args.counting_rate, args.credentials)))
        return
    if args.one:
        print(json.dumps(one_size(args.lines[0], args.credentials, args.workers, args.store)))
        return
    runs = []
    for n in args.lines:
        command = [sys.executable, __file__, "--one", "--lines", str(n)]
        command += ["--credentials", str(args.credentials), "--workers", str(args.workers)]
        command += ["--store", args.store]
        out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        run = json.loads(out.strip().splitlines()[-1])
        runs.append(run)
        if not args.json:
            print(
                f"{run['lines']:>9,} lines ({run['log_bytes'] / 2**20:,.0f} MiB), store "
                f"{run['store']}: peak RSS {run['peak_rss_mib']:,.1f} MiB main process, "
                f"{run['peak_rss_mib_largest_worker']:,.1f} MiB largest worker; "
                f"{run['lines_per_s']:,} lines/s"
            )
    ratio = runs[-1]["peak_rss_mib"] / runs[0]["peak_rss_mib"]
    size_ratio = runs[-1]["lines"] / runs[0]["lines"]
    if not args.json:
        print(f"{size_ratio:.0f}x the lines: {ratio:.2f}x the peak RSS of the main process")
        return
    print(json.dumps({"runs": runs, "peak_ratio": round(ratio, 3), "size_ratio": size_ratio}))


if __name__ == "__main__":
    main()
