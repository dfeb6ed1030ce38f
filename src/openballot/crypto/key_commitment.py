"""Step 0 of the key ceremony: a trustee commits to its public key before anyone reveals one.

Without it, the last trustee to publish could choose its key after seeing the others' and
bias the joint key (Gennaro, Jarecki, Krawczyk and Rabin, "Secure distributed key generation
for discrete-log based cryptosystems"). Each trustee first publishes
c_i = H("ceremony/key-commitment", C, i, key_i) over every value of its public key message;
a key is accepted only once all n commitments are in, and only if it matches its own.
See docs/decisions.md for what this stops and what it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from openballot.crypto.encoding import Encodable, digest
from openballot.crypto.invariants import check_index, decode_index
from openballot.crypto.trustee import TrusteePublicKey
from openballot.errors import ProtocolError
from openballot.jsonfields import construct, exact_obj, hex_bytes

__all__ = ["TAG_KEY_COMMITMENT", "KeyCommitment", "key_values"]

TAG_KEY_COMMITMENT: Final = "ceremony/key-commitment"
_DIGEST_BYTES: Final = 64


def key_values(key: TrusteePublicKey) -> Encodable:
    """Every value of a trustee public key message, in its JSON order (protocol.md 10.8)."""
    return [
        key.index,
        key.name,
        key.communication_key,
        [key.communication_proof.challenge, key.communication_proof.response],
        key.signing_key,
        [key.signing_proof.challenge, key.signing_proof.response],
        list(key.commitments),
        [[p.challenge, p.response] for p in key.coefficient_proofs],
    ]


@dataclass(frozen=True, slots=True)
class KeyCommitment:
    """Trustee `index`'s commitment to its public key: a 64-byte digest."""

    index: int
    commitment: bytes

    def __post_init__(self) -> None:
        check_index(self.index, "index")
        if not isinstance(self.commitment, bytes):
            raise TypeError("commitment must be bytes")
        if len(self.commitment) != _DIGEST_BYTES:
            raise ValueError(
                f"commitment: expected {_DIGEST_BYTES} bytes, got {len(self.commitment)}"
            )

    @classmethod
    def of(cls, key: TrusteePublicKey, context: Encodable) -> KeyCommitment:
        return cls(key.index, digest(TAG_KEY_COMMITMENT, context, key.index, key_values(key)))

    def check(self, key: TrusteePublicKey, context: Encodable) -> None:
        """ProtocolError unless `key` is the one this commitment was made to."""
        if key.index != self.index:
            raise ProtocolError(
                f"the key is trustee {key.index}'s, the commitment trustee {self.index}'s"
            )
        if KeyCommitment.of(key, context).commitment != self.commitment:
            raise ProtocolError(
                f"trustee {self.index}: the revealed key does not match its commitment"
            )

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "commitment": self.commitment.hex()}

    @classmethod
    def from_json(cls, obj: object) -> KeyCommitment:
        d = exact_obj(obj, ("index", "commitment"), "key commitment")
        index = decode_index(d["index"], "key commitment: index")
        what = f"key commitment of trustee {index}"
        value = hex_bytes(d["commitment"], _DIGEST_BYTES, f"{what}: commitment")
        return construct(what, lambda: cls(index, value))
