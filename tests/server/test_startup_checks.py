"""`openballot serve` starts only on a board it can stand behind (docs/server.md, "Start-up
checks"): a lost or swapped key file, a malformed one, an entry altered in the database or a
damaged SQLite file stop it with one line and exit code 2, never a traceback or a new key."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, update

from openballot.board.store import entries
from openballot.record.merkle import leaf_hash

# Each case starts `openballot serve` in a process: seconds, so `make check` leaves them out.
pytestmark = pytest.mark.slow

ELECTION = "demo-2026"


def serve_once(kit: Any, data: Path, database: str | None = None) -> Any:
    # A board that starts would serve until the timeout: these must fail at once.
    args = ["serve", "--data", str(data), "--port", str(kit.free_port())]
    return kit.cli(*args, *(["--database", database] if database else []), timeout=60)


def assert_one_line_error(done: Any, *words: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, done.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def board_with_an_election(kit: Any, url: str, data: Path, notes: int = 3) -> Any:
    """A board in `data` on `url` holding one election with a few entries; its store is open
    (the caller tampers, then closes it)."""
    board, _ = kit.in_process_board(url, data)
    board.create({"manifest": kit.demo_manifest().to_json(), "trustees": 1, "threshold": 1})
    log = board.get(ELECTION).log
    for i in range(notes):
        log.append("note", b'{"n":%d}' % i)
    return board


def test_serve_refuses_when_the_key_file_was_lost(
    kit: Any, database_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    board_with_an_election(kit, database_url, data).store.close()
    (data / "board.key").unlink()
    done = serve_once(kit, data, database_url)
    assert_one_line_error(
        done, f"board key file {data / 'board.key'} is missing", f"('{ELECTION}')", "restore"
    )
    assert not (data / "board.key").exists()  # no new key to be picked up by the next start


def test_serve_refuses_a_swapped_key(kit: Any, database_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    board_with_an_election(kit, database_url, data).store.close()
    (data / "board.key").write_bytes(os.urandom(32))
    done = serve_once(kit, data, database_url)
    assert_one_line_error(
        done,
        f"election '{ELECTION}': its latest tree head (size 4) is not signed by the board key",
        "the key file was replaced or re-created",
    )


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("empty", lambda p: p.write_bytes(b""), ["expected 32 bytes", "found 0"]),
        ("31 bytes", lambda p: p.write_bytes(b"\1" * 31), ["expected 32 bytes", "found 31"]),
        ("33 bytes", lambda p: p.write_bytes(b"\1" * 33), ["expected 32 bytes", "found 33"]),
        ("hex text", lambda p: p.write_text("ab" * 32 + "\n"), ["found 65"]),
        ("a folder", lambda p: p.mkdir(), ["cannot read it (Is a directory)"]),
        (
            "a dangling link",
            lambda p: p.symlink_to(p.parent / "gone"),
            ["cannot read it (No such file or directory)"],
        ),
    ],
)
def test_serve_refuses_a_malformed_key_file(
    kit: Any, tmp_path: Path, name: str, make: Any, words: list[str]
) -> None:
    key = tmp_path / "board.key"
    make(key)
    done = serve_once(kit, tmp_path)
    assert_one_line_error(done, f"board key file {key}", *words)
    assert key.is_symlink() or key.exists()  # left as it was, not replaced by a new key


def test_serve_refuses_an_entry_altered_in_the_database(
    kit: Any, database_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    board = board_with_an_election(kit, database_url, data)
    with board.store.engine.begin() as conn:
        conn.execute(update(entries).where(entries.c.seq == 2).values(data=b'{"n":7}'))
    board.store.close()
    done = serve_once(kit, data, database_url)
    assert_one_line_error(
        done, f"election '{ELECTION}': stored entry 2 is not the one its signed tree head covers"
    )


def test_serve_refuses_an_entry_rewritten_with_its_leaf_hash(
    kit: Any, database_url: str, tmp_path: Path
) -> None:
    # An operator who rewrites the entry and the hash beside it still cannot match the root.
    data = tmp_path / "data"
    data.mkdir()
    board = board_with_an_election(kit, database_url, data)
    forged = b'{"n":7}'
    with board.store.engine.begin() as conn:
        conn.execute(
            update(entries)
            .where(entries.c.seq == 2)
            .values(data=forged, leaf_hash=leaf_hash(forged))
        )
    board.store.close()
    done = serve_once(kit, data, database_url)
    assert_one_line_error(
        done,
        f"election '{ELECTION}': the Merkle root of its 4 stored entries is",
        "its latest signed tree head says",
    )


def test_serve_refuses_random_bytes_in_the_middle_of_the_sqlite_file(
    kit: Any, tmp_path: Path
) -> None:
    board = board_with_an_election(kit, f"sqlite:///{tmp_path / 'board.sqlite3'}", tmp_path)
    # Enough entries that the middle of the file is table pages, written in one go.
    with board.store.engine.begin() as conn:
        conn.execute(
            insert(entries),
            [
                {
                    "election_id": "padding",
                    "seq": i,
                    "type": "note",
                    "data": os.urandom(1500),
                    "leaf_hash": b"\0" * 32,
                }
                for i in range(600)
            ],
        )
    board.store.close()
    db = tmp_path / "board.sqlite3"
    size = db.stat().st_size
    with db.open("r+b") as f:
        f.seek(size // 2)
        f.write(random.Random(7).randbytes(4096))
    done = serve_once(kit, tmp_path)
    line = assert_one_line_error(done, f"board storage sqlite:///{db} ")
    assert " is damaged: " in line or " cannot be read: " in line, line
