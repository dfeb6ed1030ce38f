"""Threshold decryption: any t of n trustees decrypt, fewer cannot, bad shares are caught."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openballot.crypto.elgamal import ZERO, Ciphertext, encrypt, g_pow_int, product
from openballot.crypto.encoding import hash_to_scalar
from openballot.crypto.group import G, L, Scalar, g_pow, random_scalar
from openballot.crypto.keyceremony import joint_public_key, public_share
from openballot.crypto.threshold import (
    TAG_DECRYPTION_SHARE,
    DecryptionShare,
    check_decryption_shares,
    combine,
    decrypt_with_shares,
    lagrange_coefficient,
    partial_decrypt,
)
from openballot.errors import DecodeError, ProofError, ProtocolError

# The `ceremony` fixture (conftest.py): (n, t) -> an honest, cached ceremony.
Factory = Callable[[int, int], Any]

CONTEXT = ("decryption", b"election fingerprint", "contest-1", "option-a")
WRONG_CONTEXT = ("decryption", b"election fingerprint", "contest-1", "option-b")


def _encrypt(c: Any, m: int) -> Ciphertext:
    return encrypt(joint_public_key(c.public_keys), m, random_scalar())


def _shares(c: Any, ciphertext: Ciphertext, trustees: Sequence[int]) -> list[DecryptionShare]:
    return [partial_decrypt(c.shares[j - 1], ciphertext, CONTEXT) for j in trustees]


def _poly(coefficients: Sequence[int], x: int) -> int:
    value = 0
    for a in reversed(coefficients):
        value = (value * x + a) % L
    return value


# --- Lagrange interpolation -----------------------------------------------------------------


def test_lagrange_known_values() -> None:
    assert lagrange_coefficient(1, [1, 2]) == Scalar(2)
    assert lagrange_coefficient(2, [1, 2]) == Scalar.of(-1)
    assert lagrange_coefficient(3, [3]) == Scalar(1)
    # 2·3 / ((2-1)(3-1)) = 3
    assert lagrange_coefficient(1, [1, 2, 3]) == Scalar(3)


@pytest.mark.parametrize(
    ("index", "indices", "message"),
    [
        (1, [1, 2, 2], "duplicate index"),
        (4, [1, 2, 3], "index 4 is not in"),
        (0, [0, 1], "index 0 is not an integer in"),
        (1, [1, -1], "index -1 is not an integer in"),
        (1, [1, L + 1], "is not an integer in"),
    ],
)
def test_lagrange_rejects(index: int, indices: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        lagrange_coefficient(index, indices)


@settings(max_examples=50, deadline=None)
@given(
    data=st.data(),
    coefficients=st.lists(st.integers(0, L - 1), min_size=1, max_size=6),
    n=st.integers(1, 12),
)
def test_lagrange_interpolates_at_zero(
    data: st.DataObject, coefficients: list[int], n: int
) -> None:
    t = len(coefficients)
    n = max(n, t)
    indices = data.draw(
        st.lists(st.integers(1, n), min_size=t, max_size=n, unique=True), label="indices"
    )
    total = Scalar(0)
    weights = Scalar(0)
    for j in indices:
        lam = lagrange_coefficient(j, indices)
        total = total + lam * Scalar(_poly(coefficients, j))
        weights = weights + lam
    assert total == Scalar(coefficients[0])
    # Interpolating the constant polynomial 1.
    assert weights == Scalar(1)


@settings(max_examples=20, deadline=None)
@given(
    coefficients=st.lists(st.integers(1, L - 1), min_size=2, max_size=5),
    data=st.data(),
)
def test_lagrange_with_too_few_points_misses(data: st.DataObject, coefficients: list[int]) -> None:
    t = len(coefficients)
    indices = data.draw(
        st.lists(st.integers(1, 20), min_size=t - 1, max_size=t - 1, unique=True), label="indices"
    )
    total = Scalar(0)
    for j in indices:
        total = total + lagrange_coefficient(j, indices) * Scalar(_poly(coefficients, j))
    # Fails only if the top coefficient times Π(-j) cancels exactly: probability about 1/L.
    assert total != Scalar(coefficients[0])


# --- decryption -----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "t"), [(1, 1), (2, 2), (3, 1), (3, 2), (4, 4), (5, 3)])
def test_every_t_subset_decrypts(ceremony: Factory, n: int, t: int) -> None:
    c = ceremony(n, t)
    m = 42
    ciphertext = _encrypt(c, m)
    all_shares = _shares(c, ciphertext, range(1, n + 1))
    for s in all_shares:
        s.verify(public_share(c.public_keys, s.trustee), ciphertext, CONTEXT)
    for size in range(t, n + 1):
        for subset in combinations(all_shares, size):
            check_decryption_shares(subset, c.public_keys, ciphertext, CONTEXT)
            assert ciphertext.beta / combine(subset) == g_pow_int(m)
            assert decrypt_with_shares(ciphertext, subset, 100) == m
            # Order does not matter.
            assert decrypt_with_shares(ciphertext, subset[::-1], 100) == m


@pytest.mark.parametrize(("n", "t"), [(2, 2), (3, 2), (3, 3), (5, 3)])
def test_fewer_than_t_shares_do_not_decrypt(ceremony: Factory, n: int, t: int) -> None:
    c = ceremony(n, t)
    m = 7
    ciphertext = _encrypt(c, m)
    all_shares = _shares(c, ciphertext, range(1, n + 1))
    for subset in combinations(all_shares, t - 1):
        with pytest.raises(ProtocolError, match=f"at least {t} are needed"):
            check_decryption_shares(subset, c.public_keys, ciphertext, CONTEXT)
        assert ciphertext.beta / combine(subset) != g_pow_int(m)
        with pytest.raises(ProtocolError, match="not in"):
            decrypt_with_shares(ciphertext, subset, 1000)


def test_joint_secret_is_recovered_by_any_t_trustees(ceremony: Factory) -> None:
    c = ceremony(5, 3)
    secret = Scalar(0)
    for s in c.secrets:
        secret = secret + s.coefficients[0]
    for subset in combinations(c.shares, 3):
        indices = [s.index for s in subset]
        recovered = Scalar(0)
        for s in subset:
            recovered = recovered + lagrange_coefficient(s.index, indices) * s.secret_share
        assert recovered == secret


@settings(max_examples=20, deadline=None)
@given(
    trustees=st.sets(st.integers(1, 5), min_size=3),
    plaintexts=st.lists(st.integers(0, 3), min_size=1, max_size=4),
)
def test_tally_decrypts_with_any_quorum(
    ceremony: Factory, trustees: set[int], plaintexts: list[int]
) -> None:
    c = ceremony(5, 3)
    tally = product(_encrypt(c, m) for m in plaintexts)
    shares = _shares(c, tally, sorted(trustees))
    check_decryption_shares(shares, c.public_keys, tally, CONTEXT)
    assert decrypt_with_shares(tally, shares, 3 * len(plaintexts)) == sum(plaintexts)


def test_partial_decrypt_refuses_identity_alpha(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    with pytest.raises(ProtocolError, match="alpha is the identity"):
        partial_decrypt(c.shares[0], ZERO, CONTEXT)


# --- tampering ------------------------------------------------------------------------------


def _one(ceremony: Factory) -> tuple[Any, Ciphertext, list[DecryptionShare]]:
    c = ceremony(3, 2)
    ciphertext = _encrypt(c, 3)
    return c, ciphertext, _shares(c, ciphertext, [1, 2, 3])


def test_altered_decryption_share_is_rejected(ceremony: Factory) -> None:
    c, ciphertext, shares = _one(ceremony)
    s = shares[1]
    x2 = public_share(c.public_keys, 2)
    bad = [
        replace(s, share=s.share * G),
        replace(s, proof=replace(s.proof, response=s.proof.response + Scalar(1))),
        replace(s, proof=replace(s.proof, challenge=s.proof.challenge + Scalar(1))),
    ]
    for b in bad:
        with pytest.raises(ProofError, match="decryption share of trustee 2"):
            b.verify(x2, ciphertext, CONTEXT)
        with pytest.raises(ProofError, match="decryption share of trustee 2"):
            check_decryption_shares([shares[0], b], c.public_keys, ciphertext, CONTEXT)


def test_flipped_share_byte_is_rejected(ceremony: Factory) -> None:
    c, ciphertext, shares = _one(ceremony)
    s = shares[2]
    data = bytearray(s.share.encode())
    # Bit 0 of byte 0 set: never canonical, refused when decoding.
    data[0] ^= 1
    obj = json.loads(json.dumps(s.to_json()))
    obj["share"] = data.hex()
    with pytest.raises(DecodeError, match=re.escape("decryption share of trustee 3: share: not")):
        DecryptionShare.from_json(obj)
    # Any other bit: refused when decoding or by the proof.
    x3 = public_share(c.public_keys, 3)
    for position in range(32):
        for bit in range(8):
            if (position, bit) == (0, 0):
                continue
            data = bytearray(s.share.encode())
            data[position] ^= 1 << bit
            obj["share"] = data.hex()
            with pytest.raises((DecodeError, ProofError), match="trustee 3"):
                DecryptionShare.from_json(obj).verify(x3, ciphertext, CONTEXT)


def test_share_is_bound_to_trustee_ciphertext_and_context(ceremony: Factory) -> None:
    c, ciphertext, shares = _one(ceremony)
    s = shares[0]
    x1, x2 = public_share(c.public_keys, 1), public_share(c.public_keys, 2)
    s.verify(x1, ciphertext, CONTEXT)
    with pytest.raises(ProofError, match="trustee 1"):
        s.verify(x2, ciphertext, CONTEXT)
    # Relabelled as trustee 2's share.
    with pytest.raises(ProofError, match="trustee 2"):
        replace(s, trustee=2).verify(x2, ciphertext, CONTEXT)
    with pytest.raises(ProofError, match="trustee 2"):
        replace(s, trustee=2).verify(x1, ciphertext, CONTEXT)
    with pytest.raises(ProofError, match="trustee 1"):
        s.verify(x1, ciphertext, WRONG_CONTEXT)
    # Same alpha, another beta: the proof names the whole ciphertext.
    other = Ciphertext(ciphertext.alpha, ciphertext.beta * G)
    with pytest.raises(ProofError, match="trustee 1"):
        s.verify(x1, other, CONTEXT)
    with pytest.raises(ProofError, match="trustee 1"):
        s.verify(x1, _encrypt(c, 3), CONTEXT)


def test_check_decryption_shares_rules(ceremony: Factory) -> None:
    c, ciphertext, shares = _one(ceremony)
    with pytest.raises(ProtocolError, match="two decryption shares from trustee 1"):
        check_decryption_shares([shares[0], shares[0]], c.public_keys, ciphertext, CONTEXT)
    stray = replace(shares[0], trustee=4)
    with pytest.raises(ProtocolError, match="unknown trustee 4"):
        check_decryption_shares([shares[0], stray], c.public_keys, ciphertext, CONTEXT)
    with pytest.raises(ProtocolError, match="no trustee public keys"):
        check_decryption_shares(shares, [], ciphertext, CONTEXT)


def test_combine_rejects_empty_and_duplicates(ceremony: Factory) -> None:
    _, _, shares = _one(ceremony)
    with pytest.raises(ProtocolError, match="no decryption shares"):
        combine([])
    with pytest.raises(ProtocolError, match="duplicate trustee"):
        combine([shares[0], shares[1], shares[0]])


def test_proof_challenge_hashes_the_documented_statement(ceremony: Factory) -> None:
    c, ciphertext, shares = _one(ceremony)
    s = shares[1]
    x2 = public_share(c.public_keys, 2)
    alpha, m = ciphertext.alpha, s.share
    a = g_pow(s.proof.response) * x2**s.proof.challenge
    b = alpha**s.proof.response * m**s.proof.challenge
    statement = (CONTEXT, 2, alpha, ciphertext.beta)
    assert hash_to_scalar("decryption/share", statement, x2, alpha, m, a, b) == s.proof.challenge


def test_domain_tag() -> None:
    assert TAG_DECRYPTION_SHARE == "decryption/share"


# --- JSON -----------------------------------------------------------------------------------


def test_decryption_share_json_roundtrip(ceremony: Factory) -> None:
    _, _, shares = _one(ceremony)
    for s in shares:
        assert DecryptionShare.from_json(json.loads(json.dumps(s.to_json()))) == s


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("share", "00" * 32, "decryption share of trustee 2: share: is the identity element"),
        ("share", "zz" * 32, "decryption share of trustee 2: share: not hexadecimal"),
        ("share", None, "decryption share of trustee 2: share: expected a hex string"),
        ("trustee", "2", "decryption share: trustee: expected an integer, got str"),
        ("trustee", 0, "decryption share: trustee: 0 is not in"),
        ("proof", {"challenge": "00" * 32}, "trustee 2: proof: missing field 'response'"),
        ("proof", None, "decryption share of trustee 2: proof: expected an object"),
        ("extra", 1, "decryption share: unexpected field 'extra'"),
    ],
)
def test_decryption_share_from_json_rejects(
    ceremony: Factory, field: str, value: Any, message: str
) -> None:
    _, _, shares = _one(ceremony)
    obj = copy.deepcopy(shares[1].to_json())
    obj[field] = value
    with pytest.raises(DecodeError, match=re.escape(message)):
        DecryptionShare.from_json(obj)
    del obj[field]
    if field != "extra":
        with pytest.raises(DecodeError, match=f"{field}: missing"):
            DecryptionShare.from_json(obj)


def test_proof_scalars_must_be_canonical(ceremony: Factory) -> None:
    _, _, shares = _one(ceremony)
    obj = shares[0].to_json()
    obj["proof"] = {**obj["proof"], "challenge": L.to_bytes(32, "little").hex()}
    with pytest.raises(DecodeError, match=re.escape("trustee 1: proof.challenge: not canonical")):
        DecryptionShare.from_json(obj)


def test_public_share_matches_secret_share(ceremony: Factory) -> None:
    c = ceremony(5, 3)
    for s in c.shares:
        assert public_share(c.public_keys, s.index) == g_pow(s.secret_share)
