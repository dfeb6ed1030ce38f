"""`openballot results RECORD`: combining or reading the result, and showing it as text in
ar/ku/en, as JSON and as NIST SP 1500-100; bad input gives one line and exit 2.

One real election is run once, on the demo manifest with the seats of `RULES` and the
registered voters of `REGISTERED`: known votes in two districts, so that the counts, a seat
tie (D'Hondt, and a plurality seat), an excluded option and an unfilled seat are known.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import Result

from cli_run import invoke, ok
from openballot.cli import steps
from openballot.cli.demo import demo_manifest_path

SCHEMA = Path(__file__).parents[1] / "schemas" / "NIST_V2_election_results_reporting.json"

# (district, choices) of each counting ballot.
VOTES = [
    ("north", {"president": ["amal"], "council-north": ["n1", "n2", "n3"], "referendum": ["yes"]}),
    ("north", {"president": ["amal"], "council-north": ["n1", "n2", "n3"], "referendum": ["yes"]}),
    ("north", {"president": ["bashir"], "council-north": ["n1", "n2"], "referendum": ["yes"]}),
    ("north", {"president": ["bashir"], "council-north": ["n1", "n5"], "referendum": ["no"]}),
    ("south", {"president": ["dilan"], "council-south": ["s1", "s2"], "referendum": ["no"]}),
    ("south", {"president": ["farah"], "council-south": ["s1"], "referendum": ["no"]}),
    ("south", {"president": ["farah"], "council-south": [], "referendum": ["yes"]}),
]
# Totals: president amal 2, bashir 2, dilan 1, farah 2 (a three-way tie for 1 seat);
# council-north n1 4, n2 3, n3 2, n4 0, n5 1 (D'Hondt, 3 seats: n1, n2, then n1 and n3 tie at
# 2 for the third; 15 % threshold excludes n4 and n5); council-south s1 2, s2 1 (plurality,
# 3 seats: one unfilled).
RULES = {
    "president": {"seats": 1, "allocation": "plurality"},
    "council-north": {"seats": 3, "allocation": "dhondt", "threshold_percent": 15},
    "council-south": {"seats": 3, "allocation": "plurality"},
}
REGISTERED = {"north": 10, "south": None}


def manifest_file(where: Path) -> Path:
    m = json.loads(demo_manifest_path().read_text())
    for d in m["districts"]:
        d.pop("registered", None)
        if REGISTERED[d["id"]] is not None:
            d["registered"] = REGISTERED[d["id"]]
    for c in m["contests"]:
        for key in ("seats", "allocation", "threshold_percent"):
            c.pop(key, None)
        c.update(RULES.get(c["id"], {}))
    where.write_text(json.dumps(m, ensure_ascii=False))
    return where




@pytest.fixture(scope="module")
def decrypted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A record whose tally two trustees have decrypted, with no result.json yet."""
    tmp = tmp_path_factory.mktemp("results")
    rec, secrets = tmp / "record", tmp / "secrets"
    secrets.mkdir()
    steps.new_election(rec, manifest_file(tmp / "manifest.json"), 3, 2)
    files = [(secrets / f"t{i}.secret", secrets / f"t{i}.share") for i in (1, 2, 3)]
    for i, (secret, _) in enumerate(files, start=1):
        steps.trustee_keygen(rec, i, f"Trustee {i}", secret)
    for action in (steps.trustee_reveal, steps.trustee_exchange):
        for secret, _ in files:
            action(rec, secret)
    for secret, share in files:
        steps.trustee_finish(rec, secret, share)
    issued = steps.generate_credentials(rec, {"north": 4, "south": 4}, secrets / "codes.json")
    codes = {d: [c for dd, c in issued if dd == d] for d in ("north", "south")}
    ctx = steps.open_election(rec)
    box_votes = {"north": 0, "south": 0}
    from openballot.cli.record_bulletin import RecordBulletin

    bulletin = RecordBulletin(rec)
    for district, choices in VOTES:
        ballot, _ = steps.encrypt_vote(ctx, codes[district][box_votes[district]], district, choices)
        box_votes[district] += 1
        bulletin.cast(ballot)
    steps.compute_tally(rec, 1)
    for i in (1, 3):
        steps.trustee_decrypt(rec, files[i - 1][1])
    return rec


