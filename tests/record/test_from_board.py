"""Exporting a board's log as a record: every leaf fills its files, ballot leaves are the
lines of ballots.jsonl, and the board's own files are where RecordLayout says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openballot.errors import DecodeError
from openballot.jsonfields import loads
from openballot.record.ballot_log import AuditEntry, CastEntry
from openballot.record.board_entries import (
    CeremonyOkEntry,
    ManifestEntry,
    SharesEntry,
    TallyEntry,
    TrusteeKeyEntry,
)
from openballot.record.files import read_json
from openballot.record.from_board import BoardInfo, record_files, write_record
from openballot.record.layout import RecordLayout
from openballot.record.leaf import Place
from openballot.record.tree_head import SignedTreeHead


def test_write_record_fills_every_file_from_the_leaves(tmp_path: Path, ballots: Any) -> None:
    leaves = [
        ManifestEntry({"election_id": "e"}, 3, 2),
        TrusteeKeyEntry({"index": 2, "x": 1}),
        SharesEntry(2, [{"s": 1}], {"c": 1}),
        CeremonyOkEntry(1, {}),
        CastEntry(ballots.north),
        AuditEntry(ballots.south, ballots.north_opening),
        TallyEntry({"t": 1}),
    ]
    data = [leaf.leaf() for leaf in leaves]
    layout = RecordLayout(tmp_path / "record")
    assert write_record(layout.root, "e", bytes(range(32)), data, []) == len(leaves)

    assert read_json(layout.board) == {"election": "e", "board_key": bytes(range(32)).hex()}
    assert BoardInfo.from_json(read_json(layout.board), "board.json") == BoardInfo(
        "e", bytes(range(32))
    )
    assert layout.board_log.read_bytes() == b"".join(d + b"\n" for d in data)
    assert layout.ballots.read_bytes() == data[4] + b"\n" + data[5] + b"\n"
    assert layout.tree_heads.read_bytes() == b""
    assert read_json(layout.record_file) == {"format": "openballot-record", "version": 1}
    assert read_json(layout.manifest) == {"election_id": "e"}
    assert read_json(layout.parameters) == {"trustees": 3, "threshold": 2}
    assert read_json(layout.trustee_key(2)) == {"index": 2, "x": 1}
    assert read_json(layout.shares(2)) == {"shares": [{"s": 1}], "signature": {"c": 1}}
    assert read_json(layout.tally) == {"t": 1}
    written = {layout.name(p) for p in layout.root.rglob("*") if p.is_file()}
    assert written == {
        "record.json",
        "board.json",
        "board.jsonl",
        "tree-heads.jsonl",
        "ballots.jsonl",
        "manifest.json",
        "ceremony/parameters.json",
        "ceremony/trustee-2.json",
        "ceremony/shares-2.json",
        "tally.json",
    }
    for number, leaf in enumerate(data, start=1):
        _, files = record_files(leaf, layout, f"board.jsonl:{number}")
        for file in files:
            assert file.read() == file.value


def test_a_ballot_leaf_is_not_decoded_when_mapped(tmp_path: Path) -> None:
    """Its line of ballots.jsonl is decoded and checked by the ballot pass, not twice."""
    layout = RecordLayout(tmp_path)
    assert record_files(b'{"type":"cast","ballot":1}', layout, "leaf") == (Place.BALLOT, ())
    ok = b'{"type":"ceremony-ok","trustee":1,"signature":{}}'
    assert record_files(ok, layout, "leaf") == (Place.BOARD, ())
    with pytest.raises(DecodeError, match="leaf: unexpected field 'x'"):
        record_files(b'{"type":"ceremony-ok","trustee":1,"signature":{},"x":2}', layout, "leaf")


def test_tree_heads_are_written_one_compact_line_each(tmp_path: Path) -> None:
    heads = [SignedTreeHead("e", n, bytes(32), 1000 + n, bytes(64)) for n in (1, 2)]
    leaves = [CeremonyOkEntry(1, {}).leaf(), CeremonyOkEntry(2, {}).leaf()]
    layout = RecordLayout(tmp_path / "r")
    write_record(layout.root, "e", bytes(32), leaves, heads)
    lines = layout.tree_heads.read_bytes().splitlines()
    assert [SignedTreeHead.from_json(loads(x, "h")) for x in lines] == heads
    assert all(b" " not in x for x in lines)
