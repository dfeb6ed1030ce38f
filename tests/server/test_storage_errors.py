"""A board whose key file or storage is not what it wrote: `openballot serve` refuses to start
with one line that names the file or the election, and a request that runs into it gets a
problem detail, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openballot.board.store import StoredEntry

# Cases start `openballot serve` in a process: `make check` leaves them out.
pytestmark = pytest.mark.slow


def test_a_storage_gap_found_during_a_cast_is_a_problem_detail(
    database_url: str, election_on_board: Any, kit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = election_on_board
    store = e.board.store
    size = e.snapshot()["head_size"]
    real_append = store.append

    def one_too_far(election_id: str, batch: list[StoredEntry], head: Any) -> None:
        moved = [StoredEntry(e.seq + 1, e.type, e.data, None) for e in batch]
        real_append(election_id, moved, head)
        raise OSError("server closed the connection unexpectedly")

    with monkeypatch.context() as m:
        m.setattr(store, "append", one_too_far)
        r = e.cast(e.ceremony.ballot(0)[0])
    kit.is_problem(r, 500, f"election '{e.election_id}' has a gap at entry {size}")
    assert r.json()["type"].endswith("/storage-error")
    assert "Traceback" not in r.text


def serve_once(kit: Any, data: Path) -> Any:
    # A board that starts would serve until the timeout: these must fail at once.
    return kit.cli("serve", "--data", str(data), "--port", str(kit.free_port()), timeout=60)


def assert_one_line_error(done: Any, *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, done.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_serve_refuses_a_board_key_of_the_wrong_size(kit: Any, tmp_path: Path) -> None:
    key = tmp_path / "board.key"
    key.write_bytes(b"\x01" * 31)
    done = serve_once(kit, tmp_path)
    assert_one_line_error(done, f"board key file {key}", "expected 32 bytes", "found 31")
    assert key.read_bytes() == b"\x01" * 31  # left alone: a new key would orphan the old heads


def test_serve_refuses_a_board_whose_storage_has_a_gap(kit: Any, tmp_path: Path) -> None:
    from sqlalchemy import delete

    from openballot.board.store import entries

    board, _ = kit.in_process_board(f"sqlite:///{tmp_path / 'board.sqlite3'}", tmp_path)
    board.create({"manifest": kit.demo_manifest().to_json(), "trustees": 1, "threshold": 1})
    log = board.get("demo-2026").log
    for i in range(3):
        log.append("note", b'{"n":%d}' % i)
    with board.store.engine.begin() as conn:
        conn.execute(delete(entries).where(entries.c.seq == 2))
    board.store.close()

    done = serve_once(kit, tmp_path)
    assert_one_line_error(done, "board storage of election 'demo-2026' has a gap at entry 2")
