"""Every kind of leaf of the board log (protocol.md 17.1), and the one registry of them.

A kind says its `type` tag, the fields of its leaf in the order the board writes them, how
to decode it strictly, where it goes in the record (`Place`) and which JSON files it fills
(`files`). The board builds its leaves from these types, replays them at start-up through
`parse_leaf`, and the record's files are derived from them both when a board is exported
and when the verifier compares an exported record with its board log.

Ballot leaves hold decoded ballots (`record.ballot_log`); every other kind holds its
message as the JSON value its record file holds, so that comparing a file with its leaf
needs no decoding and a bad message is reported by the check of that file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, get_args

from openballot.errors import DecodeError
from openballot.jsonfields import get_str, loads, obj
from openballot.record.ballot_log import AuditEntry, CastEntry
from openballot.record.layout import RecordLayout
from openballot.record.leaf import Leaf, Place, RecordFile

__all__ = [
    "ManifestEntry",
    "KeyCommitmentEntry",
    "TrusteeKeyEntry",
    "SharesEntry",
    "CeremonyOkEntry",
    "ComplaintsEntry",
    "CredentialsEntry",
    "ElectionEntry",
    "TallyEntry",
    "DecryptionEntry",
    "ResultEntry",
    "BoardEntry",
    "LeafRead",
    "LEAF_KINDS",
    "FIXED_TAGS",
    "BALLOT_TAGS",
    "leaf_kind",
    "read_unverified_leaf",
    "read_leaf",
    "parse_leaf",
]


@dataclass(frozen=True, slots=True)
class ManifestEntry(Leaf):
    """The election is created: always leaf 0."""

    TAG: ClassVar[str] = "manifest"
    PLACE: ClassVar[Place] = Place.FILES
    NUMBERS: ClassVar[tuple[str, ...]] = ("trustees", "threshold")

    manifest: Any
    trustees: int
    threshold: int

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        parameters = {"trustees": self.trustees, "threshold": self.threshold}
        return RecordFile(layout.manifest, self.manifest), RecordFile(layout.parameters, parameters)


@dataclass(frozen=True, slots=True)
class KeyCommitmentEntry(Leaf):
    """A trustee's commitment to its public key, before any key is revealed (protocol.md 10.8)."""

    TAG: ClassVar[str] = "trustee-key-commitment"
    PLACE: ClassVar[Place] = Place.FILES
    NUMBERS: ClassVar[tuple[str, ...]] = ("commitment.index",)

    commitment: Any

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        return (RecordFile(layout.key_commitment(self.commitment["index"]), self.commitment),)


@dataclass(frozen=True, slots=True)
class TrusteeKeyEntry(Leaf):
    """A trustee's public key (protocol.md 10.2), revealed after all n commitments."""

    TAG: ClassVar[str] = "trustee-key"
    PLACE: ClassVar[Place] = Place.FILES
    NUMBERS: ClassVar[tuple[str, ...]] = ("key.index",)

    key: Any

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        return (RecordFile(layout.trustee_key(self.key["index"]), self.key),)


@dataclass(frozen=True, slots=True)
class SharesEntry(Leaf):
    """A trustee's encrypted shares, one to each other trustee (protocol.md 10.3)."""

    TAG: ClassVar[str] = "shares"
    PLACE: ClassVar[Place] = Place.FILES
    NUMBERS: ClassVar[tuple[str, ...]] = ("sender",)

    sender: int
    shares: Any
    signature: Any

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        value = {"shares": self.shares, "signature": self.signature}
        return (RecordFile(layout.shares(self.sender), value),)


@dataclass(frozen=True, slots=True)
class CeremonyOkEntry(Leaf):
    """Trustee `trustee` found every share it received good, signed by it (its verdict with
    no complaint, protocol.md 10.7); only the board has this."""

    TAG: ClassVar[str] = "ceremony-ok"
    PLACE: ClassVar[Place] = Place.BOARD
    NUMBERS: ClassVar[tuple[str, ...]] = ("trustee",)

    trustee: int
    signature: Any


@dataclass(frozen=True, slots=True)
class ComplaintsEntry(Leaf):
    """Trustee `accuser` found bad shares (protocol.md 10.5)."""

    TAG: ClassVar[str] = "complaints"
    PLACE: ClassVar[Place] = Place.FILES
    NUMBERS: ClassVar[tuple[str, ...]] = ("accuser",)

    accuser: int
    complaints: Any
    signature: Any

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        value = {"complaints": self.complaints, "signature": self.signature}
        return (RecordFile(layout.complaints(self.accuser), value),)


