"""The cost of `openballot serve`'s start-up checks (board/integrity.py) on one election.

    .venv/bin/python bench/bench_startup_checks.py [--entries 20000] [--bytes 4000]
        [--database URL]

Fills a fresh board (a SQLite file in a temporary folder, or the empty database at URL) with
one election of N entries of the given size and one signed tree head over them, written
directly in batches (no per-entry commit), then times what start-up does: SQLite's
`quick_check`, the rebuild of the in-memory tree from the stored leaf hashes (which start-up
did before these checks), and `check_election` (the head's signature, the root, every entry
streamed and hashed). Reports each in seconds and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from openballot.board.integrity import check_election, check_storage
from openballot.board.log import ElectionLog
from openballot.board.signing import BoardKey
from openballot.board.store import BoardStore, entries, tree_heads
from openballot.record.merkle import MerkleTree, leaf_hash
from openballot.record.tree_head import SignedTreeHead


def fill(store: BoardStore, key: BoardKey, n: int, size: int) -> None:
    store.create_election("e", 1, {})
    tree, rows = MerkleTree(), []
    for i in range(n):
        data = os.urandom(size // 2).hex().encode()
        tree.append(data)
        rows.append({"election_id": "e", "seq": i, "type": "cast", "data": data,
                     "leaf_hash": leaf_hash(data)})  # fmt: skip
        if len(rows) == 2000 or i == n - 1:
            with store.engine.begin() as conn:
                conn.execute(insert(entries), rows)
            rows = []
    root = tree.root()
    signature = key.sign(SignedTreeHead.message_for("e", n, root, 1))
    with store.engine.begin() as conn:
        conn.execute(insert(tree_heads).values(
            election_id="e", size=n, root=root, timestamp_ms=1, signature=signature))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--bytes", type=int, default=4000)
    parser.add_argument("--database", default=None)
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'board.sqlite3'}"
        key = BoardKey.load_or_create(Path(tmp) / "board.key")
        store = BoardStore(url)
        fill(store, key, args.entries, args.bytes)
        store.close()
        store = BoardStore(url)
        t0 = time.perf_counter()
        check_storage(store)
        t1 = time.perf_counter()
        log = ElectionLog(store, key, "e")
        t2 = time.perf_counter()
        check_election(log)
        t3 = time.perf_counter()
        store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.entries} entries of {args.bytes} B on {store.engine.dialect.name}: "
        f"quick_check {t1 - t0:.2f} s, tree rebuild {t2 - t1:.2f} s, "
        f"check_election {t3 - t2:.2f} s, peak RSS {rss:.0f} MiB"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "entries": args.entries,
                    "entry_bytes": args.bytes,
                    "database": store.engine.dialect.name,
                    "quick_check_s": round(t1 - t0, 3),
                    "tree_rebuild_s": round(t2 - t1, 3),
                    "check_election_s": round(t3 - t2, 3),
                    "peak_rss_mib": round(rss, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
