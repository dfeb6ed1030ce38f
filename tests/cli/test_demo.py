"""`openballot demo --manifest FILE`: the demo on any manifest (voters spread over its
districts), its printed turnout, blanks and seats; a bad manifest is one line, exit 2, and
the old record stays as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from openballot.cli.main import app
from openballot.testing import demo_manifest_json

runner = CliRunner()


def three_districts() -> dict[str, Any]:
    value = demo_manifest_json()
    value["election_id"] = "three-2026"
    value["districts"].append({"id": "east", "labels": {"ar": "ش", "ku": "R", "en": "East"}})
    value["contests"][0]["districts"].append("east")
    value["contests"][0]["seats"] = 2  # plurality: the two with most votes
    return value


def run(*args: object) -> Any:
    return runner.invoke(app, ["demo", "--workers", "1", *map(str, args)])


def test_demo_on_a_given_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(three_districts(), ensure_ascii=False), encoding="utf-8")
    record = tmp_path / "record"
    result = run("--voters", 8, "--record", record, "--manifest", manifest)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "record verified:" in text
    assert "Turnout" in text and "Blank selections" in text
    assert "President: 2 seat(s), plurality" in text
    written = json.loads((record / "result.json").read_text("utf-8"))
    districts = written["figures"]["districts"]
    assert [(d["district"], d["credentials"]) for d in districts] == [
        ("north", 3),
        ("south", 3),
        ("east", 2),
    ]
    assert [d["registered"] for d in districts] == [150, 120, None]
    president = [e for e in written["seats"] if e["contest"] == "president"]
    assert (
        sum(e["seats"] for e in president)
        + sum(u["seats"] for u in written["unfilled"] if u["contest"] == "president")
        == 2
    )


def test_the_bundled_demo_prints_its_seats(tmp_path: Path) -> None:
    result = run("--voters", 4, "--record", tmp_path / "record")
    assert result.exit_code == 0, result.output
    assert "Northern council: 3 seat(s), dhondt, threshold 5 %" in result.output
    assert "Southern council: 2 seat(s), sainte-lague" in result.output


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"election_id": "x"}', "manifest: missing field 'title'"),
        ('{"election_id": ', "not valid JSON"),
        (None, "file is missing"),
    ],
)
def test_a_bad_manifest_is_one_line_and_changes_nothing(
    tmp_path: Path, content: str | None, words: str
) -> None:
    record = tmp_path / "record"
    assert run("--voters", 2, "--record", record).exit_code == 0
    before = {p: p.read_bytes() for p in record.rglob("*") if p.is_file()}
    manifest = tmp_path / "bad.json"
    if content is not None:
        manifest.write_text(content, encoding="utf-8")
    result = run("--voters", 2, "--record", record, "--manifest", manifest)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in record.rglob("*") if p.is_file()} == before


def test_a_bad_seat_field_is_named(tmp_path: Path) -> None:
    value = demo_manifest_json()
    value["contests"][1]["threshold_percent"] = 120
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps(value), encoding="utf-8")
    result = run("--voters", 2, "--record", tmp_path / "r", "--manifest", manifest)
    assert result.exit_code == 2
    assert "contests[1].threshold_percent: expected a percentage from 0 to 100, got 120" in (
        result.stderr
    )
    assert not (tmp_path / "r").exists()


def test_fewer_voters_than_districts_is_refused(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(three_districts()), encoding="utf-8")
    result = run("--voters", 2, "--record", tmp_path / "r", "--manifest", manifest)
    assert result.exit_code == 2
    assert "at least one voter per district: 3 districts, 2 voter(s)" in result.stderr
