"""Talking to a board over HTTP: reading its public endpoints, exporting its record, the
tree heads and consistency proofs a monitor checks (verify/monitor.py), and what became of a
ballot, with the board's proof checked: nothing here trusts the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from openballot.errors import OpenBallotError, ProofError
from openballot.jsonfields import hex_bytes, obj
from openballot.record.ballot_fate import BallotFate
from openballot.record.from_board import write_record
from openballot.record.merkle import verify_consistency
from openballot.record.receipt import Receipt
from openballot.record.tree_head import SignedTreeHead
from openballot.verify.monitor import Monitor

# Monitor is re-exported: a BoardClient is the TreeHeadSource the command line monitors.
__all__ = ["PAGE", "BoardError", "BoardClient", "Monitor"]

PAGE = 1000


class BoardError(OpenBallotError):
    """The board could not be reached or answered with an error."""


class BoardClient:
    def __init__(self, client: httpx.Client, election_id: str) -> None:
        self.client = client
        self.election_id = election_id

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; an unreachable board or an error answer is a BoardError that gives
        the board's problem detail on one line."""
        try:
            r = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BoardError(f"board unreachable: {exc}") from None
        if r.status_code >= 400:
            try:
                detail = r.json().get("detail", r.text)
            except (ValueError, AttributeError):
                detail = r.text
            raise BoardError(f"{method} {path}: {r.status_code} {detail}")
        return r

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params).json()

    def board_key(self) -> bytes:
        info = obj(self.get("/api/board"), "board")
        return hex_bytes(info.get("board_key"), 32, "board.board_key")

    def election_path(self, rest: str) -> str:
        return f"/api/elections/{self.election_id}{rest}"

    def leaves(self, size: int) -> Iterator[bytes]:
        """The first `size` entries."""
        start = 0
        while start < size:
            limit = min(PAGE, size - start)
            page = self.get(self.election_path("/board/entries"), start=start, limit=limit)
            entries = page["entries"]
            if not entries:
                raise BoardError(f"the board has fewer than {size} entries")
            for e in entries:
                yield e["data"].encode()
            start += len(entries)

    def tree_heads(self, size: int) -> Iterator[SignedTreeHead]:
        """Every signed tree head up to `size`."""
        start = 1
        while start <= size:
            page = self.get(self.election_path("/board/tree-heads"), start=start, limit=PAGE)
            heads = [SignedTreeHead.from_json(h) for h in page["tree_heads"]]
            yield from (h for h in heads if h.size <= size)
            if len(heads) < PAGE:
                return
            start = heads[-1].size + 1

    def latest_tree_head(self) -> SignedTreeHead:
        return SignedTreeHead.from_json(self.get(self.election_path("/board/tree-head")))

    def consistency(self, first: int, second: int) -> list[bytes]:
        page = self.get(self.election_path("/board/consistency"), first=first, second=second)
        return [bytes.fromhex(h) for h in page["proof"]]

    def ballot_status(
        self, tracker: bytes, board_key: bytes, kept: Receipt | None = None
    ) -> tuple[Receipt, BallotFate]:
        """What became of the ballot with `tracker` (protocol.md 17.7), and the board's proof
        of where it is, checked: the answer's leaf holds that ballot, in a tree head of this
        election signed by `board_key`. Given the receipt the voter kept, the leaf must be the
        receipted one and the new head must extend the receipt's (a consistency proof)."""
        where = f"status of ballot {tracker.hex()}"
        answer = self.get(self.election_path(f"/ballots/{tracker.hex()}"))
        receipt = Receipt.from_json(answer, where)
        receipt.verify(board_key, self.election_id, tracker)
        fate = BallotFate.from_json(answer, where)
        later = fate.superseded_by
        if later is not None and not receipt.index < later < receipt.tree_head.size:
            raise ProofError(
                f"{where}: superseded by leaf {later}, which is not a later leaf of the tree "
                f"of size {receipt.tree_head.size}"
            )
        if kept is not None:
            self._check_kept(kept, receipt, board_key)
        return receipt, fate

    def _check_kept(self, kept: Receipt, now: Receipt, board_key: bytes) -> None:
        kept.verify(board_key, self.election_id, now.tracker)
        if (kept.index, kept.entry) != (now.index, now.entry):
            raise ProofError(
                f"{kept.where}: receipted as leaf {kept.index}, but the board now shows the "
                f"ballot at leaf {now.index}"
            )
        old, new = kept.tree_head, now.tree_head
        if old.size > new.size:
            raise ProofError(
                f"{kept.where}: receipted under a tree head of size {old.size}, but the board's "
                f"latest has size {new.size}: the board dropped entries"
            )
        verify_consistency(
            old.size, new.size, old.root, new.root, self.consistency(old.size, new.size)
        )

    def export(self, root: Path) -> int:
        """Write the board's record of this election as of its latest tree head (a board
        still accepting ballots is exported at one consistent size); returns that size."""
        size = self.latest_tree_head().size
        return write_record(
            root, self.election_id, self.board_key(), self.leaves(size), self.tree_heads(size)
        )
