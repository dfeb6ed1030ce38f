"""From a board's log to an election record: each leaf says which record files it fills.

`record_files` (`leaf_files` for a leaf already read) applies the leaf kinds of
`record.board_entries` to one leaf; it is used both to export a board (`write_record`) and
by the verifier to check that a record's files say exactly what its board log says.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openballot.jsonfields import get_str, hex_bytes, obj
from openballot.record.board_entries import LeafRead, read_leaf
from openballot.record.files import json_bytes, write_json
from openballot.record.layout import RecordLayout
from openballot.record.leaf import Place, RecordFile
from openballot.record.tree_head import SignedTreeHead

__all__ = ["BoardInfo", "record_files", "leaf_files", "write_record"]


@dataclass(frozen=True, slots=True)
class BoardInfo:
    """board.json: the election the board's tree heads must name, and its signing key."""

    election_id: str
    board_key: bytes

    def to_json(self) -> dict[str, Any]:
        return {"election": self.election_id, "board_key": self.board_key.hex()}

    @classmethod
    def from_json(cls, value: Any, where: str) -> BoardInfo:
        o = obj(value, where)
        return cls(
            get_str(o, "election", where), hex_bytes(o.get("board_key"), 32, f"{where}.board_key")
        )


def record_files(
    leaf: bytes, layout: RecordLayout, where: str
) -> tuple[Place, tuple[RecordFile, ...]]:
    """Where the leaf goes in the record, and the JSON files it fills. A ballot leaf is not
    decoded here: it is the next line of ballots.jsonl, byte for byte, and that line is."""
    return leaf_files(read_leaf(leaf, where), layout)


def leaf_files(read: LeafRead, layout: RecordLayout) -> tuple[Place, tuple[RecordFile, ...]]:
    """`record_files` of a leaf already read (`board_entries.read_leaf`)."""
    if isinstance(read, type):
        return read.PLACE, ()
    return read.PLACE, read.files(layout)


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
    write_json(layout.board, BoardInfo(election_id, board_key).to_json())
    log_name = layout.name(layout.board_log)
    count = 0
    with open(layout.board_log, "wb") as log, open(layout.ballots, "wb") as ballots:
        for leaf in leaves:
            count += 1
            log.write(leaf + b"\n")
            place, files = record_files(leaf, layout, f"{log_name}:{count}")
            if place is Place.BALLOT:
                ballots.write(leaf + b"\n")
            for file in files:
                file.write()
        for f in (log, ballots):
            f.flush()
            os.fsync(f.fileno())
    with open(layout.tree_heads, "wb") as f:
        for head in tree_heads:
            f.write(json_bytes(head.to_json(), pretty=False) + b"\n")
        f.flush()
        os.fsync(f.fileno())
    return count
