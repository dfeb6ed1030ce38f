"""The verifier catches every kind of tampering with an honest record, and names the object.

One honest record is made per session by the demo (12 voters, 3 trustees, threshold 2, trustee 2
absent at decryption); each test tampers with its own copy and runs the verifier on it.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from openballot.cli import demo
from openballot.cli.main import app
from openballot.crypto.group import g_pow, random_scalar
from openballot.election.ballot import EncryptedBallot
from openballot.verify.findings import Finding, Report
from openballot.verify.verifier import verify_record

HEX = "0123456789abcdef"


# --- the honest record ----------------------------------------------------------------------


class _ForcedCoins(random.Random):
    """The demo's random source. The demo's voters toss coins (`random()`) to decide whether to
    audit a ballot and whether to re-vote; the first voter's two tosses come up "yes", so the
    record is sure to hold an audited ballot and a re-vote. Every other draw (choices included)
    is random."""

    def __init__(self) -> None:
        super().__init__()
        self._forced = 2

    def random(self) -> float:
        if self._forced:
            self._forced -= 1
            return 0.0
        return super().random()

    def getrandbits(self, k: int) -> int:
        # Defined here so that randint draws bits, not random() (Random.__init_subclass__).
        return super().getrandbits(k)

    def choices(self, *args: Any, **kwargs: Any) -> list[Any]:
        # The draws inside Random.choices are not coin tosses: never force them.
        forced, self._forced = self._forced, 0
        try:
            return super().choices(*args, **kwargs)
        finally:
            self._forced = forced


@pytest.fixture(scope="session")
def honest_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("honest") / "record"
    out = Console(file=io.StringIO())
    demo.run_demo(voters=12, record=root, workers=1, out=out, rng=_ForcedCoins())
    report = verify_record(root, workers=1)
    assert report.ok, [str(f) for f in report.findings]
    assert report.audited >= 1 and report.superseded >= 1, "the fixture needs both"
    return root


@pytest.fixture
def record(honest_record: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "record"
    shutil.copytree(honest_record, copy)
    return copy


# --- helpers --------------------------------------------------------------------------------


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def read_lines(record: Path) -> list[bytes]:
    data = (record / "ballots.jsonl").read_bytes()
    assert data.endswith(b"\n")
    return data[:-1].split(b"\n")


def write_lines(record: Path, lines: list[bytes]) -> None:
    (record / "ballots.jsonl").write_bytes(b"".join(line + b"\n" for line in lines))


def line_numbers(record: Path, kind: str) -> list[int]:
    """1-based numbers of the lines of one kind ("cast" or "audit")."""
    return [n for n, line in enumerate(read_lines(record), start=1)
            if json.loads(line)["type"] == kind]


def edit_line(record: Path, number: int, edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    lines = read_lines(record)
    value = json.loads(lines[number - 1])
    assert compact(value) == lines[number - 1], "ballot lines are compact JSON"
    edit(value)
    lines[number - 1] = compact(value)
    write_lines(record, lines)
    return value


def tracker_prefix(entry: dict[str, Any]) -> str:
    return EncryptedBallot.from_json(entry["ballot"]).tracker().hex()[:16]


def read(path: Path) -> Any:
    return json.loads(path.read_text())


def write(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def checks(report: Report) -> set[str]:
    return {f.check for f in report.findings}


def caught(report: Report, check: str | set[str], *names: str) -> Finding:
    """The report fails, with a finding of `check` whose where/message names every one of
    `names`; returns that finding."""
    wanted = {check} if isinstance(check, str) else check
    listing = "\n".join(str(f) for f in report.findings)
    assert not report.ok, "tampering went unnoticed"
    matching = [f for f in report.findings if f.check in wanted]
    assert matching, f"no finding {sorted(wanted)}; findings:\n{listing}"
    for f in matching:
        if all(name in f"{f.where}: {f.message}" for name in names):
            return f
    raise AssertionError(f"no {sorted(wanted)} finding names {names}; findings:\n{listing}")


def verify(record: Path) -> Report:
    return verify_record(record, workers=1)


runner = CliRunner()


def verify_cli(record: Path) -> Any:
    return runner.invoke(app, ["verify", str(record), "--workers", "1"])


def unwrapped(text: str) -> str:
    """Rich wraps long lines at spaces, keeping the space; dropping the newlines restores them."""
    return text.replace("\n", "")


# --- ballots --------------------------------------------------------------------------------


def test_honest_record_verifies_through_the_cli(honest_record: Path) -> None:
    result = verify_cli(honest_record)
    assert result.exit_code == 0, result.output
    assert "record verified" in result.output
    assert "FAIL" not in result.output


def test_ciphertext_replaced_by_another_valid_point_fails_the_proof(record: Path) -> None:
    n = line_numbers(record, "cast")[0]

    def swap_beta(v: dict[str, Any]) -> None:
        selections = v["ballot"]["contests"][0]["selections"]
        assert selections[0]["beta"] != selections[1]["beta"]
        selections[0]["beta"] = selections[1]["beta"]

    entry = edit_line(record, n, swap_beta)
    report = verify(record)
    f = caught(report, "ballot.proof", f"ballots.jsonl:{n} ", f"ballot {tracker_prefix(entry)}",
               "contest 'president'", "option 'amal'")
    assert f.where == f"ballots.jsonl:{n} ballot {tracker_prefix(entry)}"


def test_ciphertext_hex_char_flipped_is_caught(record: Path) -> None:
    n = line_numbers(record, "cast")[-1]

    def flip(v: dict[str, Any]) -> None:
        s = v["ballot"]["contests"][-1]["selections"][0]
        old = s["beta"]
        s["beta"] = old[:20] + HEX[(HEX.index(old[20]) + 1) % 16] + old[21:]

    edit_line(record, n, flip)
    report = verify(record)
    # An invalid point is a decoding failure, a valid one a failing proof: either names the line.
    caught(report, {"ballot.decode", "ballot.proof"}, f"ballots.jsonl:{n}")


PROOF_RESPONSES: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], int, str]] = {
    # what -> (the proof inside the ballot, which response, what the message names)
    "selection proof": (lambda b: b["contests"][0]["selections"][2]["proof"], 1,
                        "option 'dilan'"),
    "contest proof": (lambda b: b["contests"][-1]["proof"], 0, "contest 'referendum'"),
    "ballot signature": (lambda b: b["signature"], -1, "signature"),
}


@pytest.mark.parametrize("what", sorted(PROOF_RESPONSES))
def test_proof_response_changed_fails_the_proof(record: Path, what: str) -> None:
    locate, index, named = PROOF_RESPONSES[what]
    n = line_numbers(record, "cast")[1]

    def change(v: dict[str, Any]) -> None:
        proof = locate(v["ballot"])
        if index == -1:
            proof["response"] = random_scalar().hex()
        else:
            proof["responses"][index] = random_scalar().hex()

    entry = edit_line(record, n, change)
    report = verify(record)
    caught(report, "ballot.proof", f"ballots.jsonl:{n} ballot {tracker_prefix(entry)}", named)


def test_credential_swapped_for_another_voters_is_caught(record: Path) -> None:
    lines = [json.loads(line) for line in read_lines(record)]
    casts = line_numbers(record, "cast")
    n = casts[0]
    mine = lines[n - 1]["ballot"]["credential"]
    other = next(lines[m - 1]["ballot"]["credential"] for m in casts
                 if lines[m - 1]["ballot"]["credential"] != mine)

    def swap(v: dict[str, Any]) -> None:
        v["ballot"]["credential"] = other

    entry = edit_line(record, n, swap)
    report = verify(record)
    caught(report, {"ballot.proof", "ballot.eligibility"},
           f"ballots.jsonl:{n} ballot {tracker_prefix(entry)}")


def test_ballot_line_dropped_breaks_the_ballot_log_root(record: Path) -> None:
    lines = read_lines(record)
    first_cast = line_numbers(record, "cast")[0]
    del lines[first_cast - 1]
    write_lines(record, lines)
    report = verify(record)
    caught(report, "tally.ballot-log", "tally.json", f"ballots.jsonl has {len(lines)} lines")
    assert checks(report) <= {"tally.ballot-log", "tally.counted", "tally.aggregate",
                              "decryption.proof", "decryption.signature",
                              "result.decrypted-by", "result.count",
                              "result.decryption"}


def test_ballot_line_duplicated_is_a_duplicate(record: Path) -> None:
    lines = read_lines(record)
    n = line_numbers(record, "cast")[-1]
    lines.insert(n, lines[n - 1])
    write_lines(record, lines)
    report = verify(record)
    f = caught(report, "ballot.duplicate", f"ballots.jsonl:{n + 1} ",
               f"ballot {tracker_prefix(json.loads(lines[n - 1]))}")
    assert f"ballots.jsonl:{n} " not in f.where + " "
    # The copy is not counted twice.
    assert report.counted == 12


@pytest.mark.parametrize("where", ["after the audit", "before the audit"])
def test_audited_ballot_cast_again_is_caught(record: Path, where: str) -> None:
    lines = read_lines(record)
    n = line_numbers(record, "audit")[0]
    audit = json.loads(lines[n - 1])
    cast = compact({"type": "cast", "ballot": audit["ballot"]})
    if where == "after the audit":
        lines.append(cast)
        flagged = len(lines)
    else:
        lines.insert(n - 1, cast)
        flagged = n + 1  # the audit line, now one further down
    write_lines(record, lines)
    report = verify(record)
    caught(report, "audit.cast", f"ballots.jsonl:{flagged} ", f"ballot {tracker_prefix(audit)}")
    # An opened ballot never counts, wherever its cast copy sits.
    assert report.counted == 12


def test_audit_opening_randomness_changed_is_caught(record: Path) -> None:
    n = line_numbers(record, "audit")[0]

    def change(v: dict[str, Any]) -> None:
        v["opening"][0][1]["randomness"] = random_scalar().hex()

    entry = edit_line(record, n, change)
    report = verify(record)
    caught(report, "audit.opening", f"ballots.jsonl:{n} ballot {tracker_prefix(entry)}",
           "contest 'president'")


# --- the fixed part of the election ----------------------------------------------------------


def test_credential_replaced_in_the_list_is_caught(record: Path) -> None:
    path = record / "credentials.json"
    value = read(path)
    north = value["districts"]["north"]
    north[0] = g_pow(random_scalar()).hex()
    north.sort()
    write(path, value)
    report = verify(record)
    caught(report, "election.summary", "election.json", "credentials_digest")
    # The fingerprint changes with the list, so no ballot belongs to this election any more.
    caught(report, "ballot.proof", "ballots.jsonl:", "another election")


def test_trustee_coefficient_proof_altered_is_caught(record: Path) -> None:
    path = record / "ceremony" / "trustee-2.json"
    value = read(path)
    value["coefficient_proofs"][1]["response"] = random_scalar().hex()
    write(path, value)
    report = verify(record)
    f = caught(report, "ceremony.trustee-proof", "trustee 2", "coefficient 1")
    assert f.where == "trustee 2"


@pytest.mark.parametrize("field", ["joint_key", "fingerprint"])
def test_election_summary_edited_is_caught(record: Path, field: str) -> None:
    path = record / "election.json"
    value = read(path)
    if field == "joint_key":
        value[field] = g_pow(random_scalar()).hex()
    else:
        value[field] = value[field][:-1] + HEX[(HEX.index(value[field][-1]) + 1) % 16]
    write(path, value)
    report = verify(record)
    caught(report, "election.summary", "election.json", f"election.json.{field}")


# --- tally, decryptions, result ----------------------------------------------------------------


def test_tally_ciphertexts_swapped_are_caught(record: Path) -> None:
    path = record / "tally.json"
    value = read(path)
    a, b = value["ciphertexts"][0], value["ciphertexts"][1]
    for key in ("alpha", "beta"):
        a[key], b[key] = b[key], a[key]
    write(path, value)
    report = verify(record)
    caught(report, "tally.aggregate", "tally.json", "contest 'president'", "district 'north'",
           "option 'amal'")
    caught(report, "tally.aggregate", "option 'bashir'")


@pytest.mark.parametrize("part", ["share", "proof response"])
def test_partial_decryption_altered_is_caught(record: Path, part: str) -> None:
    path = record / "decryptions" / "trustee-1.json"
    value = read(path)
    k = 5
    share = value["shares"][k]
    if part == "share":
        share["share"] = value["shares"][k + 1]["share"]
    else:
        share["proof"]["response"] = random_scalar().hex()
    write(path, value)
    report = verify(record)
    caught(report, "decryption.proof", "decryptions/trustee-1.json", "trustee 1",
           f"contest {share['contest']!r}", f"option {share['option']!r}")
    # Trustee 1 is one of the two decryptions the result rests on.
    assert any(c.startswith("result.") for c in checks(report)), checks(report)


def _result_with(record: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = record / "result.json"
    value = read(path)
    edit(value)
    write(path, value)


def test_result_count_changed_is_caught(record: Path) -> None:
    def edit(v: dict[str, Any]) -> None:
        item = v["counts"][2]
        item["count"] += 1
        v["totals"][item["contest"]][item["option"]] += 1

    _result_with(record, edit)
    report = verify(record)
    count = read(record / "result.json")["counts"][2]
    f = caught(report, "result.count", "result.json", f"contest {count['contest']!r}",
               f"district {count['district']!r}", f"option {count['option']!r}")
    assert f"says {count['count']}" in f.message


def test_result_totals_inconsistent_is_a_decode_finding(record: Path) -> None:
    def edit(v: dict[str, Any]) -> None:
        v["totals"]["referendum"]["yes"] += 1

    _result_with(record, edit)
    report = verify(record)
    caught(report, "result.decode", "result.json", "totals")


# --- through the command line -------------------------------------------------------------------


def _tamper_beta(record: Path) -> str:
    n = line_numbers(record, "cast")[0]

    def swap_beta(v: dict[str, Any]) -> None:
        selections = v["ballot"]["contests"][0]["selections"]
        selections[0]["beta"] = selections[1]["beta"]

    edit_line(record, n, swap_beta)
    return f"ballots.jsonl:{n}"


def _tamper_trustee(record: Path) -> str:
    path = record / "ceremony" / "trustee-2.json"
    value = read(path)
    value["coefficient_proofs"][0]["response"] = random_scalar().hex()
    write(path, value)
    return "trustee 2"


def _tamper_decryption(record: Path) -> str:
    path = record / "decryptions" / "trustee-1.json"
    value = read(path)
    value["shares"][0]["proof"]["response"] = random_scalar().hex()
    write(path, value)
    return "decryptions/trustee-1.json"


CLI_TAMPERING = {
    "ballot.proof": _tamper_beta,
    "ceremony.trustee-proof": _tamper_trustee,
    "decryption.proof": _tamper_decryption,
}


@pytest.mark.parametrize("check", sorted(CLI_TAMPERING))
def test_cli_verify_exits_1_naming_the_object(record: Path, check: str) -> None:
    named = CLI_TAMPERING[check](record)
    result = verify_cli(record)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    text = unwrapped(result.stdout)
    assert f"FAIL [{check}] {named}" in text, result.stdout
    assert "record NOT verified" in text


def test_cli_verify_prints_each_finding_on_one_line(record: Path) -> None:
    """One finding, one line: so that `openballot verify rec | grep FAIL` shows whole findings."""
    _tamper_decryption(record)
    report = verify(record)
    result = verify_cli(record)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    for f in report.findings:
        assert f"FAIL {f}" in lines, f"finding not on one line of output:\n{result.stdout}"


def _assert_unreadable(result: Any, *names: str) -> None:
    """Exit 2 with one clean line on stderr naming the object, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: cannot read the record: "), result.stderr
    for name in names:
        assert name in unwrapped(result.stderr), result.stderr
    assert "FAIL" not in result.stdout
    assert len(result.stderr.splitlines()) == 1, f"error spans several lines:\n{result.stderr}"


