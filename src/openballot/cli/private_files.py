"""Private files on a role's own machine: trustee secrets, key shares, voter codes, tokens.

They are created with mode 0600 and never part of the record or the board; a command refuses
to overwrite one that exists, and refuses a file made for another election. A private file
exists only once its step has succeeded (`private_file`): a failed step leaves no secret that
was never used, no codes that were never published, nothing that blocks the retry.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from openballot.errors import ProtocolError, RecordError
from openballot.jsonfields import obj
from openballot.record.files import fsync_directory, json_bytes, read_json
from openballot.record.layout import decoded

__all__ = ["refuse_existing", "private_file", "read_private", "token_files"]

T = TypeVar("T")


def refuse_existing(path: Path, what: str) -> None:
    if path.exists() or path.is_symlink():
        raise RecordError(f"{path}: refusing to overwrite an existing {what}")


@contextmanager
def private_file(path: Path, what: str, replace: bool = False) -> Iterator[Callable[[Any], None]]:
    """`with private_file(path, what) as keep: ...; keep(value); ...`: the value is written
    (mode 0600, synced) to a temporary file beside `path` at once, and takes `path`'s name
    only when the block ends without an error; otherwise it is deleted.

    The temporary file is made on entry, so a step whose file cannot be written fails before
    it posts anything (`board create` must not burn an election whose tokens it cannot keep).
    Without `replace`, an existing file is refused, before the step and again at the end."""
    if not replace:
        refuse_existing(path, what)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    kept: list[bool] = []

    def keep(value: Any) -> None:
        with open(tmp, "wb") as f:
            f.write(json_bytes(value))
            f.flush()
            os.fsync(f.fileno())
        kept.append(True)

    try:
        os.close(fd)
        yield keep
        if not kept:
            raise RecordError(f"{path}: nothing was written to the {what}")
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # unlike a rename, never replaces a file made meanwhile
            except FileExistsError:
                raise RecordError(f"{path}: refusing to overwrite an existing {what}") from None
        fsync_directory(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def read_private(path: Path, election: str, what: str, decode: Callable[[Any], T]) -> T:
    """A private file made for `election` (its `election` field, where it has one)."""
    value = dict(obj(read_json(path), str(path)))
    if value.pop("election", election) != election:
        raise ProtocolError(f"{path}: {what} of another election")
    return decoded(path, value, decode)


# A role's name as a file name: what the board names its roles (trustee-1, credential-authority).
_ROLE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@contextmanager
def token_files(
    directory: Path, roles: Sequence[str]
) -> Iterator[Callable[[Mapping[str, str]], None]]:
    """`with token_files(dir, expected_roles) as keep: ...; keep(tokens)`: one file per role,
    `DIR/ROLE.token` (mode 0600) holding its bearer token, as `--token-file` reads it.

    Like `private_file`: the files are written at once into a private folder inside `directory`
    (made on entry, so an unwritable place fails the step before it posts anything), and take
    their names when the block ends without an error. An existing `ROLE.token` of an expected
    role is refused on entry; one made meanwhile, or a role name that is not a file name,
    leaves every token in the private folder, named in the error: the board shows tokens once,
    so they are never thrown away once they exist."""
    for role in roles:
        refuse_existing(directory / f"{role}.token", "token file")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=".tokens-"))
    kept: dict[str, str] = {}

    def keep(tokens: Mapping[str, str]) -> None:
        kept.update(tokens)
        bad = sorted(r for r in tokens if not _ROLE.fullmatch(r))
        if bad:
            _write_private(staging / "tokens.json", json_bytes({"tokens": dict(tokens)}))
            raise RecordError(
                f"the board named a role {bad[0]!r}, which is not a file name; every token "
                f"is kept in {staging / 'tokens.json'}"
            )
        for role, token in tokens.items():
            _write_private(staging / f"{role}.token", f"{token}\n".encode())

    try:
        yield keep
        if not kept:
            raise RecordError(f"{directory}: no token was written")
    except BaseException:
        if not kept:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    for role in sorted(kept):
        try:
            os.link(staging / f"{role}.token", directory / f"{role}.token")
        except FileExistsError:
            raise RecordError(
                f"{directory / f'{role}.token'}: refusing to overwrite an existing token file; "
                f"every token is kept in {staging}"
            ) from None
    fsync_directory(directory)
    shutil.rmtree(staging)


def _write_private(path: Path, data: bytes) -> None:
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
