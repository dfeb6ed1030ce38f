"""Schnorr, Chaum–Pedersen and range proofs: honest proofs verify, and every change to the
statement, the context or the proof is caught.

Some proofs are also built by hand from the algorithms in the docstrings, so the tests check
the documented protocol (what an independent verifier implements), not only prove-then-verify.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openballot.crypto.elgamal import Ciphertext, encrypt, g_pow_int
from openballot.crypto.encoding import Encodable, hash_to_scalar
from openballot.crypto.group import IDENTITY, Element, G, L, Scalar, g_pow, random_scalar
from openballot.crypto.proofs import ChaumPedersenProof, RangeProof, SchnorrProof
from openballot.errors import ProofError

GROUP_PROPERTY = settings(max_examples=25, deadline=None)
ONE = Scalar(1)

CONTEXT: Encodable = [b"\x5a" * 32, "guardian-2", 7]
OTHER_CONTEXT: Encodable = [b"\x5a" * 32, "guardian-3", 7]

nonzero_scalars = st.integers(min_value=1, max_value=L - 1).map(Scalar)


# == Schnorr ==================================================================================

TAG_S = "OpenBallot/test/schnorr"
X = Scalar(0xC0FFEE_1234_5678)
PUBLIC = g_pow(X)


@GROUP_PROPERTY
@given(nonzero_scalars)
def test_schnorr_honest(secret: Scalar) -> None:
    SchnorrProof.prove(TAG_S, CONTEXT, secret).verify(TAG_S, CONTEXT, g_pow(secret))


def test_schnorr_matches_documented_algorithm() -> None:
    # Prover: w random, h = g^w, c = H(tag, context, X, h), v = w - c·x.
    w = Scalar(424242)
    c = hash_to_scalar(TAG_S, CONTEXT, PUBLIC, g_pow(w))
    proof = SchnorrProof(c, w - c * X)
    proof.verify(TAG_S, CONTEXT, PUBLIC)
    assert proof.to_json() == {"challenge": c.hex(), "response": (w - c * X).hex()}


SchnorrArgs = tuple[str, Encodable, Element, SchnorrProof]


def _schnorr(
    p: SchnorrProof, *, tag: str = TAG_S, context: Encodable = CONTEXT, public: Element = PUBLIC
) -> SchnorrArgs:
    return tag, context, public, p


SCHNORR_CHANGES: dict[str, Callable[[SchnorrProof], SchnorrArgs]] = {
    "tag": lambda p: _schnorr(p, tag="OpenBallot/test/other"),
    "context": lambda p: _schnorr(p, context=OTHER_CONTEXT),
    "context-empty": lambda p: _schnorr(p, context=[]),
    "public": lambda p: _schnorr(p, public=PUBLIC * G),
    "public-generator": lambda p: _schnorr(p, public=G),
    "public-identity": lambda p: _schnorr(p, public=IDENTITY),
    "challenge": lambda p: _schnorr(replace(p, challenge=p.challenge + ONE)),
    "response": lambda p: _schnorr(replace(p, response=p.response + ONE)),
    "challenge-zero": lambda p: _schnorr(replace(p, challenge=Scalar(0))),
    "response-zero": lambda p: _schnorr(replace(p, response=Scalar(0))),
    "both-zero": lambda p: _schnorr(SchnorrProof(Scalar(0), Scalar(0))),
    "swapped": lambda p: _schnorr(SchnorrProof(p.response, p.challenge)),
    "negated": lambda p: _schnorr(SchnorrProof(-p.challenge, -p.response)),
}


@pytest.mark.parametrize("change", SCHNORR_CHANGES)
def test_schnorr_rejects(change: str) -> None:
    proof = SchnorrProof.prove(TAG_S, CONTEXT, X)
    proof.verify(TAG_S, CONTEXT, PUBLIC)
    tag, context, public, altered = SCHNORR_CHANGES[change](proof)
    with pytest.raises(ProofError):
        altered.verify(tag, context, public)


def test_schnorr_proof_for_other_secret_rejected() -> None:
    proof = SchnorrProof.prove(TAG_S, CONTEXT, X + ONE)
    with pytest.raises(ProofError):
        proof.verify(TAG_S, CONTEXT, PUBLIC)


# == Chaum–Pedersen ===========================================================================

TAG_CP = "OpenBallot/test/chaum-pedersen"
BASE = g_pow(Scalar(0xBA5E))
IMAGE = BASE**X


@GROUP_PROPERTY
@given(nonzero_scalars, nonzero_scalars)
def test_chaum_pedersen_honest(secret: Scalar, b: Scalar) -> None:
    base = g_pow(b)
    proof = ChaumPedersenProof.prove(TAG_CP, CONTEXT, secret, base)
    proof.verify(TAG_CP, CONTEXT, g_pow(secret), base, base**secret)


def test_chaum_pedersen_matches_documented_algorithm() -> None:
    # Prover: w random, a = g^w, b = A^w, c = H(tag, context, X, A, M, a, b), v = w - c·x.
    w = Scalar(515151)
    c = hash_to_scalar(TAG_CP, CONTEXT, PUBLIC, BASE, IMAGE, g_pow(w), BASE**w)
    proof = ChaumPedersenProof(c, w - c * X)
    proof.verify(TAG_CP, CONTEXT, PUBLIC, BASE, IMAGE)
    assert proof.to_json() == {"challenge": c.hex(), "response": (w - c * X).hex()}


CPArgs = tuple[str, Encodable, Element, Element, Element, ChaumPedersenProof]


def _cp(
    p: ChaumPedersenProof,
    *,
    tag: str = TAG_CP,
    context: Encodable = CONTEXT,
    public: Element = PUBLIC,
    base: Element = BASE,
    image: Element = IMAGE,
) -> CPArgs:
    return tag, context, public, base, image, p


CP_CHANGES: dict[str, Callable[[ChaumPedersenProof], CPArgs]] = {
    "tag": lambda p: _cp(p, tag="OpenBallot/test/other"),
    "context": lambda p: _cp(p, context=OTHER_CONTEXT),
    "public": lambda p: _cp(p, public=PUBLIC * G),
    "base": lambda p: _cp(p, base=BASE * G),
    "base-generator": lambda p: _cp(p, base=G),
    "image": lambda p: _cp(p, image=IMAGE * G),
    "image-identity": lambda p: _cp(p, image=IDENTITY),
    "public-image-swapped": lambda p: _cp(p, public=IMAGE, image=PUBLIC),
    "challenge": lambda p: _cp(replace(p, challenge=p.challenge + ONE)),
    "response": lambda p: _cp(replace(p, response=p.response + ONE)),
    "challenge-zero": lambda p: _cp(replace(p, challenge=Scalar(0))),
    "both-zero": lambda p: _cp(ChaumPedersenProof(Scalar(0), Scalar(0))),
    "swapped": lambda p: _cp(ChaumPedersenProof(p.response, p.challenge)),
}


@pytest.mark.parametrize("change", CP_CHANGES)
def test_chaum_pedersen_rejects(change: str) -> None:
    proof = ChaumPedersenProof.prove(TAG_CP, CONTEXT, X, BASE)
    proof.verify(TAG_CP, CONTEXT, PUBLIC, BASE, IMAGE)
    tag, context, public, base, image, altered = CP_CHANGES[change](proof)
    with pytest.raises(ProofError):
        altered.verify(tag, context, public, base, image)


def test_chaum_pedersen_unequal_logs_rejected() -> None:
    """A prover whose image is base^(x+1) while public is g^x has no valid proof: the honest
    prover's output for either exponent fails against the mixed statement."""
    wrong_image = BASE ** (X + ONE)
    for secret in (X, X + ONE):
        proof = ChaumPedersenProof.prove(TAG_CP, CONTEXT, secret, BASE)
        with pytest.raises(ProofError):
            proof.verify(TAG_CP, CONTEXT, PUBLIC, BASE, wrong_image)


