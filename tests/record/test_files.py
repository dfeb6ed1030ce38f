"""Record files: atomic JSON writes (private ones 0600), numbered durable appends, and reads
that report a cut-short line by number."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

import openballot.record.files as files
from openballot.errors import RecordError
from openballot.record.files import append_line, iter_lines, json_bytes, read_json, write_json

VALUE = {"election": "demo-2026", "title": "الانتخابات التجريبية", "n": [1, 2, 3]}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(directory: Path, name: str) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != name)


# --- JSON -----------------------------------------------------------------------------------


def test_json_bytes() -> None:
    pretty = json_bytes(VALUE)
    assert pretty.endswith(b"}\n")
    assert "الانتخابات".encode() in pretty  # UTF-8, not \u escapes
    assert json.loads(pretty) == VALUE
    compact = json_bytes(VALUE, pretty=False)
    assert b"\n" not in compact and b", " not in compact
    assert json.loads(compact) == VALUE


def test_write_then_read(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "election.json"
    write_json(path, VALUE)
    assert read_json(path) == VALUE
    assert path.read_bytes() == json_bytes(VALUE)
    assert _leftovers(path.parent, path.name) == []
    write_json(path, {"v": 2})
    assert read_json(path) == {"v": 2}


def test_private_files_are_0600(tmp_path: Path) -> None:
    secret = tmp_path / "secrets" / "trustee-1.json"
    write_json(secret, {"secret_share": "00" * 32}, private=True)
    assert _mode(secret) == 0o600
    # overwriting a public file privately leaves it private as well
    public = tmp_path / "share.json"
    write_json(public, {"v": 1})
    write_json(public, {"v": 2}, private=True)
    assert _mode(public) == 0o600
    assert read_json(public) == {"v": 2}


def _umask() -> int:
    old = os.umask(0o022)
    os.umask(old)
    return old


def test_public_files_follow_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    write_json(path, VALUE)
    assert _mode(path) == 0o644 & ~_umask()


def test_private_write_never_goes_through_a_planted_file(tmp_path: Path) -> None:
    """Another local user can plant the predictable temporary name (`.NAME.tmpPID`) as a
    symlink to a file of theirs: open(O_CREAT) without O_EXCL follows it and the secret is
    written there (BUG: write_json must create its temporary file exclusively, e.g.
    tempfile.mkstemp in the same directory, or O_CREAT | O_EXCL | O_NOFOLLOW)."""
    secret = tmp_path / "share.json"
    leak = tmp_path / "leak"
    leak.write_bytes(b"")
    leak.chmod(0o666)
    (tmp_path / f".share.json.tmp{os.getpid()}").symlink_to(leak)
    write_json(secret, {"secret_share": "ab" * 32}, private=True)
    assert read_json(secret) == {"secret_share": "ab" * 32}
    assert b"ab" * 32 not in leak.read_bytes()
    assert _mode(secret) == 0o600


def test_write_is_atomic_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "tally.json"
    write_json(path, VALUE)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        write_json(path, {"bad": object()})
    assert path.read_bytes() == before
    assert _leftovers(tmp_path, path.name) == []


def test_write_is_atomic_when_replace_fails(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "tally.json"
    write_json(path, VALUE)
    before = path.read_bytes()

    def fail(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError):
        write_json(path, {"v": 2})
    assert path.read_bytes() == before
    assert _leftovers(tmp_path, path.name) == []


def test_target_untouched_until_data_is_durable(tmp_path: Path, monkeypatch: Any) -> None:
    """The new content is written and fsynced elsewhere, then renamed over the old file: at
    fsync time the old file is still whole."""
    path = tmp_path / "result.json"
    write_json(path, VALUE)
    before = path.read_bytes()
    seen: list[bytes] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        seen.append(path.read_bytes())
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    write_json(path, {"v": 2})
    # The data is fsynced before the rename; the directory after it.
    assert seen[0] == before
    assert len(seen) == 2
    assert read_json(path) == {"v": 2}


def test_read_json_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.json"
    with pytest.raises(RecordError, match="^" + re.escape(f"{missing}: file is missing")):
        read_json(missing)
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"a": ')
    with pytest.raises(RecordError, match="^" + re.escape(f"{bad}: not valid JSON")):
        read_json(bad)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe")
    with pytest.raises(RecordError, match="^" + re.escape(f"{binary}: not valid JSON")):
        read_json(binary)


# --- lines ----------------------------------------------------------------------------------


def test_append_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "log" / "ballots.jsonl"
    assert [append_line(path, f'{{"n":{i}}}'.encode()) for i in range(1, 6)] == [1, 2, 3, 4, 5]
    assert path.read_bytes() == b"".join(f'{{"n":{i}}}\n'.encode() for i in range(1, 6))
    assert list(iter_lines(path)) == [(i, f'{{"n":{i}}}'.encode()) for i in range(1, 6)]


def test_append_line_counts_existing_lines(tmp_path: Path) -> None:
    path = tmp_path / "ballots.jsonl"
    path.write_bytes(b"a\n\nc\n")
    assert append_line(path, b"d") == 4
    assert list(iter_lines(path)) == [(1, b"a"), (2, b""), (3, b"c"), (4, b"d")]


def test_append_line_refuses_a_newline(tmp_path: Path) -> None:
    path = tmp_path / "ballots.jsonl"
    append_line(path, b"one")
    with pytest.raises(ValueError, match="newline"):
        append_line(path, b"two\nthree")
    assert path.read_bytes() == b"one\n"


def test_append_to_a_truncated_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "ballots.jsonl"
    path.write_bytes(b"one\ntwo\nthr")
    with pytest.raises(RecordError, match="^" + re.escape(f"{path}: line 3 is truncated")):
        append_line(path, b"four")
    assert path.read_bytes() == b"one\ntwo\nthr"


def test_iter_lines_reports_a_truncated_last_line(tmp_path: Path) -> None:
    path = tmp_path / "ballots.jsonl"
    path.write_bytes(b'{"a":1}\n{"b":2}\n{"c":')
    got: list[tuple[int, bytes]] = []
    with pytest.raises(RecordError, match="^" + re.escape(f"{path}: line 3 is truncated")):
        for item in iter_lines(path):
            got.append(item)
    assert got == [(1, b'{"a":1}'), (2, b'{"b":2}')]


def test_iter_lines_of_one_unterminated_line(tmp_path: Path) -> None:
    path = tmp_path / "ballots.jsonl"
    path.write_bytes(b"x")
    with pytest.raises(RecordError, match="line 1 is truncated"):
        list(iter_lines(path))


def test_iter_lines_empty_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "ballots.jsonl"
    path.write_bytes(b"")
    assert list(iter_lines(path)) == []
    with pytest.raises(RecordError, match="file is missing"):
        list(iter_lines(tmp_path / "none.jsonl"))
