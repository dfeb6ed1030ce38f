"""The ballot pass on a Dask cluster on this machine: ballots/s with 1 and 2 workers, and what
each segment costs on top of checking its ballots.

    .venv/bin/python bench/bench_dask.py [--ballots 400] [--segment 50] [--json]

Makes a log of real ballots (each verifies), starts a `dask scheduler` on loopback, then
verifies the log (`check_ballot_log_on_cluster`) with 1 worker and with 2 (one thread each,
no nanny), and once locally in one process for comparison. The per-segment overhead is
(wall time with 1 worker and 1-line segments - local wall time) / ballots: scheduling, the
worker's read of its byte range and its digest, and the result's trip back. The client does
the ordered counting and the take-back pass itself, as in a local run.

`--json` prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_verify_memory import make_election  # noqa: E402

import openballot  # noqa: E402
from openballot.election.ballot import encrypt_ballot  # noqa: E402
from openballot.election.context import ElectionContext  # noqa: E402
from openballot.election.credentials import credential_secret  # noqa: E402
from openballot.record.ballot_log import CastEntry, entry_line  # noqa: E402
from openballot.verify.ballot_pass import check_ballot_log  # noqa: E402
from openballot.verify.cluster import check_ballot_log_on_cluster  # noqa: E402

DASK = Path(sys.executable).parent / "dask"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(*args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(openballot.__file__).parents[1])}
    return subprocess.Popen(
        [str(DASK), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )


def wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout=60, set_as_default=False) as client:
        deadline = time.monotonic() + 120
        while len(client.nthreads()) != n:
            if time.monotonic() > deadline:
                raise SystemExit(f"{n} Dask workers did not come up")
            time.sleep(0.2)


def timed(ctx: ElectionContext, log: Path, address: str, segment: int) -> float:
    start_ = time.perf_counter()
    summary = check_ballot_log_on_cluster(ctx, log, address, lines_per_segment=segment)
    assert not summary.findings, summary.findings[:1]
    return time.perf_counter() - start_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=400)
    parser.add_argument("--segment", type=int, default=50, help="lines per segment")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    election = make_election(50)
    ctx, codes = election.ctx, [code for _, code in election.voters]
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "ballots.jsonl"
        with open(log, "wb") as f:
            for i in range(args.ballots):
                secret = credential_secret("bench-memory", codes[i % len(codes)])
                ballot, _ = encrypt_ballot(ctx, "d", secret, {"c": ["o2"]})
                f.write(entry_line(CastEntry(ballot)) + b"\n")
        start_ = time.perf_counter()
        check_ballot_log(ctx, log, workers=1)
        local = time.perf_counter() - start_

        address = f"tcp://127.0.0.1:{free_port()}"
        scheduler = start("scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":")[-1],
                          "--no-dashboard")  # fmt: skip
        workers: list[subprocess.Popen[bytes]] = []
        wall: dict[int, float] = {}
        try:
            for n in (1, 2):
                workers.append(start("worker", address, "--nthreads", "1", "--no-nanny",
                                     "--no-dashboard", "--host", "127.0.0.1"))  # fmt: skip
                wait_for_workers(address, n)
                timed(ctx, log, address, args.segment)  # warm: imports, the context's scatter
                wall[n] = timed(ctx, log, address, args.segment)
                if n == 1:
                    one_line = timed(ctx, log, address, 1)
        finally:
            for p in [*workers, scheduler]:
                p.kill()
                p.wait()
    report = {
        "ballots": args.ballots,
        "segment_lines": args.segment,
        "local_1_process_ballots_per_s": round(args.ballots / local, 1),
        "dask_1_worker_ballots_per_s": round(args.ballots / wall[1], 1),
        "dask_2_workers_ballots_per_s": round(args.ballots / wall[2], 1),
        "speedup_2_vs_1": round(wall[1] / wall[2], 2),
        "overhead_ms_per_segment": round((one_line - local) / args.ballots * 1000, 2),
        "cores": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
