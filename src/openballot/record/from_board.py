"""From a board's log to an election record: each leaf says which record file it fills.

`record_files` is the one mapping, used both to export a board (`write_record`) and by the
verifier to check that a record's files say exactly what its board log says.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openballot.errors import DecodeError
from openballot.jsonfields import get, get_int, get_str, loads, obj
from openballot.record.files import json_bytes, write_json
from openballot.record.layout import RecordLayout
from openballot.record.tree_head import SignedTreeHead

__all__ = ["BALLOT_TYPES", "BOARD_TYPES", "record_files", "write_record"]

BALLOT_TYPES = ("cast", "audit")
#: Leaves that only the board has: each trustee's verdict on the shares it received.
BOARD_TYPES = ("ceremony-ok",)


def record_files(leaf: bytes, where: str) -> tuple[str, list[tuple[str, Any]]]:
    """The leaf's type, and the JSON files it fills: [(path in the record, value)].
    Ballot leaves fill ballots.jsonl, line for line, with their exact bytes."""
    value = loads(leaf, where)
    o = obj(value, where)
    kind = get_str(o, "type", where)
    if kind in BALLOT_TYPES or kind in BOARD_TYPES:
        return kind, []
    if kind == "manifest":
        return kind, [
            ("manifest.json", get(o, "manifest", where)),
            (
                "ceremony/parameters.json",
                {
                    "trustees": get_int(o, "trustees", where, 1),
                    "threshold": get_int(o, "threshold", where, 1),
                },
            ),
        ]
    if kind == "trustee-key":
        key = obj(get(o, "key", where), f"{where}.key")
        return kind, [(f"ceremony/trustee-{get_int(key, 'index', where, 1)}.json", key)]
    if kind == "shares":
        sender = get_int(o, "sender", where, 1)
        return kind, [(f"ceremony/shares-{sender}.json", {"shares": get(o, "shares", where)})]
    if kind == "complaints":
        accuser = get_int(o, "accuser", where, 1)
        complaints = get(o, "complaints", where)
        return kind, [(f"ceremony/complaints-{accuser}.json", {"complaints": complaints})]
    if kind == "credentials":
        return kind, [("credentials.json", get(o, "credentials", where))]
    if kind == "election":
        return kind, [("election.json", get(o, "election", where))]
    if kind == "tally":
        return kind, [("tally.json", get(o, "tally", where))]
    if kind == "decryption":
        dec = obj(get(o, "decryption", where), f"{where}.decryption")
        return kind, [(f"decryptions/trustee-{get_int(dec, 'trustee', where, 1)}.json", dec)]
    if kind == "result":
        return kind, [("result.json", get(o, "result", where))]
    raise DecodeError(f"{where}.type: unknown board entry type {kind!r}")


def write_record(
    root: Path,
    election_id: str,
    board_key: bytes,
    leaves: Iterable[bytes],
    tree_heads: Iterable[SignedTreeHead],
) -> int:
    """Write the record of a board's log; returns the number of leaves."""
    layout = RecordLayout(root)
    layout.create()
    write_json(root / "board.json", {"election": election_id, "board_key": board_key.hex()})
    count = 0
    with open(root / "board.jsonl", "wb") as log, open(layout.ballots, "wb") as ballots:
        for leaf in leaves:
            log.write(leaf + b"\n")
            kind, files = record_files(leaf, f"board.jsonl:{count + 1}")
            if kind in BALLOT_TYPES:
                ballots.write(leaf + b"\n")
            for path, value in files:
                write_json(root / path, value)
            count += 1
        for f in (log, ballots):
            f.flush()
            os.fsync(f.fileno())
    with open(root / "tree-heads.jsonl", "wb") as f:
        for head in tree_heads:
            f.write(json_bytes(head.to_json(), pretty=False) + b"\n")
        f.flush()
        os.fsync(f.fileno())
    return count
