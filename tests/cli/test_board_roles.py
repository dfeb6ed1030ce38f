"""`openballot board ...`: a whole election run against a real `openballot serve`, every role
through its own command, then exported and verified with the voters' receipts; and bad input
(a wrong token, a mistyped code) fails with one line and exit code 2."""

from __future__ import annotations

import json
import stat
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli_run import invoke, ok
from openballot.cli.demo import demo_manifest_path
from openballot.election.credentials import ALPHABET, normalize_code
from openballot.errors import ProtocolError


def fails(*args: object, words: tuple[str, ...] = ()) -> str:
    """Exit 2, one line on stderr, no traceback; returns that line."""
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines
    assert "Traceback" not in result.output
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.slow
def test_whole_election_over_the_board(
    server_process: Callable[[str], Any], sqlite_url: str, kit: types.ModuleType, tmp_path: Path
) -> None:
    url = server_process(sqlite_url).url
    admin = tmp_path / "admin.token"
    admin.write_text(kit.ADMIN_TOKEN + "\n")
    tokens_file = tmp_path / "tokens.json"

    run = ok(
        "board",
        "create",
        url,
        "--manifest",
        demo_manifest_path(),
        "--trustees",
        3,
        "--threshold",
        2,
        "--admin-token-file",
        admin,
        "--tokens-out",
        tokens_file,
    )
    eid = run.stdout.strip().splitlines()[-1]
    assert eid == "demo-2026"
    assert private(tokens_file)
    tokens = json.loads(tokens_file.read_text())["tokens"]
    token: dict[str, Path] = {}
    for role, value in tokens.items():
        token[role] = tmp_path / f"{role}.token"
        token[role].write_text(value)
    e = ("--election", eid)

    # The tokens file is never overwritten.
    fails(
        "board",
        "create",
        url,
        "--manifest",
        demo_manifest_path(),
        "--admin-token-file",
        admin,
        "--tokens-out",
        tokens_file,
        words=("refusing to overwrite",),
    )

    secret = {i: tmp_path / f"trustee-{i}.secret.json" for i in (1, 2, 3)}
    share = {i: tmp_path / f"trustee-{i}.share.json" for i in (1, 2, 3)}
    for i in (1, 2, 3):
        ok(
            "board",
            "trustee",
            "keygen",
            url,
            *e,
            "--index",
            i,
            "--name",
            f"Trustee {i}",
            "--token-file",
            token[f"trustee-{i}"],
            "--secret",
            secret[i],
        )
        assert private(secret[i])
        assert json.loads(secret[i].read_text())["election"] == eid
    for i in (1, 2, 3):
        ok("board", "trustee", "reveal", url, *e, "--token-file", token[f"trustee-{i}"],
           "--secret", secret[i])  # fmt: skip

    # Trustee 1's secret with trustee 2's token: the board's problem detail, on one line.
    fails(
        "board",
        "trustee",
        "exchange",
        url,
        *e,
        "--token-file",
        token["trustee-2"],
        "--secret",
        secret[1],
        words=("403",),
    )

    for i in (1, 2, 3):
        ok(
            "board",
            "trustee",
            "exchange",
            url,
            *e,
            "--token-file",
            token[f"trustee-{i}"],
            "--secret",
            secret[i],
        )
    for i in (1, 2, 3):
        ok(
            "board",
            "trustee",
            "finish",
            url,
            *e,
            "--token-file",
            token[f"trustee-{i}"],
            "--secret",
            secret[i],
            "--share",
            share[i],
        )
        assert private(share[i])

    codes = tmp_path / "codes.json"
    ok(
        "board",
        "credentials",
        "generate",
        url,
        *e,
        "--token-file",
        token["credential-authority"],
        "--voters",
        "north=2",
        "--voters",
        "south=1",
        "--keep-codes",
        codes,
    )
    assert private(codes)
    voters = json.loads(codes.read_text())["voters"]
    north = [v["code"] for v in voters if v["district"] == "north"]
    (south,) = [v["code"] for v in voters if v["district"] == "south"]

    wrong = tmp_path / "wrong.token"
    wrong.write_text("not-the-admin-token")
    fails(
        "board", "open", url, *e, "--admin-token-file", wrong, words=("this needs the admin token",)
    )
    ok("board", "open", url, *e, "--admin-token-file", admin)

    r1, r2, r3, r4 = (tmp_path / f"r{i}.json" for i in (1, 2, 3, 4))
    run = ok(
        "board",
        "vote",
        url,
        *e,
        "--code",
        north[0],
        "--choice",
        "president=bashir",
        "--choice",
        "council-north=n1,n3",
        "--choice",
        "referendum=yes",
        "--receipt",
        r1,
    )
    assert "receipt verified" in run.stdout
    assert "status: recorded" in run.stdout.splitlines()
    run = ok(
        "board",
        "vote",
        url,
        *e,
        "--code",
        south,
        "--choice",
        "president=dilan",
        "--choice",
        "council-south=s2",
        "--choice",
        "referendum=no",
        "--audit",
        "--receipt",
        r2,
    )
    assert "not counted" in run.stdout and "receipt verified" in run.stdout
    ok(
        "board",
        "vote",
        url,
        *e,
        "--code",
        north[1],
        "--choice",
        "president=amal",
        "--choice",
        "council-north=n2",
        "--choice",
        "referendum=no",
        "--receipt",
        r4,
    )
    # A re-vote: the later ballot supersedes the earlier one.
    ok(
        "board",
        "vote",
        url,
        *e,
        "--code",
        north[1],
        "--choice",
        "president=bashir",
        "--choice",
        "council-north=n5",
        "--choice",
        "referendum=yes",
        "--receipt",
        r3,
    )
    receipt = json.loads(r1.read_text())
    assert set(receipt) >= {"tracker", "index", "entry", "tree_head", "inclusion_proof"}

    code = north[0]
    # The check character is a hash (protocol.md 9.1): one typo in 32 passes it and is then
    # refused as a credential not on the list. Take one it catches.
    typo = next(
        t for t in (c + code[1:] for c in ALPHABET if c != code[0])
        if _caught_by_check(t)
    )
    fails(
        "board",
        "vote",
        url,
        *e,
        "--code",
        typo,
        "--choice",
        "president=bashir",
        words=("mistyped",),
    )

    ok("board", "close", url, *e, "--admin-token-file", admin)
    for i in (1, 3):  # trustee 2 stays away
        ok(
            "board",
            "trustee",
            "decrypt",
            url,
            *e,
            "--token-file",
            token[f"trustee-{i}"],
            "--share",
            share[i],
        )
    run = ok("board", "result", url, *e, "--admin-token-file", admin)
    assert "decrypted by trustees 1, 3" in run.stdout

    result = httpx.get(f"{url}/api/elections/{eid}/result", timeout=30).json()
    assert result["totals"]["president"] == {"amal": 0, "bashir": 2, "dilan": 1, "farah": 0}
    assert result["totals"]["referendum"] == {"yes": 2, "no": 1}
    assert result["totals"]["council-north"] == {"n1": 1, "n2": 0, "n3": 1, "n4": 0, "n5": 1}

    record = tmp_path / "record"
    ok("export", url, "--election", eid, "--record", record)
    kept = ("--receipt", r1, "--receipt", r2, "--receipt", r3, "--receipt", r4)
    run = ok("verify", record, "--workers", 1, *kept)
    assert "record verified" in run.stdout
    revote = json.loads(r3.read_text())["index"]
    fates = [x for x in run.stdout.splitlines() if x.startswith("receipt ")]
    assert fates == [
        f"receipt {r1}: counted",
        f"receipt {r2}: counted",  # the ballot cast after the audit
        f"receipt {r3}: counted",
        f"receipt {r4}: superseded by a re-vote (leaf {revote})",
    ]

    # The board says the same, with its proof checked.
    run = ok("board", "status", url, *e, "--receipt", r4)
    assert run.stdout.startswith(f"receipt {r4}: superseded by a re-vote (leaf {revote}) (leaf ")
    tracker = json.loads(r1.read_text())["tracker"]
    run = ok("board", "status", url, *e, "--tracker", tracker)
    assert run.stdout.startswith(f"ballot {tracker}: counted (leaf ")
    fails("board", "status", url, *e, "--tracker", "ab" * 32, words=("404", "no ballot"))
    fails("board", "status", url, *e, "--tracker", "ab", words=("--tracker",))
    fails("board", "status", url, *e, words=("either --tracker or --receipt",))
    fails("board", "status", url, *e, "--tracker", tracker, "--receipt", r1, words=("either",))


def _caught_by_check(code: str) -> bool:
    try:
        normalize_code(code)
    except ProtocolError:
        return True
    return False
