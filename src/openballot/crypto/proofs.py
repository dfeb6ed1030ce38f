"""Sigma proofs made non-interactive by strong Fiat–Shamir.

Each proof's challenge hashes a domain tag naming the proof type, the caller's context (the
election fingerprint and the ids and credential the proof is about), the whole statement and
every commitment. Proofs are stored in the compact (challenge, response) form; a verifier
recomputes the commitments and then the challenge. Notation follows docs/protocol.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from openballot.crypto.elgamal import Ciphertext, g_pow_int
from openballot.crypto.encoding import Encodable, hash_to_scalar
from openballot.crypto.group import Element, Scalar, g_pow, random_scalar
from openballot.errors import ProofError
from openballot.jsonfields import get, get_list, obj, only_keys

__all__ = ["SchnorrProof", "ChaumPedersenProof", "RangeProof"]


@dataclass(frozen=True, slots=True)
class _CompactProof:
    """A one-challenge proof in its stored form: the challenge c and the response v."""

    challenge: Scalar
    response: Scalar

    def to_json(self) -> dict[str, str]:
        return {"challenge": self.challenge.hex(), "response": self.response.hex()}

    @classmethod
    def from_json(cls, value: Any, where: str = "proof") -> Self:
        o = obj(value, where)
        only_keys(o, {"challenge", "response"}, where)
        return cls(
            Scalar.from_hex(get(o, "challenge", where), f"{where}.challenge"),
            Scalar.from_hex(get(o, "response", where), f"{where}.response"),
        )


@dataclass(frozen=True, slots=True)
class SchnorrProof(_CompactProof):
    """Knowledge of x with X = g^x; with a message in the context it is a Schnorr signature.

    Prover: w random, h = g^w, c = H(tag, context, X, h), v = w - c·x.
    Verifier: h = g^v · X^c, then c must equal H(tag, context, X, h).
    """

    @classmethod
    def prove(cls, tag: str, context: Encodable, secret: Scalar) -> SchnorrProof:
        public = g_pow(secret)
        w = random_scalar()
        c = hash_to_scalar(tag, context, public, g_pow(w))
        return cls(c, w - c * secret)

    def verify(self, tag: str, context: Encodable, public: Element) -> None:
        h = g_pow(self.response) * public**self.challenge
        if hash_to_scalar(tag, context, public, h) != self.challenge:
            raise ProofError(f"{tag}: challenge does not match")


@dataclass(frozen=True, slots=True)
class ChaumPedersenProof(_CompactProof):
    """Equality of discrete logs: X = g^x and M = A^x for the same x.

    Used for partial decryptions (A = alpha of a ciphertext, M = its decryption share) and for
    revealing a Diffie–Hellman value in a key-ceremony complaint.
    Prover: w random, a = g^w, b = A^w, c = H(tag, context, X, A, M, a, b), v = w - c·x.
    Verifier: a = g^v · X^c, b = A^v · M^c.
    """

    @classmethod
    def prove(
        cls, tag: str, context: Encodable, secret: Scalar, base: Element
    ) -> ChaumPedersenProof:
        public = g_pow(secret)
        image = base**secret
        w = random_scalar()
        c = hash_to_scalar(tag, context, public, base, image, g_pow(w), base**w)
        return cls(c, w - c * secret)

    def verify(
        self, tag: str, context: Encodable, public: Element, base: Element, image: Element
    ) -> None:
        c, v = self.challenge, self.response
        a = g_pow(v) * public**c
        b = base**v * image**c
        if hash_to_scalar(tag, context, public, base, image, a, b) != c:
            raise ProofError(f"{tag}: challenge does not match")


@dataclass(frozen=True, slots=True)
class RangeProof:
    """A ciphertext (alpha, beta) under key K encrypts some m in [low, high].

    A disjunctive Chaum–Pedersen proof (Cramer–Damgård–Schoenmakers): for each j in the range,
    branch j claims (alpha, beta / g^j) = (g^r, K^r). The real branch is proved, the others
    simulated; the challenges c_j must sum to c = H(tag, context, K, alpha, beta, low, high,
    [(a_low, b_low), ..., (a_high, b_high)]). Branch j is checked with
    a_j = g^v_j · alpha^c_j and b_j = K^v_j · (beta / g^j)^c_j.
    """

    challenges: tuple[Scalar, ...]
    responses: tuple[Scalar, ...]

    @classmethod
    def prove(
        cls,
        tag: str,
        context: Encodable,
        key: Element,
        ciphertext: Ciphertext,
        low: int,
        high: int,
        plaintext: int,
        randomness: Scalar,
    ) -> RangeProof:
        if not low <= plaintext <= high:
            raise ValueError(f"plaintext {plaintext} is outside [{low}, {high}]")
        alpha, beta = ciphertext.alpha, ciphertext.beta
        size = high - low + 1
        challenges: list[Scalar] = [Scalar(0)] * size
        responses: list[Scalar] = [Scalar(0)] * size
        commitments: list[tuple[Element, Element]] = []
        w = random_scalar()
        for i, j in enumerate(range(low, high + 1)):
            if j == plaintext:
                commitments.append((g_pow(w), key**w))
                # A simulated branch costs two more variable-base multiplications and a few
                # additions; doing as many here keeps the proving time from telling which
                # branch is the real one.
                _ = (alpha**w * key) * (beta**w * key)
            else:
                c_j, v_j = random_scalar(), random_scalar()
                challenges[i], responses[i] = c_j, v_j
                commitments.append(_branch_commitments(key, alpha, beta, j, c_j, v_j))
        c = hash_to_scalar(tag, context, key, alpha, beta, low, high, commitments)
        real = plaintext - low
        c_real = c
        for i, c_j in enumerate(challenges):
            if i != real:
                c_real = c_real - c_j
        challenges[real] = c_real
        responses[real] = w - c_real * randomness
        return cls(tuple(challenges), tuple(responses))

    def verify(
        self,
        tag: str,
        context: Encodable,
        key: Element,
        ciphertext: Ciphertext,
        low: int,
        high: int,
    ) -> None:
        size = high - low + 1
        if len(self.challenges) != size or len(self.responses) != size:
            raise ProofError(
                f"{tag}: expected {size} branches for [{low}, {high}], got {len(self.challenges)}"
            )
        alpha, beta = ciphertext.alpha, ciphertext.beta
        commitments = [
            _branch_commitments(key, alpha, beta, j, c_j, v_j)
            for j, c_j, v_j in zip(
                range(low, high + 1), self.challenges, self.responses, strict=False
            )
        ]
        c = hash_to_scalar(tag, context, key, alpha, beta, low, high, commitments)
        total = Scalar(0)
        for c_j in self.challenges:
            total = total + c_j
        if total != c:
            raise ProofError(f"{tag}: challenges do not sum to the hash of the statement")

    def to_json(self) -> dict[str, list[str]]:
        return {
            "challenges": [c.hex() for c in self.challenges],
            "responses": [v.hex() for v in self.responses],
        }

    @classmethod
    def from_json(cls, value: Any, where: str = "proof") -> RangeProof:
        o = obj(value, where)
        only_keys(o, {"challenges", "responses"}, where)
        challenges = get_list(o, "challenges", where)
        responses = get_list(o, "responses", where)
        return cls(
            tuple(Scalar.from_hex(c, f"{where}.challenges[{i}]") for i, c in enumerate(challenges)),
            tuple(Scalar.from_hex(v, f"{where}.responses[{i}]") for i, v in enumerate(responses)),
        )


def _branch_commitments(
    key: Element, alpha: Element, beta: Element, j: int, c: Scalar, v: Scalar
) -> tuple[Element, Element]:
    shifted = beta if j == 0 else beta / g_pow_int(j)
    return g_pow(v) * alpha**c, key**v * shifted**c
