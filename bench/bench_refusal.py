"""What a forged ballot costs the board: CPU time to refuse a copied ballot with a made-up
signature, next to the cost of accepting an honest one.

    .venv/bin/python bench/bench_refusal.py [--copies 200] [--json]

Builds a board in-process (SQLite in a temporary folder, the demo manifest, 3 trustees), opens
an election through its API, casts one honest ballot, then hands the board's cast path
(`ElectionService.cast`, what `POST /ballots` runs after reading the body) copies of that
ballot whose signature is replaced by random scalars: what anyone who reads the board can
send. Reports the CPU seconds (time.process_time) per refusal, the cost of verifying the
honest ballot whole, and how many range proofs one refusal verified. Before issue 7 the board
verified every range proof before the signature; now it checks the signature first.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_board import ADMIN_TOKEN, setup_election  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from openballot.board.signing import BoardKey  # noqa: E402
from openballot.board.store import BoardStore  # noqa: E402
from openballot.cli.demo import random_choices  # noqa: E402
from openballot.crypto.group import random_scalar  # noqa: E402
from openballot.crypto.proofs import RangeProof  # noqa: E402
from openballot.election.ballot import encrypt_ballot, verify_ballot  # noqa: E402
from openballot.election.credentials import credential_secret  # noqa: E402
from openballot.errors import OpenBallotError  # noqa: E402
from openballot.server.app import create_app  # noqa: E402
from openballot.server.service import Board  # noqa: E402


def forged_copy(ballot: dict[str, Any]) -> dict[str, Any]:
    return {
        **ballot,
        "signature": {"challenge": random_scalar().hex(), "response": random_scalar().hex()},
    }


def cpu_per_call(fn: Any, calls: int) -> float:
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=200, help="forged copies to refuse")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        board = Board(
            BoardStore(f"sqlite:///{Path(tmp) / 'board.sqlite3'}"),
            BoardKey.load_or_create(Path(tmp) / "board.key"),
        )
        with TestClient(create_app(board, ADMIN_TOKEN)) as client:
            election = setup_election(client, voters=4)
            ctx, people = election.ctx, election.voters
        service = board.get(ctx.manifest.election_id)
        district, code = people[0]
        secret = credential_secret(ctx.manifest.election_id, code)
        honest, _ = encrypt_ballot(
            ctx, district, secret, random_choices(ctx.manifest, district, random.Random(7))
        )
        service.cast({"ballot": honest.to_json()})
        forged = [forged_copy(honest.to_json()) for _ in range(args.copies)]

        proofs_verified = 0
        original = RangeProof.verify

        def counted(self: RangeProof, *a: Any, **k: Any) -> None:
            nonlocal proofs_verified
            proofs_verified += 1
            original(self, *a, **k)

        def refuse(body: dict[str, Any]) -> None:
            try:
                service.cast({"ballot": body})
            except OpenBallotError:
                return
            raise SystemExit("the board accepted a forged ballot")

        RangeProof.verify = counted  # type: ignore[method-assign]
        try:
            refuse(forged[0])
        finally:
            RangeProof.verify = original  # type: ignore[method-assign]
        copies = iter(forged)
        refusal = cpu_per_call(lambda: refuse(next(copies)), args.copies)
        verify = cpu_per_call(lambda: verify_ballot(ctx, honest), 20)

    figures = {
        "refusal_cpu_ms": round(refusal * 1000, 3),
        "honest_verify_cpu_ms": round(verify * 1000, 3),
        "range_proofs_per_refusal": proofs_verified,
        "range_proofs_per_ballot": sum(len(c.selections) + 1 for c in honest.contests),
        "copies": args.copies,
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(
        f"refusing a copied ballot with a random signature: {figures['refusal_cpu_ms']} ms CPU, "
        f"{proofs_verified} of {figures['range_proofs_per_ballot']} range proofs verified\n"
        f"verifying an honest ballot whole: {figures['honest_verify_cpu_ms']} ms CPU"
    )


if __name__ == "__main__":
    main()