# == Range proofs =============================================================================

TAG_R = "OpenBallot/test/range"
KEY_SECRET = Scalar(0x5EC12E7_0000_0001)
KEY = g_pow(KEY_SECRET)
RANGES = [(0, 1), (0, 3), (1, 3), (2, 5)]


@dataclass(frozen=True)
class Statement:
    tag: str
    context: Encodable
    key: Element
    ciphertext: Ciphertext
    low: int
    high: int

    def verify(self, proof: RangeProof) -> None:
        proof.verify(self.tag, self.context, self.key, self.ciphertext, self.low, self.high)


def _honest(low: int, high: int, m: int, r: Scalar | None = None) -> tuple[Statement, RangeProof]:
    r = r if r is not None else random_scalar()
    ciphertext = encrypt(KEY, m, r)
    proof = RangeProof.prove(TAG_R, CONTEXT, KEY, ciphertext, low, high, m, r)
    return Statement(TAG_R, CONTEXT, KEY, ciphertext, low, high), proof


@GROUP_PROPERTY
@given(st.sampled_from(RANGES), st.data(), nonzero_scalars)
def test_range_honest(bounds: tuple[int, int], data: Any, r: Scalar) -> None:
    low, high = bounds
    m = data.draw(st.integers(min_value=low, max_value=high), label="plaintext")
    statement, proof = _honest(low, high, m, r)
    assert len(proof.challenges) == len(proof.responses) == high - low + 1
    statement.verify(proof)


