"""A trustee of the key ceremony: what it keeps secret and what it publishes.

Trustee i keeps a communication key sk_i, a signing key ssk_i and the coefficients a_{i,k} of
its polynomial (`TrusteeSecret`), and publishes P_i = g^sk_i, S_i = g^ssk_i, the Feldman
commitments A_{i,k} = g^{a_{i,k}} and a Schnorr proof of knowledge for each
(`TrusteePublicKey`). S_i verifies the Schnorr signatures on the trustee's later messages
(`openballot.crypto.signed`), so that no byte of them can change unnoticed. The steps that
make and use them are in `openballot.crypto.keyceremony`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from openballot.crypto.encoding import Encodable
from openballot.crypto.group import Element, Scalar, g_pow
from openballot.crypto.invariants import (
    check_element,
    check_index,
    check_scalars,
    check_threshold,
    check_type,
    decode_index,
)
from openballot.crypto.polynomial import evaluate, evaluate_commitments
from openballot.crypto.proofs import SchnorrProof
from openballot.errors import ProofError, ProtocolError
from openballot.jsonfields import as_list, as_str, construct, exact_obj

__all__ = [
    "TAG_COEFFICIENT",
    "TAG_COMMUNICATION_KEY",
    "TAG_SIGNING_KEY",
    "TrusteeSecret",
    "TrusteePublicKey",
    "check_public_keys",
    "verify_public_keys",
    "checked_threshold",
    "keys_by_index",
    "key_of",
    "check_own_key",
    "own_communication_key",
    "check_share",
]

TAG_COEFFICIENT: Final = "ceremony/coefficient"
TAG_COMMUNICATION_KEY: Final = "ceremony/communication-key"
TAG_SIGNING_KEY: Final = "ceremony/signing-key"


@dataclass(frozen=True, slots=True)
class TrusteeSecret:
    """What trustee `index` keeps private during the ceremony.

    `coefficients[0]` is the trustee's contribution to the joint secret. Secret fields are
    left out of `repr` so that a traceback or a log line never shows them.
    """

    index: int
    threshold: int
    communication_secret: Scalar = field(repr=False)
    signing_secret: Scalar = field(repr=False)
    coefficients: tuple[Scalar, ...] = field(repr=False)

    def __post_init__(self) -> None:
        check_index(self.index, "index")
        check_threshold(self.threshold)
        check_type(self.communication_secret, Scalar, "communication_secret")
        check_type(self.signing_secret, Scalar, "signing_secret")
        check_scalars(self.coefficients, "coefficients")
        if len(self.coefficients) != self.threshold:
            raise ValueError(
                f"expected {self.threshold} coefficients (the threshold), "
                f"got {len(self.coefficients)}"
            )
        # A zero would publish the identity as a key or commitment, which decoding refuses.
        if self.communication_secret.value == 0:
            raise ValueError("communication_secret is zero")
        if self.signing_secret.value == 0:
            raise ValueError("signing_secret is zero")
        for k, a in enumerate(self.coefficients):
            if a.value == 0:
                raise ValueError(f"coefficients[{k}] is zero")

    def share_for(self, recipient: int) -> Scalar:
        """s_{i,j} = f_i(j), the share for trustee `recipient`."""
        check_index(recipient, "recipient")
        return evaluate(self.coefficients, recipient)

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "threshold": self.threshold,
            "communication_secret": self.communication_secret.hex(),
            "signing_secret": self.signing_secret.hex(),
            "coefficients": [a.hex() for a in self.coefficients],
        }

    @classmethod
    def from_json(cls, obj: object) -> TrusteeSecret:
        fields = ("index", "threshold", "communication_secret", "signing_secret", "coefficients")
        d = exact_obj(obj, fields, "trustee secret")
        index = decode_index(d["index"], "trustee secret: index")
        what = f"trustee secret {index}"
        # A threshold has the range of an index: 1 .. 2^64 - 1.
        threshold = decode_index(d["threshold"], f"{what}: threshold")
        secret = Scalar.from_hex(d["communication_secret"], f"{what}: communication_secret")
        signing = Scalar.from_hex(d["signing_secret"], f"{what}: signing_secret")
        items = as_list(d["coefficients"], f"{what}: coefficients")
        coefficients = tuple(
            Scalar.from_hex(v, f"{what}: coefficients[{k}]") for k, v in enumerate(items)
        )
        return construct(what, lambda: cls(index, threshold, secret, signing, coefficients))


@dataclass(frozen=True, slots=True)
class TrusteePublicKey:
    """What trustee `index` publishes in step 1 of the ceremony.

    `communication_proof` proves knowledge of log_g `communication_key` and `signing_proof`
    knowledge of log_g `signing_key`, both bound to (context, index, name);
    `coefficient_proofs[k]` proves knowledge of log_g `commitments[k]` and is bound to
    (context, index, k), so no proof can be replayed for another trustee, another position or
    another election.
    """

    index: int
    name: str
    communication_key: Element
    communication_proof: SchnorrProof
    signing_key: Element
    signing_proof: SchnorrProof
    commitments: tuple[Element, ...]
    coefficient_proofs: tuple[SchnorrProof, ...]

    def __post_init__(self) -> None:
        check_index(self.index, "index")
        if not isinstance(self.name, str):
            raise TypeError("name must be a string")
        if not self.name:
            raise ValueError("name is empty")
        check_element(self.communication_key, "communication_key")
        check_type(self.communication_proof, SchnorrProof, "communication_proof")
        check_element(self.signing_key, "signing_key")
        check_type(self.signing_proof, SchnorrProof, "signing_proof")
        if not isinstance(self.commitments, tuple) or not self.commitments:
            raise ValueError("commitments must be a non-empty tuple")
        for k, a in enumerate(self.commitments):
            check_element(a, f"commitments[{k}]")
        if not isinstance(self.coefficient_proofs, tuple):
            raise TypeError("coefficient_proofs must be a tuple")
        for k, p in enumerate(self.coefficient_proofs):
            check_type(p, SchnorrProof, f"coefficient_proofs[{k}]")
        if len(self.coefficient_proofs) != len(self.commitments):
            raise ValueError(
                f"{len(self.commitments)} commitments but "
                f"{len(self.coefficient_proofs)} coefficient proofs"
            )

    @property
    def threshold(self) -> int:
        """The threshold this trustee committed to: the number of its commitments."""
        return len(self.commitments)

    def verify(self, context: Encodable, threshold: int) -> None:
        """Raise ProtocolError unless there are `threshold` commitments, and ProofError
        unless every proof of knowledge verifies."""
        i = self.index
        if len(self.commitments) != threshold:
            raise ProtocolError(
                f"trustee {i}: expected {threshold} commitments (the threshold), "
                f"got {len(self.commitments)}"
            )
        try:
            self.communication_proof.verify(
                TAG_COMMUNICATION_KEY, (context, i, self.name), self.communication_key
            )
        except ProofError as exc:
            raise ProofError(
                f"trustee {i}: proof of knowledge of the communication key does not verify"
            ) from exc
        try:
            self.signing_proof.verify(TAG_SIGNING_KEY, (context, i, self.name), self.signing_key)
        except ProofError as exc:
            raise ProofError(
                f"trustee {i}: proof of knowledge of the signing key does not verify"
            ) from exc
        for k, (a, proof) in enumerate(zip(self.commitments, self.coefficient_proofs, strict=True)):
            try:
                proof.verify(TAG_COEFFICIENT, (context, i, k), a)
            except ProofError as exc:
                raise ProofError(
                    f"trustee {i}: proof of knowledge of coefficient {k} does not verify"
                ) from exc

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "communication_key": self.communication_key.hex(),
            "communication_proof": self.communication_proof.to_json(),
            "signing_key": self.signing_key.hex(),
            "signing_proof": self.signing_proof.to_json(),
            "commitments": [a.hex() for a in self.commitments],
            "coefficient_proofs": [p.to_json() for p in self.coefficient_proofs],
        }

    @classmethod
    def from_json(cls, obj: object) -> TrusteePublicKey:
        fields = (
            "index",
            "name",
            "communication_key",
            "communication_proof",
            "signing_key",
            "signing_proof",
            "commitments",
            "coefficient_proofs",
        )
        d = exact_obj(obj, fields, "trustee public key")
        index = decode_index(d["index"], "trustee public key: index")
        what = f"trustee {index}"
        name = as_str(d["name"], f"{what}: name")
        key = Element.from_hex(d["communication_key"], f"{what}: communication_key")
        key_proof = SchnorrProof.from_json(d["communication_proof"], f"{what}: communication_proof")
        signing_key = Element.from_hex(d["signing_key"], f"{what}: signing_key")
        signing_proof = SchnorrProof.from_json(d["signing_proof"], f"{what}: signing_proof")
        items = as_list(d["commitments"], f"{what}: commitments")
        commitments = tuple(
            Element.from_hex(v, f"{what}: commitments[{k}]") for k, v in enumerate(items)
        )
        items = as_list(d["coefficient_proofs"], f"{what}: coefficient_proofs")
        proofs = tuple(
            SchnorrProof.from_json(v, f"{what}: coefficient_proofs[{k}]")
            for k, v in enumerate(items)
        )
        return construct(
            what,
            lambda: cls(
                index, name, key, key_proof, signing_key, signing_proof, commitments, proofs
            ),
        )


def check_public_keys(public_keys: Sequence[TrusteePublicKey], threshold: int) -> None:
    """Raise ProtocolError unless the indices are exactly 1..n, 1 <= threshold <= n and every
    trustee has `threshold` commitments. Proofs are not checked: see `verify_public_keys`."""
    n = len(public_keys)
    if n == 0:
        raise ProtocolError("no trustee public keys")
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise TypeError("threshold must be an integer")
    if not 1 <= threshold <= n:
        raise ProtocolError(f"threshold {threshold} is not in [1, {n}] for {n} trustees")
    seen: set[int] = set()
    for pk in public_keys:
        if pk.index in seen:
            raise ProtocolError(f"trustee {pk.index} appears more than once")
        seen.add(pk.index)
    missing = sorted(set(range(1, n + 1)) - seen)
    if missing:
        raise ProtocolError(
            f"trustee indices must be exactly 1..{n}; missing {missing[0]}, "
            f"found {sorted(seen - set(range(1, n + 1)))[0]}"
        )
    for pk in public_keys:
        if len(pk.commitments) != threshold:
            raise ProtocolError(
                f"trustee {pk.index}: expected {threshold} commitments (the threshold), "
                f"got {len(pk.commitments)}"
            )


def verify_public_keys(
    public_keys: Sequence[TrusteePublicKey], threshold: int, context: Encodable
) -> None:
    """`check_public_keys`, then every trustee's proofs (ProofError naming the first bad one)."""
    check_public_keys(public_keys, threshold)
    for pk in public_keys:
        pk.verify(context, threshold)


