"""Every command of `openballot`, with good input and bad.

A whole election is driven through the commands themselves, once per session; a copy of the
record is kept at each stage, and each bad-input test runs against its own copy of a stage.
A bad input must give exit code 2, one line on stderr naming the problem, no traceback, and
leave every file as it was.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from cli_run import invoke, ok
from openballot.cli.demo import demo_manifest_path
from openballot.election.credentials import ALPHABET, normalize_code
from openballot.errors import ProtocolError
from openballot.verify.verifier import verify_record


def unwrapped(text: str) -> str:
    """Rich wraps long lines at spaces, keeping the space; dropping the newlines restores them."""
    return text.replace("\n", "")


def snapshot(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def assert_fails_cleanly(result: Result, before: dict[str, bytes], root: Path,
                         *names: str) -> None:
    """Exit 2, a one-line error naming `names`, no traceback, every file under `root` as it was."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}\n{result.output}")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == "", result.stdout
    assert result.stderr.startswith("error: "), result.stderr
    for name in names:
        assert name in unwrapped(result.stderr), f"{name!r} not named in:\n{result.stderr}"
    after = snapshot(root)
    assert sorted(after) == sorted(before), "files were created or deleted"
    assert after == before, "files were changed"
    # Last, so that a failure here means everything else held.
    assert len(result.stderr.splitlines()) == 1, f"error spans several lines:\n{result.stderr}"


# --- one whole election, through the commands ---------------------------------------------------

NORTH_CHOICES = ["president=amal", "council-north=n1,n2", "referendum=yes"]
REVOTE_CHOICES = ["president=dilan", "council-north=n3", "referendum=no"]
SOUTH_CHOICES = ["president=bashir", "council-south=", "referendum=no"]
OUT_CHOICES = ["president=farah", "council-north=n5", "referendum=no"]

# What the votes above must give: n1's first ballot is superseded by its re-vote, s1's audited
# ballot is never counted.
EXPECTED_TOTALS = {
    "president": {"amal": 0, "bashir": 1, "dilan": 1, "farah": 1},
    "council-north": {"n1": 0, "n2": 0, "n3": 1, "n4": 0, "n5": 1},
    "council-south": {"s1": 0, "s2": 0, "s3": 0, "s4": 0},
    "referendum": {"yes": 0, "no": 3},
}


@dataclass
class Election:
    record: Path
    secrets: Path
    stages: dict[str, Path] = field(default_factory=dict)
    log: dict[str, Result] = field(default_factory=dict)
    codes: dict[str, list[str]] = field(default_factory=dict)  # district -> codes
    ballot: Path | None = None  # a ballot written by `vote --out`

    def secret(self, i: int) -> Path:
        return self.secrets / f"trustee-{i}.secret.json"

    def share(self, i: int) -> Path:
        return self.secrets / f"trustee-{i}.share.json"

    def stage(self, name: str, tmp: Path) -> Path:
        """A fresh copy of the record as it was at stage `name`."""
        copy = tmp / f"record-{name}"
        shutil.copytree(self.stages[name], copy)
        return copy


def run_ceremony(e: Election, keep: Path | None = None) -> None:
    rec = e.record
    e.log["new"] = ok("election", "new", "--record", rec, "--manifest", demo_manifest_path(),
                      "--trustees", 3, "--threshold", 2)
    for i in (1, 2, 3):
        e.log[f"keygen {i}"] = ok("trustee", "keygen", "--record", rec, "--index", i,
                                  "--name", f"Trustee {i}", "--secret", e.secret(i))
        if i == 1 and keep is not None:
            e.stages["one key"] = keep_stage(rec, keep / "one-key")
    if keep is not None:
        e.stages["committed"] = keep_stage(rec, keep / "committed")
    for i in (1, 2, 3):
        e.log[f"reveal {i}"] = ok("trustee", "reveal", "--record", rec, "--secret", e.secret(i))
    for i in (1, 2, 3):
        e.log[f"exchange {i}"] = ok("trustee", "exchange", "--record", rec, "--secret",
                                    e.secret(i))
    for i in (1, 2, 3):
        e.log[f"finish {i}"] = ok("trustee", "finish", "--record", rec, "--secret", e.secret(i),
                                  "--share", e.share(i))
    if keep is not None:
        e.stages["ceremony"] = keep_stage(rec, keep / "ceremony")


