"""Lines of ballots.jsonl: each a cast ballot or an audited (challenged) one, in board order.

A line is the compact JSON of the entry; its exact bytes (without the newline) are a leaf of
the ballot log's Merkle tree, so any edit to any line changes the log root.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from openballot.election.acceptance import BallotKind
from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.errors import DecodeError
from openballot.jsonfields import get, get_str, loads, obj, only_keys
from openballot.record.files import json_bytes

__all__ = ["CastEntry", "AuditEntry", "Entry", "entry_line", "parse_unverified_entry"]


@dataclass(frozen=True, slots=True)
class CastEntry:
    kind: ClassVar[BallotKind] = BallotKind.CAST
    ballot: EncryptedBallot


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A challenged ballot: opened, checked, published, and never counted."""

    kind: ClassVar[BallotKind] = BallotKind.AUDIT
    ballot: EncryptedBallot
    opening: BallotOpening


Entry = CastEntry | AuditEntry


def entry_line(entry: Entry) -> bytes:
    value: dict[str, Any]
    if isinstance(entry, CastEntry):
        value = {"type": "cast", "ballot": entry.ballot.to_json()}
    else:
        value = {
            "type": "audit",
            "ballot": entry.ballot.to_json(),
            "opening": entry.opening.to_json(),
        }
    return json_bytes(value, pretty=False)


def parse_unverified_entry(line: bytes, where: str) -> Entry:
    """Decode one line; proofs and signatures are not checked here."""
    value = loads(line, where)
    o = obj(value, where)
    kind = get_str(o, "type", where)
    if kind == "cast":
        only_keys(o, {"type", "ballot"}, where)
        return CastEntry(EncryptedBallot.from_json(get(o, "ballot", where), f"{where}.ballot"))
    if kind == "audit":
        only_keys(o, {"type", "ballot", "opening"}, where)
        return AuditEntry(
            EncryptedBallot.from_json(get(o, "ballot", where), f"{where}.ballot"),
            BallotOpening.from_json(get(o, "opening", where), f"{where}.opening"),
        )
    raise DecodeError(f"{where}.type: expected 'cast' or 'audit', got {kind!r}")
