"""The officials' commands against a real `openballot serve`: `board create --tokens-dir`,
`board credentials register` (a bad register leaves the board as it was), and `board open
--fingerprint-qr`, whose poster decodes to the fingerprint that the cards carry and the
board opened with; then a voter votes with the code printed on a card.

And `token_files` on its own: one 0600 file per role, never overwriting, never losing a
token the board showed once."""

from __future__ import annotations

import json
import re
import stat
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli_run import invoke, ok
from openballot.cli.demo import demo_manifest_path
from openballot.cli.private_files import token_files
from openballot.errors import RecordError
from printed_cards import page_qr, qr_text, run

CODE = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}")
REGISTER = "voter_id,district,language\nv-1,north,ar\nv-2,south,en\nv-3,north,ku\n"




def fails(*args: object, words: tuple[str, ...]) -> str:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]




def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)






def board_entries(url: str, election: str) -> list[Any]:
    page = httpx.get(
        f"{url}/api/elections/{election}/board/entries",
        params={"start": 0, "limit": 1000},
        timeout=30,
    )
    return list(page.json()["entries"])


@pytest.mark.slow
def test_officials_over_the_board(
    server_process: Callable[[str], Any], sqlite_url: str, kit: types.ModuleType, tmp_path: Path
) -> None:
    url = server_process(sqlite_url).url
    admin = tmp_path / "admin.token"
    admin.write_text(kit.ADMIN_TOKEN + "\n")
    tokens = tmp_path / "tokens"
    create = (
        "board",
        "create",
        url,
        "--manifest",
        demo_manifest_path(),
        "--trustees",
        2,
        "--threshold",
        2,
        "--admin-token-file",
        admin,
    )
    fails(*create, words=("give --tokens-dir DIR or --tokens-out FILE",))
    eid = ok(*create, "--tokens-dir", tokens).stdout.strip()
    assert eid == "demo-2026"
    files = sorted(p.name for p in tokens.iterdir())
    assert files == ["credential-authority.token", "trustee-1.token", "trustee-2.token"]
    assert all(mode(tokens / f) == 0o600 for f in files)
    # A second election into the same folder is refused before the board is asked.
    before = {f: (tokens / f).read_bytes() for f in files}
    fails(*create, "--tokens-dir", tokens, words=("refusing to overwrite an existing token file",))
    assert {f: (tokens / f).read_bytes() for f in files} == before
    assert sorted(p.name for p in tokens.iterdir()) == files  # no staging folder left

    e = ("--election", eid)
    secret = {i: tmp_path / f"trustee-{i}.secret" for i in (1, 2)}
    for i in (1, 2):
        ok(
            "board",
            "trustee",
            "keygen",
            url,
            *e,
            "--index",
            i,
            "--name",
            f"T{i}",
            "--token-file",
            tokens / f"trustee-{i}.token",
            "--secret",
            secret[i],
        )
    for step in ("reveal", "exchange"):
        for i in (1, 2):
            ok(
                "board",
                "trustee",
                step,
                url,
                *e,
                "--token-file",
                tokens / f"trustee-{i}.token",
                "--secret",
                secret[i],
            )
    for i in (1, 2):
        ok(
            "board",
            "trustee",
            "finish",
            url,
            *e,
            "--token-file",
            tokens / f"trustee-{i}.token",
            "--secret",
            secret[i],
            "--share",
            tmp_path / f"trustee-{i}.share",
        )

    ca = ("--token-file", tokens / "credential-authority.token")
    out = tmp_path / "out"
    out.mkdir()
    files_out = ("--cards", out / "cards.pdf", "--link", out / "link.csv", "--workers", 1)

    # A bad register: refused whole, the board unchanged, no file written.
    bad = tmp_path / "bad.csv"
    bad.write_text(REGISTER + "v-2,west,en\nv-4,north,de\n")
    entries = board_entries(url, eid)
    fails(
        "board",
        "credentials",
        "register",
        url,
        bad,
        *e,
        *ca,
        *files_out,
        words=("line 5: voter_id 'v-2' is also on line 3", "line 6: unknown language"),
    )
    fails(
        "board",
        "credentials",
        "register",
        url,
        bad,
        *e,
        *ca,
        *files_out,
        words=("unknown district 'west'",),
    )
    assert board_entries(url, eid) == entries and list(out.iterdir()) == []

    register = tmp_path / "register.csv"
    register.write_text(REGISTER)
    done = ok("board", "credentials", "register", url, register, *e, *ca, *files_out)
    assert "3 credentials published (north 2, south 1)" in done.stdout
    assert len(board_entries(url, eid)) == len(entries) + 1
    assert sorted(p.name for p in out.iterdir()) == ["cards.pdf", "link.csv"]
    assert mode(out / "cards.pdf") == 0o600
    assert (out / "link.csv").read_text().splitlines() == [
        "voter_id,district,serial",
        "v-1,north,00000001",
        "v-3,north,00000002",
        "v-2,south,00000003",
    ]
    # The default booth is the board's own; the card pins the election and a fingerprint.
    pinned = page_qr(out / "cards.pdf", 1, tmp_path)
    found = re.fullmatch(
        rf"{re.escape(url)}/booth/\?election=demo-2026&fingerprint=([0-9a-f]{{128}})", pinned
    )
    assert found, pinned
    on_cards = found[1]

    poster = tmp_path / "poster.png"
    opened = ok("board", "open", url, *e, "--admin-token-file", admin, "--fingerprint-qr", poster)
    lines = opened.stdout.splitlines()
    assert lines[:2] == ["election open", "election fingerprint (publish it whole):"]
    assert "".join(" ".join(lines[2:6]).split()) == on_cards
    assert all(len(line.split()) == 8 for line in lines[2:6])
    assert qr_text(poster) == on_cards  # the poster, the cards and the board agree
    assert httpx.get(f"{url}/api/elections/{eid}", timeout=30).json()["fingerprint"] == on_cards

    # Anyone can print it and make the poster again; an existing poster is not overwritten.
    again = tmp_path / "again.png"
    shown = ok("board", "fingerprint", url, *e, "--qr", again)
    assert "".join(" ".join(shown.stdout.splitlines()[2:6]).split()) == on_cards
    assert qr_text(again) == on_cards
    fails("board", "fingerprint", url, *e, "--qr", again, words=("refusing to overwrite",))

    # The first card is v-1's (north, Arabic): its code votes.
    text = run("pdftotext", "-f", "1", "-l", "1", str(out / "cards.pdf"), "-")
    (code,) = set(CODE.findall(text))
    voted = ok(
        "board",
        "vote",
        url,
        *e,
        "--code",
        code,
        "--choice",
        "president=amal",
        "--choice",
        "council-north=n1",
        "--choice",
        "referendum=yes",
    )
    assert "receipt verified" in voted.stdout


