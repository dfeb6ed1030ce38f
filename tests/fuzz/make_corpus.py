"""Build the seed corpus of the fuzz targets from a real record.

    openballot demo --voters 20 --record /tmp/r
    python tests/fuzz/make_corpus.py /tmp/r

writes tests/fuzz/record/ (the record without its ballots: the election context of the
targets) and tests/fuzz/corpus/TARGET/seed-* (files, lines and board leaves of the record,
and a receipt). Inputs found by fuzzing are kept beside them under other names (crash-*,
found-*) and are not touched here.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from harness import CORPUS, RECORD, RECORD_FILES

#: Ballot lines kept: a cast line is ~6 kB; three of them show every shape.
BALLOT_LINES = 3


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def seed(target: str, name: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"seed-{name}").write_bytes(data)


def leaves(record: Path) -> list[tuple[str, bytes]]:
    """The board leaves of this record, in the shape the board writes them."""

    def read(name: str) -> Any:
        return json.loads((record / name).read_text())

    params = read("ceremony/parameters.json")
    out = [("manifest", {"type": "manifest", "manifest": read("manifest.json"), **params})]
    for p in sorted((record / "ceremony").glob("trustee-*.json")):
        out.append(("trustee-key", {"type": "trustee-key", "key": read(f"ceremony/{p.name}")}))
    for p in sorted((record / "ceremony").glob("shares-*.json")):
        sender = int(p.stem.rsplit("-", 1)[1])
        shares = read(f"ceremony/{p.name}")["shares"]
        out.append(("shares", {"type": "shares", "sender": sender, "shares": shares}))
    out.append(("ceremony-ok", {"type": "ceremony-ok", "trustee": 1}))
    out.append(("complaints", {"type": "complaints", "accuser": 2, "complaints": []}))
    out.append(("credentials", {"type": "credentials", "credentials": read("credentials.json")}))
    out.append(("election", {"type": "election", "election": read("election.json")}))
    out.append(("tally", {"type": "tally", "tally": read("tally.json")}))
    for p in sorted((record / "decryptions").glob("trustee-*.json")):
        decryption = read(f"decryptions/{p.name}")
        out.append(("decryption", {"type": "decryption", "decryption": decryption}))
    out.append(("result", {"type": "result", "result": read("result.json")}))
    return [(kind, compact(value)) for kind, value in out]


def main(record: Path) -> None:
    shutil.rmtree(RECORD, ignore_errors=True)
    shutil.copytree(record, RECORD, ignore=shutil.ignore_patterns("ballots.jsonl"))
    for old in CORPUS.glob("*/seed-*"):
        old.unlink()

    lines = (record / "ballots.jsonl").read_bytes().splitlines()[:BALLOT_LINES]
    for i, line in enumerate(lines):
        seed("ballot-line", f"cast-{i}", line)
    # An audited line: a fresh ballot with its opening (not of a listed voter; the parsers
    # and the opening's check still run on it).
    from openballot.election.ballot import encrypt_ballot
    from openballot.election.credentials import credential_secret, new_code
    from openballot.record.ballot_log import AuditEntry, entry_line
    from openballot.record.layout import RecordLayout
    from openballot.verify.verifier import load_context

    ctx = load_context(RecordLayout(record))
    district = ctx.manifest.district_ids()[0]
    choices = {
        c.id: [o.id for o in c.options[: max(c.min_selections, 1)]]
        for c in ctx.manifest.ballot_style(district)
    }
    secret = credential_secret(ctx.manifest.election_id, new_code())
    seed(
        "ballot-line",
        "audit",
        entry_line(AuditEntry(*encrypt_ballot(ctx, district, secret, choices))),
    )
    board = leaves(record)
    for i, (kind, leaf) in enumerate(board):
        seed("board-leaf", f"{i:02}-{kind}", leaf)
    for name in ("manifest.json", "credentials.json", "election.json", "record.json"):
        seed("json", name, (record / name).read_bytes())
    seed("manifest", "demo", (record / "manifest.json").read_bytes())
    seed("credentials", "demo", (record / "credentials.json").read_bytes())

    # A tree head and a receipt in the shapes the board gives them (the signature and the
    # proof are not checked by the parsers, so made-up ones serve as seeds).
    head = {
        "election": json.loads((record / "manifest.json").read_text())["election_id"],
        "size": 14,
        "root": hashlib.sha256(b"root").hexdigest(),
        "timestamp": 1_700_000_000_000,
        "signature": hashlib.sha512(b"signature").hexdigest(),
    }
    seed("tree-head", "head", compact(head))
    from openballot.record.ballot_log import parse_unverified_entry

    tracker = parse_unverified_entry(lines[0], "line").ballot.tracker()
    receipt = {
        "tracker": tracker.hex(),
        "index": 13,
        "entry": lines[0].decode(),
        "tree_head": head,
        "inclusion_proof": [hashlib.sha256(bytes([i])).hexdigest() for i in range(4)],
        "already_cast": False,
    }
    seed("receipt", "receipt", compact(receipt))
    seed("receipt", "booth-download", compact({"election": head["election"], "receipt": receipt}))

    for kind, name in enumerate(RECORD_FILES):
        path = record / name
        if path.exists():
            seed("record-file", name.replace("/", "-"), bytes([kind]) + path.read_bytes())
    complaints = RECORD_FILES.index("ceremony/complaints-1.json")
    seed("record-file", "complaints", bytes([complaints]) + compact({"complaints": []}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
