"""Exponential ElGamal and the discrete log that ends decryption."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openballot.crypto.discrete_log import discrete_log
from openballot.crypto.elgamal import ZERO, Ciphertext, encrypt, g_pow_int, product
from openballot.crypto.group import IDENTITY, Element, G, L, Scalar, g_pow
from openballot.errors import ProtocolError

SECRET = Scalar(0x0123456789ABCDEF_FEDCBA9876543210)
KEY = g_pow(SECRET)
GROUP_PROPERTY = settings(max_examples=25, deadline=None)


def decrypt_to_element(c: Ciphertext, secret: Scalar = SECRET) -> Element:
    """g^m = beta / alpha^x."""
    return c.beta / c.alpha**secret


def decrypt(c: Ciphertext, bound: int, secret: Scalar = SECRET) -> int:
    return discrete_log(decrypt_to_element(c, secret), bound)


# -- encryption -------------------------------------------------------------------------------


def test_encrypt_is_the_textbook_formula() -> None:
    r = Scalar(987654321)
    c = encrypt(KEY, 5, r)
    assert c.alpha == g_pow(r)
    assert c.beta == g_pow(Scalar(5)) * KEY**r
    # With the key as g^x the ciphertext is (g^r, g^(m + x r)).
    assert c.beta == g_pow(Scalar(5) + SECRET * r)


def test_g_pow_int() -> None:
    assert g_pow_int(0) == IDENTITY
    assert g_pow_int(1) == G
    acc = IDENTITY
    for m in range(20):
        assert g_pow_int(m) == acc
        acc = acc * G


@pytest.mark.parametrize("m", [0, 1, 2, 7, 100, 1000])
def test_decrypt_known_secret(m: int) -> None:
    c = encrypt(KEY, m, Scalar(31337 + m))
    assert decrypt_to_element(c) == g_pow_int(m)
    assert decrypt(c, 1000) == m


def test_wrong_secret_does_not_decrypt() -> None:
    c = encrypt(KEY, 3, Scalar(42))
    with pytest.raises(ProtocolError):
        decrypt(c, 1000, secret=SECRET + Scalar(1))


def test_same_message_different_randomness_differs() -> None:
    assert encrypt(KEY, 1, Scalar(1)) != encrypt(KEY, 1, Scalar(2))
    assert encrypt(KEY, 1, Scalar(1)) == encrypt(KEY, 1, Scalar(1))


def test_zero_randomness_is_plaintext_in_the_clear() -> None:
    # Documents what r = 0 means, so no caller mistakes it for a valid encryption.
    c = encrypt(KEY, 4, Scalar(0))
    assert c.alpha == IDENTITY
    assert c.beta == g_pow_int(4)


def test_to_json() -> None:
    c = encrypt(KEY, 2, Scalar(5))
    assert c.to_json() == {"alpha": c.alpha.hex(), "beta": c.beta.hex()}


@GROUP_PROPERTY
@given(
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=1, max_value=L - 1).map(Scalar),
)
def test_encrypt_decrypt_round_trip(m: int, r: Scalar) -> None:
    assert decrypt(encrypt(KEY, m, r), 2000) == m


# -- the homomorphism -------------------------------------------------------------------------


def test_product_of_two() -> None:
    c1 = encrypt(KEY, 3, Scalar(11))
    c2 = encrypt(KEY, 4, Scalar(13))
    assert c1 * c2 == encrypt(KEY, 7, Scalar(24))
    assert product([c1, c2]) == c1 * c2
    assert decrypt(product([c1, c2]), 100) == 7


def test_product_of_empty_is_enc_zero() -> None:
    empty = product([])
    assert empty == ZERO == Ciphertext(IDENTITY, IDENTITY)
    assert empty == encrypt(KEY, 0, Scalar(0))
    assert decrypt(empty, 0) == 0
    c = encrypt(KEY, 5, Scalar(9))
    assert empty * c == c


def test_product_accepts_any_iterable() -> None:
    cs = [encrypt(KEY, m % 2, Scalar(100 + m)) for m in range(10)]
    assert product(iter(cs)) == product(cs)
    assert product(c for c in cs) == encrypt(KEY, 5, Scalar(sum(100 + m for m in range(10))))


@GROUP_PROPERTY
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3),
            st.integers(min_value=0, max_value=L - 1).map(Scalar),
        ),
        max_size=8,
    )
)
def test_product_adds_plaintexts_and_randomness(items: list[tuple[int, Scalar]]) -> None:
    tally = product(encrypt(KEY, m, r) for m, r in items)
    total_r = Scalar(0)
    for _, r in items:
        total_r = total_r + r
    total_m = sum(m for m, _ in items)
    assert tally == encrypt(KEY, total_m, total_r)
    assert decrypt(tally, 3 * len(items)) == total_m


# -- discrete log -----------------------------------------------------------------------------

BOUNDS = sorted({*range(0, 20), 24, 25, 26, 99, 100, 101, 1023, 1024, 1025, 10_000})


@pytest.mark.parametrize("bound", BOUNDS)
def test_discrete_log_boundaries(bound: int) -> None:
    assert discrete_log(IDENTITY, bound) == 0
    assert discrete_log(g_pow_int(bound), bound) == bound
    if bound >= 1:
        assert discrete_log(G, bound) == 1
        assert discrete_log(g_pow_int(bound - 1), bound) == bound - 1
    with pytest.raises(ProtocolError):
        discrete_log(g_pow_int(bound + 1), bound)


@pytest.mark.parametrize("bound", [0, 1, 3, 4, 8, 9, 15, 16, 17, 100])
def test_discrete_log_every_value_up_to_bound(bound: int) -> None:
    for m in range(bound + 1):
        assert discrete_log(g_pow_int(m), bound) == m


@pytest.mark.parametrize("bound", [0, 3, 15, 16, 100])
def test_discrete_log_just_past_the_table(bound: int) -> None:
    """Values the baby-step/giant-step tables can reach but which exceed the bound."""
    step = math.isqrt(bound) + 1
    for m in range(bound + 1, step * (step + 1) + step):
        with pytest.raises(ProtocolError):
            discrete_log(g_pow_int(m), bound)


@pytest.mark.parametrize(
    "target",
    [G ** Scalar(L - 1), g_pow(Scalar(2**200)), g_pow(Scalar(L // 2)), KEY],
    ids=["minus-one", "huge", "half-order", "random-looking"],
)
def test_discrete_log_out_of_range_target(target: Element) -> None:
    with pytest.raises(ProtocolError):
        discrete_log(target, 1000)


def test_discrete_log_negative_bound() -> None:
    with pytest.raises(ValueError):
        discrete_log(G, -1)


def test_discrete_log_large_bound() -> None:
    bound = 1_000_000
    assert discrete_log(g_pow_int(bound), bound) == bound
    assert discrete_log(g_pow_int(123_457), bound) == 123_457
    with pytest.raises(ProtocolError):
        discrete_log(g_pow_int(bound + 1), bound)


@GROUP_PROPERTY
@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_discrete_log_property(m: int, bound: int) -> None:
    if m <= bound:
        assert discrete_log(g_pow_int(m), bound) == m
    else:
        with pytest.raises(ProtocolError):
            discrete_log(g_pow_int(m), bound)
