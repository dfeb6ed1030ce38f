"""A voter's receipt: the board's signed promise that a ballot is in its log (protocol.md 17.6).

(tracker, leaf index, the leaf itself, a signed tree head, an RFC 9162 inclusion proof.) The
board builds one for every cast and audit; the voter's device (booth or command line) checks
it against the board key, the election and the ballot it made; the verifier checks the receipts
voters kept against an exported log. All three use this class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openballot.errors import DecodeError, ProofError
from openballot.jsonfields import get, get_list, get_str, hex_bytes, obj
from openballot.record.ballot_log import AuditEntry, CastEntry, parse_unverified_entry
from openballot.record.merkle import leaf_hash, verify_inclusion
from openballot.record.tree_head import SignedTreeHead

__all__ = ["Receipt"]

_KINDS = {"cast": CastEntry, "audit": AuditEntry}


@dataclass(frozen=True, slots=True)
class Receipt:
    """`entry` is the leaf's exact bytes (a compact ballot-log line); `where` names the receipt
    in messages (the file a voter kept it in) and is not part of its value."""

    tracker: bytes
    index: int
    entry: bytes
    tree_head: SignedTreeHead
    inclusion_proof: tuple[bytes, ...]
    where: str = field(default="receipt", compare=False)

    def to_json(self) -> dict[str, Any]:
        """The board's answer to a cast or an audit, without the answer's `already_cast`."""
        return {
            "tracker": self.tracker.hex(),
            "index": self.index,
            "entry": self.entry.decode(),
            "tree_head": self.tree_head.to_json(),
            "inclusion_proof": [h.hex() for h in self.inclusion_proof],
        }

    @classmethod
    def from_json(cls, value: Any, where: str = "receipt") -> Receipt:
        """Parse an unverified receipt. Every field is checked for form, and the entry must be
        a ballot-log line whose ballot has the receipt's tracker. Other fields (the answer's
        `already_cast`) are ignored, as record.md says."""
        o = obj(value, where)
        tracker = hex_bytes(get(o, "tracker", where), 32, f"{where}.tracker")
        index = o.get("index")
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise DecodeError(f"{where}.index: expected a leaf index")
        entry = get_str(o, "entry", where).encode()
        tree_head = SignedTreeHead.from_json(get(o, "tree_head", where), f"{where}.tree_head")
        proof = tuple(
            hex_bytes(h, 32, f"{where}.inclusion_proof[{i}]")
            for i, h in enumerate(get_list(o, "inclusion_proof", where))
        )
        try:
            ballot = parse_unverified_entry(entry, f"{where}.entry").ballot
        except DecodeError as exc:
            raise DecodeError(f"{where}.entry: not a ballot entry ({exc})") from None
        if ballot.tracker() != tracker:
            raise DecodeError(f"{where}: the entry is not the ballot with this tracker")
        return cls(tracker, index, entry, tree_head, proof, where)

    @classmethod
    def from_kept(cls, value: Any, where: str = "receipt") -> Receipt:
        """A receipt as a voter kept it: the board's answer, or the booth's download, which
        holds that answer under `receipt` next to the election and the time."""
        o = obj(value, where)
        if "receipt" in o and "tracker" not in o:
            return cls.from_json(o["receipt"], f"{where}.receipt")
        return cls.from_json(o, where)

    def verify_signed(self, board_key: bytes) -> None:
        """The tree head is signed by `board_key` and the entry is leaf `index` of it."""
        head = self.tree_head
        head.verify(board_key)
        verify_inclusion(
            leaf_hash(self.entry), self.index, head.size, list(self.inclusion_proof), head.root
        )

    def verify(
        self, board_key: bytes, election_id: str, tracker: bytes, kind: str | None = None
    ) -> None:
        """What a voter's device checks (protocol.md 17.6): the receipt is for the ballot it
        made (and, given `kind`, logged as a "cast" or an "audit"), for this election, and
        signed by the board with the ballot in the signed tree."""
        if self.tracker != tracker:
            raise ProofError(
                f"{self.where}: is for ballot {self.tracker.hex()[:16]}…, not {tracker.hex()[:16]}…"
            )
        if kind is not None:
            logged = parse_unverified_entry(self.entry, f"{self.where}.entry")
            if not isinstance(logged, _KINDS[kind]):
                raise ProofError(f"{self.where}: the board logged the ballot, but not as {kind!r}")
        if self.tree_head.election_id != election_id:
            raise ProofError(
                f"{self.where}: its tree head is for election {self.tree_head.election_id!r}, "
                f"not {election_id!r}"
            )
        self.verify_signed(board_key)
