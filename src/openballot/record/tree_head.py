"""Signed tree heads of the bulletin board (RFC 9162 style, Ed25519 signatures).

The board signs, for one election's log, its size, its Merkle root and the time:
message = H("board/tree-head", election id, size, root, timestamp in ms) (64 bytes, see
docs/protocol.md), signed with the board's Ed25519 key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from openballot.crypto.encoding import digest
from openballot.errors import ProofError
from openballot.jsonfields import get, get_int, get_str, hex_bytes, obj, only_keys

__all__ = ["TREE_HEAD_TAG", "SignedTreeHead"]

TREE_HEAD_TAG = "board/tree-head"


@dataclass(frozen=True, slots=True)
class SignedTreeHead:
    election_id: str
    size: int
    root: bytes
    timestamp_ms: int
    signature: bytes

    @staticmethod
    def message_for(election_id: str, size: int, root: bytes, timestamp_ms: int) -> bytes:
        return digest(TREE_HEAD_TAG, election_id, size, root, timestamp_ms)

    def message(self) -> bytes:
        return self.message_for(self.election_id, self.size, self.root, self.timestamp_ms)

    def verify(self, board_key: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(board_key).verify(self.signature, self.message())
        except (InvalidSignature, ValueError):
            raise ProofError(
                f"tree head of size {self.size}: the board's signature does not verify"
            ) from None

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election_id,
            "size": self.size,
            "root": self.root.hex(),
            "timestamp": self.timestamp_ms,
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json(cls, value: Any, where: str = "tree head") -> SignedTreeHead:
        o = obj(value, where)
        only_keys(o, {"election", "size", "root", "timestamp", "signature"}, where)
        return cls(
            get_str(o, "election", where),
            get_int(o, "size", where),
            hex_bytes(get(o, "root", where), 32, f"{where}.root"),
            get_int(o, "timestamp", where),
            hex_bytes(get(o, "signature", where), 64, f"{where}.signature"),
        )
