"""Typed access to fields of parsed JSON, with errors that name the field.

Used by every `from_json`: a record that a stranger hands us is parsed before it is trusted,
and a wrong field is reported as ``ballot.contests[2].selections[0].alpha: expected a string``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from openballot.errors import DecodeError

__all__ = [
    "obj",
    "get",
    "get_str",
    "get_int",
    "get_list",
    "get_obj",
    "only_keys",
    "exact_obj",
    "as_str",
    "as_int",
    "as_list",
    "construct",
    "hex_bytes",
    "loads",
    "text",
    "MAX_INT",
]

_HEX_DIGITS = frozenset("0123456789abcdef")


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DecodeError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def get(o: dict[str, Any], key: str, where: str) -> Any:
    if key not in o:
        raise DecodeError(f"{where}: missing field {key!r}")
    return o[key]


def get_str(o: dict[str, Any], key: str, where: str) -> str:
    return as_str(get(o, key, where), f"{where}.{key}")


def as_str(v: Any, where: str) -> str:
    """`v` itself as text; `where` names `v` (`get_str` names a field of an object)."""
    if not isinstance(v, str):
        raise DecodeError(f"{where}: expected a string, got {type(v).__name__}")
    return text(v, where)


def text(v: str, where: str) -> str:
    """A string that has a UTF-8 encoding: JSON can carry a lone surrogate ("\\ud800"),
    which no hash input can hold."""
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise DecodeError(f"{where}: not valid Unicode text (a lone surrogate)") from None
    return v


#: Every integer of the protocol is hashed as an unsigned 64-bit value.
MAX_INT = 2**63 - 1


def get_int(o: dict[str, Any], key: str, where: str, minimum: int = 0) -> int:
    v = as_int(get(o, key, where), f"{where}.{key}")
    if v < minimum:
        raise DecodeError(f"{where}.{key}: expected at least {minimum}, got {v}")
    if v > MAX_INT:
        raise DecodeError(f"{where}.{key}: expected at most {MAX_INT}, got {v}")
    return v


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        # A key ends up in error messages (an unknown district, a label's language): one
        # that has no UTF-8 encoding would make the message itself unprintable.
        text(key, "a field name")
        if key in out:
            raise DecodeError(f"field {key!r} appears twice in one object")
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise DecodeError(f"{name} is not a JSON number")


def loads(data: bytes | str, where: str) -> Any:
    """Parse JSON strictly: a key given twice is refused, since two readers could each take a
    different one of its values, and so is a key that is not valid Unicode text (a lone
    surrogate); errors (and absurd nesting) name `where`."""
    try:
        return json.loads(
            data, object_pairs_hook=_refuse_duplicate_keys, parse_constant=_refuse_constant
        )
    except DecodeError as exc:
        raise DecodeError(f"{where}: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise DecodeError(f"{where}: not valid JSON ({exc})") from None


def as_int(v: Any, where: str) -> int:
    """`v` itself as an integer, any size: the caller checks the range it allows."""
    # JSON true/false arrive as bool, which Python counts as int.
    if not isinstance(v, int) or isinstance(v, bool):
        raise DecodeError(f"{where}: expected an integer, got {type(v).__name__}")
    return v


def get_list(o: dict[str, Any], key: str, where: str) -> list[Any]:
    return as_list(get(o, key, where), f"{where}.{key}")


def as_list(v: Any, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise DecodeError(f"{where}: expected a list, got {type(v).__name__}")
    return v


def get_obj(o: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    return obj(get(o, key, where), f"{where}.{key}")


def only_keys(o: dict[str, Any], allowed: set[str], where: str) -> None:
    """Refuse unknown fields: a verifier that ignores them would let data hide in a record."""
    extra = sorted(set(o) - allowed)
    if extra:
        raise DecodeError(f"{where}: unexpected field {extra[0]!r}")


def exact_obj(value: Any, fields: Collection[str], where: str) -> dict[str, Any]:
    """An object with exactly `fields`: a missing one is reported as ``where: name: missing``,
    then an unknown one as `only_keys` does."""
    if not isinstance(value, dict):
        raise DecodeError(f"{where}: expected a JSON object, got {type(value).__name__}")
    for name in fields:
        if name not in value:
            raise DecodeError(f"{where}: {name}: missing")
    only_keys(value, set(fields), where)
    return value


_T = TypeVar("_T")


def construct(where: str, make: Callable[[], _T]) -> _T:
    """`make()`, a validating constructor called on decoded fields. Constructors check their
    invariants once, with TypeError or ValueError; from JSON a broken invariant is a
    DecodeError naming `where`."""
    try:
        return make()
    except (TypeError, ValueError) as exc:
        raise DecodeError(f"{where}: {exc}") from None


def hex_bytes(text: Any, length: int, where: str) -> bytes:
    """Exactly `length` bytes as 2·length lowercase hex digits: the one spelling a hash,
    key or signature has in JSON (bytes.fromhex alone would take spaces and upper case)."""
    if not isinstance(text, str):
        raise DecodeError(f"{where}: expected a hex string, got {type(text).__name__}")
    if len(text) != 2 * length or not _HEX_DIGITS.issuperset(text):
        raise DecodeError(f"{where}: expected {2 * length} lowercase hex characters")
    return bytes.fromhex(text)
