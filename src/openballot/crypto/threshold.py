"""Decryption of an ElGamal ciphertext by any t of the n trustees of a key ceremony.

For a ciphertext (alpha, beta) = (g^r, g^m · K^r), trustee j publishes the decryption share
M_j = alpha^{x_j} with a Chaum–Pedersen proof that log_g X_j = log_alpha M_j, where
X_j = g^{x_j} is its public share (`keyceremony.public_share`). For a set S of at least t
trustees, Π_{j∈S} M_j^{λ_j} = alpha^{Σ a_{i,0}} = K^r with λ_j the Lagrange coefficients at 0,
so beta / that = g^m, and m is found by a bounded discrete log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from openballot.crypto.discrete_log import discrete_log
from openballot.crypto.elgamal import Ciphertext
from openballot.crypto.encoding import Encodable
from openballot.crypto.group import IDENTITY, Element, L, Scalar
from openballot.crypto.invariants import check_element, check_index, check_type, decode_index
from openballot.crypto.keyceremony import TrusteeShare, public_share
from openballot.crypto.proofs import ChaumPedersenProof
from openballot.crypto.trustee import TrusteePublicKey, checked_threshold
from openballot.errors import ProofError, ProtocolError
from openballot.jsonfields import construct, exact_obj

__all__ = [
    "TAG_DECRYPTION_SHARE",
    "DecryptionShare",
    "partial_decrypt",
    "check_decryption_shares",
    "lagrange_coefficient",
    "combine",
    "decrypt_with_shares",
]

TAG_DECRYPTION_SHARE: Final = "decryption/share"


@dataclass(frozen=True, slots=True)
class DecryptionShare:
    """M_j = alpha^{x_j} from trustee j, with a Chaum–Pedersen proof bound to
    (context, j, alpha, beta)."""

    trustee: int
    share: Element
    proof: ChaumPedersenProof

    def __post_init__(self) -> None:
        check_index(self.trustee, "trustee")
        # alpha^{x_j} is the identity only for alpha = identity (refused when decrypting) or
        # x_j = 0 (probability 2^-252): an identity here can only be forged.
        check_element(self.share, "share")
        check_type(self.proof, ChaumPedersenProof, "proof")

    def verify(self, public_share: Element, ciphertext: Ciphertext, context: Encodable) -> None:
        """Raise ProofError unless the proof shows log_g `public_share` = log_alpha `share`."""
        try:
            self.proof.verify(
                TAG_DECRYPTION_SHARE,
                _share_context(context, self.trustee, ciphertext),
                public_share,
                ciphertext.alpha,
                self.share,
            )
        except ProofError as exc:
            raise ProofError(
                f"decryption share of trustee {self.trustee}: proof does not verify"
            ) from exc

    def to_json(self) -> dict[str, Any]:
        return {"trustee": self.trustee, "share": self.share.hex(), "proof": self.proof.to_json()}

    @classmethod
    def from_json(cls, obj: object) -> DecryptionShare:
        d = exact_obj(obj, ("trustee", "share", "proof"), "decryption share")
        trustee = decode_index(d["trustee"], "decryption share: trustee")
        what = f"decryption share of trustee {trustee}"
        share = Element.from_hex(d["share"], f"{what}: share")
        proof = ChaumPedersenProof.from_json(d["proof"], f"{what}: proof")
        return construct(what, lambda: cls(trustee, share, proof))


def partial_decrypt(
    share: TrusteeShare, ciphertext: Ciphertext, context: Encodable
) -> DecryptionShare:
    """Trustee `share.index`'s decryption share of `ciphertext`, with its proof."""
    if ciphertext.alpha.is_identity():
        # alpha = g^0 means beta is the plaintext itself; a share would be the identity and
        # would prove nothing. The caller should not need a decryption for it.
        raise ProtocolError("ciphertext alpha is the identity: there is nothing to decrypt")
    x = share.secret_share
    proof = ChaumPedersenProof.prove(
        TAG_DECRYPTION_SHARE, _share_context(context, share.index, ciphertext), x, ciphertext.alpha
    )
    return DecryptionShare(share.index, ciphertext.alpha**x, proof)


def check_decryption_shares(
    shares: Sequence[DecryptionShare],
    public_keys: Sequence[TrusteePublicKey],
    ciphertext: Ciphertext,
    context: Encodable,
) -> None:
    """Raise unless `shares` come from at least t distinct trustees of the ceremony and every
    proof verifies against the trustee's public share (ProtocolError / ProofError).

    The public keys must have passed `trustee.verify_public_keys`.
    """
    threshold = checked_threshold(public_keys)
    seen: set[int] = set()
    for s in shares:
        if s.trustee in seen:
            raise ProtocolError(f"two decryption shares from trustee {s.trustee}")
        if not 1 <= s.trustee <= len(public_keys):
            raise ProtocolError(f"decryption share from unknown trustee {s.trustee}")
        seen.add(s.trustee)
    if len(seen) < threshold:
        raise ProtocolError(
            f"{len(seen)} decryption share(s) given, at least {threshold} are needed"
        )
    for s in shares:
        s.verify(public_share(public_keys, s.trustee), ciphertext, context)


def lagrange_coefficient(index: int, indices: Sequence[int]) -> Scalar:
    """λ = Π_{m ∈ indices, m ≠ index} m / (m - index) mod L: the weight of the value at
    `index` when interpolating a polynomial at 0 from its values at `indices`."""
    if len(set(indices)) != len(indices):
        raise ValueError(f"duplicate index in {list(indices)}")
    if index not in indices:
        raise ValueError(f"index {index} is not in {list(indices)}")
    for m in indices:
        # 0 would be the secret itself; L or more would collide with a smaller index mod L.
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m < L:
            raise ValueError(f"index {m!r} is not an integer in [1, L)")
    numerator, denominator = 1, 1
    for m in indices:
        if m != index:
            numerator = numerator * m % L
            denominator = denominator * (m - index) % L
    return Scalar(numerator * pow(denominator, -1, L) % L)


def combine(shares: Sequence[DecryptionShare]) -> Element:
    """Π_j M_j^{λ_j} over the shares' trustees: K^r if there are at least t valid shares.

    With fewer than t shares, or unverified ones, the result is meaningless: use
    `check_decryption_shares` first.
    """
    if not shares:
        raise ProtocolError("no decryption shares to combine")
    indices = [s.trustee for s in shares]
    if len(set(indices)) != len(indices):
        raise ProtocolError(f"duplicate trustee among decryption shares {indices}")
    acc = IDENTITY
    for s in shares:
        acc = acc * s.share ** lagrange_coefficient(s.trustee, indices)
    return acc


def decrypt_with_shares(
    ciphertext: Ciphertext, shares: Sequence[DecryptionShare], bound: int
) -> int:
    """The plaintext m in [0, bound] of `ciphertext`, from decryption shares that have passed
    `check_decryption_shares`; ProtocolError if g^m is not in that range (which is what too few
    or bad shares give, with overwhelming probability)."""
    return discrete_log(ciphertext.beta / combine(shares), bound)


def _share_context(context: Encodable, trustee: int, ciphertext: Ciphertext) -> Encodable:
    return (context, trustee, ciphertext.alpha, ciphertext.beta)
