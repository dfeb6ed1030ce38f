"""Encrypted ballots: made on the voter's device, signed with the voter's credential.

A ballot holds, per contest of the voter's ballot style, one ciphertext per option with a
proof that it encrypts 0 or 1, and a proof that the contest's selections add up to between
min and max. The tracker is the hash of the whole ballot, signature included.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from openballot.crypto.elgamal import Ciphertext, encrypt, product
from openballot.crypto.encoding import Encodable, digest
from openballot.crypto.group import Element, Scalar, g_pow, random_scalar
from openballot.crypto.proofs import RangeProof, SchnorrProof
from openballot.election.context import ElectionContext
from openballot.election.manifest import Contest
from openballot.errors import DecodeError, ProofError, ProtocolError
from openballot.jsonfields import get, get_list, get_obj, get_str, hex_bytes, obj, only_keys

__all__ = [
    "SELECTION_TAG",
    "CONTEST_TAG",
    "SIGNATURE_TAG",
    "EncryptedSelection",
    "EncryptedContest",
    "EncryptedBallot",
    "BallotOpening",
    "encrypt_ballot",
    "check_ballot_form",
    "verify_signature",
    "verify_range_proofs",
    "verify_ballot",
    "verify_opening",
    "ciphertext_from_json",
]

SELECTION_TAG = "ballot/selection"
CONTEST_TAG = "ballot/contest"
SIGNATURE_TAG = "ballot/signature"
TRACKER_TAG = "ballot/tracker"


@dataclass(frozen=True, slots=True)
class EncryptedSelection:
    option_id: str
    ciphertext: Ciphertext
    proof: RangeProof


@dataclass(frozen=True, slots=True)
class EncryptedContest:
    contest_id: str
    selections: tuple[EncryptedSelection, ...]
    proof: RangeProof

    def sum(self) -> Ciphertext:
        return product(s.ciphertext for s in self.selections)


@dataclass(frozen=True, slots=True)
class EncryptedBallot:
    election: bytes
    district: str
    credential: Element
    contests: tuple[EncryptedContest, ...]
    signature: SchnorrProof

    def body_encoding(self) -> Encodable:
        return [
            self.election,
            self.district,
            self.credential,
            [
                [
                    c.contest_id,
                    [
                        [
                            s.option_id,
                            s.ciphertext.alpha,
                            s.ciphertext.beta,
                            list(s.proof.challenges),
                            list(s.proof.responses),
                        ]
                        for s in c.selections
                    ],
                    list(c.proof.challenges),
                    list(c.proof.responses),
                ]
                for c in self.contests
            ],
        ]

    def tracker(self) -> bytes:
        """32 bytes that name this ballot everywhere: the voter's receipt, the record, audits."""
        return digest(
            TRACKER_TAG, self.body_encoding(), self.signature.challenge, self.signature.response
        )[:32]

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election.hex(),
            "district": self.district,
            "credential": self.credential.hex(),
            "contests": [
                {
                    "contest": c.contest_id,
                    "selections": [
                        {
                            "option": s.option_id,
                            **s.ciphertext.to_json(),
                            "proof": s.proof.to_json(),
                        }
                        for s in c.selections
                    ],
                    "proof": c.proof.to_json(),
                }
                for c in self.contests
            ],
            "signature": self.signature.to_json(),
        }

    @classmethod
    def from_json(cls, value: Any, where: str = "ballot") -> EncryptedBallot:
        o = obj(value, where)
        only_keys(o, {"election", "district", "credential", "contests", "signature"}, where)
        election = hex_bytes(get(o, "election", where), 64, f"{where}.election")
        contests = []
        for i, c in enumerate(get_list(o, "contests", where)):
            w = f"{where}.contests[{i}]"
            c = obj(c, w)
            only_keys(c, {"contest", "selections", "proof"}, w)
            selections = []
            for k, s in enumerate(get_list(c, "selections", w)):
                ws = f"{w}.selections[{k}]"
                s = obj(s, ws)
                only_keys(s, {"option", "alpha", "beta", "proof"}, ws)
                selections.append(
                    EncryptedSelection(
                        get_str(s, "option", ws),
                        ciphertext_from_json(s, ws),
                        RangeProof.from_json(get_obj(s, "proof", ws), f"{ws}.proof"),
                    )
                )
            contests.append(
                EncryptedContest(
                    get_str(c, "contest", w),
                    tuple(selections),
                    RangeProof.from_json(get_obj(c, "proof", w), f"{w}.proof"),
                )
            )
        return cls(
            election,
            get_str(o, "district", where),
            Element.from_hex(o.get("credential"), f"{where}.credential"),
            tuple(contests),
            SchnorrProof.from_json(get_obj(o, "signature", where), f"{where}.signature"),
        )


