"""Observers mid-election: a record with no tally yet, of an election still open, verifies
what exists and says plainly that voting is open (exit 0); a closed election whose tally is
missing stays a finding. Both for a CLI record and for a record exported from a board."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from openballot.cli import demo
from openballot.cli.main import app
from openballot.record.from_board import write_record
from openballot.verify.verifier import verify_record

runner = CliRunner()


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("open") / "record"
    demo.run_demo(6, root, 1, Console(file=io.StringIO()))
    return root


@pytest.fixture
def before_tally(finished: Path, tmp_path: Path) -> Path:
    """The CLI record as it was before `tally`: that step wrote tally.json, decryptions and
    results the rest."""
    root = tmp_path / "record"
    shutil.copytree(finished, root)
    (root / "tally.json").unlink()
    (root / "result.json").unlink()
    shutil.rmtree(root / "decryptions")
    return root


def verify_cli(root: Path) -> Any:
    return runner.invoke(app, ["verify", str(root), "--workers", "1"])


def test_cli_record_before_the_tally_verifies_and_says_open(before_tally: Path) -> None:
    report = verify_record(before_tally, workers=1)
    assert report.ok and report.still_open, [str(f) for f in report.findings]
    assert report.counted == 6
    run = verify_cli(before_tally)
    assert run.exit_code == 0, run.output
    text = run.output.replace("\n", " ")
    assert "record verified so far" in text and "The election is still open" in text
    assert "NOT verified" not in text


def test_open_record_with_a_bad_ballot_still_fails(before_tally: Path) -> None:
    path = before_tally / "ballots.jsonl"
    lines = path.read_bytes().splitlines()
    lines[0] = lines[0][:-3] + b"x" + lines[0][-2:]
    path.write_bytes(b"\n".join(lines) + b"\n")
    run = verify_cli(before_tally)
    assert run.exit_code == 1, run.output
    assert "record NOT verified" in run.output
    assert "still open" in run.output.replace("\n", " ")


@pytest.mark.parametrize(
    "closed",
    [
        lambda root: shutil.rmtree(root / "decryptions"),  # the result is there
        lambda root: (root / "result.json").unlink(),  # decryptions are there
    ],
    ids=["result without tally", "decryptions without tally"],
)
def test_a_closed_election_without_its_tally_is_a_finding(
    finished: Path, tmp_path: Path, closed: Callable[[Path], None]
) -> None:
    root = tmp_path / "record"
    shutil.copytree(finished, root)
    (root / "tally.json").unlink()
    closed(root)
    report = verify_record(root, workers=1)
    assert not report.still_open
    assert [f.check for f in report.findings] == ["tally.missing"]
    assert verify_cli(root).exit_code == 1


def _export(e: Any, root: Path) -> Path:
    store = e.board.store
    leaves = [entry.data for entry in store.entries(e.election_id)]
    heads = list(store.tree_heads(e.election_id))
    write_record(root, e.election_id, e.board.key.public, leaves, heads)
    return root


def test_board_export_while_voting_is_open(
    sqlite_url: str, make_election: Any, tmp_path: Path
) -> None:
    e = make_election(sqlite_url)
    for voter in (0, 1):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code in (200, 201)
    root = _export(e, tmp_path / "open")
    report = verify_record(root, workers=1)
    assert report.ok and report.still_open, [str(f) for f in report.findings]
    run = verify_cli(root)
    assert run.exit_code == 0 and "still open" in run.output.replace("\n", " "), run.output


def test_board_export_of_a_closed_election_without_its_tally_file(
    sqlite_url: str, make_election: Any, tmp_path: Path
) -> None:
    e = make_election(sqlite_url)
    assert e.close().status_code in (200, 201)
    root = _export(e, tmp_path / "closed")
    # Closed, not yet decrypted: the result is due, the tally is there.
    assert [f.check for f in verify_record(root, workers=1).findings] == ["result.missing"]
    (root / "tally.json").unlink()
    report = verify_record(root, workers=1)
    assert not report.still_open
    assert {f.check for f in report.findings} == {"tally.missing", "board.content"}


def test_a_finished_board_writes_figures_and_seats_that_verify(
    sqlite_url: str, make_election: Any, tmp_path: Path
) -> None:
    e = make_election(sqlite_url)
    for voter in (0, 1, 2):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code in (200, 201)
    e.finish()
    root = _export(e, tmp_path / "finished")
    report = verify_record(root, workers=1)
    assert report.ok and not report.still_open, [str(f) for f in report.findings]
    result = json.loads((root / "result.json").read_text("utf-8"))
    assert {"figures", "seats", "excluded", "unfilled", "ties"} <= set(result)
    assert sum(d["counting_ballots"] for d in result["figures"]["districts"]) == 3
