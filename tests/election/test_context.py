"""The election context: a fingerprint over everything a ballot is bound to, checked trustee
keys, and the election.json summary."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest

from openballot.crypto.group import G, Scalar
from openballot.crypto.keyceremony import generate_trustee, joint_public_key
from openballot.election.context import ElectionContext, ceremony_context
from openballot.election.credentials import CredentialList, new_code, public_credential
from openballot.election.manifest import Manifest
from openballot.errors import DecodeError, ProofError, ProtocolError

# The `election` fixture (conftest.py): an honest election, 3 trustees, threshold 2.


def _create(e: Any, **changes: Any) -> ElectionContext:
    args = {
        "manifest": e.manifest,
        "threshold": e.ctx.threshold,
        "trustees": e.public_keys,
        "credentials": e.credentials,
    }
    args.update(changes)
    return ElectionContext.create(**args)


def test_honest_context(election: Any) -> None:
    ctx = election.ctx
    assert ctx.threshold == 2
    assert [t.index for t in ctx.trustees] == [1, 2, 3]
    assert ctx.manifest_digest == election.manifest.digest()
    assert ctx.joint_key == joint_public_key(election.public_keys)
    assert len(ctx.fingerprint) == 64


def test_fingerprint_is_deterministic_and_order_free(election: Any) -> None:
    assert _create(election).fingerprint == election.ctx.fingerprint
    reversed_keys = tuple(reversed(election.public_keys))
    again = _create(election, trustees=reversed_keys)
    assert again.fingerprint == election.ctx.fingerprint
    assert again.trustees == election.ctx.trustees


def _changed_manifest(e: Any) -> Manifest:
    value = e.manifest.to_json()
    value["contests"][3]["options"][1]["labels"]["en"] = "No!"
    return Manifest.from_json(value)


def test_fingerprint_changes_with_the_manifest(election: Any) -> None:
    other = _create(election, manifest=_changed_manifest(election), check=False)
    assert other.fingerprint != election.ctx.fingerprint
    assert other.manifest_digest != election.ctx.manifest_digest


def test_trustee_proofs_are_bound_to_the_manifest(election: Any) -> None:
    with pytest.raises(ProofError, match=r"^trustee 1: proof of knowledge"):
        _create(election, manifest=_changed_manifest(election))


def test_fingerprint_changes_with_the_threshold(election: Any) -> None:
    other = _create(election, threshold=3, check=False)
    assert other.fingerprint != election.ctx.fingerprint
    assert other.joint_key == election.ctx.joint_key


def test_fingerprint_changes_with_a_trustee_key(election: Any) -> None:
    _, fresh = generate_trustee(3, "Trustee 3", 2, election.ceremony_context)
    keys = (*election.public_keys[:2], fresh)
    other = _create(election, trustees=keys)
    assert other.fingerprint != election.ctx.fingerprint
    assert other.joint_key != election.ctx.joint_key


def test_fingerprint_changes_with_a_trustee_name(election: Any) -> None:
    # same commitments, another name: only the name differs in the fingerprint's input
    renamed = replace(election.public_keys[2], name="Trustee Three")
    keys = (*election.public_keys[:2], renamed)
    other = _create(election, trustees=keys, check=False)
    assert other.joint_key == election.ctx.joint_key
    assert other.fingerprint != election.ctx.fingerprint
    # and the communication-key proof is bound to the name
    with pytest.raises(ProofError, match=r"^trustee 3: proof of knowledge of the communication"):
        _create(election, trustees=keys)


def test_fingerprint_changes_with_the_credentials(election: Any) -> None:
    creds = dict(election.credentials.districts)
    replaced = {
        "north": [*creds["north"][1:], public_credential("demo-2026", new_code())],
        "south": list(creds["south"]),
    }
    moved = {"north": list(creds["north"][1:]), "south": [*creds["south"], creds["north"][0]]}
    prints = {election.ctx.fingerprint}
    for by_district in (replaced, moved):
        other = _create(election, credentials=CredentialList.of(by_district))
        assert other.fingerprint != election.ctx.fingerprint
        prints.add(other.fingerprint)
    assert len(prints) == 3


def test_bad_coefficient_proof_rejected(election: Any) -> None:
    key = election.public_keys[1]
    proof = key.coefficient_proofs[1]
    bad_proof = replace(proof, response=proof.response + Scalar(1))
    bad = replace(key, coefficient_proofs=(key.coefficient_proofs[0], bad_proof))
    keys = (election.public_keys[0], bad, election.public_keys[2])
    with pytest.raises(ProofError, match=r"^trustee 2: proof of knowledge of coefficient 1"):
        _create(election, trustees=keys)
    # the check can be left to the verifier
    assert _create(election, trustees=keys, check=False).fingerprint == election.ctx.fingerprint


def test_bad_communication_proof_rejected(election: Any) -> None:
    key = election.public_keys[2]
    bad = replace(key, communication_key=key.communication_key * G)
    with pytest.raises(ProofError, match=r"^trustee 3: proof of knowledge of the communication"):
        _create(election, trustees=(*election.public_keys[:2], bad))


def test_key_of_another_ceremony_rejected(election: Any) -> None:
    other_ceremony = ceremony_context(election.manifest, 3, 3)
    _, foreign = generate_trustee(3, "Trustee 3", 2, other_ceremony)
    with pytest.raises(ProofError, match=r"^trustee 3: "):
        _create(election, trustees=(*election.public_keys[:2], foreign))


@pytest.mark.parametrize(
    ("indices", "message"),
    [
        ((1, 2, 4), "trustee indices must be exactly 1..3; missing 3, found 4"),
        ((1, 2, 2), "trustee 2 appears more than once"),
        ((2, 3, 4), "trustee indices must be exactly 1..3; missing 1, found 4"),
    ],
)
def test_wrong_indices_rejected(election: Any, indices: tuple[int, ...], message: str) -> None:
    keys = [replace(election.public_keys[k % 3], index=i) for k, i in enumerate(indices)]
    with pytest.raises(ProtocolError, match="^" + re.escape(message)):
        _create(election, trustees=keys)


def test_threshold_must_match_commitments(election: Any) -> None:
    with pytest.raises(ProtocolError, match=r"^trustee 1: expected 3 commitments"):
        _create(election, threshold=3)
    with pytest.raises(ProtocolError, match=r"^threshold 4 is not in \[1, 3\]"):
        _create(election, threshold=4)
    with pytest.raises(ProtocolError, match=r"^no trustee public keys"):
        _create(election, trustees=())


# --- election.json --------------------------------------------------------------------------


def _summary(ctx: ElectionContext) -> dict[str, Any]:
    value = json.loads(json.dumps(ctx.summary_json()))
    assert isinstance(value, dict)
    return value


def test_summary_round_trip(election: Any) -> None:
    ctx = election.ctx
    s = _summary(ctx)
    assert s == {
        "election_id": "demo-2026",
        "manifest_digest": ctx.manifest_digest.hex(),
        "trustees": 3,
        "threshold": 2,
        "joint_key": ctx.joint_key.hex(),
        "credentials_digest": ctx.credentials.digest(ctx.manifest_digest).hex(),
        "credential_counts": {"north": 4, "south": 4},
        "fingerprint": ctx.fingerprint.hex(),
    }
    ctx.check_summary(s)
    ctx.check_summary(dict(reversed(list(s.items()))))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("election_id", "demo-2027"),
        ("manifest_digest", "00" * 64),
        ("trustees", 4),
        ("threshold", 3),
        ("joint_key", G.hex()),
        ("credentials_digest", "11" * 64),
        ("credential_counts", {"north": 4, "south": 5}),
        ("credential_counts", {"north": 4}),
        ("fingerprint", "22" * 64),
    ],
)
def test_summary_mismatch_detected(election: Any, key: str, value: Any) -> None:
    s = _summary(election.ctx)
    s[key] = value
    with pytest.raises(DecodeError, match="^" + re.escape(f"election.json.{key}: expected")):
        election.ctx.check_summary(s)


def test_summary_fingerprint_case_matters(election: Any) -> None:
    s = _summary(election.ctx)
    s["fingerprint"] = s["fingerprint"].upper()
    with pytest.raises(DecodeError, match=r"^election.json.fingerprint"):
        election.ctx.check_summary(s)


@pytest.mark.parametrize("key", ["fingerprint", "threshold", "joint_key"])
def test_summary_missing_field(election: Any, key: str) -> None:
    s = _summary(election.ctx)
    del s[key]
    with pytest.raises(DecodeError, match="^" + re.escape(f"election.json: missing field '{key}'")):
        election.ctx.check_summary(s)


def test_summary_wrong_types(election: Any) -> None:
    s = _summary(election.ctx)
    s["threshold"] = "2"
    with pytest.raises(DecodeError, match=r"^election.json.threshold: expected an integer"):
        election.ctx.check_summary(s)
    with pytest.raises(DecodeError, match=r"^election.json: expected an object"):
        election.ctx.check_summary([])


def test_summary_of_another_context_rejected(election: Any) -> None:
    other = _create(election, threshold=3, check=False)
    with pytest.raises(DecodeError, match=r"^election.json.threshold: expected 2, found 3"):
        election.ctx.check_summary(_summary(other))


# --- from the credential list's digest (what a board states) ---------------------------------


def test_context_from_the_credentials_digest(election: Any) -> None:
    """A machine that talks to a board knows the credential list only by its digest: the
    context built from it has the same joint key and fingerprint, and no list."""
    ctx = election.ctx
    known = _create(election, credentials=ctx.credentials_digest)
    assert known.credentials_digest == ctx.credentials_digest
    assert known.joint_key == ctx.joint_key
    assert known.fingerprint == ctx.fingerprint
    assert known.credential_list is None
    with pytest.raises(ProtocolError, match=r"only the digest of the credential list is known"):
        known.credentials  # noqa: B018 - the property is what is tested
    assert ctx.credentials_digest == election.credentials.digest(ctx.manifest_digest)


def test_context_from_a_digest_checks_the_trustees(election: Any) -> None:
    with pytest.raises(ProofError, match=r"^trustee 1: proof of knowledge"):
        _create(
            election,
            manifest=_changed_manifest(election),
            credentials=election.ctx.credentials_digest,
        )


def test_context_from_a_digest_of_the_wrong_size(election: Any) -> None:
    with pytest.raises(ProtocolError, match=r"^credentials digest: expected 64 bytes, got 32"):
        _create(election, credentials=bytes(32))
