"""What the writer costs per ballot, by batch size: CPU, database round trips, commit time.

    .venv/bin/python bench/bench_sequencer.py --database sqlite|postgresql [--batches 1,8,64]
        [--rounds 5] [--json]

Sets up an election on an in-process board (no HTTP, no checking workers: ballots are checked
beforehand), then hands the writer batches of already-checked ballots, as the checking workers
would, and measures for each batch size: the writer's CPU per ballot (order and eligibility
rules, the append, the signature, the receipts; fresh ballots need no tracker lookup), the
database statements and transactions per batch (counted with SQLAlchemy's events: a
statement or a commit is one round trip to PostgreSQL; the rollback counted per PostgreSQL
batch is the pool's reset of an autocommit connection, which psycopg does not send, as no
transaction is open), the wall time of a batch (its commit's fsync included), the
CPU of the PostgreSQL server's processes when it runs on this machine, and how much the
database grew per ballot. This is the
sequencer's share of a cast: what one host running only sequencers would spend, with the
HTTP and the checks on other hosts (docs/scale.md).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import secrets
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_board  # noqa: E402 - the election set-up and the database of the board bench

from openballot.board.signing import BoardKey  # noqa: E402
from openballot.board.store import BoardStore, StoredEntry  # noqa: E402
from openballot.cli.demo import random_choices  # noqa: E402
from openballot.election.acceptance import BallotKind  # noqa: E402
from openballot.election.ballot import encrypt_ballot  # noqa: E402
from openballot.election.credentials import credential_secret  # noqa: E402
from openballot.record.tree_head import SignedTreeHead  # noqa: E402
from openballot.server.app import create_app  # noqa: E402
from openballot.server.service import Board  # noqa: E402


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Counter:
    """Statements and transactions sent to the database."""

    def __init__(self, store: BoardStore) -> None:
        self.statements = self.commits = self.rollbacks = 0
        event.listen(store.engine, "before_cursor_execute", self._statement)
        event.listen(store.engine, "commit", self._commit)
        event.listen(store.engine, "rollback", self._rollback)

    def _statement(self, *args: Any) -> None:
        self.statements += 1

    def _commit(self, *args: Any) -> None:
        self.commits += 1

    def _rollback(self, *args: Any) -> None:
        self.rollbacks += 1

    def snapshot(self) -> tuple[int, int, int]:
        return self.statements, self.commits, self.rollbacks


def database_cpu() -> float:
    """CPU seconds of the PostgreSQL server's processes on this machine (0 without any)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            if "(postgres)" in text:
                total += bench_board.cpu_seconds(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return total


def database_bytes(store: BoardStore) -> int:
    if store.engine.dialect.name == "sqlite":
        path = Path(str(store.engine.url.database))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one())


