"""Field checks shared by the values of the key ceremony and of threshold decryption.

Constructors raise TypeError or ValueError naming the field (`jsonfields.construct` turns
those into a DecodeError when the value comes from JSON); `decode_index` reads a trustee index
from parsed JSON.
"""

from __future__ import annotations

from typing import Final

from openballot.crypto.group import Element, Scalar
from openballot.errors import DecodeError
from openballot.jsonfields import as_int

__all__ = [
    "MAX_INDEX",
    "check_index",
    "check_threshold",
    "check_type",
    "check_scalars",
    "check_element",
    "decode_index",
]

#: Indices are hashed as u64 (see `encoding`); larger ones could not be encoded.
MAX_INDEX: Final = 2**64 - 1


def check_index(value: object, what: str) -> None:
    """A trustee index (or threshold) is an integer in [1, 2^64 - 1]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an integer")
    if not 1 <= value <= MAX_INDEX:
        raise ValueError(f"{what} {value} is not in [1, 2^64 - 1]")


def check_threshold(value: object) -> None:
    check_index(value, "threshold")


def check_type(value: object, kind: type, what: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{what} must be a {kind.__name__}, got {type(value).__name__}")


def check_scalars(values: object, what: str) -> None:
    if not isinstance(values, tuple):
        raise TypeError(f"{what} must be a tuple")
    for k, v in enumerate(values):
        check_type(v, Scalar, f"{what}[{k}]")


def check_element(value: object, what: str) -> None:
    """A published key, commitment or share: an Element, never the identity (which would
    make a key known to all, or a proof say nothing)."""
    if not isinstance(value, Element):
        raise TypeError(f"{what} must be an Element, got {type(value).__name__}")
    if value.is_identity():
        raise ValueError(f"{what} is the identity element")


def decode_index(value: object, what: str) -> int:
    """A trustee index (or threshold) from parsed JSON; `what` names the field."""
    n = as_int(value, what)
    if not 1 <= n <= MAX_INDEX:
        raise DecodeError(f"{what}: {n} is not in [1, 2^64 - 1]")
    return n