def test_truncated_last_ballot_line_is_unreadable(record: Path) -> None:
    data = (record / "ballots.jsonl").read_bytes()
    lines = data.count(b"\n")
    start = data[:-1].rfind(b"\n") + 1
    cut = start + (len(data) - start) // 2
    (record / "ballots.jsonl").write_bytes(data[:cut])
    _assert_unreadable(verify_cli(record), "ballots.jsonl", f"line {lines} is truncated")


def test_manifest_not_json_is_unreadable(record: Path) -> None:
    (record / "manifest.json").write_text('{"election_id": "demo-2026", ')
    _assert_unreadable(verify_cli(record), "manifest.json", "not valid JSON")


def test_record_without_record_json_is_unreadable(record: Path) -> None:
    (record / "record.json").unlink()
    _assert_unreadable(verify_cli(record), "record.json", "missing")


def test_record_of_a_later_version_is_unreadable(record: Path) -> None:
    write(record / "record.json", {"format": "openballot-record", "version": 99})
    _assert_unreadable(verify_cli(record), "record.json", "version", "99")


def test_ballot_log_that_cannot_be_read_is_unreadable(record: Path) -> None:
    """ballots.jsonl exists but is no file (here a directory; on a real system also a file
    without read permission): exit 2 naming it, not a traceback with exit 1 ("failures")."""
    (record / "ballots.jsonl").unlink()
    (record / "ballots.jsonl").mkdir()
    _assert_unreadable(verify_cli(record), "ballots.jsonl")