@dataclass(frozen=True, slots=True)
class BallotOpening:
    """What a Benaloh audit reveals: per contest, per option, the plaintext and randomness."""

    contests: tuple[tuple[tuple[int, Scalar], ...], ...]

    def to_json(self) -> list[list[dict[str, Any]]]:
        return [[{"vote": m, "randomness": r.hex()} for m, r in c] for c in self.contests]

    @classmethod
    def from_json(cls, value: Any, where: str = "opening") -> BallotOpening:
        if not isinstance(value, list):
            raise DecodeError(f"{where}: expected a list")
        contests = []
        for i, c in enumerate(value):
            if not isinstance(c, list):
                raise DecodeError(f"{where}[{i}]: expected a list")
            sels = []
            for k, s in enumerate(c):
                w = f"{where}[{i}][{k}]"
                s = obj(s, w)
                only_keys(s, {"vote", "randomness"}, w)
                vote = s.get("vote")
                if type(vote) is not int or vote not in (0, 1):
                    raise DecodeError(f"{w}.vote: expected 0 or 1")
                sels.append((vote, Scalar.from_hex(s.get("randomness"), f"{w}.randomness")))
            contests.append(tuple(sels))
        return cls(tuple(contests))


def ciphertext_from_json(o: dict[str, Any], where: str) -> Ciphertext:
    return Ciphertext(
        Element.from_hex(o.get("alpha"), f"{where}.alpha"),
        Element.from_hex(o.get("beta"), f"{where}.beta"),
    )


def _selection_context(
    ctx: ElectionContext, credential: Element, contest: str, option: str
) -> Encodable:
    return [ctx.fingerprint, credential, contest, option]


def _contest_context(ctx: ElectionContext, credential: Element, contest: str) -> Encodable:
    return [ctx.fingerprint, credential, contest]


def _signature_context(ballot_body: Encodable) -> Encodable:
    return [digest("ballot/body", ballot_body)]


def encrypt_ballot(
    ctx: ElectionContext,
    district: str,
    credential_secret: Scalar,
    choices: Mapping[str, Collection[str]],
) -> tuple[EncryptedBallot, BallotOpening]:
    """Encrypt, prove and sign the voter's choices (contest id -> chosen option ids).

    Every contest of the district's ballot style must be present (an empty choice is a blank
    vote where the contest allows it). The opening stays on the device unless the voter audits.
    """
    credential = g_pow(credential_secret)
    style = _style(ctx, district)
    unknown = set(choices) - {c.id for c in style}
    if unknown:
        raise ProtocolError(
            f"contest {sorted(unknown)[0]!r} is not on the ballot of district {district!r}"
        )
    contests = []
    openings = []
    for contest in style:
        listed = list(choices.get(contest.id, ()))
        chosen = set(listed)
        if len(chosen) != len(listed):
            raise ProtocolError(f"contest {contest.id!r}: an option is chosen twice")
        bad = chosen - set(contest.option_ids())
        if bad:
            raise ProtocolError(f"contest {contest.id!r}: unknown option {sorted(bad)[0]!r}")
        if not contest.min_selections <= len(chosen) <= contest.max_selections:
            raise ProtocolError(
                f"contest {contest.id!r}: choose between {contest.min_selections} and "
                f"{contest.max_selections} options, got {len(chosen)}"
            )
        selections = []
        opening = []
        for option in contest.options:
            m = 1 if option.id in chosen else 0
            r = random_scalar()
            ct = encrypt(ctx.joint_key, m, r)
            proof = RangeProof.prove(
                SELECTION_TAG,
                _selection_context(ctx, credential, contest.id, option.id),
                ctx.joint_key,
                ct,
                0,
                1,
                m,
                r,
            )
            selections.append(EncryptedSelection(option.id, ct, proof))
            opening.append((m, r))
        total_r = Scalar(0)
        for _, r in opening:
            total_r = total_r + r
        total = product(s.ciphertext for s in selections)
        contest_proof = RangeProof.prove(
            CONTEST_TAG,
            _contest_context(ctx, credential, contest.id),
            ctx.joint_key,
            total,
            contest.min_selections,
            contest.max_selections,
            len(chosen),
            total_r,
        )
        contests.append(EncryptedContest(contest.id, tuple(selections), contest_proof))
        openings.append(tuple(opening))
    unsigned = EncryptedBallot(
        ctx.fingerprint, district, credential, tuple(contests), SchnorrProof(Scalar(0), Scalar(0))
    )
    signature = SchnorrProof.prove(
        SIGNATURE_TAG, _signature_context(unsigned.body_encoding()), credential_secret
    )
    ballot = EncryptedBallot(ctx.fingerprint, district, credential, tuple(contests), signature)
    return ballot, BallotOpening(tuple(openings))


def _style(ctx: ElectionContext, district: str) -> tuple[Contest, ...]:
    try:
        return ctx.manifest.ballot_style(district)
    except KeyError:
        raise ProtocolError(f"unknown district {district!r}", code="wrong-ballot-style") from None


