"""The one module that calls libsodium (ristretto255, RFC 9496).

Everything else sees `Element` and `Scalar` from `openballot.crypto.group`. Functions here
take and return raw 32-byte strings and never validate more than libsodium does.
"""

from __future__ import annotations

import ctypes.util
from typing import Any

from cffi import FFI

__all__ = [
    "ELEMENT_BYTES",
    "SODIUM_VERSION",
    "is_valid_point",
    "point_add",
    "point_sub",
    "point_from_hash",
    "scalarmult",
    "scalarmult_base",
]

ELEMENT_BYTES = 32
_IDENTITY = bytes(32)

_ffi = FFI()
_ffi.cdef(
    """
    int sodium_init(void);
    const char *sodium_version_string(void);
    int crypto_core_ristretto255_is_valid_point(const unsigned char *p);
    int crypto_core_ristretto255_add(unsigned char *r, const unsigned char *p,
                                     const unsigned char *q);
    int crypto_core_ristretto255_sub(unsigned char *r, const unsigned char *p,
                                     const unsigned char *q);
    int crypto_core_ristretto255_from_hash(unsigned char *p, const unsigned char *r);
    int crypto_scalarmult_ristretto255(unsigned char *q, const unsigned char *n,
                                       const unsigned char *p);
    int crypto_scalarmult_ristretto255_base(unsigned char *q, const unsigned char *n);
    """
)


def _load() -> Any:
    names = [
        ctypes.util.find_library("sodium"),
        "libsodium.so.23",
        "libsodium.so",
        "libsodium.dylib",
    ]
    last: OSError | None = None
    for name in names:
        if not name:
            continue
        try:
            return _ffi.dlopen(name)
        except OSError as exc:
            last = exc
    raise ImportError(f"libsodium (>= 1.0.18) is required and was not found: {last}")


_lib = _load()
if _lib.sodium_init() < 0:
    raise ImportError("libsodium failed to initialise")
SODIUM_VERSION: str = _ffi.string(_lib.sodium_version_string()).decode()


def is_valid_point(p: bytes) -> bool:
    """True if `p` is the canonical encoding of a ristretto255 element (identity included)."""
    return len(p) == ELEMENT_BYTES and _lib.crypto_core_ristretto255_is_valid_point(p) == 1


def point_add(p: bytes, q: bytes) -> bytes:
    out = _ffi.new("unsigned char[32]")
    _lib.crypto_core_ristretto255_add(out, p, q)
    return bytes(_ffi.buffer(out))


def point_sub(p: bytes, q: bytes) -> bytes:
    out = _ffi.new("unsigned char[32]")
    _lib.crypto_core_ristretto255_sub(out, p, q)
    return bytes(_ffi.buffer(out))


def point_from_hash(h: bytes) -> bytes:
    """RFC 9496 one-way map from 64 uniform bytes to an element."""
    out = _ffi.new("unsigned char[32]")
    _lib.crypto_core_ristretto255_from_hash(out, h)
    return bytes(_ffi.buffer(out))


def scalarmult(n: bytes, p: bytes) -> bytes:
    """n·p. libsodium refuses (returns -1) when the result is the identity, including n = 0;
    in a proof a zero challenge is legitimate, so that case is returned as the identity."""
    out = _ffi.new("unsigned char[32]")
    if _lib.crypto_scalarmult_ristretto255(out, n, p) != 0:
        return _IDENTITY
    return bytes(_ffi.buffer(out))


def scalarmult_base(n: bytes) -> bytes:
    """n·B for the RFC 9496 generator B; the identity for n = 0."""
    out = _ffi.new("unsigned char[32]")
    if _lib.crypto_scalarmult_ristretto255_base(out, n) != 0:
        return _IDENTITY
    return bytes(_ffi.buffer(out))
