"""RecordLayout is the one place that names a record's files."""

from __future__ import annotations

from pathlib import Path

from openballot.record.layout import RecordLayout


def test_every_path_of_a_record() -> None:
    layout = RecordLayout(Path("/r"))
    names = {
        layout.name(p)
        for p in (
            layout.record_file,
            layout.manifest,
            layout.parameters,
            layout.trustee_key(1),
            layout.shares(2),
            layout.complaints(3),
            layout.credentials,
            layout.election,
            layout.ballots,
            layout.tally,
            layout.decryption(2),
            layout.result,
            layout.board,
            layout.board_log,
            layout.tree_heads,
        )
    }
    assert names == {
        "record.json",
        "manifest.json",
        "ceremony/parameters.json",
        "ceremony/trustee-1.json",
        "ceremony/shares-2.json",
        "ceremony/complaints-3.json",
        "credentials.json",
        "election.json",
        "ballots.jsonl",
        "tally.json",
        "decryptions/trustee-2.json",
        "result.json",
        "board.json",
        "board.jsonl",
        "tree-heads.jsonl",
    }
    assert {layout.name(p) for p in layout.not_from_leaves} == {"record.json", "board.json"}