@pytest.mark.parametrize("low,high", RANGES + [(0, 0), (3, 3), (0, 9)])
def test_range_honest_every_plaintext(low: int, high: int) -> None:
    for m in range(low, high + 1):
        statement, proof = _honest(low, high, m)
        statement.verify(proof)
        total = Scalar(0)
        for c in proof.challenges:
            total = total + c
        # The documented relation: the challenges sum to the hash of the statement.
        assert total == _statement_hash(statement, proof)


def _branch(key: Element, ct: Ciphertext, j: int, c: Scalar, v: Scalar) -> tuple[Element, Element]:
    """a_j = g^v_j · alpha^c_j, b_j = K^v_j · (beta / g^j)^c_j, as documented."""
    return g_pow(v) * ct.alpha**c, key**v * (ct.beta / g_pow_int(j)) ** c


def _statement_hash(s: Statement, proof: RangeProof) -> Scalar:
    commitments = [
        _branch(s.key, s.ciphertext, j, c, v)
        for j, c, v in zip(range(s.low, s.high + 1), proof.challenges, proof.responses, strict=True)
    ]
    alpha, beta = s.ciphertext.alpha, s.ciphertext.beta
    return hash_to_scalar(s.tag, s.context, s.key, alpha, beta, s.low, s.high, commitments)


def _handmade(
    low: int, high: int, m: int, r: Scalar, simulated: dict[int, tuple[Scalar, Scalar]]
) -> tuple[Statement, RangeProof]:
    """The Cramer–Damgård–Schoenmakers prover written from the RangeProof docstring, with the
    simulated branches' (challenge, response) chosen by the caller."""
    ct = encrypt(KEY, m, r)
    w = random_scalar()
    challenges: dict[int, Scalar] = {}
    responses: dict[int, Scalar] = {}
    commitments = []
    for j in range(low, high + 1):
        if j == m:
            commitments.append((g_pow(w), KEY**w))
        else:
            c_j, v_j = simulated.get(j, (random_scalar(), random_scalar()))
            challenges[j], responses[j] = c_j, v_j
            commitments.append(_branch(KEY, ct, j, c_j, v_j))
    c = hash_to_scalar(TAG_R, CONTEXT, KEY, ct.alpha, ct.beta, low, high, commitments)
    c_real = c
    for c_j in challenges.values():
        c_real = c_real - c_j
    challenges[m], responses[m] = c_real, w - c_real * r
    order = range(low, high + 1)
    proof = RangeProof(tuple(challenges[j] for j in order), tuple(responses[j] for j in order))
    return Statement(TAG_R, CONTEXT, KEY, ct, low, high), proof


@pytest.mark.parametrize("low,high,m", [(0, 1, 0), (0, 1, 1), (0, 3, 2), (2, 5, 5)])
def test_range_handmade_matches_documented_algorithm(low: int, high: int, m: int) -> None:
    statement, proof = _handmade(low, high, m, random_scalar(), {})
    statement.verify(proof)


