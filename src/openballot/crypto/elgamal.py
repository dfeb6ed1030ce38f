"""Exponential ElGamal under a joint public key K.

Enc(m; r) = (alpha, beta) = (g^r, g^m · K^r). Multiplying ciphertexts adds plaintexts, which
is how tallies are formed without decrypting a single ballot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from openballot.crypto.group import IDENTITY, Element, Scalar, g_pow

__all__ = ["Ciphertext", "encrypt", "g_pow_int", "product"]


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """(alpha, beta) = (g^r, g^m · K^r)."""

    alpha: Element
    beta: Element

    def __mul__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(self.alpha * other.alpha, self.beta * other.beta)

    def to_json(self) -> dict[str, str]:
        return {"alpha": self.alpha.hex(), "beta": self.beta.hex()}


#: Enc(0; 0): the neutral element for `product`.
ZERO = Ciphertext(IDENTITY, IDENTITY)


@lru_cache(maxsize=256)
def g_pow_int(m: int) -> Element:
    """g^m for a small non-negative integer plaintext (g^0 is the identity). Cached: every
    range-proof branch and every encryption needs g^0, g^1, ... again."""
    return g_pow(Scalar.of(m))


def encrypt(key: Element, m: int, r: Scalar) -> Ciphertext:
    return Ciphertext(g_pow(r), g_pow_int(m) * key**r)


def product(ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """The homomorphic sum of the plaintexts, as one ciphertext."""
    acc = ZERO
    for c in ciphertexts:
        acc = acc * c
    return acc
