"""The prime-order group ristretto255 (RFC 9496), written multiplicatively.

Protocol code reads like the papers: ``g_pow(r) * key ** m``. `Element` always holds a
canonical, valid encoding (checked when decoded); `Scalar` always holds an integer in [0, L).
A second group (an integer group mod p) would provide the same two classes and `g_pow`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

from openballot.crypto import _sodium
from openballot.errors import DecodeError

__all__ = [
    "GROUP_NAME",
    "L",
    "Element",
    "Scalar",
    "G",
    "IDENTITY",
    "g_pow",
    "random_scalar",
    "element_from_uniform_bytes",
]

GROUP_NAME: Final = "ristretto255"
#: Order of the group (RFC 9496 section 4.1, "l").
L: Final = 2**252 + 27742317777372353535851937790883648493


@dataclass(frozen=True, slots=True)
class Scalar:
    """An integer modulo L."""

    value: int

    def __post_init__(self) -> None:
        if not 0 <= self.value < L:
            raise ValueError(f"scalar out of range [0, L): {self.value}")

    @classmethod
    def of(cls, value: int) -> Scalar:
        """The scalar congruent to `value` (any integer, negative included)."""
        return cls(value % L)

    @classmethod
    def decode(cls, data: bytes, what: str = "scalar") -> Scalar:
        """Decode 32 little-endian bytes, rejecting non-canonical values (>= L)."""
        if len(data) != 32:
            raise DecodeError(f"{what}: expected 32 bytes, got {len(data)}")
        value = int.from_bytes(data, "little")
        if value >= L:
            raise DecodeError(f"{what}: not canonical (value >= group order)")
        return cls(value)

    @classmethod
    def from_hex(cls, text: object, what: str = "scalar") -> Scalar:
        return cls.decode(_unhex(text, what), what)

    def encode(self) -> bytes:
        return self.value.to_bytes(32, "little")

    def hex(self) -> str:
        return self.encode().hex()

    def __add__(self, other: Scalar) -> Scalar:
        return Scalar((self.value + other.value) % L)

    def __sub__(self, other: Scalar) -> Scalar:
        return Scalar((self.value - other.value) % L)

    def __mul__(self, other: Scalar) -> Scalar:
        return Scalar((self.value * other.value) % L)

    def __neg__(self) -> Scalar:
        return Scalar((-self.value) % L)

    def inverse(self) -> Scalar:
        if self.value == 0:
            raise ZeroDivisionError("zero scalar has no inverse")
        return Scalar(pow(self.value, -1, L))

    def __repr__(self) -> str:
        return f"Scalar({self.hex()[:16]}…)"


@dataclass(frozen=True, slots=True)
class Element:
    """A ristretto255 group element, held as its canonical 32-byte encoding."""

    data: bytes

    @classmethod
    def decode(cls, data: bytes, what: str = "element", allow_identity: bool = False) -> Element:
        """Decode and validate. The identity is refused unless the caller expects it:
        a public key, a commitment or an ElGamal alpha equal to it has no business in a record."""
        if len(data) != 32:
            raise DecodeError(f"{what}: expected 32 bytes, got {len(data)}")
        # RFC 9496 decoding fails for any value >= p, so for the top bit set; libsodium
        # 1.0.18 ignores that bit, so it is checked here.
        if data[31] & 0x80 or not _sodium.is_valid_point(data):
            raise DecodeError(f"{what}: not a canonical ristretto255 encoding")
        if not allow_identity and data == _IDENTITY_BYTES:
            raise DecodeError(f"{what}: is the identity element")
        return cls(data)

    @classmethod
    def from_hex(cls, text: object, what: str = "element", allow_identity: bool = False) -> Element:
        return cls.decode(_unhex(text, what), what, allow_identity)

    def encode(self) -> bytes:
        return self.data

    def hex(self) -> str:
        return self.data.hex()

    def is_identity(self) -> bool:
        return self.data == _IDENTITY_BYTES

    def __mul__(self, other: Element) -> Element:
        return Element(_sodium.point_add(self.data, other.data))

    def __truediv__(self, other: Element) -> Element:
        return Element(_sodium.point_sub(self.data, other.data))

    def __pow__(self, exponent: Scalar) -> Element:
        return Element(_sodium.scalarmult(exponent.encode(), self.data))

    def __repr__(self) -> str:
        return f"Element({self.data.hex()[:16]}…)"


_IDENTITY_BYTES: Final = bytes(32)
IDENTITY: Final = Element(_IDENTITY_BYTES)
#: The RFC 9496 generator.
G: Final = Element(_sodium.scalarmult_base((1).to_bytes(32, "little")))


def g_pow(exponent: Scalar) -> Element:
    """g^exponent with libsodium's faster fixed-base multiplication."""
    return Element(_sodium.scalarmult_base(exponent.encode()))


def random_scalar() -> Scalar:
    """A uniform non-zero scalar from the operating system's generator."""
    return Scalar(1 + secrets.randbelow(L - 1))


def element_from_uniform_bytes(data: bytes) -> Element:
    """RFC 9496 hash-to-group (element derivation from 64 uniform bytes)."""
    if len(data) != 64:
        raise ValueError("element derivation needs 64 bytes")
    return Element(_sodium.point_from_hash(data))


def _unhex(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise DecodeError(f"{what}: expected a hex string, got {type(text).__name__}")
    if len(text) != 64 or text != text.lower():
        raise DecodeError(f"{what}: expected 64 lowercase hex characters")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise DecodeError(f"{what}: not hexadecimal") from None
