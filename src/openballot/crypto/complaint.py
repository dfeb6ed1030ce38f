"""Step 3 of the key ceremony when a share is bad: a complaint anyone can judge.

The recipient of a share that does not decrypt, or does not match its sender's commitments,
reveals that share's Diffie–Hellman value with a Chaum–Pedersen proof. Anyone can then open
that one share (`share_encryption.open_share`) and decide who is lying; the accuser's
communication key and every other share stay secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from openballot.crypto.encoding import Encodable
from openballot.crypto.group import Element
from openballot.crypto.invariants import check_element, check_index, check_type, decode_index
from openballot.crypto.proofs import ChaumPedersenProof
from openballot.crypto.share_encryption import EncryptedShare, open_share
from openballot.crypto.trustee import (
    TrusteePublicKey,
    TrusteeSecret,
    check_share,
    key_of,
    keys_by_index,
    own_communication_key,
)
from openballot.errors import ProofError, ProtocolError
from openballot.jsonfields import construct, exact_obj

__all__ = [
    "TAG_COMPLAINT",
    "REASON_UNDECRYPTABLE",
    "REASON_MISMATCH",
    "Complaint",
    "make_complaint",
]

TAG_COMPLAINT: Final = "ceremony/complaint"

#: What `Complaint.verify` returns for a justified complaint.
REASON_UNDECRYPTABLE: Final = "share does not decrypt"
REASON_MISMATCH: Final = "share does not match the commitments"


@dataclass(frozen=True, slots=True)
class Complaint:
    """Trustee `accuser` (j) says the share sent by `accused` (i) is bad.

    It reveals Z = E^{sk_j} for that share's ephemeral E, with a Chaum–Pedersen proof that
    log_g P_j = log_E Z, bound to (context, j, i, the share's ciphertext). Anyone can then
    derive that one share's AEAD key and check it; sk_j and every other share stay secret.
    """

    accuser: int
    accused: int
    shared_secret: Element
    proof: ChaumPedersenProof

    def __post_init__(self) -> None:
        check_index(self.accuser, "accuser")
        check_index(self.accused, "accused")
        if self.accuser == self.accused:
            raise ValueError(f"trustee {self.accuser} cannot complain about itself")
        check_element(self.shared_secret, "shared_secret")
        check_type(self.proof, ChaumPedersenProof, "proof")

    def _what(self) -> str:
        return f"complaint by trustee {self.accuser} against trustee {self.accused}"

    def verify(
        self,
        share: EncryptedShare,
        public_keys: Sequence[TrusteePublicKey],
        context: Encodable,
    ) -> str:
        """Why the complaint is justified: `"share does not decrypt"` or
        `"share does not match the commitments"`.

        Raises ProtocolError if `share` is not the one complained about or the complaint is
        unfounded (the share decrypts and matches), and ProofError if the revealed Z is not
        proven (the complaint itself is then invalid).
        """
        what = self._what()
        if (share.sender, share.recipient) != (self.accused, self.accuser):
            raise ProtocolError(
                f"{what}: the share given is from trustee {share.sender} "
                f"to trustee {share.recipient}"
            )
        keys = keys_by_index(public_keys)
        accuser_key = key_of(keys, self.accuser).communication_key
        accused_key = key_of(keys, self.accused)
        try:
            self.proof.verify(
                TAG_COMPLAINT,
                _complaint_context(context, self.accuser, self.accused, share),
                accuser_key,
                share.ephemeral,
                self.shared_secret,
            )
        except ProofError as exc:
            raise ProofError(f"{what}: the revealed shared secret is not proven") from exc
        try:
            value = open_share(share, self.shared_secret, accuser_key, context)
        except ProtocolError:
            return REASON_UNDECRYPTABLE
        try:
            check_share(value, accused_key, self.accuser)
        except ProtocolError:
            return REASON_MISMATCH
        raise ProtocolError(f"{what} is unfounded: the share decrypts and matches the commitments")

    def to_json(self) -> dict[str, Any]:
        return {
            "accuser": self.accuser,
            "accused": self.accused,
            "shared_secret": self.shared_secret.hex(),
            "proof": self.proof.to_json(),
        }

    @classmethod
    def from_json(cls, obj: object) -> Complaint:
        d = exact_obj(obj, ("accuser", "accused", "shared_secret", "proof"), "complaint")
        accuser = decode_index(d["accuser"], "complaint: accuser")
        accused = decode_index(d["accused"], "complaint: accused")
        what = f"complaint by trustee {accuser} against trustee {accused}"
        z = Element.from_hex(d["shared_secret"], f"{what}: shared_secret")
        proof = ChaumPedersenProof.from_json(d["proof"], f"{what}: proof")
        return construct(what, lambda: cls(accuser, accused, z, proof))


def make_complaint(
    accuser_secret: TrusteeSecret,
    share: EncryptedShare,
    public_keys: Sequence[TrusteePublicKey],
    context: Encodable,
) -> Complaint:
    """A complaint by the recipient of `share` against its sender.

    Does not judge the share: an unfounded complaint can be made, and `Complaint.verify`
    rejects it.
    """
    j = accuser_secret.index
    if share.recipient != j:
        raise ProtocolError(
            f"trustee {j} cannot complain about a share addressed to trustee {share.recipient}"
        )
    own_communication_key(accuser_secret, public_keys)
    sk = accuser_secret.communication_secret
    proof = ChaumPedersenProof.prove(
        TAG_COMPLAINT, _complaint_context(context, j, share.sender, share), sk, share.ephemeral
    )
    return Complaint(j, share.sender, share.ephemeral**sk, proof)


def _complaint_context(
    context: Encodable, accuser: int, accused: int, share: EncryptedShare
) -> Encodable:
    return (context, accuser, accused, share.ciphertext)