def issue_and_open(e: Election, voters: list[str]) -> None:
    args: list[object] = ["credentials", "generate", "--record", e.record]
    for v in voters:
        args += ["--voters", v]
    e.log["credentials"] = ok(*args, "--keep-codes", e.secrets / "codes.json")
    codes = json.loads((e.secrets / "codes.json").read_text())
    for voter in codes["voters"]:
        e.codes.setdefault(voter["district"], []).append(voter["code"])
    e.log["open"] = ok("election", "open", "--record", e.record)


def vote_args(rec: Path, code: str, district: str, choices: list[str]) -> list[object]:
    args: list[object] = ["vote", "--record", rec, "--code", code, "--district", district]
    for c in choices:
        args += ["--choice", c]
    return args


def keep_stage(rec: Path, where: Path) -> Path:
    shutil.copytree(rec, where)
    return where


@pytest.fixture(scope="session")
def election(tmp_path_factory: pytest.TempPathFactory) -> Election:
    tmp = tmp_path_factory.mktemp("cli-election")
    keep = tmp / "stages"
    e = Election(tmp / "record", tmp / "secrets")
    run_ceremony(e, keep)
    issue_and_open(e, ["north=3", "south=2"])
    e.stages["open"] = keep_stage(e.record, keep / "open")
    rec = e.record
    n1, n2 = e.codes["north"][:2]
    s1 = e.codes["south"][0]
    e.log["vote"] = ok(*vote_args(rec, n1, "north", NORTH_CHOICES))
    e.log["vote --audit"] = ok(*vote_args(rec, s1, "south", SOUTH_CHOICES), "--audit")
    e.log["re-vote"] = ok(*vote_args(rec, n1, "north", REVOTE_CHOICES))
    ballot = tmp / "ballot.json"
    e.log["vote --out"] = ok(*vote_args(rec, n2, "north", OUT_CHOICES), "--out", ballot)
    e.log["cast"] = ok("cast", "--record", rec, ballot)
    e.log["cast again"] = ok("cast", "--record", rec, ballot)
    e.log["tally"] = ok("tally", "--record", rec)
    e.stages["tallied"] = keep_stage(rec, keep / "tallied")
    e.log["decrypt 1"] = ok("trustee", "decrypt", "--record", rec, "--share", e.share(1))
    e.stages["one decryption"] = keep_stage(rec, keep / "one-decryption")
    e.log["decrypt 3"] = ok("trustee", "decrypt", "--record", rec, "--share", e.share(3))
    e.log["results"] = ok("results", "--record", rec)
    e.log["verify"] = ok("verify", rec, "--workers", 1)
    return e


@pytest.fixture(scope="session")
def other_election(tmp_path_factory: pytest.TempPathFactory) -> Election:
    """A second election from the same manifest (so the same election id), open, with one
    ballot written to a file and not cast."""
    tmp = tmp_path_factory.mktemp("cli-other")
    e = Election(tmp / "record", tmp / "secrets")
    run_ceremony(e)
    issue_and_open(e, ["north=1"])
    ballot = tmp / "ballot.json"
    e.log["vote --out"] = ok(*vote_args(e.record, e.codes["north"][0], "north", NORTH_CHOICES),
                             "--out", ballot)
    e.ballot = ballot
    return e


def other_ballot(e: Election) -> Path:
    assert e.ballot is not None
    return e.ballot


