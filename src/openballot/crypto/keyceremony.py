"""Key ceremony: Pedersen's joint-Feldman distributed key generation.

n trustees with indices 1..n and a threshold t (1 <= t <= n). Trustee i

1. draws a communication key sk_i (P_i = g^sk_i) and a polynomial
   f_i(x) = a_{i,0} + a_{i,1}·x + ... + a_{i,t-1}·x^{t-1}, and publishes P_i, the commitments
   A_{i,k} = g^{a_{i,k}} and a Schnorr proof of knowledge for each (`generate_trustee`; the
   values are in `openballot.crypto.trustee`);
2. sends every other trustee j the share s_{i,j} = f_i(j), encrypted to P_j (`encrypt_shares`;
   the encryption is in `openballot.crypto.share_encryption`);
3. on receiving its shares, checks each against the sender's commitments; it either keeps
   x_j = Σ_i s_{i,j} or publishes complaints (`receive_shares`). A complaint reveals the
   Diffie–Hellman value of one share with a Chaum–Pedersen proof, so that anyone can decrypt
   that share and decide who is lying (`openballot.crypto.complaint.Complaint.verify`).

The joint key is K = Π_i A_{i,0} = g^{Σ_i a_{i,0}}, and trustee j's public share is
X_j = Π_i Π_k A_{i,k}^(j^k) = g^{x_j}; any t of the x_j recover Σ_i a_{i,0} by Lagrange
interpolation (see `openballot.crypto.threshold`).

This module only decides whether a message is valid. x_j always sums the shares of all n
trustees, so a justified complaint cannot be absorbed by dropping the accused: the ceremony
has to be run again (without that trustee). That, and what to do about an unfounded
complaint, is the election layer's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openballot.crypto.complaint import Complaint, make_complaint
from openballot.crypto.encoding import Encodable
from openballot.crypto.group import IDENTITY, Element, Scalar, g_pow, random_scalar
from openballot.crypto.invariants import check_index, check_threshold, check_type, decode_index
from openballot.crypto.polynomial import evaluate_commitments
from openballot.crypto.proofs import SchnorrProof
from openballot.crypto.share_encryption import EncryptedShare, encrypt_share, open_share
from openballot.crypto.trustee import (
    TAG_COEFFICIENT,
    TAG_COMMUNICATION_KEY,
    TAG_SIGNING_KEY,
    TrusteePublicKey,
    TrusteeSecret,
    check_own_key,
    check_share,
    checked_threshold,
    keys_by_index,
    verify_public_keys,
)
from openballot.errors import ProtocolError
from openballot.jsonfields import construct, exact_obj

__all__ = [
    "TrusteeShare",
    "generate_trustee",
    "encrypt_shares",
    "receive_shares",
    "joint_public_key",
    "public_share",
]


def generate_trustee(
    index: int, name: str, threshold: int, context: Encodable
) -> tuple[TrusteeSecret, TrusteePublicKey]:
    """Step 1: a fresh communication key, signing key and polynomial of degree threshold - 1."""
    check_index(index, "index")
    check_threshold(threshold)
    sk = random_scalar()
    ssk = random_scalar()
    coefficients = tuple(random_scalar() for _ in range(threshold))
    secret = TrusteeSecret(index, threshold, sk, ssk, coefficients)
    public = TrusteePublicKey(
        index=index,
        name=name,
        communication_key=g_pow(sk),
        communication_proof=SchnorrProof.prove(TAG_COMMUNICATION_KEY, (context, index, name), sk),
        signing_key=g_pow(ssk),
        signing_proof=SchnorrProof.prove(TAG_SIGNING_KEY, (context, index, name), ssk),
        commitments=tuple(g_pow(a) for a in coefficients),
        coefficient_proofs=tuple(
            SchnorrProof.prove(TAG_COEFFICIENT, (context, index, k), a)
            for k, a in enumerate(coefficients)
        ),
    )
    return secret, public


def encrypt_shares(
    secret: TrusteeSecret, public_keys: Sequence[TrusteePublicKey], context: Encodable
) -> tuple[EncryptedShare, ...]:
    """Step 2: trustee `secret.index`'s share for every other trustee, in index order.

    Verifies all public keys first (shares must only go to keys proven for this context),
    and that the trustee's own published key matches `secret`.
    """
    verify_public_keys(public_keys, secret.threshold, context)
    keys = keys_by_index(public_keys)
    check_own_key(secret, keys)
    return tuple(
        encrypt_share(secret.share_for(j), secret.index, keys[j], context)
        for j in sorted(keys)
        if j != secret.index
    )


@dataclass(frozen=True, slots=True)
class TrusteeShare:
    """Trustee `index`'s share x_j of the joint secret: what it keeps for decryption, with
    its signing secret (its decryption is signed)."""

    index: int
    threshold: int
    secret_share: Scalar = field(repr=False)
    signing_secret: Scalar = field(repr=False)

    def __post_init__(self) -> None:
        check_index(self.index, "index")
        check_threshold(self.threshold)
        check_type(self.secret_share, Scalar, "secret_share")
        check_type(self.signing_secret, Scalar, "signing_secret")

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "threshold": self.threshold,
            "secret_share": self.secret_share.hex(),
            "signing_secret": self.signing_secret.hex(),
        }

    @classmethod
    def from_json(cls, obj: object) -> TrusteeShare:
        fields = ("index", "threshold", "secret_share", "signing_secret")
        d = exact_obj(obj, fields, "trustee share")
        index = decode_index(d["index"], "trustee share: index")
        what = f"trustee share {index}"
        threshold = decode_index(d["threshold"], f"{what}: threshold")
        value = Scalar.from_hex(d["secret_share"], f"{what}: secret_share")
        signing = Scalar.from_hex(d["signing_secret"], f"{what}: signing_secret")
        return construct(what, lambda: cls(index, threshold, value, signing))


def receive_shares(
    secret: TrusteeSecret,
    public_keys: Sequence[TrusteePublicKey],
    shares_for_me: Sequence[EncryptedShare],
    context: Encodable,
) -> tuple[TrusteeShare | None, tuple[Complaint, ...]]:
    """Step 3 for trustee j = `secret.index`: ``(TrusteeShare, ())`` if every share decrypts
    and matches its sender's commitments, else ``(None, complaints)`` with one complaint per
    bad share, ordered by accused index.

    `shares_for_me` must hold exactly one share from every other trustee, addressed to j;
    otherwise, or if a public key does not verify or j's own published key does not match
    `secret`, this raises (ProtocolError / ProofError) instead: those are not faults a
    complaint can prove.
    """
    verify_public_keys(public_keys, secret.threshold, context)
    keys = keys_by_index(public_keys)
    check_own_key(secret, keys)
    j = secret.index
    by_sender: dict[int, EncryptedShare] = {}
    for share in shares_for_me:
        if share.recipient != j:
            raise ProtocolError(
                f"share from trustee {share.sender} is addressed to trustee "
                f"{share.recipient}, not to trustee {j}"
            )
        if share.sender not in keys:
            raise ProtocolError(f"share from unknown trustee {share.sender}")
        if share.sender in by_sender:
            raise ProtocolError(f"two shares from trustee {share.sender} to trustee {j}")
        by_sender[share.sender] = share
    for i in sorted(keys):
        if i != j and i not in by_sender:
            raise ProtocolError(f"no share from trustee {i} to trustee {j}")

    total = secret.share_for(j)
    complaints: list[Complaint] = []
    for i in sorted(by_sender):
        share = by_sender[i]
        z = share.ephemeral**secret.communication_secret
        try:
            value = open_share(share, z, keys[j].communication_key, context)
            check_share(value, keys[i], j)
        except ProtocolError:
            complaints.append(make_complaint(secret, share, public_keys, context))
            continue
        total = total + value
    if complaints:
        return None, tuple(complaints)
    return TrusteeShare(j, secret.threshold, total, secret.signing_secret), ()


def joint_public_key(public_keys: Sequence[TrusteePublicKey]) -> Element:
    """K = Π_i A_{i,0}. The keys must have passed `verify_public_keys`."""
    checked_threshold(public_keys)
    key = IDENTITY
    for pk in public_keys:
        key = key * pk.commitments[0]
    # Only possible with keys chosen against each other; anything encrypted under it is public.
    if key.is_identity():
        raise ProtocolError("the joint public key is the identity element")
    return key


def public_share(public_keys: Sequence[TrusteePublicKey], index: int) -> Element:
    """X_j = Π_i Π_k A_{i,k}^(j^k) = g^{x_j} for j = `index`."""
    checked_threshold(public_keys)
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError("index must be an integer")
    if not 1 <= index <= len(public_keys):
        raise ProtocolError(f"no trustee {index} among {len(public_keys)} trustees")
    # Multiplying the commitments position by position first costs t exponentiations, not n·t.
    summed = [IDENTITY] * len(public_keys[0].commitments)
    for pk in public_keys:
        summed = [s * a for s, a in zip(summed, pk.commitments, strict=True)]
    return evaluate_commitments(tuple(summed), index)
