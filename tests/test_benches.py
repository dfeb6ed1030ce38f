"""Every benchmark in bench/ runs, at a tiny size, and ends with one JSON object.

The figures themselves are not asserted (a machine's speed is not a test result); what is
asserted is that each bench still runs against the current code and keeps its `--json`
contract, so that figures can be compared run to run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

#: The tiny run of each bench, and keys its JSON object must have.
RUNS: dict[str, tuple[list[str], set[str]]] = {
    "bench_primitives.py": (["--seconds", "0.05"], {"ops_per_s_one_core"}),
    "bench_ballots.py": (["--ballots", "20"], {"log_ballots_per_s", "peak_rss_mib_main"}),
    "bench_refusal.py": ([], {"refusal_cpu_ms", "range_proofs_per_refusal"}),
    "bench_startup_checks.py": (["--entries", "200", "--bytes", "200"], {"check_election_s"}),
    "bench_verify_memory.py": (["--lines", "400", "4000"], set()),
    "bench_sequencer.py": (
        ["--database", "sqlite", "--batches", "1,4", "--rounds", "2", "--appends", "3"], set()
    ),
    "bench_board.py": (
        ["--database", "sqlite", "--ballots", "12", "--clients", "2", "--workers", "1,2"],
        {"accepted_per_s", "p50_ms", "p99_ms", "errors", "server_cpu_ms_per_ballot",
         "verify_cpu_ms_per_ballot", "server_over_verify", "speed_ups",
         "server_context_switches_per_ballot", "machine_context_switches_per_ballot"},
    ),
    "bench_dask.py": (["--ballots", "40"], set()),
    "bench_cards.py": (["--cards", "4"], set()),
    "bench_activity.py": (
        ["--leaves", "300", "--batch", "7", "--new", "20"], {"catch_up_s", "incremental_request_ms"}
    ),
    "bench_register.py": (["--voters", "4"], {"cards_per_cpu_s", "main_peak_rss_mib"}),
}


def test_every_bench_is_listed() -> None:
    assert {p.name for p in BENCH.glob("bench_*.py")} == set(RUNS)


@pytest.mark.slow
@pytest.mark.parametrize("bench", sorted(RUNS))
def test_the_bench_runs_and_ends_with_one_json_object(bench: str) -> None:
    args, keys = RUNS[bench]
    run = subprocess.run(
        [sys.executable, str(BENCH / bench), *args, "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(BENCH)},
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    last = run.stdout.strip().splitlines()[-1]
    value = json.loads(last)
    assert isinstance(value, dict)
    assert keys <= set(value), sorted(value)


def test_the_cast_bench_compares_each_run_with_the_one_just_before() -> None:
    spec = importlib.util.spec_from_file_location("bench_board", BENCH / "bench_board.py")
    assert spec is not None and spec.loader is not None
    bench_board = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_board)
    runs = [
        {"workers": w, "accepted_per_s": rate}
        for w, rate in [(1, 100.0), (2, 160.0), (1, 120.0), (2, 150.0), (2, 151.0), (4, 0.0)]
    ]
    assert bench_board.speed_ups(runs) == [
        {"runs": [0, 1], "workers": [1, 2], "speed_up": 1.6},
        {"runs": [2, 3], "workers": [1, 2], "speed_up": 1.25},
        {"runs": [4, 5], "workers": [2, 4], "speed_up": 0.0},
    ]
    assert bench_board.speed_ups(runs[:1]) == []
