"""Canonical encoding of hashed values and the hash functions built on it.

Every value hashed anywhere in OpenBallot goes through `encode`, so that no two different
structures share a byte string (unlike joined ``str()`` forms). The rule, in docs/protocol.md:

* bytes ``b``            -> ``u64be(len(b)) || b``
* str ``s``              -> encode(UTF-8 bytes of s)
* int ``n`` (0 <= n < 2^64) -> encode(u64be(n))
* Element                -> encode(its 32-byte encoding)
* Scalar                 -> encode(its 32-byte little-endian encoding)
* sequence ``(v1..vk)``  -> encode(encode(v1) || ... || encode(vk))

A hash over a domain tag and values is ``SHA-512(encode(PROTOCOL_ID) || encode(tag) ||
encode(v1) || ... )``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final, TypeAlias

from openballot.crypto.group import Element, L, Scalar

__all__ = ["PROTOCOL_ID", "Encodable", "encode", "digest", "hash_to_scalar"]

#: Prefixed to every hash; a new protocol version changes it.
PROTOCOL_ID: Final = b"OpenBallot/1"

Encodable: TypeAlias = bytes | str | int | Element | Scalar | Sequence["Encodable"]


def _frame(b: bytes) -> bytes:
    return len(b).to_bytes(8, "big") + b


def encode(value: Encodable) -> bytes:
    """The canonical, self-delimiting encoding of one value."""
    if isinstance(value, bytes):
        return _frame(value)
    if isinstance(value, str):
        return _frame(value.encode("utf-8"))
    if isinstance(value, bool):
        raise TypeError("booleans are not encodable: use 0 or 1")
    if isinstance(value, int):
        if not 0 <= value < 2**64:
            raise ValueError(f"integer out of range for encoding: {value}")
        return _frame(value.to_bytes(8, "big"))
    if isinstance(value, (Element, Scalar)):
        return _frame(value.encode())
    if isinstance(value, (list, tuple)):
        return _frame(b"".join(encode(v) for v in value))
    raise TypeError(f"not encodable: {type(value).__name__}")


def _hasher(tag: str, values: Iterable[Encodable]) -> hashlib._Hash:
    h = hashlib.sha512()
    h.update(_frame(PROTOCOL_ID))
    h.update(encode(tag))
    for v in values:
        h.update(encode(v))
    return h


def digest(tag: str, *values: Encodable) -> bytes:
    """SHA-512 over the tag and values: 64 bytes."""
    return _hasher(tag, values).digest()


def hash_to_scalar(tag: str, *values: Encodable) -> Scalar:
    """The 64-byte digest read little-endian and reduced mod L (bias below 2^-259)."""
    return Scalar(int.from_bytes(_hasher(tag, values).digest(), "little") % L)