@pytest.mark.parametrize("low,high,m", [(0, 1, 0), (0, 1, 1), (0, 3, 1), (1, 3, 3), (2, 5, 2)])
def test_range_zero_simulated_challenge_verifies(low: int, high: int, m: int) -> None:
    """A simulated branch with challenge 0 makes the verifier compute alpha^0 and
    (beta/g^j)^0, which libsodium refuses; the binding must return the identity, not crash."""
    others = [j for j in range(low, high + 1) if j != m]
    simulated = {j: (Scalar(0), random_scalar()) for j in others}
    statement, proof = _handmade(low, high, m, random_scalar(), simulated)
    assert all(proof.challenges[j - low] == Scalar(0) for j in others)
    statement.verify(proof)
    # And only one zero among several simulated branches.
    if len(others) > 1:
        statement, proof = _handmade(
            low, high, m, random_scalar(), {others[0]: simulated[others[0]]}
        )
        statement.verify(proof)


def test_range_zero_simulated_challenge_and_response_verifies() -> None:
    statement, proof = _handmade(0, 3, 2, random_scalar(), {0: (Scalar(0), Scalar(0))})
    assert proof.challenges[0] == proof.responses[0] == Scalar(0)
    statement.verify(proof)


def _scalar_change(values: tuple[Scalar, ...], i: int, delta: Scalar) -> tuple[Scalar, ...]:
    out = list(values)
    out[i] = out[i] + delta
    return tuple(out)


def _swap(values: tuple[Scalar, ...], i: int, j: int) -> tuple[Scalar, ...]:
    out = list(values)
    out[i], out[j] = out[j], out[i]
    return tuple(out)


def _proof_changes(proof: RangeProof) -> dict[str, RangeProof]:
    n = len(proof.challenges)
    cs, vs = proof.challenges, proof.responses
    changes: dict[str, RangeProof] = {}
    for i in range(n):
        changes[f"challenge[{i}]+1"] = RangeProof(_scalar_change(cs, i, ONE), vs)
        changes[f"response[{i}]+1"] = RangeProof(cs, _scalar_change(vs, i, ONE))
        changes[f"challenge[{i}]=0"] = RangeProof(_scalar_change(cs, i, -cs[i]), vs)
        # Keeps the sum of challenges: only the recomputed commitments can catch it.
        other = (i + 1) % n
        if other != i:
            moved = _scalar_change(_scalar_change(cs, i, ONE), other, -ONE)
            changes[f"challenge[{i}]+1,challenge[{other}]-1"] = RangeProof(moved, vs)
    for i in range(n):
        for j in range(i + 1, n):
            changes[f"branches {i}<->{j}"] = RangeProof(_swap(cs, i, j), _swap(vs, i, j))
            changes[f"challenges {i}<->{j}"] = RangeProof(_swap(cs, i, j), vs)
            changes[f"responses {i}<->{j}"] = RangeProof(cs, _swap(vs, i, j))
    changes["challenges<->responses"] = RangeProof(vs, cs)
    changes["drop last branch"] = RangeProof(cs[:-1], vs[:-1])
    changes["drop first branch"] = RangeProof(cs[1:], vs[1:])
    changes["extra branch"] = RangeProof(cs + (Scalar(0),), vs + (Scalar(0),))
    changes["extra branch, repeated"] = RangeProof(cs + cs[-1:], vs + vs[-1:])
    changes["one response short"] = RangeProof(cs, vs[:-1])
    changes["one challenge short"] = RangeProof(cs[:-1], vs)
    changes["no branches"] = RangeProof((), ())
    return changes


