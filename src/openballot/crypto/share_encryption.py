"""Step 2 of the key ceremony on the wire: one share, encrypted to its recipient.

The share is sealed with ChaCha20-Poly1305 (pyca/cryptography) under a key derived from a
fresh Diffie–Hellman value Z = P_recipient^e, so that revealing Z (in a complaint) opens this
one share and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from openballot.crypto.encoding import Encodable, digest, encode
from openballot.crypto.group import Element, Scalar, g_pow, random_scalar
from openballot.crypto.invariants import check_element, check_index, check_type, decode_index
from openballot.crypto.trustee import TrusteePublicKey, TrusteeSecret, own_communication_key
from openballot.errors import DecodeError, ProtocolError
from openballot.jsonfields import construct, exact_obj, hex_bytes

__all__ = [
    "TAG_SHARE_KEY",
    "EncryptedShare",
    "encrypt_share",
    "decrypt_share",
    "open_share",
]

TAG_SHARE_KEY: Final = "ceremony/share-key"

# Every AEAD key is derived from a fresh ephemeral E and used for exactly one message,
# so a constant nonce never repeats under the same key.
_NONCE: Final = bytes(12)
_AEAD_TAG_BYTES: Final = 16
_SHARE_CIPHERTEXT_BYTES: Final = 32 + _AEAD_TAG_BYTES


@dataclass(frozen=True, slots=True)
class EncryptedShare:
    """The share s_{sender,recipient}, encrypted to the recipient's communication key.

    E = g^e for a fresh e, Z = P_recipient^e, and key = the first 32 bytes of
    digest(TAG_SHARE_KEY, context, sender, recipient, E, P_recipient, Z). `ciphertext` (48
    bytes) is the ChaCha20-Poly1305 encryption under that key of the share's 32-byte scalar
    encoding, with a 12-byte zero nonce and associated data encode((context, sender, recipient)).
    """

    sender: int
    recipient: int
    ephemeral: Element
    ciphertext: bytes

    def __post_init__(self) -> None:
        check_index(self.sender, "sender")
        check_index(self.recipient, "recipient")
        if self.sender == self.recipient:
            raise ValueError(f"trustee {self.sender} cannot send a share to itself")
        check_element(self.ephemeral, "ephemeral")
        if not isinstance(self.ciphertext, bytes):
            raise TypeError("ciphertext must be bytes")
        if len(self.ciphertext) != _SHARE_CIPHERTEXT_BYTES:
            raise ValueError(
                f"ciphertext: expected {_SHARE_CIPHERTEXT_BYTES} bytes, got {len(self.ciphertext)}"
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "recipient": self.recipient,
            "ephemeral": self.ephemeral.hex(),
            "ciphertext": self.ciphertext.hex(),
        }

    @classmethod
    def from_json(cls, obj: object) -> EncryptedShare:
        d = exact_obj(obj, ("sender", "recipient", "ephemeral", "ciphertext"), "encrypted share")
        sender = decode_index(d["sender"], "encrypted share: sender")
        recipient = decode_index(d["recipient"], "encrypted share: recipient")
        what = f"share from trustee {sender} to trustee {recipient}"
        ephemeral = Element.from_hex(d["ephemeral"], f"{what}: ephemeral")
        ciphertext = hex_bytes(d["ciphertext"], _SHARE_CIPHERTEXT_BYTES, f"{what}: ciphertext")
        return construct(what, lambda: cls(sender, recipient, ephemeral, ciphertext))


def encrypt_share(
    value: Scalar, sender: int, recipient: TrusteePublicKey, context: Encodable
) -> EncryptedShare:
    """Encrypt one share value from trustee `sender` to `recipient` (see `EncryptedShare`)."""
    check_type(value, Scalar, "value")
    j = recipient.index
    e = random_scalar()
    ephemeral = g_pow(e)
    z = recipient.communication_key**e
    key = _share_key(context, sender, j, ephemeral, recipient.communication_key, z)
    ciphertext = ChaCha20Poly1305(key).encrypt(
        _NONCE, value.encode(), _share_ad(context, sender, j)
    )
    return EncryptedShare(sender, j, ephemeral, ciphertext)


def decrypt_share(
    recipient_secret: TrusteeSecret,
    share: EncryptedShare,
    public_keys: Sequence[TrusteePublicKey],
    context: Encodable,
) -> Scalar:
    """The share value, or ProtocolError if it does not decrypt to a canonical scalar.

    The value is not checked against the sender's commitments: see `trustee.check_share`.
    """
    j = recipient_secret.index
    if share.recipient != j:
        raise ProtocolError(
            f"share from trustee {share.sender} is addressed to trustee {share.recipient}, "
            f"not to trustee {j}"
        )
    own_key = own_communication_key(recipient_secret, public_keys)
    z = share.ephemeral**recipient_secret.communication_secret
    return open_share(share, z, own_key, context)


def open_share(
    share: EncryptedShare, z: Element, recipient_key: Element, context: Encodable
) -> Scalar:
    """Decrypt `share` given its Diffie–Hellman value Z = E^{sk_j} = P_j^e: the recipient
    computes Z from its secret; anyone can, from the Z a complaint reveals.

    ProtocolError if the AEAD refuses it or the plaintext is not a canonical scalar.
    """
    key = _share_key(context, share.sender, share.recipient, share.ephemeral, recipient_key, z)
    try:
        plaintext = ChaCha20Poly1305(key).decrypt(
            _NONCE, share.ciphertext, _share_ad(context, share.sender, share.recipient)
        )
    except InvalidTag:
        raise ProtocolError(
            f"share from trustee {share.sender} to trustee {share.recipient} does not decrypt"
        ) from None
    try:
        return Scalar.decode(plaintext)
    except DecodeError:
        raise ProtocolError(
            f"share from trustee {share.sender} to trustee {share.recipient} "
            "does not decrypt to a canonical scalar"
        ) from None


def _share_key(
    context: Encodable, sender: int, recipient: int, ephemeral: Element, key: Element, z: Element
) -> bytes:
    return digest(TAG_SHARE_KEY, context, sender, recipient, ephemeral, key, z)[:32]


def _share_ad(context: Encodable, sender: int, recipient: int) -> bytes:
    return encode((context, sender, recipient))