def test_file_nested_too_deeply_is_unreadable(record: Path) -> None:
    """Hostile JSON (nested 100 000 deep) makes the JSON parser raise RecursionError: the
    record cannot be read, which is exit 2, not a traceback."""
    (record / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    _assert_unreadable(verify_cli(record), "manifest.json")


def test_result_that_is_not_json_is_a_finding(record: Path) -> None:
    """tally.json and result.json are what is being verified: garbage there is a failure of
    the election (exit 1), not an unreadable record."""
    (record / "result.json").write_text("[" * 100_000 + "]" * 100_000)
    report = verify(record)
    caught(report, "result.decode", "result.json", "not valid JSON")


def test_verifying_never_writes_to_the_record(record: Path) -> None:
    """A record without its ballot log is caught, and the verifier leaves the record as it
    found it (it may sit on read-only media, or be evidence)."""
    (record / "ballots.jsonl").unlink()
    before = {p: p.read_bytes() for p in record.rglob("*") if p.is_file()}
    report = verify(record)
    caught(report, "tally.ballot-log", "tally.json", "ballots.jsonl has 0 lines")
    after = {p: p.read_bytes() for p in record.rglob("*") if p.is_file()}
    assert sorted(map(str, after)) == sorted(map(str, before)), "the verifier created files"
    assert after == before


# --- any change to any hex field of any ballot line ----------------------------------------------


_HEX_FIELD = re.compile(rb'"([0-9a-f]{64}|[0-9a-f]{128})"')


@pytest.mark.slow
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_hex_character_changed_in_a_ballot_line_is_caught(
    honest_record: Path, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "record"
        shutil.copytree(honest_record, record)
        lines = read_lines(record)
        n = data.draw(st.integers(1, len(lines)), label="line")
        line = lines[n - 1]
        spans = [m.span(1) for m in _HEX_FIELD.finditer(line)]
        start, end = data.draw(st.sampled_from(spans), label="field")
        pos = data.draw(st.integers(start, end - 1), label="position")
        old = chr(line[pos])
        new = data.draw(st.sampled_from([c for c in HEX if c != old]), label="new")
        lines[n - 1] = line[:pos] + new.encode() + line[pos + 1:]
        write_lines(record, lines)
        report = verify(record)
        assert not report.ok
        # Not only the log root: the changed line itself is named.
        named = re.compile(rf"ballots\.jsonl:{n}( |$)")
        assert any(named.match(f.where) for f in report.findings), (
            [str(f) for f in report.findings])
