"""Every trustee key matches the commitment its trustee published before any key was revealed
(protocol.md 10.8), and on a board no key precedes the last commitment."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from openballot.cli import demo
from openballot.record.from_board import write_record
from openballot.verify.verifier import verify_record


@pytest.fixture(scope="module")
def cli_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("committed") / "record"
    demo.run_demo(voters=2, record=root, workers=1, out=Console(file=io.StringIO()))
    return root


def _findings(root: Path) -> set[tuple[str, str]]:
    return {(f.check, f.where) for f in verify_record(root, workers=1).findings}


def test_an_honest_record_has_a_commitment_for_every_key(cli_record: Path) -> None:
    assert sorted(p.name for p in (cli_record / "ceremony").glob("commitment-*.json")) == [
        "commitment-1.json",
        "commitment-2.json",
        "commitment-3.json",
    ]
    assert _findings(cli_record) == set()


def test_a_key_that_does_not_match_its_commitment_is_reported(
    cli_record: Path, tmp_path: Path
) -> None:
    root = tmp_path / "record"
    shutil.copytree(cli_record, root)
    path = root / "ceremony" / "commitment-2.json"
    value = json.loads(path.read_text())
    value["commitment"] = ("0" if value["commitment"][0] != "0" else "1") + value["commitment"][1:]
    path.write_text(json.dumps(value))
    assert _findings(root) == {("ceremony.commitment", "trustee 2")}


def test_a_key_without_a_commitment_is_reported(cli_record: Path, tmp_path: Path) -> None:
    root = tmp_path / "record"
    shutil.copytree(cli_record, root)
    (root / "ceremony" / "commitment-3.json").unlink()
    assert _findings(root) == {("ceremony.commitment", "trustee 3")}


def test_a_key_revealed_before_all_commitments_is_reported(
    kit: Any, sqlite_url: str, make_election: Any, tmp_path: Path
) -> None:
    """A board that let a trustee reveal early, or a log rewritten to look so."""
    e = make_election(sqlite_url)
    store = e.board.store
    leaves = [entry.data for entry in store.entries(e.election_id)]
    kinds = [json.loads(leaf)["type"] for leaf in leaves]
    assert kinds[1:7] == ["trustee-key-commitment"] * 3 + ["trustee-key"] * 3
    honest = tmp_path / "honest"
    write_record(honest, e.election_id, e.board.key.public, leaves, [])
    assert not {c for c, _ in _findings(honest)} & {"order.commitment"}

    rushed = [leaves[0], leaves[1], leaves[2], leaves[4], leaves[3], *leaves[5:]]
    root = tmp_path / "rushed"
    write_record(root, e.election_id, e.board.key.public, rushed, [])
    assert "order.commitment" in {c for c, _ in _findings(root)}
