"""The ballot pass on a real Dask cluster (openballot.verify.cluster): a scheduler and two
workers on loopback, started from the venv's `dask` command and always stopped at the end.

The cluster's answer must be the local answer: the same summary, the same findings; and a
cluster that fails must say so (exit 2), never pass."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import openballot
from openballot.cli import demo
from openballot.cli.main import app
from openballot.crypto.group import random_scalar
from openballot.record.layout import RecordLayout
from openballot.verify.ballot_pass import BallotLogSummary, check_ballot_log
from openballot.verify.cluster import ClusterError, check_ballot_log_on_cluster
from openballot.verify.findings import Report
from openballot.verify.verifier import load_context

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

DASK = Path(sys.executable).parent / "dask"
START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(*args: str, log: Path) -> subprocess.Popen[bytes]:
    # The workers import openballot from this tree, as the test process does.
    env = {**os.environ, "PYTHONPATH": str(Path(openballot.__file__).parents[1])}
    with open(log, "wb") as out:
        return subprocess.Popen([str(DASK), *args], stdout=out, stderr=subprocess.STDOUT, env=env)


def worker(address: str, log: Path) -> subprocess.Popen[bytes]:
    return start(
        "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
        "--host", "127.0.0.1", log=log,
    )  # fmt: skip


def wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    deadline = time.monotonic() + START_SECONDS
    with Client(address, timeout=START_SECONDS, set_as_default=False) as client:
        while len(client.nthreads()) < n:
            assert time.monotonic() < deadline, f"fewer than {n} Dask workers came up"
            time.sleep(0.5)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for p in processes:
        if p.poll() is None:
            p.kill()
    for p in processes:
        p.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    logs = tmp_path_factory.mktemp("dask-logs")
    address = f"tcp://127.0.0.1:{free_port()}"
    port = address.rsplit(":", 1)[1]
    processes = [
        start("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard",
              log=logs / "scheduler.log"),
    ]  # fmt: skip
    try:
        processes += [worker(address, logs / f"worker-{i}.log") for i in (1, 2)]
        wait_for_workers(address, 2)
        yield address
    finally:
        stop(processes)


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dask-honest") / "record"
    demo.run_demo(voters=10, record=root, workers=1, out=Console(file=io.StringIO()))
    return root


@pytest.fixture
def record(honest: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "record"
    shutil.copytree(honest, copy)
    return copy


def verify(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["verify", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output.strip().splitlines()


def same_answer(a: BallotLogSummary, b: BallotLogSummary) -> None:
    assert [str(f) for f in a.findings] == [str(f) for f in b.findings]
    assert (a.log_size, a.log_root, a.cast, a.audited, a.counted, a.superseded) == (
        b.log_size,
        b.log_root,
        b.cast,
        b.audited,
        b.counted,
        b.superseded,
    )
    assert (
        a.builder.finish(a.log_size, a.log_root).to_json()
        == b.builder.finish(b.log_size, b.log_root).to_json()
    )


def test_an_honest_record_verifies_on_the_cluster_with_the_local_summary(
    cluster: str, honest: Path
) -> None:
    local = verify(str(honest), "--workers", "1")
    assert local[0] == 0
    assert verify(str(honest), "--scheduler", cluster) == local


def test_an_altered_proof_gives_the_local_finding(cluster: str, record: Path) -> None:
    lines = (record / "ballots.jsonl").read_bytes().split(b"\n")
    n = next(i for i, x in enumerate(lines[:-1]) if json.loads(x)["type"] == "cast")
    entry = json.loads(lines[n])
    entry["ballot"]["signature"]["response"] = random_scalar().hex()
    lines[n] = json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode()
    (record / "ballots.jsonl").write_bytes(b"\n".join(lines))

    local = verify(str(record), "--workers", "1")
    assert local[0] == 1
    assert any(x.startswith(f"FAIL [ballot.proof] ballots.jsonl:{n + 1} ") for x in local[1]), local
    assert verify(str(record), "--scheduler", cluster) == local


def test_a_worker_killed_mid_run_gives_the_right_answer_or_exit_2(
    cluster: str, honest: Path, tmp_path: Path
) -> None:
    layout = RecordLayout(honest)
    ctx = load_context(layout, Report())
    local = check_ballot_log(ctx, layout.ballots, workers=1)
    # A third worker, killed once the first segment is back: its segments must run again.
    victim = worker(cluster, tmp_path / "victim.log")
    try:
        wait_for_workers(cluster, 3)

        def kill_the_victim(_: int) -> None:
            if victim.poll() is None:
                victim.kill()

        try:
            remote = check_ballot_log_on_cluster(
                ctx, layout.ballots, cluster, on_progress=kill_the_victim, lines_per_segment=1
            )
        except ClusterError as exc:  # allowed: a clear failure, never a silent pass
            assert "Dask cluster" in str(exc)
        else:
            same_answer(remote, local)
        assert victim.poll() is not None, "the worker was not killed mid-run"
    finally:
        stop([victim])


def test_a_log_the_workers_see_differently_is_an_error_not_a_pass(
    cluster: str, record: Path, tmp_path: Path
) -> None:
    layout = RecordLayout(record)
    ctx = load_context(layout, Report())
    other = tmp_path / "other.jsonl"
    data = layout.ballots.read_bytes()
    other.write_bytes(data[:-2] + (b"0" if data[-2:-1] != b"0" else b"1") + b"\n")
    with pytest.raises(ClusterError, match="differ from the log the client read"):
        check_ballot_log_on_cluster(ctx, layout.ballots, cluster, url=str(other))


def test_an_unreachable_scheduler_is_exit_2_with_one_line(honest: Path) -> None:
    code, output = verify(str(honest), "--scheduler", f"tcp://127.0.0.1:{free_port()}")
    assert code == 2
    assert len(output) == 1 and output[0].startswith(
        "error: cannot reach the Dask scheduler at tcp://127.0.0.1:"
    ), output


def test_a_cluster_without_workers_is_an_error_not_a_wait_forever(
    honest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openballot.verify.cluster as cluster_module

    monkeypatch.setattr(cluster_module, "NO_WORKER_SECONDS", 3)
    port = str(free_port())
    scheduler = start("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard",
                      log=tmp_path / "scheduler.log")  # fmt: skip
    try:
        layout = RecordLayout(honest)
        ctx = load_context(layout, Report())
        with pytest.raises(ClusterError, match="No valid workers|no worker for 3 s"):
            check_ballot_log_on_cluster(ctx, layout.ballots, f"tcp://127.0.0.1:{port}")
    finally:
        stop([scheduler])
