"""The canonical encoding and the hashes built on it, checked against the rule in the module's
docstring (docs/protocol.md):

* bytes b                 -> u64be(len(b)) || b
* str s                   -> encode(UTF-8 bytes of s)
* int n (0 <= n < 2^64)   -> encode(u64be(n))
* Element                 -> encode(its 32-byte encoding)
* Scalar                  -> encode(its 32-byte little-endian encoding)
* sequence (v1..vk)       -> encode(encode(v1) || ... || encode(vk))
* hash = SHA-512(encode(PROTOCOL_ID) || encode(tag) || encode(v1) || ...)

The known answers below are written out byte by byte, so they test the rule, not the code.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openballot.crypto.encoding import PROTOCOL_ID, digest, encode, hash_to_scalar
from openballot.crypto.group import G, L, Scalar, g_pow

#: RFC 9496 section 4.1, written out independently of the module.
ORDER = 2**252 + 27742317777372353535851937790883648493
#: RFC 9496 Appendix A.1, 1·B.
GENERATOR_HEX = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"


def u64be(n: int) -> bytes:
    return struct.pack(">Q", n)


# -- the rule, case by case -------------------------------------------------------------------


def test_protocol_id() -> None:
    assert PROTOCOL_ID == b"OpenBallot/1"


def test_bytes() -> None:
    assert encode(b"") == bytes(8)
    assert encode(b"abc") == b"\x00\x00\x00\x00\x00\x00\x00\x03abc"
    assert encode(bytes(300)) == b"\x00" * 6 + b"\x01\x2c" + bytes(300)


def test_str_is_its_utf8_bytes() -> None:
    assert encode("a") == encode(b"a")
    assert encode("") == encode(b"")
    assert encode("déjà vu") == u64be(9) + "déjà vu".encode()
    assert encode("€") == encode(b"\xe2\x82\xac")


def test_int_is_u64be() -> None:
    assert encode(0) == u64be(8) + bytes(8)
    assert encode(1) == u64be(8) + b"\x00" * 7 + b"\x01"
    assert encode(258) == u64be(8) + b"\x00" * 6 + b"\x01\x02"
    assert encode(2**64 - 1) == u64be(8) + b"\xff" * 8
    assert encode(7) == encode(u64be(7))


def test_element_and_scalar() -> None:
    assert encode(G) == u64be(32) + bytes.fromhex(GENERATOR_HEX)
    assert encode(Scalar(1)) == u64be(32) + b"\x01" + bytes(31)
    assert encode(Scalar(L - 1)) == u64be(32) + (ORDER - 1).to_bytes(32, "little")


def test_sequences() -> None:
    assert encode([]) == u64be(0)
    assert encode(()) == encode([])
    inner = u64be(1) + b"a" + u64be(2) + b"bc"
    assert encode([b"a", b"bc"]) == u64be(len(inner)) + inner
    assert encode((b"a", "bc")) == encode([b"a", b"bc"])
    nested = u64be(len(inner) + 8) + u64be(len(inner)) + inner
    assert encode([[b"a", b"bc"]]) == nested


# -- injectivity on the usual traps -----------------------------------------------------------

DISTINCT_PAIRS: list[tuple[Any, Any]] = [
    ([b"ab", b"c"], [b"a", b"bc"]),
    (["ab", "c"], ["a", "bc"]),
    ([b"abc"], [b"ab", b"c"]),
    ([[b"a"], b"b"], [b"a", b"b"]),
    ([[b"a", b"b"]], [b"a", b"b"]),
    ([[b"a"], [b"b"]], [[b"a", b"b"]]),
    ([[]], []),
    ([b""], []),
    ([b"", b""], [b""]),
    ([[], []], [[]]),
    ([1, 2], [12]),
    ([1], 1),
    ([0], []),
    (b"\x00", b""),
    (b"", b"\x00" * 8),
    ([G, G], [G]),
    ([Scalar(1), Scalar(2)], [Scalar(2), Scalar(1)]),
    ("a", "A"),
]


@pytest.mark.parametrize(
    "a,b", DISTINCT_PAIRS, ids=[f"pair{i}" for i in range(len(DISTINCT_PAIRS))]
)
def test_distinct_values_distinct_encodings(a: Any, b: Any) -> None:
    assert encode(a) != encode(b)


def _decode_frames(data: bytes) -> list[bytes]:
    """Split a concatenation of frames; fails unless it parses exactly."""
    out = []
    i = 0
    while i < len(data):
        assert i + 8 <= len(data)
        (n,) = struct.unpack(">Q", data[i : i + 8])
        assert i + 8 + n <= len(data)
        out.append(data[i + 8 : i + 8 + n])
        i += 8 + n
    return out


def _decode_nested(data: bytes) -> list[list[bytes]]:
    (outer,) = _decode_frames(data)
    return [_decode_frames(row) for row in _decode_frames(outer)]


nested_bytes = st.lists(st.lists(st.binary(max_size=12), max_size=4), max_size=4)


@settings(max_examples=200, deadline=None)
@given(nested_bytes)
def test_nested_lists_of_bytes_decode_back(value: list[list[bytes]]) -> None:
    """For a fixed schema (list of lists of bytes) the encoding can be parsed back, so it is
    injective on that schema."""
    assert _decode_nested(encode(value)) == value


@settings(max_examples=200, deadline=None)
@given(nested_bytes, nested_bytes)
def test_nested_lists_of_bytes_injective(a: list[list[bytes]], b: list[list[bytes]]) -> None:
    assert (encode(a) == encode(b)) == (a == b)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=6), max_size=6), st.lists(st.binary(max_size=6), max_size=6))
def test_digest_arguments_injective(a: list[bytes], b: list[bytes]) -> None:
    """Top-level values are framed one by one, so different argument lists hash differently,
    including a different number of arguments."""
    assert (digest("t", *a) == digest("t", *b)) == (a == b)


# -- refused values ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, [1, True], (False,)])
def test_bool_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        encode(value)


@pytest.mark.parametrize("value", [-1, -(2**64), 2**64, 2**64 + 1, 2**100, [0, -1]])
def test_int_out_of_range_refused(value: int) -> None:
    with pytest.raises(ValueError):
        encode(value)


@pytest.mark.parametrize(
    "value",
    [None, 1.0, bytearray(b"a"), memoryview(b"a"), {b"a": b"b"}, {b"a"}, object(), [b"a", None]],
    ids=["None", "float", "bytearray", "memoryview", "dict", "set", "object", "list-None"],
)
def test_unknown_types_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        encode(value)


def test_refused_values_refused_in_hashes_too() -> None:
    with pytest.raises(TypeError):
        digest("t", True)
    with pytest.raises(ValueError):
        hash_to_scalar("t", -1)


# -- digest and hash_to_scalar ----------------------------------------------------------------


def test_digest_depends_on_tag() -> None:
    assert digest("a", b"x") != digest("b", b"x")
    assert digest("ab", b"c") != digest("a", b"bc")
    assert digest("a") != digest("a", b"")
    assert hash_to_scalar("a", b"x") != hash_to_scalar("b", b"x")
    assert hash_to_scalar("a", b"x") == hash_to_scalar("a", b"x")


def test_digest_is_64_bytes_and_scalar_reduced() -> None:
    d = digest("t", 1, 2, 3)
    assert len(d) == 64
    s = hash_to_scalar("t", 1, 2, 3)
    assert 0 <= s.value < ORDER
    assert s.value == int.from_bytes(d, "little") % ORDER


def _known_answer_preimage() -> bytes:
    """digest("OpenBallot/test", b"ab", "déjà", 7, [1, [b""]], G, Scalar(5)) written out by
    hand from the rule."""
    parts = [
        b"\x00\x00\x00\x00\x00\x00\x00\x0c" + b"OpenBallot/1",  # PROTOCOL_ID
        b"\x00\x00\x00\x00\x00\x00\x00\x0f" + b"OpenBallot/test",  # tag
        b"\x00\x00\x00\x00\x00\x00\x00\x02" + b"ab",  # bytes
        b"\x00\x00\x00\x00\x00\x00\x00\x06" + b"d\xc3\xa9j\xc3\xa0",  # "déjà" in UTF-8
        b"\x00\x00\x00\x00\x00\x00\x00\x08" + b"\x00\x00\x00\x00\x00\x00\x00\x07",  # 7
    ]
    one = b"\x00\x00\x00\x00\x00\x00\x00\x08" + b"\x00\x00\x00\x00\x00\x00\x00\x01"
    empty = b"\x00\x00\x00\x00\x00\x00\x00\x00"
    inner_list = b"\x00\x00\x00\x00\x00\x00\x00\x08" + empty  # [b""]
    body = one + inner_list  # 16 + 16 = 32 bytes
    parts.append(b"\x00\x00\x00\x00\x00\x00\x00\x20" + body)  # [1, [b""]]
    parts.append(b"\x00\x00\x00\x00\x00\x00\x00\x20" + bytes.fromhex(GENERATOR_HEX))  # G
    parts.append(b"\x00\x00\x00\x00\x00\x00\x00\x20" + b"\x05" + bytes(31))  # Scalar(5)
    return b"".join(parts)


KNOWN_VALUES: tuple[Any, ...] = (b"ab", "déjà", 7, [1, [b""]], G, Scalar(5))


def test_digest_known_answer() -> None:
    expected = hashlib.sha512(_known_answer_preimage()).digest()
    assert digest("OpenBallot/test", *KNOWN_VALUES) == expected


def test_hash_to_scalar_known_answer() -> None:
    expected = int.from_bytes(hashlib.sha512(_known_answer_preimage()).digest(), "little") % ORDER
    assert hash_to_scalar("OpenBallot/test", *KNOWN_VALUES) == Scalar(expected)


def test_digest_known_answer_empty() -> None:
    preimage = u64be(12) + b"OpenBallot/1" + u64be(0)
    assert digest("") == hashlib.sha512(preimage).digest()


def test_digest_accepts_elements_computed_differently() -> None:
    # Equal elements hash equally whichever way they were computed.
    assert digest("t", g_pow(Scalar(6))) == digest("t", G ** Scalar(2) * G ** Scalar(4))


# -- the encoder against the rule, read literally ---------------------------------------------
#
# `encode` joins its pieces once instead of framing each level by concatenation, and tests the
# exact types by identity first. This reference is the rule of the module's docstring, word for
# word (slow: it copies the innermost bytes once per level); both must agree byte for byte.


def reference_encode(value: Any) -> bytes:
    def frame(b: bytes) -> bytes:
        return u64be(len(b)) + b

    if isinstance(value, bytes):
        return frame(value)
    if isinstance(value, str):
        return frame(value.encode("utf-8"))
    if isinstance(value, bool):
        raise TypeError("bool")
    if isinstance(value, int):
        if not 0 <= value < 2**64:
            raise ValueError("range")
        return frame(u64be(value))
    if isinstance(value, Scalar):
        return frame(value.value.to_bytes(32, "little"))
    if isinstance(value, type(G)):
        return frame(value.data)
    if isinstance(value, (list, tuple)):
        return frame(b"".join(reference_encode(v) for v in value))
    raise TypeError(type(value).__name__)


class _Bytes(bytes):
    pass


class _Str(str):
    pass


class _Int(int):
    pass


class _List(list):  # type: ignore[type-arg]
    pass


encodable_leaves = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=12),
    st.integers(min_value=0, max_value=2**64 - 1),
    st.integers(min_value=0, max_value=L - 1).map(Scalar),
    st.integers(min_value=1, max_value=50).map(lambda k: g_pow(Scalar(k))),
    st.binary(max_size=5).map(_Bytes),
    st.text(max_size=5).map(_Str),
    st.integers(min_value=0, max_value=2**64 - 1).map(_Int),
)
encodable_values = st.recursive(
    encodable_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=5).map(tuple),
        st.lists(inner, max_size=3).map(_List),
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(encodable_values)
def test_encode_equals_the_rule(value: Any) -> None:
    assert encode(value) == reference_encode(value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.lists(encodable_values, max_size=4))
def test_digest_equals_the_rule(tag: str, values: list[Any]) -> None:
    preimage = reference_encode(PROTOCOL_ID) + reference_encode(tag)
    preimage += b"".join(reference_encode(v) for v in values)
    assert digest(tag, *values) == hashlib.sha512(preimage).digest()
    assert (
        hash_to_scalar(tag, *values).value
        == int.from_bytes(hashlib.sha512(preimage).digest(), "little") % ORDER
    )


@pytest.mark.parametrize(
    "value,error",
    [([[b"a", [1, True]]], TypeError), ((b"x", [2**64]), ValueError), ([[None]], TypeError)],
)
def test_refused_deep_inside(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        encode(value)
    with pytest.raises(error):
        digest("t", b"ok", value)


def test_an_element_of_another_length_is_framed_as_its_bytes() -> None:
    # Only decoding makes 32-byte elements; one built around other bytes is still framed by
    # its own length, as the rule says.
    odd = type(G)(b"\x01\x02\x03")
    assert encode(odd) == u64be(3) + b"\x01\x02\x03" == reference_encode(odd)