def test_token_files_one_private_file_per_role(tmp_path: Path) -> None:
    folder = tmp_path / "tokens"
    with token_files(folder, ["trustee-1", "credential-authority"]) as keep:
        keep({"trustee-1": "t1-token", "credential-authority": "ca-token"})
    assert sorted(p.name for p in folder.iterdir()) == [
        "credential-authority.token",
        "trustee-1.token",
    ]
    assert (folder / "trustee-1.token").read_text() == "t1-token\n"
    assert all(mode(p) == 0o600 for p in folder.iterdir())
    assert mode(folder) == 0o700

    # An existing file of an expected role: refused before anything is made.
    with (
        pytest.raises(RecordError, match="refusing to overwrite"),
        token_files(folder, ["trustee-1"]),
    ):
        raise AssertionError("the block must not run")
    assert sorted(p.name for p in folder.iterdir()) == [
        "credential-authority.token",
        "trustee-1.token",
    ]


def test_token_files_keep_every_token_when_a_name_is_taken(tmp_path: Path) -> None:
    folder = tmp_path / "tokens"
    taken = pytest.raises(RecordError, match="every token is kept in")
    with taken as failed, token_files(folder, ["trustee-1"]) as keep:
        (folder / "trustee-2.token").write_text("made meanwhile")
        keep({"trustee-1": "t1", "trustee-2": "t2"})
    (staging,) = folder.glob(".tokens-*")
    assert str(staging) in str(failed.value)
    assert (staging / "trustee-2.token").read_text() == "t2\n"
    assert (folder / "trustee-2.token").read_text() == "made meanwhile"


def test_token_files_keep_tokens_of_a_role_that_is_no_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "tokens"
    with (
        pytest.raises(RecordError, match="not a file name") as failed,
        token_files(folder, []) as keep,
    ):
        keep({"../admin": "x", "trustee-1": "t1"})
    (staging,) = folder.glob(".tokens-*")
    assert str(staging / "tokens.json") in str(failed.value)
    assert json.loads((staging / "tokens.json").read_text())["tokens"]["../admin"] == "x"
    assert not (tmp_path / "admin.token").exists()


def test_token_files_leave_nothing_when_the_step_fails_first(tmp_path: Path) -> None:
    folder = tmp_path / "tokens"
    with pytest.raises(RuntimeError), token_files(folder, ["trustee-1"]):
        raise RuntimeError("the board refused")
    assert list(folder.iterdir()) == []
