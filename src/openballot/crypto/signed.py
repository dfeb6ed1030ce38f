"""A trustee's signed messages: its shares (step 2) and its verdict on the shares it received
(step 3: all good, or complaints).

Each is signed with the trustee's signing key S_i (`TrusteePublicKey.signing_key`) by a
Schnorr signature (protocol.md 6.1) whose context holds every field of the message, so that
a record made without a board binds every byte of it to its trustee: an encrypted share is
otherwise checked by nobody but its recipient. The decryption's signature is in
`openballot.election.decryption`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from openballot.crypto.complaint import Complaint
from openballot.crypto.encoding import Encodable
from openballot.crypto.invariants import check_index, check_type
from openballot.crypto.proofs import SchnorrProof
from openballot.crypto.share_encryption import EncryptedShare
from openballot.crypto.trustee import TrusteePublicKey, TrusteeSecret, key_of, keys_by_index
from openballot.errors import ProofError
from openballot.jsonfields import construct, exact_obj, get_list

__all__ = ["TAG_SHARES", "TAG_VERDICT", "SharesMessage", "Verdict", "verify_signature"]

TAG_SHARES: Final = "ceremony/shares"
TAG_VERDICT: Final = "ceremony/verdict"


def verify_signature(
    signature: SchnorrProof,
    tag: str,
    statement: Encodable,
    public_keys: Sequence[TrusteePublicKey],
    signer: int,
    what: str,
) -> None:
    """ProofError naming `what` unless `signature` is trustee `signer`'s on `statement`."""
    key = key_of(keys_by_index(public_keys), signer).signing_key
    try:
        signature.verify(tag, statement, key)
    except ProofError:
        raise ProofError(f"{what}: the signature of trustee {signer} does not verify") from None


@dataclass(frozen=True, slots=True)
class SharesMessage:
    """Trustee `sender`'s encrypted shares, in the order it sent them, and its signature."""

    sender: int
    shares: tuple[EncryptedShare, ...]
    signature: SchnorrProof

    def __post_init__(self) -> None:
        check_index(self.sender, "sender")
        if not isinstance(self.shares, tuple):
            raise TypeError("shares must be a tuple")
        for k, s in enumerate(self.shares):
            check_type(s, EncryptedShare, f"shares[{k}]")
        check_type(self.signature, SchnorrProof, "signature")

    @staticmethod
    def statement(context: Encodable, sender: int, shares: Sequence[EncryptedShare]) -> Encodable:
        """(C, i, [[sender, recipient, E, ct] for each share]): every field of the file."""
        return (
            context,
            sender,
            [[s.sender, s.recipient, s.ephemeral, s.ciphertext] for s in shares],
        )

    @classmethod
    def sign(
        cls, secret: TrusteeSecret, shares: Sequence[EncryptedShare], context: Encodable
    ) -> SharesMessage:
        statement = cls.statement(context, secret.index, shares)
        signature = SchnorrProof.prove(TAG_SHARES, statement, secret.signing_secret)
        return cls(secret.index, tuple(shares), signature)

    def verify(self, public_keys: Sequence[TrusteePublicKey], context: Encodable) -> None:
        verify_signature(
            self.signature,
            TAG_SHARES,
            self.statement(context, self.sender, self.shares),
            public_keys,
            self.sender,
            f"shares of trustee {self.sender}",
        )

    def to_json(self) -> dict[str, Any]:
        """The record file's value (ceremony/shares-N.json); the sender is in its name."""
        return {"shares": [s.to_json() for s in self.shares], "signature": self.signature.to_json()}

    @classmethod
    def from_json(cls, obj: object, sender: int) -> SharesMessage:
        what = f"shares of trustee {sender}"
        d = exact_obj(obj, ("shares", "signature"), what)
        shares = tuple(EncryptedShare.from_json(s) for s in get_list(d, "shares", what))
        signature = SchnorrProof.from_json(d["signature"], f"{what}: signature")
        return construct(what, lambda: cls(sender, shares, signature))


@dataclass(frozen=True, slots=True)
class Verdict:
    """Trustee `trustee`'s verdict on the shares it received: no complaint means all good."""

    trustee: int
    complaints: tuple[Complaint, ...]
    signature: SchnorrProof

    def __post_init__(self) -> None:
        check_index(self.trustee, "trustee")
        if not isinstance(self.complaints, tuple):
            raise TypeError("complaints must be a tuple")
        for k, c in enumerate(self.complaints):
            check_type(c, Complaint, f"complaints[{k}]")
        check_type(self.signature, SchnorrProof, "signature")

    @staticmethod
    def statement(context: Encodable, trustee: int, complaints: Sequence[Complaint]) -> Encodable:
        """(C, j, [[accuser, accused, Z, c, v] for each complaint]); [] says all good."""
        return (
            context,
            trustee,
            [
                [c.accuser, c.accused, c.shared_secret, c.proof.challenge, c.proof.response]
                for c in complaints
            ],
        )

    @classmethod
    def sign(
        cls, secret: TrusteeSecret, complaints: Sequence[Complaint], context: Encodable
    ) -> Verdict:
        statement = cls.statement(context, secret.index, complaints)
        signature = SchnorrProof.prove(TAG_VERDICT, statement, secret.signing_secret)
        return cls(secret.index, tuple(complaints), signature)

    def verify(self, public_keys: Sequence[TrusteePublicKey], context: Encodable) -> None:
        verify_signature(
            self.signature,
            TAG_VERDICT,
            self.statement(context, self.trustee, self.complaints),
            public_keys,
            self.trustee,
            f"verdict of trustee {self.trustee}",
        )

    def to_json(self) -> dict[str, Any]:
        """The record file's value (ceremony/complaints-N.json); the trustee is in its name."""
        return {
            "complaints": [c.to_json() for c in self.complaints],
            "signature": self.signature.to_json(),
        }

    @classmethod
    def from_json(cls, obj: object, trustee: int) -> Verdict:
        what = f"verdict of trustee {trustee}"
        d = exact_obj(obj, ("complaints", "signature"), what)
        complaints = tuple(Complaint.from_json(c) for c in get_list(d, "complaints", what))
        signature = SchnorrProof.from_json(d["signature"], f"{what}: signature")
        return construct(what, lambda: cls(trustee, complaints, signature))