def check_ballot_form(ctx: ElectionContext, ballot: EncryptedBallot) -> None:
    """The checks that cost no group operation: the election, the district's ballot style and
    each contest's options. A board runs them (and eligibility) before any proof."""
    if ballot.election != ctx.fingerprint:
        raise ProtocolError(
            "ballot is for another election (fingerprint differs)", code="wrong-election"
        )
    style = _style(ctx, ballot.district)
    got = [c.contest_id for c in ballot.contests]
    want = [c.id for c in style]
    if got != want:
        raise ProtocolError(
            f"wrong ballot style for district {ballot.district!r}: "
            f"expected contests {want}, got {got}",
            code="wrong-ballot-style",
        )
    for contest, enc in zip(style, ballot.contests, strict=False):
        options = [s.option_id for s in enc.selections]
        if options != list(contest.option_ids()):
            raise ProtocolError(
                f"contest {contest.id!r}: expected options {list(contest.option_ids())}, "
                f"got {options}",
                code="wrong-ballot-style",
            )


def verify_signature(ballot: EncryptedBallot) -> None:
    """The credential's signature over the whole ballot: one Schnorr proof, cheap next to the
    range proofs, and what a copied ballot with a made-up signature fails."""
    try:
        ballot.signature.verify(
            SIGNATURE_TAG, _signature_context(ballot.body_encoding()), ballot.credential
        )
    except ProofError:
        raise ProofError("credential signature fails", code="bad-signature") from None


def verify_range_proofs(ctx: ElectionContext, ballot: EncryptedBallot) -> None:
    """The costly part of a ballot's validity: each selection is 0 or 1, and each contest's
    selections add up to between its min and max. Assumes `check_ballot_form` has passed."""
    key = ctx.joint_key
    for contest, enc in zip(_style(ctx, ballot.district), ballot.contests, strict=False):
        for s in enc.selections:
            try:
                s.proof.verify(
                    SELECTION_TAG,
                    _selection_context(ctx, ballot.credential, contest.id, s.option_id),
                    key,
                    s.ciphertext,
                    0,
                    1,
                )
            except ProofError:
                raise ProofError(
                    f"contest {contest.id!r}, option {s.option_id!r}: "
                    "proof that the selection is 0 or 1 fails",
                    code="bad-proof",
                ) from None
        try:
            enc.proof.verify(
                CONTEST_TAG,
                _contest_context(ctx, ballot.credential, contest.id),
                key,
                enc.sum(),
                contest.min_selections,
                contest.max_selections,
            )
        except ProofError as exc:
            raise ProofError(
                f"contest {contest.id!r}: proof that {contest.min_selections} to "
                f"{contest.max_selections} options are chosen fails ({exc})",
                code="bad-proof",
            ) from None


def verify_ballot(ctx: ElectionContext, ballot: EncryptedBallot) -> None:
    """Check everything about a ballot that needs no other ballot: the election, the ballot
    style, every proof and the signature, in the order of protocol.md 12.7, so that the
    verifier's finding names the first part that fails (a tampered ciphertext is named as
    such, not as the signature it also breaks). A board refuses in a cheaper order
    (`AcceptancePolicy.check`). Eligibility of the credential is checked by the caller
    against the credential list. Raises ProtocolError or ProofError naming the part."""
    check_ballot_form(ctx, ballot)
    verify_range_proofs(ctx, ballot)
    verify_signature(ballot)


def verify_opening(ctx: ElectionContext, ballot: EncryptedBallot, opening: BallotOpening) -> None:
    """A Benaloh audit: the revealed votes and randomness re-encrypt to the ballot's ciphertexts
    and respect the contest rules. The ballot itself must also pass `verify_ballot`."""
    if len(opening.contests) != len(ballot.contests):
        raise ProtocolError(
            f"audit opening has {len(opening.contests)} contests, ballot has {len(ballot.contests)}"
        )
    for enc, opened in zip(ballot.contests, opening.contests, strict=False):
        if len(opened) != len(enc.selections):
            raise ProtocolError(
                f"contest {enc.contest_id!r}: audit opening has the wrong number of options"
            )
        for s, (m, r) in zip(enc.selections, opened, strict=False):
            if encrypt(ctx.joint_key, m, r) != s.ciphertext:
                raise ProtocolError(
                    f"contest {enc.contest_id!r}, option {s.option_id!r}: "
                    "audit opening does not match the ciphertext"
                )
        contest = ctx.manifest.contest(enc.contest_id)
        chosen = sum(m for m, _ in opened)
        if not contest.min_selections <= chosen <= contest.max_selections:
            raise ProtocolError(
                f"contest {enc.contest_id!r}: audit opening chooses {chosen} options"
            )