def _statement_changes(s: Statement) -> dict[str, Statement]:
    alpha, beta = s.ciphertext.alpha, s.ciphertext.beta
    rerandom = Scalar(777)
    changes = {
        "tag": replace(s, tag="OpenBallot/test/other"),
        "context": replace(s, context=OTHER_CONTEXT),
        "context-flat": replace(s, context=[b"\x5a" * 32, "guardian-2", 7, 0]),
        "key": replace(s, key=s.key * G),
        "key-generator": replace(s, key=G),
        "alpha": replace(s, ciphertext=Ciphertext(alpha * G, beta)),
        "beta": replace(s, ciphertext=Ciphertext(alpha, beta * G)),
        "beta, plaintext - 1": replace(s, ciphertext=Ciphertext(alpha, beta / G)),
        "alpha<->beta": replace(s, ciphertext=Ciphertext(beta, alpha)),
        "rerandomised": replace(
            s, ciphertext=Ciphertext(alpha * g_pow(rerandom), beta * s.key**rerandom)
        ),
        "range shifted up": replace(s, low=s.low + 1, high=s.high + 1),
        "range wider": replace(s, high=s.high + 1),
        "range narrower": replace(s, high=s.high - 1),
    }
    if s.low >= 1:
        changes["range shifted down"] = replace(s, low=s.low - 1, high=s.high - 1)
    return changes


@pytest.mark.parametrize("low,high,m", [(0, 1, 0), (0, 1, 1), (0, 3, 2), (1, 3, 1), (2, 5, 4)])
def test_range_rejects_every_change_to_the_proof(low: int, high: int, m: int) -> None:
    statement, proof = _honest(low, high, m)
    statement.verify(proof)
    changes = _proof_changes(proof)
    accepted = []
    for name, altered in changes.items():
        try:
            statement.verify(altered)
        except ProofError:
            continue
        accepted.append(name)
    assert accepted == []
    assert len(changes) >= 4 * (high - low + 1) + 8


@pytest.mark.parametrize("low,high,m", [(0, 1, 0), (0, 1, 1), (0, 3, 2), (1, 3, 1), (2, 5, 4)])
def test_range_rejects_every_change_to_the_statement(low: int, high: int, m: int) -> None:
    statement, proof = _honest(low, high, m)
    statement.verify(proof)
    accepted = []
    for name, altered in _statement_changes(statement).items():
        try:
            altered.verify(proof)
        except ProofError:
            continue
        accepted.append(name)
    assert accepted == []


@pytest.mark.parametrize("low,high", RANGES)
def test_range_prove_refuses_plaintext_outside(low: int, high: int) -> None:
    for m in (low - 1, high + 1, high + 10):
        r = random_scalar()
        ct = encrypt(KEY, m, r)
        with pytest.raises(ValueError):
            RangeProof.prove(TAG_R, CONTEXT, KEY, ct, low, high, m, r)


@pytest.mark.parametrize("claimed", [0, 1])
def test_range_lying_prover_rejected(claimed: int) -> None:
    """A ciphertext of 2 with a proof run as if it held 0 or 1 must not pass as [0, 1]."""
    r = random_scalar()
    ct = encrypt(KEY, 2, r)
    proof = RangeProof.prove(TAG_R, CONTEXT, KEY, ct, 0, 1, claimed, r)
    with pytest.raises(ProofError):
        proof.verify(TAG_R, CONTEXT, KEY, ct, 0, 1)


def test_range_wrong_randomness_rejected() -> None:
    r = random_scalar()
    ct = encrypt(KEY, 1, r)
    proof = RangeProof.prove(TAG_R, CONTEXT, KEY, ct, 0, 1, 1, r + ONE)
    with pytest.raises(ProofError):
        proof.verify(TAG_R, CONTEXT, KEY, ct, 0, 1)


def test_range_proof_not_transferable_between_ciphertexts() -> None:
    statement_a, proof_a = _honest(0, 1, 1)
    statement_b, proof_b = _honest(0, 1, 1)
    statement_a.verify(proof_a)
    statement_b.verify(proof_b)
    with pytest.raises(ProofError):
        statement_a.verify(proof_b)
    with pytest.raises(ProofError):
        statement_b.verify(proof_a)


def test_range_to_json() -> None:
    _, proof = _honest(0, 3, 2)
    assert proof.to_json() == {
        "challenges": [c.hex() for c in proof.challenges],
        "responses": [v.hex() for v in proof.responses],
    }
