"""write_results_site: the results page as static files next to an exported record (the
browser half, rendering the copy from a plain HTTP server, is in
tests/e2e/test_results_page.py)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from openballot.cli.board_client import BoardClient
from openballot.cli.results_site import STATIC_MARKER, write_results_site
from openballot.errors import OpenBallotError


def built_web(root: Path) -> Path:
    web = root / "web"
    (web / "results").mkdir(parents=True)
    (web / "dist").mkdir()
    (web / "results" / "index.html").write_text('<html data-api="/api"><body>page</body></html>')
    (web / "dist" / "results.css").write_text("main {}")
    (web / "dist" / "results.js").write_text("export {};")
    return web


@pytest.fixture
def record(sqlite_election: Any, tmp_path: Path) -> Path:
    e = sqlite_election
    for voter in (0, 4):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
    e.finish()
    root = tmp_path / "record"
    BoardClient(e.client, e.election_id).export(root)
    return root


def test_the_site_holds_the_page_and_the_records_data(record: Path, tmp_path: Path) -> None:
    web = built_web(tmp_path)
    site = tmp_path / "site"
    index = write_results_site(record, site, web)
    assert index.read_text() == f"<html {STATIC_MARKER}><body>page</body></html>"
    assert (site / "results.js").read_text() == "export {};"
    assert (site / "results.css").read_text() == "main {}"
    data = site / "data"
    election = json.loads((data / "election.json").read_text())
    manifest = json.loads((record / "manifest.json").read_text())
    summary = json.loads((record / "election.json").read_text())
    assert election == {"election": manifest["election_id"], "state": "decrypted",
                        "manifest": manifest, "fingerprint": summary["fingerprint"]}
    assert json.loads((data / "result.json").read_text()) == json.loads(
        (record / "result.json").read_text())
    assert json.loads((data / "board.json").read_text()) == json.loads(
        (record / "board.json").read_text())
    heads = (record / "tree-heads.jsonl").read_text().splitlines()
    assert json.loads((data / "tree-head.json").read_text()) == json.loads(heads[-1])
    with zipfile.ZipFile(site / "record.zip") as z:
        names = set(z.namelist())
    assert {"record/result.json", "record/ballots.jsonl", "record/board.jsonl"} <= names
    # Written again (a later record): the same files, replaced.
    (record / "result.json").unlink()
    write_results_site(record, site, web)
    assert not (data / "result.json").exists()
    assert json.loads((data / "election.json").read_text())["state"] == "closed"


def test_refusals(record: Path, tmp_path: Path) -> None:
    web = built_web(tmp_path)
    with pytest.raises(OpenBallotError, match="not built: .*results.js is missing"):
        (web / "dist" / "results.js").unlink()
        write_results_site(record, tmp_path / "site", web)
    web = built_web(tmp_path / "again")
    with pytest.raises(OpenBallotError, match="next to the record, not inside it"):
        write_results_site(record, record / "site", web)
    with pytest.raises(OpenBallotError, match=r"not a record exported from a board \(board.json"):
        (record / "board.json").unlink()
        write_results_site(record, tmp_path / "site", web)
    assert not (tmp_path / "site").exists()  # nothing written on a refusal


def test_the_results_command_writes_the_site(
    record: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from openballot.cli import results_site
    from openballot.cli.main import app

    web = built_web(tmp_path / "w")
    monkeypatch.setattr(results_site, "default_web_dir", lambda: web)
    site = tmp_path / "site"
    done = CliRunner().invoke(app, ["results", str(record), "--html", str(site)])
    assert done.exit_code == 0, done.output
    assert (site / "index.html").is_file() and (site / "record.zip").is_file()
    assert "results page written" in done.output

    inside = CliRunner().invoke(app, ["results", str(record), "--html", str(record / "x")])
    assert inside.exit_code == 2
    assert "next to the record" in inside.output
    assert not (record / "x").exists()