def test_whole_election_through_the_cli(election: Election) -> None:
    log = election.log
    assert "election demo-2026" in log["new"].stdout
    assert "5 credentials published" in unwrapped(log["credentials"].stdout)
    assert "election open" in log["open"].stdout

    # Private files are for their owner only.
    for path in [election.secret(i) for i in (1, 2, 3)] + [
            election.share(i) for i in (1, 2, 3)] + [election.secrets / "codes.json"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    # The audited ballot is in the log as an audit, and never counted.
    audited = re.search(r"audited ballot ([0-9a-f]{64})", unwrapped(log["vote --audit"].stdout))
    assert audited, log["vote --audit"].stdout
    cast_lines = {}
    for step in ("vote", "vote --audit", "re-vote", "cast", "cast again"):
        m = re.search(r"cast: tracker ([0-9a-f]{64}) \(line (\d+)\)", unwrapped(log[step].stdout))
        assert m, log[step].stdout
        cast_lines[step] = (m[1], int(m[2]))
    assert [cast_lines[s][1] for s in ("vote", "vote --audit", "re-vote", "cast")] == [1, 3, 4, 5]
    lines = [json.loads(x) for x in (election.record / "ballots.jsonl").read_text().splitlines()]
    assert [v["type"] for v in lines] == ["cast", "audit", "cast", "cast", "cast"]

    # `vote --out` wrote the ballot; casting it twice is idempotent.
    assert cast_lines["cast again"] == cast_lines["cast"]
    assert "already cast" in log["cast again"].stdout
    assert "already cast" not in log["cast"].stdout

    assert "tally of 3 counted ballots" in log["tally"].stdout
    assert "Amal Haddad" in log["results"].stdout
    result = json.loads((election.record / "result.json").read_text())
    assert result["decrypted_by"] == [1, 3]
    assert result["totals"] == EXPECTED_TOTALS

    assert "record verified" in log["verify"].stdout
    report = verify_record(election.record, workers=1)
    assert report.ok, [str(f) for f in report.findings]
    assert (report.cast, report.audited, report.superseded, report.counted) == (4, 1, 1, 3)


def test_any_two_trustees_decrypt_the_same_result_and_one_cannot(
    election: Election, tmp_path: Path
) -> None:
    totals = []
    for pair in combinations((1, 2, 3), 2):
        rec = shutil.copytree(election.stages["tallied"], tmp_path / f"pair-{pair[0]}{pair[1]}")
        for i in pair:
            ok("trustee", "decrypt", "--record", rec, "--share", election.share(i))
        ok("results", "--record", rec)
        result = json.loads((rec / "result.json").read_text())
        assert result["decrypted_by"] == list(pair)
        totals.append((result["counts"], result["totals"]))
        assert verify_record(rec, workers=1).ok
    assert totals[0] == totals[1] == totals[2]
    assert totals[0][1] == EXPECTED_TOTALS

    for i in (1, 2, 3):
        rec = shutil.copytree(election.stages["tallied"], tmp_path / f"single-{i}")
        ok("trustee", "decrypt", "--record", rec, "--share", election.share(i))
        before = snapshot(rec)
        assert_fails_cleanly(invoke("results", "--record", rec), before, rec,
                             "1 trustee decryption(s) given, at least 2 are needed")


# --- bad input ---------------------------------------------------------------------------------

MISSING_RECORD_COMMANDS = {
    "election open": ["election", "open"],
    "trustee keygen": ["trustee", "keygen", "--index", "1", "--name", "T", "--secret", "{tmp}/s"],
    "credentials generate": ["credentials", "generate", "--voters", "north=1",
                             "--keep-codes", "{tmp}/codes.json"],
    "vote": ["vote", "--code", "00000-00000-00000-00000", "--district", "north",
             "--choice", "president=amal"],
    "tally": ["tally"],
    "trustee decrypt": ["trustee", "decrypt", "--share", "{tmp}/share.json"],
    "results": ["results"],
}


@pytest.mark.parametrize("command", sorted(MISSING_RECORD_COMMANDS))
def test_missing_record_directory(tmp_path: Path, command: str) -> None:
    (tmp_path / "share.json").write_text("{}")
    missing = tmp_path / "no-such-record"
    args = [a.replace("{tmp}", str(tmp_path)) for a in MISSING_RECORD_COMMANDS[command]]
    before = snapshot(tmp_path)
    result = invoke(*args, "--record", missing)
    assert_fails_cleanly(result, before, tmp_path, str(missing))
    assert not missing.exists()


def _manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(text)
    return path


def _without_kurdish() -> str:
    m = json.loads(demo_manifest_path().read_text())
    del m["contests"][1]["options"][2]["labels"]["ku"]
    return json.dumps(m, ensure_ascii=False)


BAD_NEW = {
    # name -> (manifest text or None for a missing file, trustees, threshold, named in the error)
    "missing manifest": (None, 3, 2, ["manifest.json", "missing"]),
    "malformed manifest": ('{"election_id": "x", "title": {', 3, 2,
                           ["manifest.json", "not valid JSON"]),
    "manifest missing a Kurdish label": (_without_kurdish(), 3, 2,
                                         ["contests[1].options[2].labels", "'ku'"]),
    "threshold above trustees": ("demo", 3, 4, ["threshold 4", "3 trustees"]),
}


@pytest.mark.parametrize("case", sorted(BAD_NEW))
def test_election_new_bad_input(tmp_path: Path, case: str) -> None:
    text, trustees, threshold, names = BAD_NEW[case]
    if text is None:
        manifest = tmp_path / "manifest.json"
    elif text == "demo":
        manifest = demo_manifest_path()
    else:
        manifest = _manifest(tmp_path, text)
    rec = tmp_path / "record"
    before = snapshot(tmp_path)
    result = invoke("election", "new", "--record", rec, "--manifest", manifest,
                    "--trustees", trustees, "--threshold", threshold)
    assert_fails_cleanly(result, before, tmp_path, *names)
    assert not rec.exists()


@pytest.mark.parametrize(("index", "names"), [(4, ["trustee index 4", "1..3"]),
                                              (1, ["trustee 1 already has a key"])],
                         ids=["out of range", "taken"])
def test_keygen_index_out_of_range_or_taken(
    election: Election, tmp_path: Path, index: int, names: list[str]
) -> None:
    rec = election.stage("one key", tmp_path)
    secret = tmp_path / "secret.json"
    before = snapshot(tmp_path)
    result = invoke("trustee", "keygen", "--record", rec, "--index", index, "--name", "Late",
                    "--secret", secret)
    assert_fails_cleanly(result, before, tmp_path, *names)


def test_exchange_before_all_keys_are_published(election: Election, tmp_path: Path) -> None:
    rec = election.stage("one key", tmp_path)
    before = snapshot(tmp_path)
    result = invoke("trustee", "exchange", "--record", rec, "--secret", election.secret(1))
    assert_fails_cleanly(result, before, tmp_path, "no trustee public keys")


def test_reveal_before_all_commitments(election: Election, tmp_path: Path) -> None:
    rec = election.stage("one key", tmp_path)
    before = snapshot(tmp_path)
    result = invoke("trustee", "reveal", "--record", rec, "--secret", election.secret(1))
    assert_fails_cleanly(result, before, tmp_path, "1 of 3 trustees have committed to a key")


def test_a_reveal_that_does_not_match_its_commitment_is_refused(
    election: Election, tmp_path: Path
) -> None:
    """The rushing trustee: its commitment on the record is not the key it reveals."""
    rec = election.stage("committed", tmp_path)
    path = rec / "ceremony" / "commitment-2.json"
    value = json.loads(path.read_text())
    value["commitment"] = ("0" if value["commitment"][0] != "0" else "1") + value["commitment"][1:]
    path.write_text(json.dumps(value))
    before = snapshot(tmp_path)
    result = invoke("trustee", "reveal", "--record", rec, "--secret", election.secret(2))
    assert_fails_cleanly(result, before, tmp_path, "does not match its commitment")


@pytest.mark.parametrize("secret", ["other election", "garbage"])
def test_finish_with_a_wrong_secret_file(
    election: Election, other_election: Election, tmp_path: Path, secret: str
) -> None:
    rec = election.stage("ceremony", tmp_path)
    if secret == "garbage":
        path = tmp_path / "secret.json"
        path.write_bytes(b"\x89PNG not a secret")
        names = [str(path), "not valid JSON"]
    else:
        path = other_election.secret(2)
        names = ["trustee 2", "does not match the secret"]
    share = tmp_path / "share.json"
    before = snapshot(tmp_path)
    result = invoke("trustee", "finish", "--record", rec, "--secret", path, "--share", share)
    assert_fails_cleanly(result, before, tmp_path, *names)


def _mistyped(code: str) -> str:
    """`code` with one character changed so that its check character catches it."""
    for i, c in enumerate(code):
        if c == "-":
            continue
        for other in ALPHABET:
            wrong = code[:i] + other + code[i + 1:]
            if other == c:
                continue
            try:
                normalize_code(wrong)
            except ProtocolError:
                return wrong
    raise AssertionError("no single-character change is caught")


BAD_VOTES = {
    # name -> (district of the code, --district given, choices, named in the error)
    "mistyped code": ("north", "north", NORTH_CHOICES, ["mistyped"]),
    "code from the wrong district": ("south", "north", NORTH_CHOICES,
                                     ["not on the credential list of district 'north'"]),
    "unknown contest": ("north", "north", [*NORTH_CHOICES, "mayor=amal"], ["contest 'mayor'"]),
    "unknown option": ("north", "north", ["president=zed", *NORTH_CHOICES[1:]],
                       ["contest 'president'", "unknown option 'zed'"]),
    "too many selections": ("north", "north", ["president=amal,bashir", *NORTH_CHOICES[1:]],
                            ["contest 'president'", "got 2"]),
}


@pytest.mark.parametrize("case", sorted(BAD_VOTES))
def test_vote_bad_input(election: Election, tmp_path: Path, case: str) -> None:
    code_district, district, choices, names = BAD_VOTES[case]
    rec = election.stage("open", tmp_path)
    code = election.codes[code_district][-1]
    if case == "mistyped code":
        code = _mistyped(code)
    before = snapshot(tmp_path)
    result = invoke(*vote_args(rec, code, district, choices))
    assert_fails_cleanly(result, before, tmp_path, *names)


@pytest.mark.parametrize("audit", [False, True])
def test_vote_in_a_closed_election(election: Election, tmp_path: Path, audit: bool) -> None:
    rec = election.stage("tallied", tmp_path)
    before = snapshot(tmp_path)
    args = vote_args(rec, election.codes["north"][-1], "north", NORTH_CHOICES)
    result = invoke(*args, *(["--audit"] if audit else []))
    assert_fails_cleanly(result, before, tmp_path, "closed")


def test_cast_a_malformed_ballot_file(election: Election, tmp_path: Path) -> None:
    rec = election.stage("open", tmp_path)
    bad = tmp_path / "ballot.json"
    bad.write_text('{"election": "00", "district": "north"}')
    before = snapshot(tmp_path)
    result = invoke("cast", "--record", rec, bad)
    assert_fails_cleanly(result, before, tmp_path, "ballot.json")


def test_cast_a_truncated_ballot_file(election: Election, other_election: Election,
                                      tmp_path: Path) -> None:
    rec = election.stage("open", tmp_path)
    bad = tmp_path / "ballot.json"
    data = other_ballot(other_election).read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    before = snapshot(tmp_path)
    result = invoke("cast", "--record", rec, bad)
    assert_fails_cleanly(result, before, tmp_path, "ballot.json", "not valid JSON")


def test_cast_a_ballot_file_nested_too_deeply(election: Election, tmp_path: Path) -> None:
    """A voter's device is not trusted: JSON nested 100 000 deep must be refused cleanly."""
    rec = election.stage("open", tmp_path)
    bad = tmp_path / "ballot.json"
    bad.write_text("[" * 100_000 + "]" * 100_000)
    before = snapshot(tmp_path)
    result = invoke("cast", "--record", rec, bad)
    assert_fails_cleanly(result, before, tmp_path, "ballot.json")


def test_cast_a_ballot_of_another_election(
    election: Election, other_election: Election, tmp_path: Path
) -> None:
    rec = election.stage("open", tmp_path)
    before = snapshot(tmp_path)
    result = invoke("cast", "--record", rec, other_ballot(other_election))
    assert_fails_cleanly(result, before, tmp_path, "another election")


@pytest.mark.parametrize("share", ["another trustee's", "other election's", "garbage"])
def test_trustee_decrypt_with_a_wrong_share_file(
    election: Election, other_election: Election, tmp_path: Path, share: str
) -> None:
    rec = election.stage("tallied", tmp_path)
    path = tmp_path / "share.json"
    if share == "another trustee's":
        # Trustee 3's share, presented as trustee 1's.
        value: Any = json.loads(election.share(3).read_text())
        value["index"] = 1
        path.write_text(json.dumps(value))
        names = [str(path), "trustee 1"]
    elif share == "other election's":
        # Same election id (same manifest), other key ceremony.
        path.write_bytes(other_election.share(1).read_bytes())
        names = [str(path), "trustee 1"]
    else:
        path.write_text("garbage")
        names = [str(path), "not valid JSON"]
    before = snapshot(tmp_path)
    result = invoke("trustee", "decrypt", "--record", rec, "--share", path)
    assert_fails_cleanly(result, before, tmp_path, *names)


def test_results_with_fewer_than_t_decryptions(election: Election, tmp_path: Path) -> None:
    rec = election.stage("one decryption", tmp_path)
    before = snapshot(tmp_path)
    result = invoke("results", "--record", rec)
    assert_fails_cleanly(result, before, tmp_path, "at least 2 are needed")


def test_steps_that_cannot_be_repeated(election: Election, tmp_path: Path) -> None:
    rec = election.stage("tallied", tmp_path)
    codes = tmp_path / "codes.json"
    for args, named in [
        (["election", "new", "--record", rec, "--manifest", demo_manifest_path()],
         "a record already exists"),
        (["credentials", "generate", "--record", rec, "--voters", "north=1", "--keep-codes", codes],
         "credentials were already published"),
        (["tally", "--record", rec], "the tally was already computed"),
    ]:
        before = snapshot(tmp_path)
        assert_fails_cleanly(invoke(*args), before, tmp_path, named)
