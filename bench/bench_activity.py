"""The cost of GET /api/elections/{id}/activity (server/activity.py) on a large log.

    .venv/bin/python bench/bench_activity.py [--leaves 100000] [--batch 100] [--bytes 3000]
        [--new 1000]

Fills a fresh SQLite board with one election of N cast leaves (ballot-sized JSON of two
districts) in batches of `--batch` leaves, one signed tree head per batch as the sequencer
writes them, then times what an observer's page makes the server do:
- the first requests after a start (the index reads every leaf once, at most PER_REQUEST
  leaves a request): seconds in all, leaves/s, requests and the longest one;
- a request when nothing was appended since the last one;
- a request after `--new` more leaves (the index reads only those).
Reports each, and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from openballot.board.signing import BoardKey
from openballot.board.store import BoardStore, entries, tree_heads
from openballot.record.merkle import MerkleTree, leaf_hash
from openballot.record.tree_head import SignedTreeHead
from openballot.server.activity import ActivityIndex

DISTRICTS = ("north", "south")


def leaf(i: int, size: int) -> bytes:
    body = {"type": "cast", "ballot": {"district": DISTRICTS[i % 2], "proofs": "ab" * (size // 2)}}
    return json.dumps(body, separators=(",", ":")).encode()


def append(store: BoardStore, key: BoardKey, tree: MerkleTree, n: int, batch: int,
           size: int, t0: int) -> None:
    """`n` leaves more, a signed head per `batch` leaves, ~2000 leaves a transaction."""
    rows: list[dict[str, object]] = []
    heads: list[dict[str, object]] = []
    for k in range(n):
        data = leaf(tree.size, size)
        rows.append({"election_id": "e", "seq": tree.size, "type": "cast", "data": data,
                     "leaf_hash": leaf_hash(data)})  # fmt: skip
        tree.append(data)
        if (k + 1) % batch and k != n - 1:
            continue
        stamp = t0 + tree.size * 10  # 100 ballots a second
        root = tree.root()
        signature = key.sign(SignedTreeHead.message_for("e", tree.size, root, stamp))
        heads.append({"election_id": "e", "size": tree.size, "root": root,
                      "timestamp_ms": stamp, "signature": signature})  # fmt: skip
        if len(rows) >= 2000 or k == n - 1:
            with store.engine.begin() as conn:
                conn.execute(insert(entries), rows)
                conn.execute(insert(tree_heads), heads)
            rows, heads = [], []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--bytes", type=int, default=3000)
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = BoardStore(f"sqlite:///{Path(tmp) / 'board.sqlite3'}")
        key = BoardKey.load_or_create(Path(tmp) / "board.key")
        store.create_election("e", 1, {})
        tree = MerkleTree()
        t0 = 1_767_225_600_000
        append(store, key, tree, args.leaves, args.batch, args.bytes, t0)
        index = ActivityIndex(store, "e", DISTRICTS)

        start = time.perf_counter()
        requests, longest = 0, 0.0
        while index.size < args.leaves:  # PER_REQUEST leaves a request at most
            one = time.perf_counter()
            index.activity(600)
            requests += 1
            longest = max(longest, time.perf_counter() - one)
        catch_up = time.perf_counter() - start

        start = time.perf_counter()
        index.activity(600)
        idle = time.perf_counter() - start

        append(store, key, tree, args.new, args.batch, args.bytes, t0)
        start = time.perf_counter()
        later = index.activity(600)
        incremental = time.perf_counter() - start
        assert later.size == args.leaves + args.new
        assert sum(sum(c) for _, c in later.buckets) == later.size
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "leaves": args.leaves,
        "leaf_bytes": len(leaf(0, args.bytes)),
        "catch_up_s": round(catch_up, 3),
        "catch_up_leaves_per_s": round(args.leaves / catch_up),
        "catch_up_requests": requests,
        "longest_request_s": round(longest, 3),
        "idle_request_ms": round(idle * 1000, 3),
        "new_leaves": args.new,
        "incremental_request_ms": round(incremental * 1000, 3),
        "peak_rss_mib": round(peak, 1),
    }
    print(f"activity over {args.leaves} cast leaves of {figures['leaf_bytes']} bytes "
          f"(a signed head per {args.batch}):")
    print(f"  catching up after a start:              {catch_up:.2f} s, "
          f"{figures['catch_up_leaves_per_s']} leaves/s, {requests} requests, "
          f"the longest {longest:.2f} s")
    print(f"  request with nothing new:               {idle * 1000:.2f} ms")
    print(f"  request after {args.new} new leaves:        {incremental * 1000:.1f} ms")
    print(f"  peak resident memory:                   {peak:.0f} MiB")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
