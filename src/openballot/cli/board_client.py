"""Talking to a board over HTTP: exporting its record and monitoring its tree heads.

Only public endpoints are used; nothing here trusts the server: every tree head's signature
and every consistency proof is checked against the board key pinned on first contact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from openballot.errors import OpenBallotError, ProofError
from openballot.jsonfields import hex_bytes, obj
from openballot.record.from_board import write_record
from openballot.record.merkle import verify_consistency
from openballot.record.tree_head import SignedTreeHead

__all__ = ["BoardError", "BoardClient", "Monitor"]

PAGE = 1000


class BoardError(OpenBallotError):
    """The board could not be reached or answered with an error."""


class BoardClient:
    def __init__(self, client: httpx.Client, election_id: str) -> None:
        self.client = client
        self.election_id = election_id

    def get(self, path: str, **params: Any) -> Any:
        try:
            r = self.client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise BoardError(f"board unreachable: {exc}") from None
        if r.status_code >= 400:
            try:
                detail = r.json().get("detail", r.text)
            except ValueError:
                detail = r.text
            raise BoardError(f"GET {path}: {r.status_code} {detail}")
        return r.json()

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

    def export(self, root: Path) -> int:
        """Write the board's record of this election as of its latest tree head (a board
        still accepting ballots is exported at one consistent size); returns that size."""
        size = self.latest_tree_head().size
        return write_record(
            root, self.election_id, self.board_key(), self.leaves(size), self.tree_heads(size)
        )


@dataclass
class Monitor:
    """Follows one election's tree heads: each must be signed by the pinned board key and
    consistent with the last one seen."""

    board: BoardClient
    board_key: bytes
    last: SignedTreeHead | None = None

    def check(self) -> SignedTreeHead:
        head = self.board.latest_tree_head()
        head.verify(self.board_key)
        if head.election_id != self.board.election_id:
            raise ProofError(f"tree head is for election {head.election_id!r}")
        last = self.last
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
