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
import struct
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Final, TypeAlias

from openballot.crypto.group import Element, L, Scalar

__all__ = ["PROTOCOL_ID", "Encodable", "encode", "digest", "hash_to_scalar"]

#: Prefixed to every hash; a new protocol version changes it.
PROTOCOL_ID: Final = b"OpenBallot/1"

_u64 = struct.Struct(">Q").pack
_LENGTH_32: Final = _u64(32)

Encodable: TypeAlias = bytes | str | int | Element | Scalar | Sequence["Encodable"]


def _frame(b: bytes) -> bytes:
    return _u64(len(b)) + b


def _leaf_bytes(value: object) -> bytes:
    """The bytes framed for one value that is not a sequence (any subclass of an encodable
    type included), or the reason it cannot be encoded."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bool):
        raise TypeError("booleans are not encodable: use 0 or 1")
    if isinstance(value, int):
        if not 0 <= value < 2**64:
            raise ValueError(f"integer out of range for encoding: {value}")
        return _u64(value)
    if isinstance(value, (Element, Scalar)):
        return value.encode()
    raise TypeError(f"not encodable: {type(value).__name__}")


def _put(value: Encodable, out: list[bytes]) -> int:
    """Append the encoding of `value` to `out`, as pieces to be joined once, and return its
    length. A sequence's length prefix takes a slot that is filled in once its items are in,
    so no item's bytes are copied into its parent's (building each frame by concatenation,
    as the rule reads, copies the innermost bytes once per level). The exact types a ballot
    is made of are tested first, by identity; anything else takes `_leaf_bytes`."""
    kind = type(value)
    if kind is list or kind is tuple:
        slot = len(out)
        out.append(b"")
        size = 0
        for item in value:  # type: ignore[union-attr]
            size += _put(item, out)
        out[slot] = _u64(size)
        return size + 8
    # `kind is X` narrows nothing for mypy; each branch's type is the one just tested.
    # Elements and scalars, most of what is hashed, share one length prefix object.
    data: bytes
    if kind is Element and len(value.data) == 32:  # type: ignore[union-attr]
        out.append(_LENGTH_32)
        out.append(value.data)  # type: ignore[union-attr]
        return 40
    if kind is Scalar:
        out.append(_LENGTH_32)
        out.append(value.value.to_bytes(32, "little"))  # type: ignore[union-attr]
        return 40
    if kind is bytes:
        data = value  # type: ignore[assignment]
    elif kind is Element:
        data = value.data  # type: ignore[union-attr]
    elif kind is str:
        data = value.encode("utf-8")  # type: ignore[union-attr, call-arg]
    elif isinstance(value, (list, tuple)):  # a subclass: a sequence all the same
        return _put(list(value), out)
    else:
        data = _leaf_bytes(value)
    out.append(_u64(len(data)))
    out.append(data)
    return len(data) + 8


def encode(value: Encodable) -> bytes:
    """The canonical, self-delimiting encoding of one value."""
    out: list[bytes] = []
    _put(value, out)
    return b"".join(out)


@lru_cache(maxsize=1024)
def _prefix(tag: str) -> bytes:
    """``encode(PROTOCOL_ID) || encode(tag)``: the same few tags start every hash."""
    return _frame(PROTOCOL_ID) + _frame(_leaf_bytes(tag))


def _hasher(tag: str, values: Iterable[Encodable]) -> hashlib._Hash:
    out = [_prefix(tag)]
    for v in values:
        _put(v, out)
    return hashlib.sha512(b"".join(out))


def digest(tag: str, *values: Encodable) -> bytes:
    """SHA-512 over the tag and values: 64 bytes."""
    return _hasher(tag, values).digest()


def hash_to_scalar(tag: str, *values: Encodable) -> Scalar:
    """The 64-byte digest read little-endian and reduced mod L (bias below 2^-259)."""
    return Scalar(int.from_bytes(_hasher(tag, values).digest(), "little") % L)
