"""The board's start-up checks (board/integrity.py): the latest signed tree head of every
election verifies under the key in use and signs the entries as stored; a missing key is
re-created only for a board that never signed anything. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, update

from openballot.board.integrity import BoardIntegrityError, check_election, open_board_key
from openballot.board.log import ElectionLog
from openballot.board.signing import BoardKey, BoardKeyError
from openballot.board.store import BoardStore, entries, tree_heads


def _board(url: str, key: BoardKey, leaves: int = 5) -> BoardStore:
    store = BoardStore(url)
    store.create_election("e", 1, {})
    log = ElectionLog(store, key, "e")
    for i in range(leaves):
        log.append("note", b'{"n":%d}' % i)
    return store


def test_an_honest_board_passes(database_url: str, tmp_path: Path) -> None:
    key = BoardKey.load_or_create(tmp_path / "board.key")
    store = _board(database_url, key)
    try:
        check_election(ElectionLog(store, key, "e"))
    finally:
        store.close()


def test_an_entry_altered_in_the_database_is_refused(database_url: str, tmp_path: Path) -> None:
    key = BoardKey.load_or_create(tmp_path / "board.key")
    store = _board(database_url, key)
    try:
        with store.engine.begin() as conn:
            conn.execute(update(entries).where(entries.c.seq == 3).values(data=b'{"n":33}'))
        with pytest.raises(BoardIntegrityError, match=r"^election 'e': stored entry 3 is not"):
            check_election(ElectionLog(store, key, "e"))
    finally:
        store.close()


def test_a_leaf_hash_altered_in_the_database_is_refused(database_url: str, tmp_path: Path) -> None:
    key = BoardKey.load_or_create(tmp_path / "board.key")
    store = _board(database_url, key)
    try:
        with store.engine.begin() as conn:
            conn.execute(update(entries).where(entries.c.seq == 1).values(leaf_hash=b"\0" * 32))
        with pytest.raises(BoardIntegrityError, match=r"the Merkle root of its 5 stored entries"):
            check_election(ElectionLog(store, key, "e"))
    finally:
        store.close()


def test_a_lost_last_entry_is_refused(database_url: str, tmp_path: Path) -> None:
    key = BoardKey.load_or_create(tmp_path / "board.key")
    store = _board(database_url, key)
    try:
        with store.engine.begin() as conn:
            conn.execute(delete(entries).where(entries.c.seq == 4))
        with pytest.raises(BoardIntegrityError, match=r"4 entries stored, but its latest signed"):
            check_election(ElectionLog(store, key, "e"))
    finally:
        store.close()


def test_a_forged_head_is_refused(database_url: str, tmp_path: Path) -> None:
    key = BoardKey.load_or_create(tmp_path / "board.key")
    store = _board(database_url, key)
    try:
        with store.engine.begin() as conn:
            conn.execute(update(tree_heads).where(tree_heads.c.size == 5).values(root=b"\1" * 32))
        with pytest.raises(BoardIntegrityError, match=r"tree head \(size 5\) is not signed by"):
            check_election(ElectionLog(store, key, "e"))
    finally:
        store.close()


def test_heads_signed_by_another_key_are_refused(database_url: str, tmp_path: Path) -> None:
    store = _board(database_url, BoardKey.load_or_create(tmp_path / "board.key"))
    other = BoardKey.load_or_create(tmp_path / "other.key")
    try:
        with pytest.raises(BoardIntegrityError) as raised:
            check_election(ElectionLog(store, other, "e"))
        assert str(raised.value).startswith(
            f"election 'e': its latest tree head (size 5) is not signed by the board key in use "
            f"({other.public.hex()[:16]}…): the key file was replaced or re-created"
        )
    finally:
        store.close()


def test_a_missing_key_is_an_error_once_a_head_was_signed(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "board.key"
    store = _board(database_url, BoardKey.load_or_create(path))
    path.unlink()
    try:
        with pytest.raises(BoardKeyError) as raised:
            open_board_key(path, store)
        assert str(raised.value) == (
            f"board key file {path} is missing, but the database holds 1 election(s) whose "
            "tree heads it signed ('e'): restore the key file from a backup; a new key would "
            "not verify them"
        )
        assert not path.exists()  # no new key left behind to be picked up next time
    finally:
        store.close()


def test_a_new_board_gets_a_new_key(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "board.key"
    store = BoardStore(database_url)
    try:
        store.create_election("empty", 1, {})  # created, never written: no head to orphan
        key = open_board_key(path, store)
        assert path.read_bytes() and open_board_key(path, store).public == key.public
    finally:
        store.close()