@dataclass(frozen=True, slots=True)
class CredentialsEntry(Leaf):
    """The public credential list (protocol.md 9.3)."""

    TAG: ClassVar[str] = "credentials"
    PLACE: ClassVar[Place] = Place.FILES

    credentials: Any

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        return (RecordFile(layout.credentials, self.credentials),)


@dataclass(frozen=True, slots=True)
class ElectionEntry(Leaf):
    """The election opens: the derived values of election.json."""

    TAG: ClassVar[str] = "election"
    PLACE: ClassVar[Place] = Place.FILES

    election: Any

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        return (RecordFile(layout.election, self.election),)


@dataclass(frozen=True, slots=True)
class TallyEntry(Leaf):
    """The election closes (protocol.md 14)."""

    TAG: ClassVar[str] = "tally"
    PLACE: ClassVar[Place] = Place.FILES

    tally: Any

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        return (RecordFile(layout.tally, self.tally),)


@dataclass(frozen=True, slots=True)
class DecryptionEntry(Leaf):
    """A trustee's decryption shares of the tally (protocol.md 15.1)."""

    TAG: ClassVar[str] = "decryption"
    PLACE: ClassVar[Place] = Place.FILES
    NUMBERS: ClassVar[tuple[str, ...]] = ("decryption.trustee",)

    decryption: Any

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        return (RecordFile(layout.decryption(self.decryption["trustee"]), self.decryption),)


@dataclass(frozen=True, slots=True)
class ResultEntry(Leaf):
    """The result, from the decryptions on the board (protocol.md 15.2, 15.3)."""

    TAG: ClassVar[str] = "result"
    PLACE: ClassVar[Place] = Place.FILES

    result: Any

    def files(self, layout: RecordLayout) -> tuple[RecordFile, ...]:
        return (RecordFile(layout.result, self.result),)


#: A leaf of the board log: one of these kinds, in the order of protocol.md 17.1.
BoardEntry = (
    ManifestEntry
    | KeyCommitmentEntry
    | TrusteeKeyEntry
    | SharesEntry
    | CeremonyOkEntry
    | ComplaintsEntry
    | CredentialsEntry
    | ElectionEntry
    | CastEntry
    | AuditEntry
    | TallyEntry
    | DecryptionEntry
    | ResultEntry
)

#: A leaf as read from a log: decoded, or only its kind for a ballot leaf, whose costly
#: decoding is left to whoever checks the ballot (`read_leaf`).
LeafRead = BoardEntry | type[CastEntry] | type[AuditEntry]

#: The registry: every kind of leaf, taken from `BoardEntry` so that the two cannot differ.
LEAF_KINDS: tuple[type[BoardEntry], ...] = get_args(BoardEntry)
_BY_TAG: dict[str, type[BoardEntry]] = {kind.TAG: kind for kind in LEAF_KINDS}
if len(_BY_TAG) != len(LEAF_KINDS):  # pragma: no cover - a programming error
    raise ImportError("two kinds of board leaf share one type tag")

#: Tags of the leaves the board replays when it starts (all but the ballots).
FIXED_TAGS: tuple[str, ...] = tuple(k.TAG for k in LEAF_KINDS if k.PLACE.fixed)
#: Tags of the leaves that are lines of ballots.jsonl.
BALLOT_TAGS: tuple[str, ...] = tuple(k.TAG for k in LEAF_KINDS if k.PLACE is Place.BALLOT)


def leaf_kind(tag: str, where: str) -> type[BoardEntry]:
    kind = _BY_TAG.get(tag)
    if kind is None:
        raise DecodeError(f"{where}.type: unknown board entry type {tag!r}")
    return kind


def read_unverified_leaf(data: bytes, where: str) -> tuple[type[BoardEntry], dict[str, Any]]:
    """A leaf's kind and its parsed JSON object, its fields not decoded yet: a ballot's
    costly decoding is left to whoever needs the ballot."""
    o = obj(loads(data, where), where)
    return leaf_kind(get_str(o, "type", where), where), o


def read_leaf(data: bytes, where: str) -> LeafRead:
    """A leaf decoded strictly, or a ballot leaf's kind: its fields are not decoded here."""
    kind, o = read_unverified_leaf(data, where)
    if issubclass(kind, CastEntry | AuditEntry):
        return kind
    return kind.decode(o, where)


def parse_leaf(data: bytes, where: str) -> BoardEntry:
    """Decode a leaf strictly (a field missing or unknown is refused); nothing is verified."""
    kind, o = read_unverified_leaf(data, where)
    return kind.decode(o, where)
