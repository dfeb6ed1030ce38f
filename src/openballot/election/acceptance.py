"""Which ballots may go on the ballot log: one policy for every board and for the verifier.

A ballot (cast or audited) is acceptable when all of these hold:

1. **Order** (protocol.md 12.8, 13.2): its tracker is not on the log yet. An audited ballot
   is never cast; a cast ballot is never audited afterwards; and a ballot is on the log once.
2. **Validity**: it is valid on its own (12.7); for an audit, its opening holds (12.8).
3. **Eligibility** (13.2): its credential is on the credential list of its district.

A board (the record's `BallotBox`, the HTTP `ElectionService`) checks all three before it
appends, cheapest first (`AcceptancePolicy.check`: no range proof for an ineligible ballot
or a bad signature), and appends nothing when one fails; it answers a cast ballot already
cast with the existing receipt instead (a replay). The verifier meets lines a board should
have refused: it checks validity in worker processes and order and eligibility in log order,
with the same methods, and turns each refusal into its finding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from openballot.election.ballot import (
    BallotOpening,
    EncryptedBallot,
    check_ballot_form,
    verify_ballot,
    verify_opening,
    verify_range_proofs,
    verify_signature,
)
from openballot.election.context import ElectionContext
from openballot.errors import ProtocolError

__all__ = [
    "BallotKind",
    "BallotRef",
    "BallotRefused",
    "OutOfOrder",
    "AuditedBallotCast",
    "BallotOnLog",
    "Ineligible",
    "AcceptancePolicy",
    "check_valid",
    "check_signature_then_proofs",
]


class BallotKind(Enum):
    """What a line of the ballot log does with its ballot (the entry's `type`)."""

    CAST = "cast"
    AUDIT = "audit"

    @staticmethod
    def of(opening: BallotOpening | None) -> BallotKind:
        """A ballot sent with an opening is audited; one without is cast."""
        return BallotKind.CAST if opening is None else BallotKind.AUDIT


@dataclass(frozen=True, slots=True)
class BallotRef:
    """What the order and eligibility rules need of a ballot: no ciphertext, no proof."""

    tracker: bytes
    credential: bytes
    district: str

    @classmethod
    def of(cls, ballot: EncryptedBallot) -> BallotRef:
        return cls(ballot.tracker(), ballot.credential.data, ballot.district)


class BallotRefused(ProtocolError):
    """A ballot that breaks a rule of this policy. The message names the ballot by its
    tracker; `reason` is the message without it, for callers that name the ballot already."""

    def __init__(self, tracker: bytes, reason: str, separator: str = ": ") -> None:
        self.tracker = tracker
        self.reason = reason
        super().__init__(f"ballot {tracker.hex()}{separator}{reason}")


class OutOfOrder(BallotRefused):
    """Order: the log holds this tracker already, as `earlier`."""

    def __init__(self, tracker: bytes, kind: BallotKind, earlier: BallotKind, reason: str):
        self.kind = kind
        self.earlier = earlier
        super().__init__(tracker, reason, " ")

    @property
    def replay(self) -> bool:
        """A cast ballot cast again: a board answers it with the receipt it gave before."""
        return self.kind is BallotKind.CAST and self.earlier is BallotKind.CAST


class AuditedBallotCast(OutOfOrder):
    """The ballot was audited, so its randomness is public: it can never be cast."""

    code = "audited-ballot"

    def __init__(self, tracker: bytes) -> None:
        super().__init__(
            tracker, BallotKind.CAST, BallotKind.AUDIT, "was audited and can never be cast"
        )


class BallotOnLog(OutOfOrder):
    """Any other repeat: a ballot is cast once, and audited only if it is new."""

    code = "already-on-board"

    def __init__(self, tracker: bytes, kind: BallotKind, earlier: BallotKind) -> None:
        if kind is BallotKind.AUDIT:
            reason = f"is already on the ballot log ({earlier.value}) and can no longer be audited"
        else:
            reason = "is already on the ballot log: a ballot is cast once"
        super().__init__(tracker, kind, earlier, reason)


class Ineligible(BallotRefused):
    """Eligibility: the credential is not on the credential list of the ballot's district."""

    code = "not-eligible"

    def __init__(self, ref: BallotRef) -> None:
        super().__init__(
            ref.tracker,
            f"credential is not on the credential list of district {ref.district!r} "
            f"(credential {ref.credential.hex()[:16]}…)",
        )


def check_valid(
    ctx: ElectionContext, ballot: EncryptedBallot, opening: BallotOpening | None = None
) -> None:
    """Validity: the ballot on its own (12.7) and, for an audit, its opening (12.8). The costly
    rule: it needs no state, so it runs anywhere (a worker process, outside a board's lock)."""
    verify_ballot(ctx, ballot)
    if opening is not None:
        verify_opening(ctx, ballot, opening)


def check_signature_then_proofs(
    ctx: ElectionContext, ballot: EncryptedBallot, proofs: bool = True
) -> None:
    """The ballot's own validity after its form, cheapest first: the signature (one proof: a
    copied ballot with a made-up signature stops here), then the range proofs (most of the
    cost), unless `proofs` is False (the ballot will be refused for another reason)."""
    verify_signature(ballot)
    if proofs:
        verify_range_proofs(ctx, ballot)


class AcceptancePolicy:
    """The acceptance rules of one election. Holds the credential list as a map from
    credential to district, built once (it is as large as the electorate), or given as
    `district_of` by a caller that keeps one already (the HTTP board)."""

    def __init__(self, ctx: ElectionContext, district_of: Mapping[bytes, str] | None = None):
        self.ctx = ctx
        self._district_of = ctx.credentials.district_of() if district_of is None else district_of

    @staticmethod
    def check_order(tracker: bytes, kind: BallotKind, earlier: BallotKind | None) -> None:
        """Order: `earlier` is what the log already holds with this tracker, if anything."""
        if earlier is None:
            return
        if kind is BallotKind.CAST and earlier is BallotKind.AUDIT:
            raise AuditedBallotCast(tracker)
        raise BallotOnLog(tracker, kind, earlier)

    def check_eligible(self, ref: BallotRef) -> None:
        if self._district_of.get(ref.credential) != ref.district:
            raise Ineligible(ref)

    def check(
        self,
        ballot: EncryptedBallot,
        opening: BallotOpening | None = None,
        earlier: BallotKind | None = None,
    ) -> None:
        """Every rule: what a board checks before it appends `ballot` (cast, or audited with
        `opening`) to a log that holds its tracker as `earlier`. Cheapest first, so that a
        refused ballot costs as little as it can: the order (a lookup: a replay costs
        nothing), the ballot's form (no group operation), eligibility (a lookup), the
        signature (one proof: a copied ballot with a made-up signature stops here), then the
        range proofs (most of the cost), and the opening last (an ineligible audit is refused
        as such). The verifier's findings do not depend on this order: it checks validity
        whole (`check_valid`) and eligibility only for a valid line."""
        ref = BallotRef.of(ballot)
        self.check_order(ref.tracker, BallotKind.of(opening), earlier)
        self.check_after_order(
            ref,
            form=lambda: check_ballot_form(self.ctx, ballot),
            validity=lambda: check_signature_then_proofs(self.ctx, ballot),
            opening=lambda: None if opening is None else verify_opening(self.ctx, ballot, opening),
        )

    def check_after_order(
        self,
        ref: BallotRef,
        form: Callable[[], None],
        validity: Callable[[], None],
        opening: Callable[[], None],
    ) -> None:
        """The rules after the order rule, in the policy's one order: the form, eligibility,
        validity (signature, then range proofs), the opening. Each of `form`, `validity` and
        `opening` raises if its rule fails: `check` runs them here; the board's writer passes
        the answers its workers computed in advance (server/service.py `_decide`)."""
        form()
        self.check_eligible(ref)
        validity()
        opening()