def one_batch(service: Any, checked: list[Any]) -> float:
    """Commit `checked` as one batch (the writer is held busy while they queue); wall s."""
    threads = [threading.Thread(target=service.sequencer.submit, args=(c,)) for c in checked]
    with service.log.lock:
        for t in threads:
            t.start()
        while service.sequencer.waiting() < len(checked):
            time.sleep(0.001)
        start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def append_alone(store: BoardStore, sizes: list[int], appends: int, leaf: int) -> dict[int, float]:
    """CPU (user + system, this process) of `BoardStore.append` alone per batch, by batch
    size: `appends` batches of entries as long as a ballot's leaf, under a tree head, in an
    election of their own (storage only: no tree, no signature, no sequencer)."""
    election = "bench-append"
    store.create_election(election, 0, {})
    seq, out = 0, {}
    for n in sizes:
        used = 0.0
        for _ in range(appends):
            batch = [
                StoredEntry(seq + i, "ballot", secrets.token_bytes(leaf), secrets.token_bytes(32))
                for i in range(n)
            ]
            seq += n
            head = SignedTreeHead(election, seq, secrets.token_bytes(32), 0, bytes(64))
            c0 = cpu()
            store.append(election, batch, head)
            used += cpu() - c0
        out[n] = round(1000 * used / appends, 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--batches", default="1,8,64", help="batch sizes to measure")
    parser.add_argument("--rounds", type=int, default=5, help="batches of each size")
    parser.add_argument(
        "--appends", type=int, default=100, help="batches of each size for the append alone"
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    sizes = [int(x) for x in args.batches.split(",")]
    if not all(1 <= n <= 512 for n in sizes) or not 1 <= args.rounds <= 100:
        raise SystemExit("--batches must be 1..512 each and --rounds 1..100")
    if not 1 <= args.appends <= 10_000:
        raise SystemExit("--appends must be 1..10000")
    voters = sum(sizes) * args.rounds + 2  # and two to warm up
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from fastapi.testclient import TestClient

    results = []
    with tempfile.TemporaryDirectory(prefix="openballot-bench-seq-") as tmp_name:
        tmp = Path(tmp_name)
        with bench_board.database(args.database, tmp) as url:
            store = BoardStore(url)
            board = Board(store, BoardKey.load_or_create(tmp / "board.key"))
            try:
                client = TestClient(create_app(board, bench_board.ADMIN_TOKEN))
                election = bench_board.setup_election(client, voters)
                ctx, people = election.ctx, election.voters
                eid = ctx.manifest.election_id
                service = board.elections[eid]
                rng = random.Random(1)
                checked = []
                for district, code in people:
                    choices = random_choices(ctx.manifest, district, rng)
                    ballot, _ = encrypt_ballot(ctx, district, credential_secret(eid, code), choices)
                    body = {"ballot": ballot.to_json()}
                    checked.append(service.checker.check(ctx, body, BallotKind.CAST))
                leaf_bytes = len(checked[0].leaf)
                for _ in range(2):  # the statements are compiled and cached once
                    one_batch(service, [checked.pop(0)])
                counter = Counter(store)
                for n in sizes:
                    walls, cpus, counts, db_cpu = [], [], [], 0.0
                    size_before = database_bytes(store)
                    for _ in range(args.rounds):
                        batch, checked = checked[:n], checked[n:]
                        d0 = database_cpu()  # scanning /proc costs CPU: outside the count
                        before, c0 = counter.snapshot(), cpu()
                        walls.append(one_batch(service, batch))
                        cpus.append(cpu() - c0)
                        db_cpu += database_cpu() - d0
                        counts.append(
                            [b - a for a, b in zip(before, counter.snapshot(), strict=True)]
                        )
                    grown = database_bytes(store) - size_before
                    statements, commits, rollbacks = (
                        sum(c[i] for c in counts) / args.rounds for i in range(3)
                    )
                    results.append(
                        {
                            "database": args.database,
                            "batch": n,
                            "writer_cpu_ms_per_ballot": round(
                                1000 * sum(cpus) / (n * args.rounds), 3
                            ),
                            "database_cpu_ms_per_ballot": round(
                                1000 * db_cpu / (n * args.rounds), 3
                            ),
                            "database_bytes_per_ballot": round(grown / (n * args.rounds)),
                            "batch_wall_ms": round(1000 * sorted(walls)[len(walls) // 2], 2),
                            "statements_per_batch": statements,
                            "commits_per_batch": commits,
                            "rollbacks_per_batch": rollbacks,
                        }
                    )
                append_ms = append_alone(store, sizes, args.appends, leaf_bytes)
                for r in results:
                    r["append_cpu_ms_per_batch"] = append_ms[r["batch"]]
            finally:
                board.close()
                store.close()
    for r in results:
        print(
            f"{r['database']}: batch of {r['batch']:>3}: writer CPU "
            f"{r['writer_cpu_ms_per_ballot']:.3f} ms/ballot, database CPU "
            f"{r['database_cpu_ms_per_ballot']:.3f} ms/ballot, +{r['database_bytes_per_ballot']} "
            f"bytes/ballot, batch {r['batch_wall_ms']:.1f} ms "
            f"(median), {r['statements_per_batch']:.0f} statements + "
            f"{r['commits_per_batch']:.0f} commit + {r['rollbacks_per_batch']:.0f} rollback "
            f"per batch; the append alone {r['append_cpu_ms_per_batch']:.3f} ms CPU a batch"
        )
    if args.json:
        print(json.dumps({"runs": results}))


if __name__ == "__main__":
    main()