def copy(record: Path, tmp: Path, name: str = "rec") -> Path:
    shutil.copytree(record, tmp / name)
    return tmp / name


@pytest.fixture(scope="module")
def seated(decrypted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The record with its result combined."""
    rec = copy(decrypted, tmp_path_factory.mktemp("seated"))
    ok("results", rec)
    return rec


def labels(record: Path, lang: str) -> dict[str, str]:
    """Every label of the manifest in `lang`, by id (contest ids and option ids)."""
    m = json.loads((record / "manifest.json").read_text())
    out = {d["id"]: d["labels"][lang] for d in m["districts"]}
    for c in m["contests"]:
        out[c["id"]] = c["labels"][lang]
        out.update({f"{c['id']}/{o['id']}": o["labels"][lang] for o in c["options"]})
    return out


def body(text: str) -> str:
    """The text without its fingerprint line (hex digits) and isolate characters."""
    lines = [line for line in text.splitlines() if not re.search("[0-9a-f]{128}", line)]
    return re.sub("[\u2066-\u2069]", "", "\n".join(lines))


# --- combining, then reading ----------------------------------------------------------------


def test_combines_when_there_is_no_result_then_reads_it(decrypted: Path, tmp_path: Path) -> None:
    rec = copy(decrypted, tmp_path)
    first = ok("results", rec)
    assert "combined from the trustees' decryptions" in first.stderr
    assert (rec / "result.json").exists()
    written = (rec / "result.json").read_bytes()
    second = ok("results", rec)
    assert "result read from" in second.stderr
    assert (rec / "result.json").read_bytes() == written, "reading must not rewrite the result"
    assert first.stdout == second.stdout
    assert "Amal Haddad" in first.stdout and "Constitutional referendum" in first.stdout


def test_the_older_record_option_still_works(seated: Path) -> None:
    assert ok("results", "-r", seated).stdout == ok("results", seated).stdout
    assert ok("results", "--record", seated).stdout == ok("results", seated).stdout


# --- text in each language -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ar", "ku", "en"])
def test_text_names_everything_by_its_label_and_never_by_id(seated: Path, lang: str) -> None:
    text = ok("results", seated, "--lang", lang).stdout
    shown = body(text)
    for key, label in labels(seated, lang).items():
        assert label in shown, f"{key}: label {label!r} missing"
    for label in sorted(labels(seated, lang).values(), key=len, reverse=True):
        shown = shown.replace(label, "")  # "Constitutional referendum" holds an id
    m = json.loads((seated / "manifest.json").read_text())
    ids = {d["id"] for d in m["districts"]} | {c["id"] for c in m["contests"]}
    ids |= {o["id"] for c in m["contests"] for o in c["options"]}
    for i in ids:
        assert not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", shown), f"id {i!r} shown"
    assert m["election_id"] not in shown


def test_arabic_text_is_arabic_with_arabic_indic_digits(seated: Path) -> None:
    text = ok("results", seated, "--lang", "ar").stdout
    shown = body(text)
    assert "الاستفتاء على الدستور" in shown and "المقاعد" in shown and "نسبة المشاركة" in shown
    assert not re.search("[0-9]", shown), "Western digits in the Arabic text"
    assert "٪" in shown and "١٠٠٫٠٪" in shown  # north: 4 counting ballots of 4 credentials
    assert "٤٠٫٠٪" in shown  # north: 4 of 10 registered
    assert not re.search("[A-Za-z]", shown), "Latin text in the Arabic text"
    # The fingerprint (Latin hex) is isolated inside the Arabic line.
    fingerprint = json.loads((seated / "election.json").read_text())["fingerprint"]
    assert f"\u2068{fingerprint}\u2069" in text


@pytest.mark.parametrize(("lang", "full", "part"), [("en", "100.0%", "40.0%"),
                                                    ("ku", "%100,0", "%40,0")])
def test_latin_script_texts_use_western_digits(seated: Path, lang: str, full: str,
                                               part: str) -> None:
    shown = body(ok("results", seated, "--lang", lang).stdout)
    assert not re.search("[\u0660-\u0669]", shown)
    assert full in shown and part in shown
    assert "\u2068" not in ok("results", seated, "--lang", lang).stdout  # nothing to isolate


def test_seats_winners_excluded_unfilled_and_ties_are_shown(seated: Path) -> None:
    result = json.loads((seated / "result.json").read_text())
    text = body(ok("results", seated).stdout)
    lines = text.splitlines()
    assert "Northern council: 3 seat(s)" in text and "President: 1 seat(s)" in text
    assert "Southern council: 3 seat(s)" in text  # 2 taken + 1 unfilled
    assert "Seats left unfilled: 1" in lines
    assert "Below the threshold, excluded: Olive list, Independents" in lines
    north_tie = next(t for t in result["ties"] if t["contest"] == "council-north")
    names = {"n1": "River list", "n3": "Plain list"}
    order = ", ".join(names[o] for o in north_tie["order"])
    assert (f"Tie for seat(s) 3 to 3 between River list, Plain list; public draw order: {order}"
            in lines)  # fmt: skip
    third = names[north_tie["order"][0]]
    winners = ", ".join(n for n in ("River list", "Mountain list", "Plain list")
                        if n == "River list" or n == "Mountain list" or n == third)  # fmt: skip
    assert f"Elected: {winners}" in lines
    president_tie = next(t for t in result["ties"] if t["contest"] == "president")
    assert president_tie["options"] == ["amal", "bashir", "farah"]
    assert "Tie for seat(s) 1 to 1 between Amal Haddad, Bashir Nouri, Farah Al-Ali" in text
    assert not any(line.startswith("Elected") and "Yes" in line for line in lines)


def test_turnout_and_blank_selections(seated: Path) -> None:
    text = body(ok("results", seated).stdout)
    row = next(line for line in text.splitlines() if "Northern district" in line and "%" in line)
    assert re.findall(r"[\d.]+%?", row) == ["4", "4", "100.0%", "10", "40.0%"]
    row = next(line for line in text.splitlines() if "Southern district" in line and "%" in line)
    assert re.findall(r"[\d.]+%?", row) == ["3", "4", "75.0%"] and row.count("—") == 2
    # Unused selections: Northern council 4 ballots * 3 - 10 = 2; Southern council
    # 3 ballots * 2 - 3 = 3; every ballot chose a president and answered the referendum.
    blank = [line for line in text.splitlines() if "Blank selections" in line]
    assert [re.findall(r"\d+", line) for line in blank] == [["0", "0", "0"], ["2", "2"],
                                                             ["3", "3"], ["0", "0", "0"]]


def test_a_contest_without_seats_is_shown_without_seats(seated: Path) -> None:
    text = body(ok("results", seated).stdout)
    referendum = text[text.index("Constitutional referendum"):text.index("Turnout")]
    assert "Seats" not in referendum and "Elected" not in referendum


def test_out_writes_the_text_to_a_file(seated: Path, tmp_path: Path) -> None:
    out = tmp_path / "result-ar.txt"
    result = ok("results", seated, "--lang", "ar", "--out", out)
    assert result.stdout == ""
    assert "الرئاسة" in out.read_text(encoding="utf-8")


# --- JSON for scripts -------------------------------------------------------------------------


def test_json_is_the_result_with_labels(seated: Path) -> None:
    value = json.loads(ok("results", seated, "--format", "json").stdout)
    assert value["result"] == json.loads((seated / "result.json").read_text())
    assert value["election"] == "demo-2026"
    assert value["fingerprint"] == json.loads((seated / "election.json").read_text())[
        "fingerprint"]
    assert value["labels"]["contests"]["council-north"]["options"]["n1"] == {
        "ar": "قائمة النهر", "ku": "Lîsteya Çem", "en": "River list"}
    assert value["labels"]["districts"]["south"]["ku"] == "Herêma başûr"


# --- NIST SP 1500-100 -------------------------------------------------------------------------


def nist(record: Path, tmp: Path) -> dict[str, Any]:
    out = tmp / "nist.json"
    ok("results", record, "--format", "nist-1500-100", "--out", out)
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def validate(report: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report)]
    assert errors == []


def test_the_vendored_schema_is_a_schema_that_refuses_a_bad_report() -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"@type": "ElectionResults.ElectionReport"}, schema)


def test_nist_export_validates_and_carries_the_result(seated: Path, tmp_path: Path) -> None:
    report = nist(seated, tmp_path)
    validate(report)
    [election] = report["Election"]
    contests = {c["@id"]: c for c in election["Contest"]}
    referendum = contests["contest.referendum"]
    assert referendum["@type"] == "ElectionResults.BallotMeasureContest"
    north = contests["contest.council-north"]
    assert north["@type"] == "ElectionResults.CandidateContest"
    assert north["NumberElected"] == 3 and north["VotesAllowed"] == 3
    assert north["ElectionDistrictId"] == "gpu.district.north"
    seats = {s["@id"]: next(v["Count"] for v in s["VoteCounts"] if v["Type"] == "seats")
             for s in north["ContestSelection"]}  # fmt: skip
    result = json.loads((seated / "result.json").read_text())
    assert seats == {f"sel.council-north.{e['option']}": e["seats"] for e in result["seats"]
                     if e["contest"] == "council-north"}  # fmt: skip
    president = contests["contest.president"]
    amal = next(s for s in president["ContestSelection"] if s["@id"] == "sel.president.amal")
    assert {(v["GpUnitId"], v["Type"], v["Count"]) for v in amal["VoteCounts"]} == {
        ("gpu.district.north", "total", 2), ("gpu.district.south", "total", 0),
        ("gpu.election", "total", 2), ("gpu.election", "seats", result_seats(result, "amal"))}
    units = {u["@id"]: u for u in report["GpUnit"]}
    assert units["gpu.district.north"]["VotersRegistered"] == 10
    assert units["gpu.district.north"]["VotersParticipated"] == 4
    assert "VotersRegistered" not in units["gpu.district.south"]
    assert {b["GpUnitId"]: b["BallotsCast"] for b in election["BallotCounts"]} == {
        "gpu.district.north": 4, "gpu.district.south": 3}
    name = {t["Language"]: t["Content"] for t in units["gpu.district.south"]["Name"]["Text"]}
    assert name == {"ar": "الدائرة الجنوبية", "ku": "Herêma başûr", "en": "Southern district"}
    assert "tie for seat(s) 3 to 3 between n1, n3" in report["Notes"]
    ids = {i["OtherType"]: i["Value"] for i in election["ExternalIdentifier"]}
    assert ids["openballot-fingerprint"] == json.loads(
        (seated / "election.json").read_text())["fingerprint"]


def result_seats(result: dict[str, Any], option: str) -> int:
    return next(e["seats"] for e in result["seats"] if e["option"] == option)


def test_nist_export_of_a_contest_without_seats(seated: Path, tmp_path: Path) -> None:
    [election] = nist(seated, tmp_path)["Election"]
    referendum = next(c for c in election["Contest"] if c["@id"] == "contest.referendum")
    assert "NumberElected" not in referendum


# --- bad input ---------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}  # fmt: skip


def fails_cleanly(result: Result, *words: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1, (
        result.stderr)
    for w in words:
        assert w in result.stderr, f"{w!r} not in {result.stderr!r}"


def test_no_record(tmp_path: Path) -> None:
    fails_cleanly(invoke("results", tmp_path / "nowhere"), "nowhere")
    fails_cleanly(invoke("results"), "give the record")


def test_an_exported_board_record_is_never_given_a_result_here(decrypted: Path,
                                                                tmp_path: Path) -> None:
    rec = copy(decrypted, tmp_path)
    (rec / "board.json").write_text("{}")
    before = snapshot(rec)
    fails_cleanly(invoke("results", rec), "exported from a board", "openballot board result")
    assert snapshot(rec) == before


def test_out_in_a_missing_directory_changes_nothing(decrypted: Path, tmp_path: Path) -> None:
    rec = copy(decrypted, tmp_path)
    before = snapshot(rec)
    fails_cleanly(invoke("results", rec, "--out", tmp_path / "no" / "x.txt"), "not a directory")
    assert snapshot(rec) == before, "the result must not be combined when it cannot be written"


def test_record_given_twice(seated: Path) -> None:
    fails_cleanly(invoke("results", seated, "--record", seated), "give the record once")


@pytest.mark.parametrize(("option", "value"), [("--lang", "fr"), ("--lang", "AR"),
                                               ("--format", "xml"), ("--format", "nist")])
def test_unknown_language_or_format_changes_nothing(decrypted: Path, tmp_path: Path,
                                                    option: str, value: str) -> None:
    rec = copy(decrypted, tmp_path)
    before = snapshot(rec)
    fails_cleanly(invoke("results", rec, option, value), option, repr(value))
    assert snapshot(rec) == before, "a refused command must not combine the result"


def _edit(result: dict[str, Any], change: str) -> Any:
    if change == "not json":
        return None
    if change == "totals":
        result["totals"]["president"]["amal"] += 1
    elif change == "unknown contest in seats":
        result["seats"][0]["contest"] = "mayor"
    elif change == "options of a contest missing from seats":
        result["seats"].pop(0)
    elif change == "tie order not the tied options":
        result["ties"][0]["order"] = ["amal", "amal", "bashir"]
    elif change == "ties missing":
        del result["ties"]
    elif change == "figures of a district missing":
        result["figures"]["districts"].pop()
    elif change == "negative registered":
        result["figures"]["districts"][0]["registered"] = -1
    elif change == "blank not an integer":
        result["figures"]["contests"][0]["blank"] = "7"
    elif change == "unfilled in a contest without seats":
        result["unfilled"].append({"contest": "referendum", "seats": 1})
    return result


@pytest.mark.parametrize("change", [
    "not json", "totals", "unknown contest in seats", "options of a contest missing from seats",
    "tie order not the tied options", "ties missing", "figures of a district missing",
    "negative registered", "blank not an integer", "unfilled in a contest without seats",
])  # fmt: skip
def test_a_malformed_result_json_is_refused(seated: Path, tmp_path: Path, change: str) -> None:
    rec = copy(seated, tmp_path)
    path = rec / "result.json"
    value = _edit(json.loads(path.read_text()), change)
    path.write_text("{not json" if value is None else json.dumps(value))
    before = snapshot(rec)
    for fmt in ("text", "json", "nist-1500-100"):
        fails_cleanly(invoke("results", rec, "--format", fmt), "result.json")
    assert snapshot(rec) == before


def test_json_output_escapes_what_would_reorder_a_terminal_line() -> None:
    from openballot.cli.results_show import json_text

    value = {"label": "Amal\u202e Haddad \u2066x\u2069", "ar": "قائمة النهر", "c1": "\x85"}
    text = json_text(value)
    assert not re.search("[\u202a-\u202e\u2066-\u2069\x85]", text)
    assert "\\u202e" in text and "قائمة النهر" in text
    assert json.loads(text) == value
