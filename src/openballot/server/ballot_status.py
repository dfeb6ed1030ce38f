"""`GET /api/elections/{id}/ballots/{tracker}`: what became of a ballot (protocol.md 17.7),
with its leaf's inclusion proof against the latest signed tree head.

The board holds only ballots it checked (valid, eligible, in order: an audited tracker is
never cast, a cast one never audited), so of the counting rules (13.2) only re-voting is left
to look up: a later cast ballot of the same credential. `decide_fate` (record.ballot_fate)
turns what the board knows into the fate, as it does for the verifier.
"""

from __future__ import annotations

from typing import Any

from openballot.jsonfields import get_obj
from openballot.record.ballot_fate import BallotFacts, decide_fate
from openballot.record.ballot_log import CastEntry, parse_unverified_entry
from openballot.record.board_entries import read_unverified_leaf
from openballot.record.receipt import Receipt
from openballot.server.service import CastAnswer, ElectionService, NotFound

__all__ = ["ballot_status"]


def ballot_status(service: ElectionService, tracker: bytes) -> dict[str, Any]:
    """The status answer: the receipt fields (`tracker`, `index`, `entry`, `tree_head`,
    `inclusion_proof`, against the latest head) and the fate fields."""
    log = service.log
    entry = log.store.entry_by_tracker(service.election_id, tracker)
    if entry is None:
        raise NotFound(
            f"no ballot {tracker.hex()} on the board of {service.election_id!r}",
            code="unknown-tracker",
        )
    # The phase is read before the head, so the head covers the tally of a "counted" (a
    # tally appended in between only leaves the answer at "recorded").
    tallied = service.tally is not None
    receipt = CastAnswer(tracker, log.receipt_for(entry)).receipt
    audited = entry.type != CastEntry.TAG
    revote = None if audited else _revote(receipt, service)
    fate = decide_fate(BallotFacts(audited, tallied, superseded_by=revote))
    return {**receipt.to_json(), **fate.to_json()}


def _revote(receipt: Receipt, service: ElectionService) -> int | None:
    """The index of the credential's last cast ballot after the receipt's leaf, within the
    receipt's tree head; None if there is none. (A scan of the later leaves: an index of casts
    by credential in the store would make this a look-up.) Every ballot on the board was
    decoded strictly when it was cast, so its credential has one spelling, and comparing that
    text spares decoding each later ballot."""
    credential = parse_unverified_entry(receipt.entry, receipt.where).ballot.credential.hex()
    later = None
    for e in service.log.entries(receipt.index + 1, receipt.tree_head.size):
        if e.type != CastEntry.TAG:
            continue
        where = f"board leaf {e.seq}"
        ballot = get_obj(read_unverified_leaf(e.data, where)[1], "ballot", where)
        if ballot.get("credential") == credential:
            later = e.seq
    return later
