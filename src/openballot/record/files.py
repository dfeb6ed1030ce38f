"""Reading and writing record files: atomic JSON, durable appends, errors that name the file."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from openballot.errors import DecodeError, RecordError
from openballot.jsonfields import loads

__all__ = [
    "read_json",
    "write_json",
    "append_line",
    "iter_lines",
    "json_bytes",
    "open_regular",
    "fsync_directory",
]


def json_bytes(value: Any, pretty: bool = True) -> bytes:
    if pretty:
        return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading, refused unless it is a regular file: a FIFO or a device
    in a record's place would block a reader for ever or feed it endless bytes, and a
    directory is a mistake to name. The open itself never blocks (O_NONBLOCK)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise RecordError(f"{path}: file is missing") from None
    except OSError as exc:
        raise RecordError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RecordError(f"{path}: not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_json(path: Path) -> Any:
    with open_regular(path) as f:
        try:
            data = f.read()
        except OSError as exc:
            raise RecordError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return loads(data, str(path))
    except DecodeError as exc:
        raise RecordError(str(exc)) from None


def write_json(path: Path, value: Any, private: bool = False) -> None:
    """Write whole or not at all: a crash leaves the old file or the new one, never half.
    Private files (trustee and voter secrets) are created with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates a fresh file exclusively with mode 0600: nothing planted at a
    # predictable name can receive a secret.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o644 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(json_bytes(value))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_directory(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def fsync_directory(directory: Path) -> None:
    """Make a rename durable: the new directory entry must reach the disk too."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_line(path: Path, line: bytes) -> int:
    """Append one line durably under an exclusive lock; returns its 1-based line number."""
    if b"\n" in line:
        raise ValueError("a record line cannot contain a newline")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise RecordError(f"{path}: not a regular file")
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            f.seek(0)
            count = 0
            last = b"\n"
            for raw in f:
                count += 1
                last = raw[-1:]
            if count and last != b"\n":
                raise RecordError(f"{path}: line {count} is truncated (no newline at the end)")
            f.write(line + b"\n")
            f.flush()
            os.fsync(f.fileno())
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    return count + 1


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, line without its newline), streaming. A last line without a newline
    means the file was cut short, which is reported rather than read as a whole line."""
    with open_regular(path) as f:
        for number, raw in enumerate(f, start=1):
            if not raw.endswith(b"\n"):
                raise RecordError(f"{path}: line {number} is truncated (no newline at the end)")
            yield number, raw[:-1]
