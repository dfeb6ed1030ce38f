"""Lines of ballots.jsonl: each a cast ballot or an audited (challenged) one, in board order.

A line is the compact JSON of the entry; its exact bytes (without the newline) are a leaf of
the ballot log's Merkle tree, so any edit to any line changes the log root.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

from openballot.election.acceptance import BallotKind
from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.errors import DecodeError
from openballot.jsonfields import get, get_str, loads, obj
from openballot.record.leaf import Leaf, Place

__all__ = ["CastEntry", "AuditEntry", "Entry", "entry_line", "parse_unverified_entry"]


@dataclass(frozen=True, slots=True)
class CastEntry(Leaf):
    kind: ClassVar[BallotKind] = BallotKind.CAST
    TAG: ClassVar[str] = "cast"
    PLACE: ClassVar[Place] = Place.BALLOT

    ballot: EncryptedBallot

    def to_json(self) -> dict[str, Any]:
        return {"type": self.TAG, "ballot": self.ballot.to_json()}

    @classmethod
    def from_fields(cls, o: dict[str, Any], where: str) -> Self:
        return cls(EncryptedBallot.from_json(get(o, "ballot", where), f"{where}.ballot"))


@dataclass(frozen=True, slots=True)
class AuditEntry(Leaf):
    """A challenged ballot: opened, checked, published, and never counted."""

    kind: ClassVar[BallotKind] = BallotKind.AUDIT
    TAG: ClassVar[str] = "audit"
    PLACE: ClassVar[Place] = Place.BALLOT

    ballot: EncryptedBallot
    opening: BallotOpening

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.TAG,
            "ballot": self.ballot.to_json(),
            "opening": self.opening.to_json(),
        }

    @classmethod
    def from_fields(cls, o: dict[str, Any], where: str) -> Self:
        return cls(
            EncryptedBallot.from_json(get(o, "ballot", where), f"{where}.ballot"),
            BallotOpening.from_json(get(o, "opening", where), f"{where}.opening"),
        )


Entry = CastEntry | AuditEntry
_KINDS: dict[str, type[Entry]] = {k.TAG: k for k in (CastEntry, AuditEntry)}


def entry_line(entry: Entry) -> bytes:
    return entry.leaf()


def parse_unverified_entry(line: bytes, where: str) -> Entry:
    """Decode one line; proofs and signatures are not checked here."""
    o = obj(loads(line, where), where)
    kind = get_str(o, "type", where)
    if kind not in _KINDS:
        raise DecodeError(f"{where}.type: expected 'cast' or 'audit', got {kind!r}")
    return _KINDS[kind].decode(o, where)
