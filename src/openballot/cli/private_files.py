"""Private files on a role's own machine: trustee secrets, key shares, voter codes, tokens.

They are created with mode 0600 and never part of the record or the board; a command refuses
to overwrite one that exists, and refuses a file made for another election.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from openballot.errors import ProtocolError, RecordError
from openballot.jsonfields import obj
from openballot.record.files import read_json, write_json
from openballot.record.layout import decoded

__all__ = ["refuse_existing", "write_private", "read_private"]

T = TypeVar("T")


def refuse_existing(path: Path, what: str) -> None:
    if path.exists():
        raise RecordError(f"{path}: refusing to overwrite an existing {what}")


def write_private(path: Path, value: Any) -> None:
    write_json(path, value, private=True)


def read_private(path: Path, election: str, what: str, decode: Callable[[Any], T]) -> T:
    """A private file made for `election` (its `election` field, where it has one)."""
    value = dict(obj(read_json(path), str(path)))
    if value.pop("election", election) != election:
        raise ProtocolError(f"{path}: {what} of another election")
    return decoded(path, value, decode)
