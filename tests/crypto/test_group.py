"""ristretto255 through `openballot.crypto.group`: RFC 9496 known answers, decoding rules and
scalar arithmetic.

The known answers live in tests/vectors/ristretto255.json (RFC 9496 Appendix A), shared with
the JavaScript booth.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openballot.crypto.group import (
    GROUP_NAME,
    IDENTITY,
    Element,
    G,
    L,
    Scalar,
    element_from_uniform_bytes,
    g_pow,
    random_scalar,
)
from openballot.errors import DecodeError

VECTORS_PATH = Path(__file__).resolve().parents[1] / "vectors" / "ristretto255.json"
VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
MULTIPLES: list[str] = VECTORS["multiples_of_generator"]["encodings"]
INVALID: list[dict[str, str]] = VECTORS["invalid_encodings"]["encodings"]
UNIFORM: list[dict[str, str]] = VECTORS["from_uniform_bytes"]["pairs"]

#: RFC 9496 section 4.1, written out here rather than imported, so a typo in the module shows.
RFC_ORDER = 2**252 + 27742317777372353535851937790883648493
#: The field prime of Curve25519; a canonical encoding is an integer below it.
FIELD_P = 2**255 - 19

GROUP_PROPERTY = settings(max_examples=25, deadline=None)
SCALAR_PROPERTY = settings(max_examples=100, deadline=None)

scalars = st.one_of(
    st.sampled_from([0, 1, 2, L - 1, L - 2, L // 2]),
    st.integers(min_value=0, max_value=L - 1),
).map(Scalar)
nonzero_scalars = st.integers(min_value=1, max_value=L - 1).map(Scalar)


def _hex_ids(values: list[str]) -> list[str]:
    return [v[:12] for v in values]


# -- the vectors file itself ------------------------------------------------------------------


def test_vector_file_has_every_rfc_vector() -> None:
    assert VECTORS["group"] == GROUP_NAME == "ristretto255"
    assert "RFC 9496" in VECTORS["source"]
    assert len(MULTIPLES) == 16
    assert len(INVALID) == 29
    reasons = [v["reason"] for v in INVALID]
    assert reasons.count("Non-canonical field encodings.") == 4
    assert reasons.count("Negative field elements.") == 8
    assert reasons.count("Non-square x^2.") == 8
    assert reasons.count("Negative x * y value.") == 8
    assert reasons.count("s = -1, which causes y = 0.") == 1
    assert len(UNIFORM) == 11
    for h in MULTIPLES + [v["hex"] for v in INVALID] + [u["output"] for u in UNIFORM]:
        assert len(h) == 64 and h == h.lower()
        bytes.fromhex(h)
    for u in UNIFORM:
        assert len(bytes.fromhex(u["input"])) == 64


def test_group_order_constant() -> None:
    assert L == RFC_ORDER


# -- A.1: multiples of the generator ----------------------------------------------------------


def test_generator_is_rfc_b() -> None:
    assert G.hex() == MULTIPLES[1] == VECTORS["generator"]
    assert Element.decode(bytes.fromhex(MULTIPLES[1])) == G
    assert g_pow(Scalar(1)) == G


def test_identity_is_rfc_zero_multiple() -> None:
    assert IDENTITY.hex() == MULTIPLES[0]
    assert IDENTITY.is_identity()
    assert not G.is_identity()


@pytest.mark.parametrize("k", range(16))
def test_multiples_fixed_base(k: int) -> None:
    assert g_pow(Scalar(k)).hex() == MULTIPLES[k]


@pytest.mark.parametrize("k", range(16))
def test_multiples_variable_base(k: int) -> None:
    assert (G ** Scalar(k)).hex() == MULTIPLES[k]


def test_multiples_by_repeated_multiplication() -> None:
    acc = IDENTITY
    for k, expected in enumerate(MULTIPLES):
        assert acc.hex() == expected, f"{k}·B"
        acc = acc * G


def test_multiples_by_division_walk_back() -> None:
    acc = Element.decode(bytes.fromhex(MULTIPLES[15]))
    for k in range(15, 0, -1):
        assert acc.hex() == MULTIPLES[k]
        acc = acc / G
    assert acc == IDENTITY


@pytest.mark.parametrize("k", range(1, 16))
def test_multiples_decode_and_reencode(k: int) -> None:
    data = bytes.fromhex(MULTIPLES[k])
    element = Element.decode(data)
    assert element.encode() == data
    assert Element.from_hex(MULTIPLES[k]) == element
    assert element.hex() == MULTIPLES[k]


def test_identity_refused_unless_allowed() -> None:
    zero = bytes.fromhex(MULTIPLES[0])
    with pytest.raises(DecodeError):
        Element.decode(zero)
    with pytest.raises(DecodeError):
        Element.from_hex(MULTIPLES[0])
    assert Element.decode(zero, allow_identity=True) == IDENTITY
    assert Element.from_hex(MULTIPLES[0], allow_identity=True) == IDENTITY


def test_scalar_zero_gives_identity() -> None:
    # libsodium refuses a result equal to the identity; the binding maps it to the identity.
    assert G ** Scalar(0) == IDENTITY
    assert g_pow(Scalar(0)) == IDENTITY
    assert IDENTITY ** Scalar(5) == IDENTITY
    assert Element.decode(bytes.fromhex(MULTIPLES[7])) ** Scalar(0) == IDENTITY


def test_order_minus_one_is_inverse() -> None:
    assert G ** Scalar(L - 1) == IDENTITY / G
    assert g_pow(Scalar(L - 1)) * G == IDENTITY
    assert g_pow(Scalar.of(-3)).hex() == (IDENTITY / g_pow(Scalar(3))).hex()


# -- A.2: invalid encodings -------------------------------------------------------------------


@pytest.mark.parametrize(
    "vector", INVALID, ids=[f"{v['reason'][:12]}-{v['hex'][:8]}" for v in INVALID]
)
def test_invalid_encodings_rejected(vector: dict[str, str]) -> None:
    data = bytes.fromhex(vector["hex"])
    with pytest.raises(DecodeError):
        Element.decode(data)
    with pytest.raises(DecodeError):
        Element.decode(data, allow_identity=True)
    with pytest.raises(DecodeError):
        Element.from_hex(vector["hex"], allow_identity=True)


def _with_top_bit(hex_encoding: str) -> bytes:
    data = bytearray.fromhex(hex_encoding)
    data[31] |= 0x80
    return bytes(data)


def test_encodings_with_top_bit_set_rejected() -> None:
    """RFC 9496 section 4.3.1, step 1: the 32 bytes are read as an integer s and rejected if
    s >= p. Setting bit 255 of a valid encoding gives s + 2^255 > p, a second spelling of the
    same element. These are not in Appendix A, which is why a decoder can pass A.2 and still
    accept them (libsodium before the fix that added `s[31] >> 7` to
    ristretto255_is_canonical, e.g. 1.0.18, does)."""
    accepted = []
    for k, h in enumerate(MULTIPLES):
        data = _with_top_bit(h)
        assert int.from_bytes(data, "little") >= FIELD_P
        try:
            Element.decode(data, allow_identity=True)
        except DecodeError:
            continue
        accepted.append(f"{k}·B with bit 255 set")
    assert accepted == []


def test_identity_with_top_bit_set_is_not_a_way_around_allow_identity() -> None:
    # 00..0080 is the identity with bit 255 set: non-canonical, and the identity besides.
    with pytest.raises(DecodeError):
        Element.decode(_with_top_bit(MULTIPLES[0]))


@pytest.mark.parametrize("length", [0, 1, 31, 33, 64])
def test_element_wrong_length_rejected(length: int) -> None:
    with pytest.raises(DecodeError):
        Element.decode(bytes.fromhex(MULTIPLES[1])[:1] * length, allow_identity=True)


# -- A.3: element derivation from uniform bytes ----------------------------------------------


@pytest.mark.parametrize("pair", UNIFORM, ids=[u["input"][:12] for u in UNIFORM])
def test_from_uniform_bytes(pair: dict[str, str]) -> None:
    element = element_from_uniform_bytes(bytes.fromhex(pair["input"]))
    assert element.hex() == pair["output"]
    assert Element.decode(element.encode()) == element


@pytest.mark.parametrize("length", [0, 32, 63, 65])
def test_from_uniform_bytes_needs_64_bytes(length: int) -> None:
    with pytest.raises(ValueError):
        element_from_uniform_bytes(bytes(length))


# -- scalars ----------------------------------------------------------------------------------


def test_scalar_range_enforced() -> None:
    with pytest.raises(ValueError):
        Scalar(L)
    with pytest.raises(ValueError):
        Scalar(-1)
    assert Scalar.of(-1) == Scalar(L - 1)
    assert Scalar.of(L) == Scalar(0)
    assert Scalar.of(2 * L + 5) == Scalar(5)


def test_scalar_decode_canonical() -> None:
    assert Scalar.decode((L - 1).to_bytes(32, "little")) == Scalar(L - 1)
    assert Scalar.decode(bytes(32)) == Scalar(0)
    assert Scalar(1).encode() == b"\x01" + bytes(31)


@pytest.mark.parametrize("value", [L, L + 1, 2**253, 2**255, 2**256 - 1])
def test_scalar_decode_rejects_values_at_or_above_order(value: int) -> None:
    with pytest.raises(DecodeError):
        Scalar.decode(value.to_bytes(32, "little"))


@pytest.mark.parametrize("length", [0, 1, 31, 33, 64])
def test_scalar_decode_rejects_wrong_length(length: int) -> None:
    with pytest.raises(DecodeError):
        Scalar.decode(bytes(length))


# -- hex decoding -----------------------------------------------------------------------------

BAD_HEX: list[object] = [
    MULTIPLES[1].upper(),
    MULTIPLES[1][:-1] + "E",
    MULTIPLES[1][:62],
    MULTIPLES[1] + "00",
    "",
    "zz" + MULTIPLES[1][2:],
    "0x" + MULTIPLES[1][2:],
    " " + MULTIPLES[1][1:],
    "g" * 64,
    bytes.fromhex(MULTIPLES[1]),
    MULTIPLES[1].encode(),
    int(MULTIPLES[1], 16),
    None,
    [MULTIPLES[1]],
]


@pytest.mark.parametrize("text", BAD_HEX, ids=[f"bad{i}" for i in range(len(BAD_HEX))])
def test_element_from_hex_rejects(text: object) -> None:
    with pytest.raises(DecodeError):
        Element.from_hex(text, allow_identity=True)


@pytest.mark.parametrize("text", BAD_HEX, ids=[f"bad{i}" for i in range(len(BAD_HEX))])
def test_scalar_from_hex_rejects(text: object) -> None:
    with pytest.raises(DecodeError):
        Scalar.from_hex(text)


def test_from_hex_round_trip() -> None:
    s = Scalar(123456789)
    assert Scalar.from_hex(s.hex()) == s
    assert Scalar.from_hex("ff" * 31 + "0f") == Scalar(int("0f" + "ff" * 31, 16))
    with pytest.raises(DecodeError):
        Scalar.from_hex("ff" * 32)


# -- scalar arithmetic (pure integers mod L: cheap, so more examples) -------------------------


@SCALAR_PROPERTY
@given(scalars, scalars, scalars)
def test_scalar_ring_laws(a: Scalar, b: Scalar, c: Scalar) -> None:
    assert a + b == b + a
    assert a * b == b * a
    assert (a + b) + c == a + (b + c)
    assert (a * b) * c == a * (b * c)
    assert a * (b + c) == a * b + a * c
    assert a - b == a + (-b)
    assert a + (-a) == Scalar(0)
    assert a + Scalar(0) == a
    assert a * Scalar(1) == a
    assert (a + b).value == (a.value + b.value) % RFC_ORDER
    assert (a * b).value == (a.value * b.value) % RFC_ORDER


@SCALAR_PROPERTY
@given(nonzero_scalars)
def test_scalar_inverse(a: Scalar) -> None:
    assert a * a.inverse() == Scalar(1)
    assert a.inverse().inverse() == a


def test_zero_has_no_inverse() -> None:
    with pytest.raises(ZeroDivisionError):
        Scalar(0).inverse()


@SCALAR_PROPERTY
@given(scalars)
def test_scalar_encoding_round_trip(a: Scalar) -> None:
    data = a.encode()
    assert len(data) == 32
    assert int.from_bytes(data, "little") == a.value
    assert Scalar.decode(data) == a
    assert Scalar.from_hex(a.hex()) == a


# -- the group law, through libsodium (a few examples each) -----------------------------------


@GROUP_PROPERTY
@given(scalars, scalars)
def test_exponent_addition_is_element_multiplication(a: Scalar, b: Scalar) -> None:
    assert g_pow(a + b) == g_pow(a) * g_pow(b)
    assert g_pow(a - b) == g_pow(a) / g_pow(b)


@GROUP_PROPERTY
@given(scalars, scalars)
def test_exponent_multiplication_is_repeated_power(a: Scalar, b: Scalar) -> None:
    assert g_pow(a * b) == g_pow(a) ** b == g_pow(b) ** a
    assert G**a == g_pow(a)


@GROUP_PROPERTY
@given(nonzero_scalars)
def test_nonzero_powers_decode(a: Scalar) -> None:
    element = g_pow(a)
    assert not element.is_identity()
    assert Element.decode(element.encode()) == element
    assert element ** a.inverse() == G


def test_random_scalar_is_nonzero_and_varies() -> None:
    drawn = {random_scalar() for _ in range(8)}
    assert len(drawn) == 8
    assert Scalar(0) not in drawn
