"""Joint-Feldman key ceremony: honest runs, tampering, complaints and JSON decoding."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from hypothesis import given, settings
from hypothesis import strategies as st

from openballot.crypto.complaint import (
    REASON_MISMATCH,
    REASON_UNDECRYPTABLE,
    TAG_COMPLAINT,
    Complaint,
    make_complaint,
)
from openballot.crypto.encoding import digest, encode, hash_to_scalar
from openballot.crypto.group import IDENTITY, Element, G, L, Scalar, g_pow, random_scalar
from openballot.crypto.keyceremony import (
    TrusteeShare,
    encrypt_shares,
    generate_trustee,
    joint_public_key,
    public_share,
    receive_shares,
)
from openballot.crypto.proofs import SchnorrProof
from openballot.crypto.share_encryption import (
    TAG_SHARE_KEY,
    EncryptedShare,
    decrypt_share,
    encrypt_share,
)
from openballot.crypto.trustee import (
    TAG_COEFFICIENT,
    TAG_COMMUNICATION_KEY,
    TrusteePublicKey,
    TrusteeSecret,
    check_public_keys,
    check_share,
    verify_public_keys,
)
from openballot.errors import DecodeError, ProofError, ProtocolError

# The `ceremony` fixture (conftest.py): (n, t) -> an honest, cached ceremony.
Factory = Callable[[int, int], Any]
Ceremony = Any

CONTEXT = ("ceremony", b"a manifest digest", 4, 3)
#: A context other than the one every fixture ceremony was run with.
WRONG_CONTEXT = ("ceremony", b"another manifest digest", 3, 2)

SIZES = [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (3, 3), (5, 3)]


def _flip(data: bytes, position: int, bit: int = 0) -> bytes:
    out = bytearray(data)
    out[position] ^= 1 << bit
    return bytes(out)


# --- honest ceremony ------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "t"), SIZES)
def test_honest_ceremony(ceremony: Factory, n: int, t: int) -> None:
    c = ceremony(n, t)
    verify_public_keys(c.public_keys, t, c.context)
    secret_sum = Scalar(0)
    for s in c.secrets:
        secret_sum = secret_sum + s.coefficients[0]
    assert joint_public_key(c.public_keys) == g_pow(secret_sum)
    for s in c.shares:
        assert s.threshold == t
        assert g_pow(s.secret_share) == public_share(c.public_keys, s.index)
        expected = Scalar(0)
        for sender in c.secrets:
            expected = expected + sender.share_for(s.index)
        assert s.secret_share == expected
    for i, sent in c.sent.items():
        assert [e.recipient for e in sent] == [j for j in range(1, n + 1) if j != i]
        assert all(e.sender == i for e in sent)


def test_generated_key_matches_secret() -> None:
    context = CONTEXT
    secret, public = generate_trustee(2, "Alice", 3, context)
    assert (secret.index, secret.threshold, public.index, public.name) == (2, 3, 2, "Alice")
    assert public.communication_key == g_pow(secret.communication_secret)
    assert public.commitments == tuple(g_pow(a) for a in secret.coefficients)
    assert public.threshold == 3
    public.verify(context, 3)


def test_secret_values_are_not_in_repr() -> None:
    secret, _ = generate_trustee(1, "A", 2, CONTEXT)
    share = TrusteeShare(1, 2, secret.coefficients[1], secret.signing_secret)
    for text, values in [
        (repr(secret), [secret.communication_secret, secret.signing_secret, *secret.coefficients]),
        (repr(share), [share.secret_share, share.signing_secret]),
    ]:
        for v in values:
            assert v.hex()[:16] not in text


@pytest.mark.parametrize(("index", "threshold"), [(0, 1), (1, 0), (-1, 2)])
def test_generate_trustee_rejects_bad_parameters(index: int, threshold: int) -> None:
    with pytest.raises(ValueError):
        generate_trustee(index, "X", threshold, "ctx")


def test_share_for_evaluates_the_polynomial() -> None:
    a = (Scalar(5), Scalar(7), Scalar(11))
    secret = TrusteeSecret(1, 3, Scalar(3), Scalar(4), a)
    # 5 + 7·4 + 11·16
    assert secret.share_for(4) == Scalar(5 + 28 + 176)
    big = TrusteeSecret(1, 2, Scalar(3), Scalar(4), (Scalar(L - 1), Scalar(L - 1)))
    assert big.share_for(2) == Scalar.of(-3)


@settings(max_examples=20, deadline=None)
@given(recipient=st.integers(1, 10_000), delta=st.integers(1, L - 1))
def test_check_share_accepts_exactly_the_committed_value(
    ceremony: Factory, recipient: int, delta: int
) -> None:
    c = ceremony(5, 3)
    sender, key = c.secrets[1], c.public_keys[1]
    value = sender.share_for(recipient)
    check_share(value, key, recipient)
    with pytest.raises(ProtocolError, match="does not match trustee 2's commitments"):
        check_share(value + Scalar(delta), key, recipient)


# --- public keys ----------------------------------------------------------------------------


def _key(c: Ceremony, index: int) -> TrusteePublicKey:
    key: TrusteePublicKey = c.public_keys[index - 1]
    return key


def test_altered_commitment_is_caught(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    pk = _key(c, 2)
    bad = replace(pk, commitments=(pk.commitments[0], pk.commitments[1] * G))
    with pytest.raises(ProofError, match="trustee 2: proof of knowledge of coefficient 1"):
        bad.verify(c.context, 2)


def test_altered_coefficient_proof_is_caught(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    pk = _key(c, 3)
    p = pk.coefficient_proofs[0]
    bad = replace(
        pk,
        coefficient_proofs=(
            SchnorrProof(p.challenge, p.response + Scalar(1)),
            pk.coefficient_proofs[1],
        ),
    )
    with pytest.raises(ProofError, match="trustee 3: proof of knowledge of coefficient 0"):
        bad.verify(c.context, 2)


def test_altered_communication_proof_is_caught(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    pk = _key(c, 1)
    p = pk.communication_proof
    bad = replace(pk, communication_proof=SchnorrProof(p.challenge + Scalar(1), p.response))
    with pytest.raises(ProofError, match="trustee 1: .*communication key"):
        bad.verify(c.context, 2)
    with pytest.raises(ProofError, match="trustee 1: .*communication key"):
        replace(pk, communication_key=pk.communication_key * G).verify(c.context, 2)


def test_proofs_are_bound_to_context_index_name_and_position(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    pk = _key(c, 2)
    with pytest.raises(ProofError, match="trustee 2"):
        pk.verify(WRONG_CONTEXT, 2)
    with pytest.raises(ProofError, match="trustee 3"):
        replace(pk, index=3).verify(c.context, 2)
    with pytest.raises(ProofError, match="communication key"):
        replace(pk, name="Mallory").verify(c.context, 2)
    swapped = replace(
        pk,
        commitments=pk.commitments[::-1],
        coefficient_proofs=pk.coefficient_proofs[::-1],
    )
    with pytest.raises(ProofError, match="coefficient 0"):
        swapped.verify(c.context, 2)
    # Trustee 1's proven commitment, copied into trustee 2's key.
    other = _key(c, 1)
    copied = replace(
        pk,
        commitments=(other.commitments[0], pk.commitments[1]),
        coefficient_proofs=(other.coefficient_proofs[0], pk.coefficient_proofs[1]),
    )
    with pytest.raises(ProofError, match="trustee 2: proof of knowledge of coefficient 0"):
        copied.verify(c.context, 2)


def test_wrong_number_of_commitments(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    with pytest.raises(ProtocolError, match="trustee 1: expected 3 commitments"):
        _key(c, 1).verify(c.context, 3)
    with pytest.raises(ProtocolError, match="trustee 1: expected 3 commitments"):
        check_public_keys(c.public_keys, 3)


def test_check_public_keys_rules(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    k1, k2, k3 = c.public_keys
    check_public_keys([k3, k1, k2], 2)
    with pytest.raises(ProtocolError, match="trustee 2 appears more than once"):
        check_public_keys([k1, k2, k2], 2)
    with pytest.raises(ProtocolError, match="missing 2"):
        check_public_keys([k1, k3], 2)
    with pytest.raises(ProtocolError, match="threshold 3 is not in"):
        check_public_keys([k1, k2], 3)
    with pytest.raises(ProtocolError, match="threshold 0 is not in"):
        check_public_keys([k1, k2], 0)
    with pytest.raises(ProtocolError, match="no trustee public keys"):
        check_public_keys([], 1)
    mixed = ceremony(3, 3)
    with pytest.raises(ProtocolError, match="trustee 2: expected 2 commitments"):
        check_public_keys([k1, mixed.public_keys[1], k3], 2)
    with pytest.raises(ProtocolError):
        joint_public_key([k1, mixed.public_keys[1], k3])


def test_public_share_rejects_unknown_trustee(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    with pytest.raises(ProtocolError, match="no trustee 4"):
        public_share(c.public_keys, 4)
    with pytest.raises(ProtocolError, match="no trustee 0"):
        public_share(c.public_keys, 0)


# --- share encryption -----------------------------------------------------------------------


def test_share_encryption_follows_the_documented_construction(ceremony: Factory) -> None:
    """Decrypt one share with nothing but the formula in the EncryptedShare docstring."""
    c = ceremony(3, 2)
    share = c.share(1, 3)
    recipient = c.secrets[2]
    p_j = _key(c, 3).communication_key
    z = share.ephemeral**recipient.communication_secret
    key = digest("ceremony/share-key", c.context, 1, 3, share.ephemeral, p_j, z)[:32]
    plain = ChaCha20Poly1305(key).decrypt(bytes(12), share.ciphertext, encode((c.context, 1, 3)))
    assert Scalar.decode(plain) == c.secrets[0].share_for(3)
    assert TAG_SHARE_KEY == "ceremony/share-key"
    assert (TAG_COEFFICIENT, TAG_COMMUNICATION_KEY, TAG_COMPLAINT) == (
        "ceremony/coefficient",
        "ceremony/communication-key",
        "ceremony/complaint",
    )


def test_proof_challenges_hash_the_documented_statements(ceremony: Factory) -> None:
    """Recompute each challenge from the statement listed in docs/protocol.md."""
    c = ceremony(3, 2)
    pk = _key(c, 2)
    p = pk.communication_proof
    h = g_pow(p.response) * pk.communication_key**p.challenge
    statement = (c.context, 2, "Trustee 2")
    expected = hash_to_scalar("ceremony/communication-key", statement, pk.communication_key, h)
    assert expected == p.challenge
    for k, (a, p) in enumerate(zip(pk.commitments, pk.coefficient_proofs, strict=True)):
        h = g_pow(p.response) * a**p.challenge
        assert hash_to_scalar("ceremony/coefficient", (c.context, 2, k), a, h) == p.challenge
    bad, complaint = _justified(c)
    p_j, e, z = _key(c, 3).communication_key, bad.ephemeral, complaint.shared_secret
    cp = complaint.proof
    a = g_pow(cp.response) * p_j**cp.challenge
    b = e**cp.response * z**cp.challenge
    claim = (c.context, 3, 2, bad.ciphertext)
    assert hash_to_scalar("ceremony/complaint", claim, p_j, e, z, a, b) == cp.challenge


def test_decrypt_share_roundtrip(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    for sender in c.secrets:
        for share in c.sent[sender.index]:
            recipient = c.secrets[share.recipient - 1]
            value = decrypt_share(recipient, share, c.public_keys, c.context)
            assert value == sender.share_for(share.recipient)
            check_share(value, _key(c, sender.index), share.recipient)


def test_decrypt_share_wrong_recipient_or_context(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    share = c.share(1, 2)
    with pytest.raises(ProtocolError, match="addressed to trustee 2, not to trustee 3"):
        decrypt_share(c.secrets[2], share, c.public_keys, c.context)
    with pytest.raises(ProtocolError, match="from trustee 1 to trustee 2 does not decrypt"):
        decrypt_share(c.secrets[1], share, c.public_keys, WRONG_CONTEXT)
    # The header is authenticated: the same ciphertext relabelled as coming from trustee 3.
    with pytest.raises(ProtocolError, match="does not decrypt"):
        decrypt_share(c.secrets[1], replace(share, sender=3), c.public_keys, c.context)


def test_decrypt_share_refuses_a_secret_that_does_not_match(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    stranger, _ = generate_trustee(2, "Stranger", 2, c.context)
    with pytest.raises(ProtocolError, match="trustee 2: published communication key"):
        decrypt_share(stranger, c.share(1, 2), c.public_keys, c.context)


def test_non_canonical_plaintext_is_refused(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    p_j = _key(c, 2).communication_key
    e = random_scalar()
    ephemeral = g_pow(e)
    key = digest(TAG_SHARE_KEY, c.context, 1, 2, ephemeral, p_j, p_j**e)[:32]
    ciphertext = ChaCha20Poly1305(key).encrypt(
        bytes(12), L.to_bytes(32, "little"), encode((c.context, 1, 2))
    )
    share = EncryptedShare(1, 2, ephemeral, ciphertext)
    with pytest.raises(ProtocolError, match="canonical scalar"):
        decrypt_share(c.secrets[1], share, c.public_keys, c.context)
    share_set = [share if s.sender == 1 else s for s in c.received_by(2)]
    result, complaints = receive_shares(c.secrets[1], c.public_keys, share_set, c.context)
    assert result is None
    assert complaints[0].verify(share, c.public_keys, c.context) == REASON_UNDECRYPTABLE


def test_encrypt_shares_checks_keys_and_own_secret(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    with pytest.raises(ProofError, match="trustee 1"):
        encrypt_shares(c.secrets[0], c.public_keys, WRONG_CONTEXT)
    own = c.secrets[0]
    strangers = [
        replace(own, communication_secret=random_scalar()),
        replace(own, coefficients=(own.coefficients[0], random_scalar())),
    ]
    for stranger in strangers:
        with pytest.raises(ProtocolError, match="trustee 1: published public key does not match"):
            encrypt_shares(stranger, c.public_keys, c.context)


# --- receiving shares and complaints --------------------------------------------------------


def _corrupt(share: EncryptedShare) -> EncryptedShare:
    return replace(share, ciphertext=_flip(share.ciphertext, 5))


def _receive(
    c: Ceremony, j: int, substitute: EncryptedShare
) -> tuple[TrusteeShare | None, tuple[Complaint, ...]]:
    shares = [substitute if s.sender == substitute.sender else s for s in c.received_by(j)]
    return receive_shares(c.secrets[j - 1], c.public_keys, shares, c.context)


def test_corrupted_share_gives_a_justified_complaint(ceremony: Factory) -> None:
    c = ceremony(5, 3)
    bad = _corrupt(c.share(4, 2))
    with pytest.raises(ProtocolError, match="from trustee 4 to trustee 2 does not decrypt"):
        decrypt_share(c.secrets[1], bad, c.public_keys, c.context)
    result, complaints = _receive(c, 2, bad)
    assert result is None
    assert [(x.accuser, x.accused) for x in complaints] == [(2, 4)]
    assert complaints[0].verify(bad, c.public_keys, c.context) == REASON_UNDECRYPTABLE


def test_altered_ephemeral_gives_a_justified_complaint(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    share = c.share(3, 1)
    bad = replace(share, ephemeral=share.ephemeral * G)
    result, complaints = _receive(c, 1, bad)
    assert result is None
    assert complaints[0].verify(bad, c.public_keys, c.context) == REASON_UNDECRYPTABLE


def test_wrong_share_value_gives_a_justified_complaint(ceremony: Factory) -> None:
    c = ceremony(5, 3)
    wrong = c.secrets[0].share_for(3) + Scalar(1)
    bad = encrypt_share(wrong, 1, _key(c, 3), c.context)
    assert decrypt_share(c.secrets[2], bad, c.public_keys, c.context) == wrong
    result, complaints = _receive(c, 3, bad)
    assert result is None
    assert [(x.accuser, x.accused) for x in complaints] == [(3, 1)]
    assert complaints[0].verify(bad, c.public_keys, c.context) == REASON_MISMATCH


def test_several_bad_shares_give_one_complaint_each(ceremony: Factory) -> None:
    c = ceremony(5, 3)
    bad1 = _corrupt(c.share(1, 5))
    bad4 = encrypt_share(Scalar(1), 4, _key(c, 5), c.context)
    shares = [{1: bad1, 4: bad4}.get(s.sender, s) for s in c.received_by(5)]
    result, complaints = receive_shares(c.secrets[4], c.public_keys, shares[::-1], c.context)
    assert result is None
    assert [x.accused for x in complaints] == [1, 4]
    assert complaints[0].verify(bad1, c.public_keys, c.context) == REASON_UNDECRYPTABLE
    assert complaints[1].verify(bad4, c.public_keys, c.context) == REASON_MISMATCH


def test_unfounded_complaint_is_rejected(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    share = c.share(2, 1)
    complaint = make_complaint(c.secrets[0], share, c.public_keys, c.context)
    with pytest.raises(
        ProtocolError, match="complaint by trustee 1 against trustee 2 is unfounded"
    ):
        complaint.verify(share, c.public_keys, c.context)


def _justified(c: Ceremony) -> tuple[EncryptedShare, Complaint]:
    bad = _corrupt(c.share(2, 3))
    _, complaints = _receive(c, 3, bad)
    return bad, complaints[0]


def test_complaint_with_bad_proof_is_rejected(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    bad, complaint = _justified(c)
    p = complaint.proof
    forged = [
        replace(complaint, shared_secret=complaint.shared_secret * G),
        replace(complaint, proof=replace(p, response=p.response + Scalar(1))),
        replace(complaint, proof=replace(p, challenge=p.challenge + Scalar(1))),
    ]
    for f in forged:
        with pytest.raises(ProofError, match="complaint by trustee 3 against trustee 2"):
            f.verify(bad, c.public_keys, c.context)
    with pytest.raises(ProofError, match="not proven"):
        complaint.verify(bad, c.public_keys, WRONG_CONTEXT)


def test_complaint_is_bound_to_its_share(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    bad, complaint = _justified(c)
    with pytest.raises(ProtocolError, match="the share given is from trustee 1 to trustee 3"):
        complaint.verify(c.share(1, 3), c.public_keys, c.context)
    # Relabelled to accuse trustee 1 about trustee 1's (honest) share: the proof's context
    # names the accused and the ciphertext, so it no longer verifies.
    moved = replace(complaint, accused=1)
    with pytest.raises(ProofError):
        moved.verify(c.share(1, 3), c.public_keys, c.context)
    # Same sender and recipient, different ciphertext.
    other = replace(bad, ciphertext=_flip(bad.ciphertext, 9))
    with pytest.raises(ProofError):
        complaint.verify(other, c.public_keys, c.context)


def test_make_complaint_only_by_the_recipient(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    with pytest.raises(ProtocolError, match="addressed to trustee 3"):
        make_complaint(c.secrets[0], c.share(2, 3), c.public_keys, c.context)


def test_receive_shares_message_rules(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    mine = c.received_by(1)
    secret = c.secrets[0]
    with pytest.raises(ProtocolError, match="no share from trustee 3 to trustee 1"):
        receive_shares(secret, c.public_keys, [s for s in mine if s.sender != 3], c.context)
    with pytest.raises(ProtocolError, match="two shares from trustee 2"):
        receive_shares(secret, c.public_keys, [*mine, mine[0]], c.context)
    with pytest.raises(ProtocolError, match="addressed to trustee 2"):
        receive_shares(secret, c.public_keys, [*mine, c.share(3, 2)], c.context)
    with pytest.raises(ProtocolError, match="unknown trustee 7"):
        receive_shares(secret, c.public_keys, [*mine, replace(mine[0], sender=7)], c.context)
    with pytest.raises(ProofError, match="trustee 1"):
        receive_shares(secret, c.public_keys, mine, WRONG_CONTEXT)
    stranger, _ = generate_trustee(1, "Stranger", 2, c.context)
    with pytest.raises(ProtocolError, match="does not match the secret"):
        receive_shares(stranger, c.public_keys, mine, c.context)


# --- JSON -----------------------------------------------------------------------------------


def _roundtrip(obj: Any) -> Any:
    return json.loads(json.dumps(obj.to_json()))


def test_json_roundtrips(ceremony: Factory) -> None:
    c = ceremony(3, 2)
    for s in c.secrets:
        assert TrusteeSecret.from_json(_roundtrip(s)) == s
    for pk in c.public_keys:
        assert TrusteePublicKey.from_json(_roundtrip(pk)) == pk
    for sent in c.sent.values():
        for e in sent:
            assert EncryptedShare.from_json(_roundtrip(e)) == e
    for x in c.shares:
        assert TrusteeShare.from_json(_roundtrip(x)) == x
    _, complaint = _justified(c)
    assert Complaint.from_json(_roundtrip(complaint)) == complaint


NON_CANONICAL_SCALAR = L.to_bytes(32, "little").hex()


def _negated(element_hex: str) -> str:
    """A non-canonical encoding: ristretto255 requires the low bit of byte 0 to be clear."""
    return _flip(bytes.fromhex(element_hex), 0).hex()


def _edit(obj: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


_DELETE = object()


PUBLIC_KEY_CASES: list[tuple[list[str | int], Any, str]] = [
    (["commitments", 1], "NEG", "trustee 2: commitments[1]: not a canonical ristretto255 encoding"),
    (["commitments", 0], "00" * 32, "trustee 2: commitments[0]: is the identity element"),
    (["communication_key"], "00" * 32, "trustee 2: communication_key: is the identity element"),
    (["communication_key"], "ab" * 31, "trustee 2: communication_key: expected 64 lowercase"),
    (["communication_key"], 5, "trustee 2: communication_key: expected a hex string, got int"),
    (["commitments"], "00", "trustee 2: commitments: expected a list, got str"),
    (["commitments"], [], "trustee 2: commitments must be a non-empty tuple"),
    (
        ["coefficient_proofs", 0, "response"],
        NON_CANONICAL_SCALAR,
        "coefficient_proofs[0].response: not canonical",
    ),
    (["coefficient_proofs", 1], None, "trustee 2: coefficient_proofs[1]: expected an object"),
    (["communication_proof", "challenge"], _DELETE, "missing field 'challenge'"),
    (["coefficient_proofs"], [], "trustee 2: 2 commitments but 0 coefficient proofs"),
    (["index"], "2", "trustee public key: index: expected an integer, got str"),
    (["index"], True, "trustee public key: index: expected an integer, got bool"),
    (["index"], 0, "trustee public key: index: 0 is not in"),
    (["name"], 7, "trustee 2: name: expected a string, got int"),
    (["name"], "", "trustee 2: name is empty"),
    (["commitments"], _DELETE, "trustee public key: commitments: missing"),
    (["extra"], 1, "trustee public key: unexpected field 'extra'"),
]


@pytest.mark.parametrize(("path", "value", "message"), PUBLIC_KEY_CASES)
def test_public_key_from_json_rejects(
    ceremony: Factory, path: list[str | int], value: Any, message: str
) -> None:
    good = _roundtrip(_key(ceremony(3, 2), 2))
    if value == "NEG":
        value = _negated(good["commitments"][1])
    with pytest.raises(DecodeError, match=re.escape(message)):
        TrusteePublicKey.from_json(_edit(good, path, value))


def test_public_key_from_json_uppercase_hex(ceremony: Factory) -> None:
    good = _roundtrip(_key(ceremony(3, 2), 2))
    bad = _edit(good, ["communication_key"], good["communication_key"].upper())
    with pytest.raises(DecodeError, match="trustee 2: communication_key"):
        TrusteePublicKey.from_json(bad)
    with pytest.raises(DecodeError, match="trustee public key: expected a JSON object"):
        TrusteePublicKey.from_json([good])


SHARE_CASES: list[tuple[list[str | int], Any, str]] = [
    (["ciphertext"], "00" * 47, "share from trustee 1 to trustee 2: ciphertext: expected 96"),
    (["ciphertext"], "AB" * 48, "share from trustee 1 to trustee 2: ciphertext: expected 96"),
    (["ciphertext"], "0 " * 48, "ciphertext: expected 96 lowercase hex"),
    (["ephemeral"], "00" * 32, "share from trustee 1 to trustee 2: ephemeral: is the identity"),
    (["ephemeral"], _DELETE, "encrypted share: ephemeral: missing"),
    (["recipient"], 1, "share from trustee 1 to trustee 1: trustee 1 cannot send a share"),
    (["sender"], 2.0, "encrypted share: sender: expected an integer, got float"),
]


@pytest.mark.parametrize(("path", "value", "message"), SHARE_CASES)
def test_encrypted_share_from_json_rejects(
    ceremony: Factory, path: list[str | int], value: Any, message: str
) -> None:
    good = _roundtrip(ceremony(3, 2).share(1, 2))
    with pytest.raises(DecodeError, match=re.escape(message)):
        EncryptedShare.from_json(_edit(good, path, value))


COMPLAINT_CASES: list[tuple[list[str | int], Any, str]] = [
    (["shared_secret"], "00" * 32, "complaint by trustee 3 against trustee 2: shared_secret: is"),
    (["shared_secret"], "NEG", "shared_secret: not a canonical ristretto255 encoding"),
    (["proof", "response"], NON_CANONICAL_SCALAR, "against trustee 2: proof.response: not can"),
    (["proof"], _DELETE, "complaint: proof: missing"),
    (["accused"], 3, "trustee 3 cannot complain about itself"),
    (["accuser"], None, "complaint: accuser: expected an integer, got NoneType"),
]


@pytest.mark.parametrize(("path", "value", "message"), COMPLAINT_CASES)
def test_complaint_from_json_rejects(
    ceremony: Factory, path: list[str | int], value: Any, message: str
) -> None:
    _, complaint = _justified(ceremony(3, 2))
    good = _roundtrip(complaint)
    if value == "NEG":
        value = _negated(good["shared_secret"])
    with pytest.raises(DecodeError, match=re.escape(message)):
        Complaint.from_json(_edit(good, path, value))


SECRET_CASES: list[tuple[list[str | int], Any, str]] = [
    (["coefficients", 0], NON_CANONICAL_SCALAR, "trustee secret 1: coefficients[0]: not can"),
    (["coefficients", 1], "00" * 32, "trustee secret 1: coefficients[1] is zero"),
    (["coefficients"], ["01" + "00" * 31], "trustee secret 1: expected 2 coefficients"),
    (["communication_secret"], "00" * 32, "trustee secret 1: communication_secret is zero"),
    (["threshold"], 0, "trustee secret 1: threshold: 0 is not in"),
]


@pytest.mark.parametrize(("path", "value", "message"), SECRET_CASES)
def test_trustee_secret_from_json_rejects(
    ceremony: Factory, path: list[str | int], value: Any, message: str
) -> None:
    good = _roundtrip(ceremony(3, 2).secrets[0])
    with pytest.raises(DecodeError, match=re.escape(message)):
        TrusteeSecret.from_json(_edit(good, path, value))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["secret_share"], NON_CANONICAL_SCALAR, "trustee share 1: secret_share: not canonical"),
        (["secret_share"], _DELETE, "trustee share: secret_share: missing"),
        (["threshold"], "2", "trustee share 1: threshold: expected an integer"),
    ],
)
def test_trustee_share_from_json_rejects(
    ceremony: Factory, path: list[str | int], value: Any, message: str
) -> None:
    good = _roundtrip(ceremony(3, 2).shares[0])
    with pytest.raises(DecodeError, match=re.escape(message)):
        TrusteeShare.from_json(_edit(good, path, value))


def test_constructors_refuse_identity_and_bad_shapes() -> None:
    proof = SchnorrProof(Scalar(1), Scalar(1))
    with pytest.raises(ValueError, match="communication_key is the identity"):
        TrusteePublicKey(1, "A", IDENTITY, proof, G, proof, (G,), (proof,))
    with pytest.raises(ValueError, match="signing_key is the identity"):
        TrusteePublicKey(1, "A", G, proof, IDENTITY, proof, (G,), (proof,))
    with pytest.raises(ValueError, match="1 commitments but 2"):
        TrusteePublicKey(1, "A", G, proof, G, proof, (G,), (proof, proof))
    with pytest.raises(ValueError, match="ciphertext: expected 48 bytes"):
        EncryptedShare(1, 2, G, bytes(47))
    with pytest.raises(TypeError):
        TrusteeShare(1, 1, 5, Scalar(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        EncryptedShare(1, 2, Element(bytes(32)).data, bytes(48))  # type: ignore[arg-type]
