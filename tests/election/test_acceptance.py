"""The acceptance policy (openballot.election.acceptance): order, validity, eligibility."""

from __future__ import annotations

import re
from typing import Any

import pytest

from openballot.crypto.group import random_scalar
from openballot.crypto.proofs import RangeProof
from openballot.election.acceptance import (
    AcceptancePolicy,
    AuditedBallotCast,
    BallotKind,
    BallotOnLog,
    BallotRef,
    BallotRefused,
    Ineligible,
    OutOfOrder,
    check_valid,
)
from openballot.election.ballot import BallotOpening, EncryptedBallot, encrypt_ballot
from openballot.errors import ProofError, ProtocolError

CAST, AUDIT = BallotKind.CAST, BallotKind.AUDIT
TRACKER = bytes(range(32))


@pytest.mark.parametrize(
    ("kind", "earlier", "refusal", "replay"),
    [
        (CAST, None, None, False),
        (AUDIT, None, None, False),
        (CAST, AUDIT, AuditedBallotCast, False),
        (CAST, CAST, BallotOnLog, True),
        (AUDIT, CAST, BallotOnLog, False),
        (AUDIT, AUDIT, BallotOnLog, False),
    ],
)
def test_order(
    kind: BallotKind, earlier: BallotKind | None, refusal: type[Exception] | None, replay: bool
) -> None:
    if refusal is None:
        AcceptancePolicy.check_order(TRACKER, kind, earlier)
        return
    with pytest.raises(refusal) as info:
        AcceptancePolicy.check_order(TRACKER, kind, earlier)
    exc = info.value
    assert isinstance(exc, OutOfOrder) and isinstance(exc, ProtocolError)
    assert (exc.kind, exc.earlier, exc.replay) == (kind, earlier, replay)
    assert str(exc).startswith(f"ballot {TRACKER.hex()} ")
    assert exc.tracker == TRACKER and exc.reason in str(exc)


def test_an_audited_ballot_is_never_cast_says_so() -> None:
    with pytest.raises(AuditedBallotCast, match="was audited and can never be cast"):
        AcceptancePolicy.check_order(TRACKER, CAST, AUDIT)


def test_a_valid_eligible_ballot_and_its_audit_are_accepted(election: Any, north_vote: Any) -> None:
    policy = AcceptancePolicy(election.ctx)
    policy.check(north_vote.ballot)
    policy.check(north_vote.ballot, north_vote.opening)
    check_valid(election.ctx, north_vote.ballot, north_vote.opening)


def test_a_ballot_whose_credential_is_of_another_district_is_ineligible(
    election: Any, south_vote: Any
) -> None:
    # A north voter's credential signing a (valid) south ballot.
    ballot, opening = encrypt_ballot(
        election.ctx, "south", election.secret("north"), south_vote.choices
    )
    check_valid(election.ctx, ballot, opening)
    policy = AcceptancePolicy(election.ctx)
    message = (
        f"^ballot {ballot.tracker().hex()}: credential is not on the credential list of "
        f"district 'south' \\(credential {ballot.credential.hex()[:16]}…\\)$"
    )
    for check in (
        lambda: policy.check(ballot),
        lambda: policy.check_eligible(BallotRef.of(ballot)),
    ):
        with pytest.raises(Ineligible, match=message) as info:
            check()
        assert isinstance(info.value, BallotRefused) and info.value.tracker == ballot.tracker()
    # An ineligible audit is refused as such, before its opening is looked at.
    with pytest.raises(Ineligible):
        policy.check(ballot, BallotOpening(()))


def test_the_order_is_checked_before_anything_costly(election: Any, north_vote: Any) -> None:
    policy = AcceptancePolicy(election.ctx)
    with pytest.raises(BallotOnLog) as info:
        policy.check(north_vote.ballot, earlier=CAST)
    assert info.value.replay


def test_a_bad_opening_is_refused_by_the_ballot_checks(
    election: Any, north_vote: Any, south_vote: Any
) -> None:
    policy = AcceptancePolicy(election.ctx)
    with pytest.raises(ProtocolError, match=re.escape("audit opening")):
        policy.check(north_vote.ballot, BallotOpening(()))
    bad = north_vote.ballot.to_json()
    bad["signature"]["response"] = bad["signature"]["challenge"]
    with pytest.raises(ProofError):
        policy.check(EncryptedBallot.from_json(bad))


# --- cheap checks first (issue 7: a copied ballot with a made-up signature) -----------------


@pytest.fixture
def range_proofs_verified(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every range proof verified from now on, counted: a spy on RangeProof.verify."""
    calls: list[object] = []
    original = RangeProof.verify

    def spy(self: RangeProof, *args: Any, **kwargs: Any) -> None:
        calls.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(RangeProof, "verify", spy)
    return calls


def _copied_with_made_up_signature(ballot: EncryptedBallot) -> EncryptedBallot:
    """A ballot copied from the board, with broken range proofs and a random signature."""
    broken = ballot.to_json()
    for contest in broken["contests"]:
        contest["proof"]["responses"][0] = random_scalar().hex()
        for selection in contest["selections"]:
            selection["proof"]["responses"][0] = random_scalar().hex()
    broken["signature"] = {"challenge": random_scalar().hex(), "response": random_scalar().hex()}
    return EncryptedBallot.from_json(broken)


def test_a_bad_signature_is_refused_before_any_range_proof(
    election: Any, north_vote: Any, range_proofs_verified: list[object]
) -> None:
    forged = _copied_with_made_up_signature(north_vote.ballot)
    policy = AcceptancePolicy(election.ctx)
    for opening in (None, north_vote.opening):
        with pytest.raises(ProofError, match="^credential signature fails$"):
            policy.check(forged, opening)
    assert range_proofs_verified == []
    # The verifier still names the first failing proof, as protocol.md 12.7 lists them.
    with pytest.raises(ProofError, match="proof that the selection is 0 or 1 fails"):
        check_valid(election.ctx, forged)
    assert range_proofs_verified != []


def test_an_ineligible_ballot_is_refused_before_any_range_proof(
    election: Any, north_vote: Any, range_proofs_verified: list[object]
) -> None:
    forged = _copied_with_made_up_signature(north_vote.ballot)
    policy = AcceptancePolicy(election.ctx, district_of={})
    with pytest.raises(Ineligible):
        policy.check(forged)
    assert range_proofs_verified == []


def test_an_honest_ballot_has_every_range_proof_verified(
    election: Any, north_vote: Any, range_proofs_verified: list[object]
) -> None:
    AcceptancePolicy(election.ctx).check(north_vote.ballot)
    proofs = sum(len(c.selections) + 1 for c in north_vote.ballot.contests)
    assert len(range_proofs_verified) == proofs
