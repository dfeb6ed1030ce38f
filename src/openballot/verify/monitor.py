"""A monitor of one election's board log: every tree head it is shown must be signed by the
pinned board key and consistent (RFC 9162 2.1.4) with the last one it saw, so a board that
drops or rewrites entries it once signed is caught (protocol.md 17.5).

The tree heads and proofs come from a `TreeHeadSource` (the command line fetches them over
HTTP); nothing here talks to a network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from openballot.errors import OpenBallotError, ProofError
from openballot.record.merkle import verify_consistency
from openballot.record.tree_head import SignedTreeHead

__all__ = ["TreeHeadSource", "Monitor"]


class TreeHeadSource(Protocol):
    """Where a monitor reads one election's log from: untrusted."""

    @property
    def election_id(self) -> str: ...

    def latest_tree_head(self) -> SignedTreeHead | None:
        """None when the board says it holds no such election."""
        ...

    def consistency(self, first: int, second: int) -> list[bytes]: ...


@dataclass
class Monitor:
    """Follows one election's tree heads: each must be signed by the pinned board key and
    consistent with the last one seen."""

    board: TreeHeadSource
    board_key: bytes
    last: SignedTreeHead | None = None

    def check(self) -> SignedTreeHead:
        """Read the latest tree head and check it; raises ProofError saying what the board
        did wrong, and keeps the head as the last one seen when it holds."""
        head = self.board.latest_tree_head()
        last = self.last
        if head is None:
            if last is None:
                raise OpenBallotError(f"the board holds no election {self.board.election_id!r}")
            # A board cannot unpublish: an election it signed a head for must stay readable.
            raise ProofError(
                f"election {self.board.election_id!r} vanished from the board: it had signed "
                f"a tree head of {last.size} entries"
            )
        head.verify(self.board_key)
        if head.election_id != self.board.election_id:
            raise ProofError(f"tree head is for election {head.election_id!r}")
        if last is not None:
            if head.size < last.size:
                raise ProofError(
                    f"the board shrank from {last.size} to {head.size} entries: "
                    "it dropped entries it had signed"
                )
            proof = [] if head.size == last.size else self.board.consistency(last.size, head.size)
            try:
                verify_consistency(last.size, head.size, last.root, head.root, proof)
            except ProofError as exc:
                raise ProofError(
                    f"tree head of size {head.size} is not consistent with the one of size "
                    f"{last.size}: the board rewrote history ({exc})"
                ) from None
        self.last = head
        return head
