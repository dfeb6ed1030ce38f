"""The board's Ed25519 signing key, kept in a private file (mode 0600) beside its database."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from openballot.errors import OpenBallotError

__all__ = ["BoardKey", "BoardKeyError"]

#: A raw Ed25519 private key (its seed), as `private_bytes_raw` writes it.
KEY_BYTES = 32


class BoardKeyError(OpenBallotError):
    """The board's key file does not hold a key: it is left alone, never replaced, since a new
    key would not verify the tree heads signed so far."""


class BoardKey:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @classmethod
    def load(cls, path: Path) -> BoardKey:
        """The key in `path`; anything else than 32 readable bytes is a BoardKeyError."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise BoardKeyError(f"board key file {path}: cannot read it ({exc.strerror})") from None
        if len(raw) != KEY_BYTES:
            raise BoardKeyError(
                f"board key file {path}: expected {KEY_BYTES} bytes (a raw Ed25519 private "
                f"key), found {len(raw)}"
            )
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    @classmethod
    def create(cls, path: Path) -> BoardKey:
        """A new key, written to `path` (which must not exist) with mode 0600."""
        key = Ed25519PrivateKey.generate()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise BoardKeyError(
                f"board key file {path}: cannot create it ({exc.strerror})"
            ) from None
        with os.fdopen(fd, "wb") as f:
            f.write(key.private_bytes_raw())
            f.flush()
            os.fsync(f.fileno())
        return cls(key)

    @classmethod
    def load_or_create(cls, path: Path) -> BoardKey:
        """For a board known to be new: the server checks first that no election needs the
        old key (board/integrity.py `open_board_key`)."""
        # is_symlink: a dangling link is a key file that cannot be read, not a missing one.
        return cls.load(path) if path.exists() or path.is_symlink() else cls.create(path)

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)
