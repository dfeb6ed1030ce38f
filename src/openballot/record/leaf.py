"""What every leaf of the board log is (protocol.md 17.1): a frozen value with a type tag,
one byte encoding, and a place in the election record.

Each kind of leaf is a subclass (the ballots' in `record.ballot_log`, the others in
`record.board_entries`, which also holds the registry of them all).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar, Self

from openballot.errors import DecodeError
from openballot.jsonfields import get, get_int, get_obj, only_keys
from openballot.record.files import json_bytes, read_json, write_json
from openballot.record.layout import RecordLayout

__all__ = ["Place", "RecordFile", "Leaf"]


class Place(Enum):
    """Where a leaf's message lives in the record."""

    FILES = "files"  # JSON files of the record of its own (manifest.json, tally.json, …)
    BALLOT = "ballot"  # the next line of ballots.jsonl, byte for byte
    BOARD = "board"  # nowhere: it exists only on the board

    @property
    def fixed(self) -> bool:
        """Replayed when the board starts: every leaf but the ballots, which are many and
        change nothing the board keeps in memory."""
        return self is not Place.BALLOT


@dataclass(frozen=True, slots=True)
class RecordFile:
    """One JSON file of the record as a leaf fills it; files are compared as JSON values,
    so spacing and key order do not matter."""

    path: Path
    value: Any

    def write(self) -> None:
        write_json(self.path, self.value)

    def read(self) -> Any:
        return read_json(self.path)


@dataclass(frozen=True, slots=True)
class Leaf:
    """A kind of leaf: its fields are the leaf's JSON fields after `type`, in the order the
    board writes them. The generic codec below fits kinds whose fields are JSON values;
    kinds holding protocol objects override `to_json` and `from_fields`."""

    TAG: ClassVar[str]
    PLACE: ClassVar[Place]
    #: Fields that name a trustee or count trustees, integers from 1 ("key.index" is field
    #: `index` of the object in field `key`): what names a record file must be one.
    NUMBERS: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        if not self.NUMBERS:
            return
        value = self.to_json()
        for path in self.NUMBERS:
            *outer, last = path.split(".")
            o, where = value, self.TAG
            for name in outer:
                o, where = get_obj(o, name, where), f"{where}.{name}"
            get_int(o, last, where, 1)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.TAG, **{f.name: getattr(self, f.name) for f in fields(self)}}

    def leaf(self) -> bytes:
        """The leaf's bytes: what the board hashes and stores, never re-serialised."""
        return json_bytes(self.to_json(), pretty=False)

    @classmethod
    def decode(cls, o: dict[str, Any], where: str) -> Self:
        """A leaf from its parsed JSON object, strictly: a field missing or unknown is refused.
        Nothing is verified here beyond the form."""
        if o.get("type") != cls.TAG:
            raise DecodeError(f"{where}.type: expected {cls.TAG!r}, got {o.get('type')!r}")
        only_keys(o, {"type", *(f.name for f in fields(cls))}, where)
        return cls.from_fields(o, where)

    @classmethod
    def from_fields(cls, o: dict[str, Any], where: str) -> Self:
        values = {f.name: get(o, f.name, where) for f in fields(cls)}
        try:
            return cls(**values)
        except DecodeError as exc:  # a bad number, named by the leaf's type
            raise DecodeError(f"{where}: {exc}") from None

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        """The JSON files of the record this leaf fills (none for ballots and board-only
        leaves)."""
        return ()