def checked_threshold(public_keys: Sequence[TrusteePublicKey]) -> int:
    """The threshold t the first trustee committed to, after `check_public_keys` with it (so
    every trustee committed to it). Proofs are not checked."""
    if not public_keys:
        raise ProtocolError("no trustee public keys")
    threshold = public_keys[0].threshold
    check_public_keys(public_keys, threshold)
    return threshold


def keys_by_index(public_keys: Sequence[TrusteePublicKey]) -> dict[int, TrusteePublicKey]:
    """The keys by trustee index; ProtocolError if an index appears twice."""
    keys: dict[int, TrusteePublicKey] = {}
    for pk in public_keys:
        if pk.index in keys:
            raise ProtocolError(f"trustee {pk.index} appears more than once")
        keys[pk.index] = pk
    return keys


def key_of(keys: Mapping[int, TrusteePublicKey], index: int) -> TrusteePublicKey:
    """Trustee `index`'s key, or ProtocolError naming it."""
    try:
        return keys[index]
    except KeyError:
        raise ProtocolError(f"no public key for trustee {index}") from None


def check_own_key(secret: TrusteeSecret, keys: Mapping[int, TrusteePublicKey]) -> None:
    """Raise ProtocolError unless the key published for `secret.index` is the one `secret`
    gives: a trustee must not send or accept shares under a key it does not hold."""
    own = key_of(keys, secret.index)
    commitments = tuple(g_pow(a) for a in secret.coefficients)
    if (
        own.communication_key != g_pow(secret.communication_secret)
        or own.signing_key != g_pow(secret.signing_secret)
        or own.commitments != commitments
    ):
        raise ProtocolError(
            f"trustee {secret.index}: published public key does not match the secret"
        )


def own_communication_key(
    secret: TrusteeSecret, public_keys: Sequence[TrusteePublicKey]
) -> Element:
    """P_j as published for trustee j = `secret.index`; ProtocolError unless it is g^sk_j."""
    j = secret.index
    own_key = key_of(keys_by_index(public_keys), j).communication_key
    if g_pow(secret.communication_secret) != own_key:
        raise ProtocolError(f"trustee {j}: published communication key does not match the secret")
    return own_key


def check_share(value: Scalar, sender_key: TrusteePublicKey, recipient: int) -> None:
    """Raise ProtocolError unless g^value = Π_k A_{i,k}^(j^k) for sender i and recipient j."""
    check_index(recipient, "recipient")
    if g_pow(value) != evaluate_commitments(sender_key.commitments, recipient):
        raise ProtocolError(
            f"share from trustee {sender_key.index} to trustee {recipient} does not match "
            f"trustee {sender_key.index}'s commitments"
        )
