"""The verifier recomputes the result's figures and seats: each wrong seat count, forged or
missing tie, wrong blank or credentials figure is one finding with its check id, and
`openballot verify` exits 1.

One honest record per module, made by the demo on a manifest built to meet every case: a
third district without a registered count, a contest where everyone chooses every option (so
its options always tie), and one whose threshold (100 %) nobody reaches (so its options are
excluded and its seat unfilled).
"""

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
from openballot.testing import demo_manifest_json
from openballot.verify.findings import Report
from openballot.verify.verifier import verify_record

Json = dict[str, Any]
VOTERS = 9


def seats_manifest() -> Json:
    value = demo_manifest_json()
    value["election_id"] = "seats-2026"
    labels = {"ar": "الشرق", "ku": "Rojhilat", "en": "East"}
    value["districts"].append({"id": "east", "labels": labels})
    everywhere = ["north", "south", "east"]
    for c in value["contests"]:
        if c["id"] in ("president", "referendum"):
            c["districts"] = everywhere
    option = lambda i: {"id": i, "labels": {"ar": i, "ku": i, "en": i.upper()}}  # noqa: E731
    value["contests"] += [
        {"id": "tied", "labels": {"ar": "ت", "ku": "T", "en": "Tied"}, "districts": everywhere,
         "min_selections": 3, "max_selections": 3, "options": [option(i) for i in "abc"],
         "seats": 2, "allocation": "dhondt"},
        {"id": "strict", "labels": {"ar": "ص", "ku": "S", "en": "Strict"}, "districts": ["east"],
         "min_selections": 2, "max_selections": 2, "options": [option(i) for i in "xy"],
         "seats": 1, "allocation": "plurality", "threshold_percent": 100},
    ]  # fmt: skip
    return value


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seats")
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps(seats_manifest(), ensure_ascii=False), encoding="utf-8")
    root = folder / "record"
    demo.run_demo(VOTERS, root, 1, Console(file=io.StringIO()), manifest_file=manifest)
    report = verify_record(root, workers=1)
    assert report.ok, [str(f) for f in report.findings]
    return root


@pytest.fixture
def record(honest: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "record"
    shutil.copytree(honest, copy)
    return copy


def result_of(record: Path) -> Json:
    value = json.loads((record / "result.json").read_text("utf-8"))
    assert isinstance(value, dict)
    return value


def test_the_honest_record_has_every_case(honest: Path) -> None:
    r = result_of(honest)
    assert [d["credentials"] for d in r["figures"]["districts"]] == [3, 3, 3]
    assert [d["registered"] for d in r["figures"]["districts"]] == [150, 120, None]
    # The random votes may tie elsewhere too; "tied" always does.
    (tie,) = [t for t in r["ties"] if t["contest"] == "tied"]
    assert tie["first_seat"] == 1 and tie["seats"] == 2
    assert tie["options"] == ["a", "b", "c"] and sorted(tie["order"]) == ["a", "b", "c"]
    won = {e["option"] for e in r["seats"] if e["contest"] == "tied" and e["seats"]}
    assert won == set(tie["order"][:2])
    assert r["excluded"][-2:] == [
        {"contest": "strict", "option": "x"},
        {"contest": "strict", "option": "y"},
    ]
    assert {"contest": "strict", "seats": 1} in r["unfilled"]
    east = [c for c in r["figures"]["contests"] if c["district"] == "east"]
    assert all(c["counting_ballots"] == 3 for c in east)


def _seat(contest: str, won: bool) -> Callable[[Json], None]:
    def edit(r: Json) -> None:
        entry = next(e for e in r["seats"] if e["contest"] == contest and bool(e["seats"]) == won)
        entry["seats"] += 1

    return edit


def _tied(r: Json) -> Json:
    tie = next(t for t in r["ties"] if t["contest"] == "tied")
    assert isinstance(tie, dict)
    return tie


def _tie_order(r: Json) -> None:
    tie = _tied(r)
    tie["order"] = [tie["order"][2], tie["order"][1], tie["order"][0]]


def _invented_tie(r: Json) -> None:
    # "strict" never ties: all its options are under the threshold.
    r["ties"].append(
        {
            "contest": "strict",
            "first_seat": 1,
            "seats": 1,
            "options": ["x", "y"],
            "order": ["y", "x"],
        }
    )


def _swap_first_seats(r: Json) -> None:
    r["seats"][0], r["seats"][1] = r["seats"][1], r["seats"][0]


def _figure(
    part: str, where: Json, key: str, value: Callable[[Any], Any]
) -> Callable[[Json], None]:
    def edit(r: Json) -> None:
        entry = next(e for e in r["figures"][part] if where.items() <= e.items())
        entry[key] = value(entry[key])

    return edit


CASES = {
    "wrong seat count": (_seat("council-north", True), "result.seats", "'council-north'"),
    "a seat to a loser": (_seat("president", False), "result.seats", "'president'"),
    "forged tie order": (_tie_order, "result.ties", "'tied'"),
    "missing tie": (lambda r: r["ties"].remove(_tied(r)), "result.ties", "'tied' 1: missing"),
    "invented tie": (_invented_tie, "result.ties", "there is none"),
    "excluded option dropped": (lambda r: r["excluded"].pop(), "result.seats", "'y'"),
    "unfilled seats changed": (
        lambda r: r["unfilled"][-1].update(seats=2),
        "result.seats",
        "'strict'",
    ),
    "seats out of order": (_swap_first_seats, "result.seats", "out of order"),
    "wrong blank figure": (
        _figure("contests", {"contest": "council-north"}, "blank", lambda n: n + 1),
        "result.figures",
        "'council-north' 'north'",
    ),
    "wrong credentials count": (
        _figure("districts", {"district": "south"}, "credentials", lambda n: n + 1),
        "result.figures",
        "'south'",
    ),
    "registered invented": (
        _figure("districts", {"district": "east"}, "registered", lambda n: 300),
        "result.figures",
        "'east'",
    ),
    "counting ballots changed": (
        _figure("districts", {"district": "north"}, "counting_ballots", lambda n: n - 1),
        "result.figures",
        "'north'",
    ),
}


def _tamper(record: Path, edit: Callable[[Json], Any]) -> None:
    r = result_of(record)
    edit(r)
    (record / "result.json").write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("case", list(CASES))
def test_each_tampering_is_one_finding(record: Path, case: str) -> None:
    edit, check, name = CASES[case]
    _tamper(record, edit)
    report: Report = verify_record(record, workers=1)
    assert [f.check for f in report.findings] == [check], [str(f) for f in report.findings]
    assert name in str(report.findings[0]), str(report.findings[0])


@pytest.mark.parametrize("case", ["forged tie order", "wrong seat count", "wrong blank figure"])
def test_verify_exits_1_naming_the_check(record: Path, case: str) -> None:
    edit, check, _ = CASES[case]
    _tamper(record, edit)
    run = CliRunner().invoke(app, ["verify", str(record), "--workers", "1"])
    assert run.exit_code == 1, run.output
    assert f"FAIL [{check}]" in run.output
    assert "record NOT verified: 1 failure(s)" in run.output


def test_a_seat_entry_for_a_contest_without_seats_is_malformed(record: Path) -> None:
    _tamper(record, lambda r: r["seats"].append({"contest": "referendum", "option": "yes",
                                                  "seats": 1}))  # fmt: skip
    report = verify_record(record, workers=1)
    assert [f.check for f in report.findings] == ["result.decode"]
    assert "'referendum' is not a contest with seats" in report.findings[0].message
