"""What became of each ballot a voter kept a receipt for (protocol.md 17.7), after the
ballot pass: the counting state answers for the receipt's tracker (`Counting.fate_of`).

A re-vote is named by its board-log index, as the board names it; the counting state knows
lines of ballots.jsonl, so a short pass over board.jsonl turns the few lines needed into
leaf indexes. The receipts' own checks (signature, inclusion, history) are board_check's:
a fate says nothing about whether the receipt holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from openballot.election.acceptance import BallotRef
from openballot.election.context import ElectionContext
from openballot.election.tally import Tally
from openballot.errors import OpenBallotError
from openballot.record.ballot_fate import BallotFate
from openballot.record.ballot_log import parse_unverified_entry
from openballot.record.board_entries import BALLOT_TAGS
from openballot.record.files import iter_lines, read_json
from openballot.record.layout import RecordLayout
from openballot.record.receipt import Receipt
from openballot.verify.counting import Counting

__all__ = ["receipt_fates"]


def receipt_fates(
    layout: RecordLayout, ctx: ElectionContext, counting: Counting, receipts: Sequence[Receipt]
) -> list[tuple[Receipt, BallotFate]]:
    """The fate of each receipt's ballot, in the order given."""
    tally_lines = _tally_lines(layout, ctx)
    leaves: dict[int, int] = {}  # ballots.jsonl line -> board-log index, filled on demand

    def leaf_of(line: int) -> int:
        if not leaves:
            leaves.update(_ballot_leaves(layout))
        return leaves.get(line, -1)

    fates = []
    for r in receipts:
        ballot = parse_unverified_entry(r.entry, f"{r.where}.entry").ballot
        fates.append((r, counting.fate_of(BallotRef.of(ballot), tally_lines, leaf_of)))
    return fates


def _tally_lines(layout: RecordLayout, ctx: ElectionContext) -> int | None:
    """The ballot-log size the tally states; None without a tally. A tally that cannot be
    read is a finding of its own; for the fates it is as if there were none."""
    if not layout.tally.exists():
        return None
    try:
        return Tally.from_json(read_json(layout.tally), ctx).log_size
    except OpenBallotError:
        return None


def _ballot_leaves(layout: RecordLayout) -> dict[int, int]:
    """Line n of ballots.jsonl is the board log's n-th ballot leaf (17.1)."""
    if not layout.board_log.exists():
        return {}
    found: dict[int, int] = {}
    for number, leaf in iter_lines(layout.board_log):
        # The compact form puts `type` first (17.1): no need to parse the ballot.
        if any(leaf.startswith(b'{"type":"%s"' % tag.encode()) for tag in BALLOT_TAGS):
            found[len(found) + 1] = number - 1
    return found
