"""Casting ballots through a real board: `openballot serve` on loopback, N clients at once.

    .venv/bin/python bench/bench_board.py --database sqlite|postgresql [--ballots 400]
        [--clients 4] [--workers N[,N...]] [--json] [--time-limit 300]

Starts `openballot serve` as a subprocess on 127.0.0.1 (a fresh SQLite file, or a fresh
database on the PostgreSQL server of OPENBALLOT_TEST_POSTGRES_URL, else of
scripts/postgres-for-tests.sh), creates and opens an election (3 trustees, threshold 2, the demo
manifest, one credential per ballot), encrypts the ballots beforehand (its rate is reported on
its own), then casts them from N client threads over HTTP (a minimal keep-alive HTTP/1.1 client with
the requests' bytes made beforehand: the generator shares the cores, about 0.1 ms of CPU a
ballot, where httpx took about 1 ms). Each accepted ballot was fully
verified by the server and durably committed with its signed tree head before its receipt came
back. Reports accepted ballots per second, latency percentiles, errors, the server's CPU time
per ballot and its peak resident memory (VmHWM), the server's being every process of it (the
writer and its checking workers), and with PostgreSQL the CPU of the database server's
processes per ballot (they share the cores too, and are not the server's), and the context
switches a ballot of the server's threads and of the whole machine (a count, which the
machine's slow and fast stretches do not blur as they blur CPU times). Never talks to
anything but 127.0.0.1; stops by itself when the ballots are cast or the time limit is reached.

`--workers 1,2` runs the whole measure once per value, back to back (a fresh server and
database each time), with `serve --workers N`. The verification CPU per ballot (its proofs and
signature alone, `verify_ballot`, in this process on one core) is measured beside, as the floor
the server's CPU per ballot is compared with. `--json` prints, as its last line, one JSON
object: the keys of the last run (`accepted_per_s`, `p50_ms`, `p99_ms`, `errors`,
`server_cpu_ms_per_ballot`, `verify_cpu_ms_per_ballot`, `server_over_verify`, ...), `runs`,
every run's object, and `speed_ups`: each run with more workers than the run just before it,
against that run (`{"runs": [0, 1], "workers": [1, 2], "speed_up": 1.62}`; runs count from 0).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from openballot.cli.demo import random_choices
from openballot.election.ballot import EncryptedBallot, verify_ballot
from openballot.election.credentials import credential_secret
from openballot.testing import HonestElection, fresh_postgres_database, honest_election

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # the only host this script ever talks to
ADMIN_TOKEN = secrets.token_urlsafe(24)
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
OPENBALLOT = Path(sys.executable).with_name("openballot")
console = Console()


# --- the database and the server -----------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'board.sqlite3'}"
        return
    from sqlalchemy.engine import make_url

    base_url = (
        os.environ.get("OPENBALLOT_TEST_POSTGRES_URL")
        or subprocess.run(
            [str(REPO / "scripts" / "postgres-for-tests.sh")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    host = make_url(base_url).host
    if host not in (HOST, "localhost"):
        raise SystemExit(f"refusing a PostgreSQL server that is not on this machine: {host}")
    with fresh_postgres_database(base_url, prefix="ob_bench_") as url:
        yield url


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(data: Path, url: str, workers: int) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    log = open(data.parent / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(OPENBALLOT), "serve", "--data", str(data), "--database", url]
        + ["--host", HOST, "--port", str(port), "--workers", str(workers)],
        env={**os.environ, "OPENBALLOT_ADMIN_TOKEN": ADMIN_TOKEN},
        stdout=log,
        stderr=log,
    )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/board", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    "openballot serve did not start:\n"
                    + (data.parent / "server.log").read_text()[-2000:]
                )
            time.sleep(0.1)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def proc_status(pid: int, field: str) -> int:
    """A kB figure of /proc/PID/status (VmHWM: peak resident set)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (the server's checking workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children.get(p, [])
    return tree


def tree_cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            total += cpu_seconds(p)
    return total


def tree_context_switches(pid: int) -> int:
    """Context switches so far of every thread of the server's processes (threads that ended
    are not counted): each is a wake-up or a preemption, on the cores the workers share."""
    total = 0
    for p in process_tree(pid):
        for status in Path(f"/proc/{p}/task").glob("*/status"):
            with contextlib.suppress(OSError, ValueError):
                for line in status.read_text().splitlines():
                    if "ctxt_switches:" in line:
                        total += int(line.split()[-1])
    return total


def machine_context_switches() -> int:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("ctxt "):
            return int(line.split()[1])
    return 0


def database_cpu_seconds() -> float:
    """CPU seconds of the PostgreSQL server's processes on this machine (0 with SQLite, whose
    work is the writer's own): they share the two cores with the server and the clients."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if "(postgres)" in stat.read_text():
                total += cpu_seconds(int(stat.parent.name))
    return total


def tree_peak_kb(pid: int) -> int:
    total = 0
    for p in process_tree(pid):
        with contextlib.suppress(OSError, KeyError):
            total += proc_status(p, "VmHWM")
    return total


# --- the election --------------------------------------------------------------------------------


def ok(r: httpx.Response) -> Any:
    if r.status_code != 201:
        raise SystemExit(f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text}")
    return r.json()


def setup_election(client: httpx.Client, voters: int) -> HonestElection:
    """Create, key ceremony, credentials (about half the voters in each district), open."""
    election = honest_election(voters={"north": voters // 2, "south": voters - voters // 2})
    eid = election.election_id
    body = {"manifest": election.manifest.to_json(), "trustees": 3, "threshold": 2}
    tokens = ok(client.post("/api/elections", json=body, headers=ADMIN))["tokens"]

    def post(path: str, value: Any, role: str) -> None:
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        ok(client.post(f"/api/elections/{eid}{path}", json=value, headers=headers))

    keys = election.keys
    for public in election.public_keys:  # commit-reveal: every commitment, then the keys
        i = public.index
        post(f"/trustees/{i}/commitment", keys.commitment(i).to_json(), f"trustee-{i}")
    for public in election.public_keys:
        post(f"/trustees/{public.index}/key", public.to_json(), f"trustee-{public.index}")
    for i in keys.sent:
        post(f"/trustees/{i}/shares", keys.shares_message(i).to_json(), f"trustee-{i}")
    for i in keys.sent:
        post(f"/trustees/{i}/verdict", keys.verdict(i).to_json(), f"trustee-{i}")
    post("/credentials", election.credentials.to_json(), "credential-authority")
    ok(client.post(f"/api/elections/{eid}/open", headers=ADMIN))
    return election


# --- the load ------------------------------------------------------------------------------------


class RawClient:
    """A minimal HTTP/1.1 client on one keep-alive connection: the request's bytes are made
    beforehand, and a response is read as its status line, headers and Content-Length bytes.
    The load generator shares the cores with the server, so its CPU counts against what is
    measured: this costs about a tenth of httpx's per request."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Send one request, return (status, body); reconnects once if the server had closed
        the idle connection."""
        for attempt in (1, 2):
            if self.sock is None:
                self.sock = socket.create_connection(self.address, timeout=60)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.buffer = b""
            try:
                self.sock.sendall(request)
                return self.read_response()
            except (ConnectionError, EOFError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def read_until(self, marker: bytes) -> bytes:
        assert self.sock is not None
        while (end := self.buffer.find(marker)) < 0:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the connection")
            self.buffer += chunk
        head, self.buffer = self.buffer[:end], self.buffer[end + len(marker) :]
        return head

    def read_response(self) -> tuple[int, bytes]:
        head = self.read_until(b"\r\n\r\n").split(b"\r\n")
        status = int(head[0].split(b" ", 2)[1])
        length, close = 0, False
        for line in head[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        assert self.sock is not None
        while len(self.buffer) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the connection mid-response")
            self.buffer += chunk
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if close:
            self.close()
        return status, body


def post_request(host: str, port: int, path: str, body: bytes) -> bytes:
    """The bytes of `POST path` with a JSON body, on a keep-alive connection."""
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


class Load:
    def __init__(self, base: str, eid: str, bodies: list[bytes], clients: int, limit: float):
        host, port = base.removeprefix("http://").rsplit(":", 1)
        self.address = (host, int(port))
        path = f"/api/elections/{eid}/ballots"
        # Made beforehand: building requests is no part of what the server is measured on.
        self.requests = [post_request(host, int(port), path, b) for b in bodies]
        self.next = 0
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.deadline = time.monotonic() + limit
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(clients)]

    def take(self) -> int | None:
        with self.lock:
            if self.next >= len(self.requests) or time.monotonic() > self.deadline:
                return None
            self.next += 1
            return self.next - 1

    def run(self) -> None:
        client = RawClient(*self.address)
        try:
            while (k := self.take()) is not None:
                start = time.perf_counter()
                try:
                    status, body = client.exchange(self.requests[k])
                except (OSError, EOFError, ValueError, IndexError) as exc:
                    client.close()
                    with self.lock:
                        self.errors.append(f"ballot {k}: {exc!r}")
                    continue
                elapsed = time.perf_counter() - start
                with self.lock:
                    if status == 201:
                        self.latencies.append(elapsed)
                    else:
                        self.errors.append(f"ballot {k}: {status} {body[:200]!r}")
        finally:
            client.close()

    def go(self) -> float:
        start = time.perf_counter()
        for t in self.threads:
            t.start()
        for t in self.threads:
            t.join(timeout=max(1.0, self.deadline - time.monotonic() + 70))
        return time.perf_counter() - start


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def count_heads(client: httpx.Client, eid: str) -> int:
    """Signed tree heads of the election (one per committed batch)."""
    n, start = 0, 1
    while True:
        page = client.get(
            f"/api/elections/{eid}/board/tree-heads", params={"start": start, "limit": 1000}
        ).json()["tree_heads"]
        if not page:
            return n
        n += len(page)
        start = page[-1]["size"] + 1


def measure(args: argparse.Namespace, workers: int, tmp: Path) -> dict[str, Any]:
    """One run: a fresh database and `serve --workers N`, the election, the load."""
    import random

    tmp.mkdir()
    load_before = os.getloadavg()[0]
    with database(args.database, tmp) as url, server(tmp / "data", url, workers) as (proc, base):
        with httpx.Client(base_url=base, timeout=60) as client:
            start = time.perf_counter()
            election = setup_election(client, args.ballots)
            setup_s = time.perf_counter() - start
            heads_before = count_heads(client, election.election_id)
            tree_head = f"/api/elections/{election.election_id}/board/tree-head"
            size_before = client.get(tree_head).json()["size"]
        eid = election.election_id
        ctx = election.ctx

        rng = random.Random(1)
        start = time.perf_counter()
        ballots: list[EncryptedBallot] = []
        for district, code in election.voters:
            choices = random_choices(election.manifest, district, rng)
            ballot, _ = election.vote(district, choices, secret=credential_secret(eid, code))
            ballots.append(ballot)
        encrypt_s = time.perf_counter() - start
        bodies = [json.dumps({"ballot": b.to_json()}).encode() for b in ballots]

        # The floor: the proofs and signature of a ballot, checked once, on one core.
        sample = ballots[: min(len(ballots), 200)]
        cpu = time.process_time()
        for b in sample:
            verify_ballot(ctx, b)
        verify_ms = 1000 * (time.process_time() - cpu) / len(sample)

        cpu_before, writer_before = tree_cpu_seconds(proc.pid), cpu_seconds(proc.pid)
        database_before = database_cpu_seconds()
        switches_before = tree_context_switches(proc.pid), machine_context_switches()
        client_before = time.process_time()
        load = Load(base, eid, bodies, args.clients, args.time_limit)
        wall = load.go()
        client_used = time.process_time() - client_before
        database_used = database_cpu_seconds() - database_before
        server_switches = tree_context_switches(proc.pid) - switches_before[0]
        machine_switches = machine_context_switches() - switches_before[1]
        cpu_used = tree_cpu_seconds(proc.pid) - cpu_before
        writer_used = cpu_seconds(proc.pid) - writer_before
        peak_kb = tree_peak_kb(proc.pid)
        with httpx.Client(base_url=base, timeout=60) as client:
            head = client.get(f"/api/elections/{eid}/board/tree-head").json()
            batches = count_heads(client, eid) - heads_before

    accepted = len(load.latencies)
    lat = sorted(x * 1000 for x in load.latencies)
    if head["size"] != size_before + accepted:
        raise SystemExit(
            f"the board holds {head['size']} entries, expected {size_before + accepted}"
        )
    return {
        "database": args.database,
        "workers": workers,
        "clients": args.clients,
        "ballots": args.ballots,
        "accepted": accepted,
        "wall_s": round(wall, 3),
        "accepted_per_s": round(accepted / wall, 1),
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(percentile(lat, 95), 1),
        "p99_ms": round(percentile(lat, 99), 1),
        "max_ms": round(lat[-1] if lat else float("nan"), 1),
        "errors": len(load.errors),
        "error_samples": load.errors[:5],
        "server_cpu_ms_per_ballot": round(1000 * cpu_used / max(accepted, 1), 2),
        "verify_cpu_ms_per_ballot": round(verify_ms, 2),
        "server_over_verify": round(1000 * cpu_used / max(accepted, 1) / verify_ms, 3),
        "writer_cpu_ms_per_ballot": round(1000 * writer_used / max(accepted, 1), 2),
        "client_cpu_ms_per_ballot": round(1000 * client_used / max(accepted, 1), 2),
        "database_cpu_ms_per_ballot": round(1000 * database_used / max(accepted, 1), 2),
        "server_context_switches_per_ballot": round(server_switches / max(accepted, 1), 1),
        "machine_context_switches_per_ballot": round(machine_switches / max(accepted, 1), 1),
        "server_peak_rss_mib": round(peak_kb / 1024, 1),
        "batches": batches,
        "ballots_per_batch": round(accepted / max(batches, 1), 2),
        "setup_s": round(setup_s, 2),
        "encrypt_per_s": round(len(ballots) / encrypt_s, 1),
        "load_average_before": round(load_before, 2),
        "cpus": os.cpu_count(),
    }


def speed_ups(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each run with more workers than the run just before it, against that run: the two
    were measured back to back, so the machine's slower and faster stretches touch both
    alike (`--workers 1,2,1,2` gives two such pairs)."""
    out = []
    for k in range(1, len(runs)):
        before, after = runs[k - 1], runs[k]
        if after["workers"] > before["workers"] and before["accepted_per_s"] > 0:
            out.append({
                "runs": [k - 1, k],
                "workers": [before["workers"], after["workers"]],
                "speed_up": round(after["accepted_per_s"] / before["accepted_per_s"], 3),
            })
    return out


def worker_count(run: dict[str, Any]) -> str:
    return f"{run['workers']} worker" + ("" if run["workers"] == 1 else "s")


def show(r: dict[str, Any]) -> None:
    table = Table(
        title=f"Casting through `openballot serve --workers {r['workers']}` ({r['database']}, "
        f"{r['clients']} clients, {r['ballots']} ballots, 127.0.0.1)"
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("election setup (ceremony, credentials, open)", f"{r['setup_s']:.2f} s"),
        ("encryption, client side, one core", f"{r['encrypt_per_s']:.1f} ballots/s"),
        ("ballots accepted (201, verified, committed)", f"{r['accepted']} of {r['ballots']}"),
        ("casting wall time", f"{r['wall_s']:.2f} s"),
        ("accepted per second", f"{r['accepted_per_s']:.1f} ballots/s"),
        ("latency p50", f"{r['p50_ms']:.1f} ms"),
        ("latency p95", f"{r['p95_ms']:.1f} ms"),
        ("latency p99", f"{r['p99_ms']:.1f} ms"),
        ("latency max", f"{r['max_ms']:.1f} ms"),
        ("errors", str(r["errors"])),
        (
            "server CPU per accepted ballot (all its processes)",
            f"{r['server_cpu_ms_per_ballot']:.2f} ms",
        ),
        (
            "... of which the writer process (HTTP, sequencing, commits)",
            f"{r['writer_cpu_ms_per_ballot']:.2f} ms",
        ),
        (
            "load generator CPU per accepted ballot (this process)",
            f"{r['client_cpu_ms_per_ballot']:.2f} ms",
        ),
        (
            "database server CPU per accepted ballot (PostgreSQL's processes)",
            f"{r['database_cpu_ms_per_ballot']:.2f} ms",
        ),
        (
            "verification CPU per ballot (proofs, signature)",
            f"{r['verify_cpu_ms_per_ballot']:.2f} ms",
        ),
        (
            "batches committed (signed tree heads)",
            f"{r['batches']} ({r['ballots_per_batch']:.2f} ballots each)",
        ),
        (
            "context switches per accepted ballot: the server's threads / the machine",
            f"{r['server_context_switches_per_ballot']:.1f} / "
            f"{r['machine_context_switches_per_ballot']:.1f}",
        ),
        ("server peak RSS (VmHWM, all its processes)", f"{r['server_peak_rss_mib']:.1f} MiB"),
        (
            "load average (1 min) before the run",
            f"{r['load_average_before']:.2f} on {r['cpus']} CPUs",
        ),
    ]
    for measure_, value in rows:
        table.add_row(measure_, value)
    console.print(table)
    for e in r["error_samples"]:
        console.print(f"error: {e}", markup=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--ballots", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--workers",
        default=str(os.cpu_count() or 1),
        help="serve --workers: N, or N,M,... to measure each back to back (default: all cores)",
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds for casting")
    args = parser.parse_args()
    if not 1 <= args.ballots <= 100_000 or not 1 <= args.clients <= 64:
        raise SystemExit("--ballots must be 1..100000 and --clients 1..64")
    try:
        counts = [int(w) for w in args.workers.split(",")]
    except ValueError:
        raise SystemExit("--workers must be N or N,M,... (processes)") from None
    if not all(1 <= w <= 64 for w in counts):
        raise SystemExit("--workers must be 1..64 each")

    runs = []
    with tempfile.TemporaryDirectory(prefix="openballot-bench-board-") as tmp_name:
        for k, workers in enumerate(counts):
            runs.append(measure(args, workers, Path(tmp_name) / f"run-{k}"))
            show(runs[-1])
    comparisons = speed_ups(runs)
    for c in comparisons:
        before, after = runs[c["runs"][0]], runs[c["runs"][1]]
        console.print(
            f"run {c['runs'][1] + 1} ({worker_count(after)}): {c['speed_up']:.2f}x the accepted "
            f"ballots/s of run {c['runs'][0] + 1} ({worker_count(before)}), just before it",
            markup=False,
        )
    for k, r in enumerate(runs):
        console.print(
            f"run {k + 1} ({worker_count(r)}): server CPU {r['server_over_verify']:.2f}x "
            f"the verification CPU a ballot, p99 {r['p99_ms']:.0f} ms",
            markup=False,
        )
    if args.json:
        print(json.dumps({**runs[-1], "runs": runs, "speed_ups": comparisons}))
    if any(r["errors"] for r in runs):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
