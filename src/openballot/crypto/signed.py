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
from typing import Any, ClassVar, Final, Generic, Self, TypeVar

from openballot.crypto.complaint import Complaint
from openballot.crypto.encoding import Encodable
from openballot.crypto.invariants import check_index, check_type
from openballot.crypto.proofs import SchnorrProof
from openballot.crypto.share_encryption import EncryptedShare
from openballot.crypto.trustee import TrusteePublicKey, TrusteeSecret, key_of, keys_by_index
from openballot.errors import ProofError
from openballot.jsonfields import construct, exact_obj, get_list, obj

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


T = TypeVar("T", EncryptedShare, Complaint)


@dataclass(frozen=True, slots=True)
class _SignedList(Generic[T]):
    """A list of protocol objects that trustee `signer` publishes as one signed message:
    JSON `{FIELD: [...], "signature": {...}}`, signed over (C, signer, [VALUES(item) …])."""

    TAG: ClassVar[str]
    FIELD: ClassVar[str]
    WHAT: ClassVar[str]
    ITEM: ClassVar[type]

    signer: int
    items: tuple[T, ...]
    signature: SchnorrProof

    @staticmethod
    def item_values(item: Any) -> list[Encodable]:
        """Every value of one item, in its JSON order: what the signature covers."""
        raise NotImplementedError

    @staticmethod
    def decode_item(value: Any) -> Any:
        raise NotImplementedError

    def __post_init__(self) -> None:
        check_index(self.signer, "signer")
        if not isinstance(self.items, tuple):
            raise TypeError(f"{self.FIELD} must be a tuple")
        for k, item in enumerate(self.items):
            check_type(item, self.ITEM, f"{self.FIELD}[{k}]")
        check_type(self.signature, SchnorrProof, "signature")

    @classmethod
    def statement(cls, context: Encodable, signer: int, items: Sequence[T]) -> Encodable:
        return (context, signer, [cls.item_values(item) for item in items])

    @classmethod
    def sign(cls, secret: TrusteeSecret, items: Sequence[T], context: Encodable) -> Self:
        statement = cls.statement(context, secret.index, items)
        return cls(
            secret.index,
            tuple(items),
            SchnorrProof.prove(cls.TAG, statement, secret.signing_secret),
        )

    def verify(self, public_keys: Sequence[TrusteePublicKey], context: Encodable) -> None:
        verify_signature(
            self.signature,
            self.TAG,
            self.statement(context, self.signer, self.items),
            public_keys,
            self.signer,
            f"{self.WHAT} of trustee {self.signer}",
        )

    def to_json(self) -> dict[str, Any]:
        """The record file's value; the signer is in the file's name."""
        return {
            self.FIELD: [item.to_json() for item in self.items],
            "signature": self.signature.to_json(),
        }

    @classmethod
    def from_json(cls, value: object, signer: int) -> Self:
        what = f"{cls.WHAT} of trustee {signer}"
        d = exact_obj(value, (cls.FIELD, "signature"), what)
        items = tuple(cls.decode_item(item) for item in get_list(obj(d, what), cls.FIELD, what))
        signature = SchnorrProof.from_json(d["signature"], f"{what}: signature")
        return construct(what, lambda: cls(signer, items, signature))


class SharesMessage(_SignedList[EncryptedShare]):
    """Trustee `sender`'s encrypted shares, in the order it sent them, and its signature
    (tag `ceremony/shares`, each share as [sender, recipient, E, ct])."""

    __slots__ = ()
    TAG = TAG_SHARES
    FIELD = "shares"
    WHAT = "shares"
    ITEM = EncryptedShare

    @staticmethod
    def item_values(item: EncryptedShare) -> list[Encodable]:
        return [item.sender, item.recipient, item.ephemeral, item.ciphertext]

    @staticmethod
    def decode_item(value: Any) -> EncryptedShare:
        return EncryptedShare.from_json(value)

    @property
    def sender(self) -> int:
        return self.signer

    @property
    def shares(self) -> tuple[EncryptedShare, ...]:
        return self.items


class Verdict(_SignedList[Complaint]):
    """Trustee `trustee`'s verdict on the shares it received, and its signature (tag
    `ceremony/verdict`, each complaint as [accuser, accused, Z, c, v]); no complaint means
    all good."""

    __slots__ = ()
    TAG = TAG_VERDICT
    FIELD = "complaints"
    WHAT = "verdict"
    ITEM = Complaint

    @staticmethod
    def item_values(item: Complaint) -> list[Encodable]:
        proof = item.proof
        return [item.accuser, item.accused, item.shared_secret, proof.challenge, proof.response]

    @staticmethod
    def decode_item(value: Any) -> Complaint:
        return Complaint.from_json(value)

    @property
    def trustee(self) -> int:
        return self.signer

    @property
    def complaints(self) -> tuple[Complaint, ...]:
        return self.items
