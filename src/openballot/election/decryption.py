"""Decryption of the tally by any t of the n trustees, and the result it proves.

Each trustee publishes, for every tally ciphertext, a decryption share alpha^{x_j} with a
Chaum–Pedersen proof against its public share X_j = g^{x_j}, which anyone derives from the
key ceremony's commitments. Shares are bound to the election and to the ballot log (size and
root) that the tally was computed from, and the whole message is signed with the trustee's
signing key (`TAG_DECRYPTION_SIGNATURE`), so that every byte of it is the trustee's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from openballot.crypto.discrete_log import discrete_log
from openballot.crypto.encoding import Encodable
from openballot.crypto.group import Element
from openballot.crypto.keyceremony import TrusteeShare, public_share
from openballot.crypto.proofs import ChaumPedersenProof, SchnorrProof
from openballot.crypto.signed import verify_signature
from openballot.crypto.threshold import DecryptionShare, combine, partial_decrypt
from openballot.election.context import ElectionContext
from openballot.election.result import Result
from openballot.election.tally import Slot, Tally, slot_entries
from openballot.errors import ProofError, ProtocolError
from openballot.jsonfields import get_int, get_obj, obj, only_keys

__all__ = [
    "TAG_DECRYPTION_SIGNATURE",
    "TrusteeDecryption",
    "Result",  # made here by compute_result; defined in openballot.election.result
    "decryption_context",
    "decrypt_tally",
    "verify_trustee_decryption",
    "verify_decryption_signature",
    "compute_result",
]

TAG_DECRYPTION_SIGNATURE: Final = "decryption/signature"


def decryption_context(ctx: ElectionContext, tally: Tally, slot: Slot) -> Encodable:
    contest, district, option = slot
    return [ctx.fingerprint, tally.log_size, tally.log_root, contest, district, option]


def _signed_statement(
    ctx: ElectionContext,
    tally: Tally,
    trustee: int,
    shares: Sequence[tuple[Slot, DecryptionShare]],
) -> Encodable:
    """([F, log_size, log_root], j, [[c, d, o, M_j, c_p, v_p] for each slot])."""
    return (
        [ctx.fingerprint, tally.log_size, tally.log_root],
        trustee,
        [[*slot, s.share, s.proof.challenge, s.proof.response] for slot, s in shares],
    )


@dataclass(frozen=True, slots=True)
class TrusteeDecryption:
    trustee: int
    shares: tuple[tuple[Slot, DecryptionShare], ...]
    signature: SchnorrProof

    def to_json(self) -> dict[str, Any]:
        return {
            "trustee": self.trustee,
            "shares": [
                {
                    "contest": c,
                    "district": d,
                    "option": o,
                    "share": s.share.hex(),
                    "proof": s.proof.to_json(),
                }
                for (c, d, o), s in self.shares
            ],
            "signature": self.signature.to_json(),
        }

    @classmethod
    def from_json(
        cls, value: Any, ctx: ElectionContext, where: str = "decryption"
    ) -> TrusteeDecryption:
        o = obj(value, where)
        only_keys(o, {"trustee", "shares", "signature"}, where)
        trustee = get_int(o, "trustee", where, minimum=1)
        shares = [
            (
                slot,
                DecryptionShare(
                    trustee,
                    Element.from_hex(item.get("share"), f"{w}.share"),
                    ChaumPedersenProof.from_json(get_obj(item, "proof", w), f"{w}.proof"),
                ),
            )
            for slot, item, w in slot_entries(ctx, o, "shares", {"share", "proof"}, where)
        ]
        signature = SchnorrProof.from_json(get_obj(o, "signature", where), f"{where}.signature")
        return cls(trustee, tuple(shares), signature)


def decrypt_tally(ctx: ElectionContext, tally: Tally, share: TrusteeShare) -> TrusteeDecryption:
    shares = tuple(
        (slot, partial_decrypt(share, ct, decryption_context(ctx, tally, slot)))
        for slot, ct in tally.ciphertexts
    )
    statement = _signed_statement(ctx, tally, share.index, shares)
    signature = SchnorrProof.prove(TAG_DECRYPTION_SIGNATURE, statement, share.signing_secret)
    return TrusteeDecryption(share.index, shares, signature)


def verify_decryption_signature(ctx: ElectionContext, tally: Tally, dec: TrusteeDecryption) -> None:
    """ProofError unless `dec` is signed by its trustee's signing key (10.2, 15.1)."""
    verify_signature(
        dec.signature,
        TAG_DECRYPTION_SIGNATURE,
        _signed_statement(ctx, tally, dec.trustee, dec.shares),
        ctx.trustees,
        dec.trustee,
        f"decryption of trustee {dec.trustee}",
    )


def verify_trustee_decryption(ctx: ElectionContext, tally: Tally, dec: TrusteeDecryption) -> None:
    indices = [t.index for t in ctx.trustees]
    if dec.trustee not in indices:
        raise ProtocolError(f"trustee {dec.trustee}: not a trustee of this election")
    if len(dec.shares) != len(tally.ciphertexts):
        raise ProtocolError(
            f"trustee {dec.trustee}: {len(dec.shares)} decryption shares for "
            f"{len(tally.ciphertexts)} tally ciphertexts"
        )
    x_j = public_share(ctx.trustees, dec.trustee)
    for (slot, ct), (slot2, s) in zip(tally.ciphertexts, dec.shares, strict=False):
        if slot != slot2 or s.trustee != dec.trustee:
            raise ProtocolError(f"trustee {dec.trustee}: shares out of order at {slot}")
        try:
            s.verify(x_j, ct, decryption_context(ctx, tally, slot))
        except ProofError:
            raise ProofError(
                f"trustee {dec.trustee}: decryption share for contest {slot[0]!r}, district "
                f"{slot[1]!r}, option {slot[2]!r} has a failing proof"
            ) from None


def compute_result(
    ctx: ElectionContext, tally: Tally, decryptions: Sequence[TrusteeDecryption]
) -> Result:
    """Combine verified decryptions of at least t trustees into counts, and those into the
    result (figures and seats, `Result.of`).

    Each count is recovered by a discrete log bounded by the ballots counted in its district.
    """
    by = sorted({d.trustee for d in decryptions})
    if len(by) != len(decryptions):
        raise ProtocolError("a trustee's decryption is given twice")
    if len(by) < ctx.threshold:
        raise ProtocolError(
            f"{len(by)} trustee decryption(s) given, at least {ctx.threshold} are needed"
        )
    counts = []
    for i, (slot, ct) in enumerate(tally.ciphertexts):
        shares = [d.shares[i][1] for d in decryptions]
        # The tally starts from Enc(0; 1), so it decrypts to the count directly.
        plain = ct.beta / combine(shares)
        bound = tally.counted_in(slot[1])
        try:
            counts.append((slot, discrete_log(plain, bound)))
        except ProtocolError:
            raise ProtocolError(
                f"contest {slot[0]!r}, district {slot[1]!r}, option {slot[2]!r}: the decryption "
                f"is not a count between 0 and {bound}"
            ) from None
    return Result.of(ctx, tally, by, counts)
