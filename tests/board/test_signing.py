"""The board's Ed25519 key: a private file of 32 bytes, made once and reloaded as it was."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from openballot.board.log import ElectionLog
from openballot.board.signing import BoardKey, BoardKeyError
from openballot.board.store import BoardStore


def test_the_key_file_is_created_private(tmp_path: Path):
    path = tmp_path / "new" / "folder" / "board.key"
    old = os.umask(0)  # even a permissive umask must not widen the key's mode
    try:
        key = BoardKey.load_or_create(path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_size == 32
    assert len(key.public) == 32


def test_the_key_is_reloaded_identical(tmp_path: Path):
    path = tmp_path / "board.key"
    first = BoardKey.load_or_create(path)
    raw = path.read_bytes()
    second = BoardKey.load_or_create(path)
    assert path.read_bytes() == raw  # not regenerated
    assert second.public == first.public
    message = b"tree head"
    Ed25519PublicKey.from_public_bytes(first.public).verify(second.sign(message), message)
    Ed25519PublicKey.from_public_bytes(second.public).verify(first.sign(message), message)
    with pytest.raises(InvalidSignature):
        Ed25519PublicKey.from_public_bytes(first.public).verify(second.sign(message), b"other")


def test_two_boards_have_different_keys(tmp_path: Path):
    assert (
        BoardKey.load_or_create(tmp_path / "a.key").public
        != BoardKey.load_or_create(tmp_path / "b.key").public
    )


@pytest.mark.parametrize("size", [0, 31, 33, 64])
def test_a_key_file_of_the_wrong_size_is_refused(tmp_path: Path, size: int):
    path = tmp_path / "board.key"
    path.write_bytes(b"\x01" * size)
    with pytest.raises(BoardKeyError) as raised:
        BoardKey.load_or_create(path)
    assert str(raised.value) == (
        f"board key file {path}: expected 32 bytes (a raw Ed25519 private key), found {size}"
    )
    assert path.read_bytes() == b"\x01" * size  # left alone, not replaced by a new key


def test_tree_heads_signed_before_and_after_a_restart_verify_with_one_key(
    database_url: str, tmp_path: Path
):
    path = tmp_path / "board.key"
    store = BoardStore(database_url)
    store.create_election("e", 1, {})
    log = ElectionLog(store, BoardKey.load_or_create(path), "e")
    before = log.append("note", b"before")
    store.close()

    store = BoardStore(database_url)
    try:
        key = BoardKey.load_or_create(path)
        after = ElectionLog(store, key, "e").append("note", b"after")
        for head in store.tree_heads("e"):
            head.verify(key.public)
        assert [before.tree_head.size, after.tree_head.size] == [1, 2]
    finally:
        store.close()


def test_a_key_path_that_is_a_folder_is_refused(tmp_path: Path):
    path = tmp_path / "board.key"
    path.mkdir()
    with pytest.raises(BoardKeyError, match=r"board.key: cannot read it \(Is a directory\)$"):
        BoardKey.load_or_create(path)


def test_a_dangling_key_link_is_refused_not_replaced(tmp_path: Path):
    path = tmp_path / "board.key"
    path.symlink_to(tmp_path / "elsewhere.key")
    with pytest.raises(BoardKeyError, match=r"cannot read it \(No such file or directory\)$"):
        BoardKey.load_or_create(path)
    assert not (tmp_path / "elsewhere.key").exists()


def test_a_key_that_cannot_be_created_is_refused(tmp_path: Path):
    (tmp_path / "file").write_text("")
    with pytest.raises(BoardKeyError, match=r"file/board.key: cannot create it \("):
        BoardKey.load_or_create(tmp_path / "file" / "board.key")
