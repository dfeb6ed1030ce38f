"""Private files (secrets, key shares, voter codes, tokens) exist only once their step has
succeeded: a failed step leaves no debris, in record mode and in board mode, and a retry
works; `board create` makes sure it can keep the tokens before it creates the election."""

from __future__ import annotations

import json
import shutil
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli_run import invoke, ok
from openballot.cli import steps
from openballot.cli.demo import demo_manifest_path
from openballot.cli.private_files import private_file
from openballot.cli.record_bulletin import RecordBulletin
from openballot.errors import RecordError


def fails(*args: object) -> str:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ")
    return line



def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- the context manager ---------------------------------------------------------------------


def test_a_failed_block_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "secret.json"
    with pytest.raises(RecordError), private_file(target, "secret file") as keep:
        keep({"x": 1})
        raise RecordError("the board said no")
    assert listing(tmp_path) == []


def test_a_kept_file_is_private_and_complete(tmp_path: Path) -> None:
    target = tmp_path / "secret.json"
    with private_file(target, "secret file") as keep:
        keep({"x": 1})
        assert not target.exists()  # not under its name until the step succeeded
    assert json.loads(target.read_text()) == {"x": 1}
    assert target.stat().st_mode & 0o777 == 0o600
    assert listing(tmp_path) == ["secret.json"]


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "secret.json"
    with pytest.raises(RecordError, match="refusing to overwrite"):  # noqa: SIM117
        with private_file(target, "secret file") as keep:
            keep({"x": 1})
            target.write_text("made meanwhile")
    assert target.read_text() == "made meanwhile"
    assert listing(tmp_path) == ["secret.json"]


# --- record mode -----------------------------------------------------------------------------


def _failing(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    def refuse(*args: Any) -> None:
        raise RecordError("cannot write the record (simulated)")

    monkeypatch.setattr(RecordBulletin, method, refuse)


def test_keygen_that_fails_to_publish_leaves_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec, keys = tmp_path / "record", tmp_path / "keys"
    keys.mkdir()
    steps.new_election(rec, demo_manifest_path(), 2, 1)
    with monkeypatch.context() as m:
        _failing(m, "post_key_commitment")
        fails("trustee", "keygen", "-r", rec, "--index", 1, "--name", "T", "--secret",
              keys / "t1.json")  # fmt: skip
    assert listing(keys) == []
    ok("trustee", "keygen", "-r", rec, "--index", 1, "--name", "T", "--secret", keys / "t1.json")
    assert listing(keys) == ["t1.json"]


def test_credentials_that_fail_to_publish_leave_no_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec, keys = tmp_path / "record", tmp_path / "keys"
    steps.new_election(rec, demo_manifest_path(), 1, 1)
    steps.trustee_keygen(rec, 1, "T", keys / "t1.json")
    with monkeypatch.context() as m:
        _failing(m, "post_credentials")
        fails("credentials", "generate", "-r", rec, "--voters", "north=2", "--keep-codes",
              keys / "codes.json")  # fmt: skip
    assert listing(keys) == ["t1.json"]
    ok("credentials", "generate", "-r", rec, "--voters", "north=2", "--keep-codes",
       keys / "codes.json")  # fmt: skip
    assert len(json.loads((keys / "codes.json").read_text())["voters"]) == 2


def test_credentials_generate_keeps_no_codes_unless_asked(tmp_path: Path) -> None:
    rec = tmp_path / "record"
    steps.new_election(rec, demo_manifest_path(), 1, 1)
    steps.trustee_keygen(rec, 1, "T", tmp_path / "t1.json")
    before = listing(tmp_path)
    line = fails("credentials", "generate", "-r", rec, "--voters", "north=2")
    assert "--keep-codes" in line and "tests and demos only" in line
    assert listing(tmp_path) == before
    assert not (rec / "credentials.json").exists()
    # --codes is the older name of --keep-codes
    ok("credentials", "generate", "-r", rec, "--voters", "north=2", "--codes", tmp_path / "c")


# --- board mode ------------------------------------------------------------------------------


@pytest.fixture
def board(
    server_process: Callable[[str], Any], sqlite_url: str, kit: types.ModuleType, tmp_path: Path
) -> tuple[str, Path]:
    admin = tmp_path / "admin.token"
    admin.write_text(kit.ADMIN_TOKEN + "\n")
    return server_process(sqlite_url).url, admin


def test_board_create_checks_the_tokens_file_first(board: tuple[str, Path], tmp_path: Path) -> None:
    url, admin = board
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    create = ["board", "create", url, "--manifest", demo_manifest_path(), "--admin-token-file",
              admin, "--tokens-out"]  # fmt: skip
    fails(*create, blocked / "tokens.json")
    fails(*create, tmp_path)  # a directory
    # The election was not created: its id is free, and this time its tokens are kept.
    assert ok(*create, tmp_path / "tokens.json").stdout.strip() == "demo-2026"
    assert set(json.loads((tmp_path / "tokens.json").read_text())["tokens"]) >= {"trustee-1"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_board_steps_with_a_wrong_token_leave_no_debris(
    board: tuple[str, Path], tmp_path: Path
) -> None:
    url, admin = board
    tokens_file = tmp_path / "tokens.json"
    ok("board", "create", url, "--manifest", demo_manifest_path(), "--admin-token-file", admin,
       "--tokens-out", tokens_file)  # fmt: skip
    tokens = json.loads(tokens_file.read_text())["tokens"]
    token = {}
    for role, value in tokens.items():
        token[role] = tmp_path / f"{role}.token"
        token[role].write_text(value)
    wrong = tmp_path / "wrong.token"
    wrong.write_text("not-the-token")
    keys = tmp_path / "keys"
    keys.mkdir()
    e = ["--election", "demo-2026"]

    keygen = ["board", "trustee", "keygen", url, *e, "--index", 1, "--name", "T",
              "--secret", keys / "t1.json", "--token-file"]  # fmt: skip
    assert "this needs the" in fails(*keygen, wrong)
    assert listing(keys) == []
    ok(*keygen, token["trustee-1"])  # the retry is not blocked by a stale secret
    assert listing(keys) == ["t1.json"]

    generate = ["board", "credentials", "generate", url, *e, "--voters", "north=2",
                "--keep-codes", keys / "codes.json", "--token-file"]  # fmt: skip
    assert "this needs the" in fails(*generate, wrong)
    assert listing(keys) == ["t1.json"]  # no codes that were never published
    ok(*generate, token["credential-authority"])
    assert listing(keys) == ["codes.json", "t1.json"]
    shutil.rmtree(keys)
