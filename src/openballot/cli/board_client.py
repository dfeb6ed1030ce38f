"""Talking to a board over HTTP: reading its public endpoints, exporting its record, and the
tree heads and consistency proofs a monitor checks (verify/monitor.py: nothing here trusts
the server).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx

from openballot.errors import OpenBallotError
from openballot.jsonfields import hex_bytes, obj
from openballot.record.from_board import write_record
from openballot.record.tree_head import SignedTreeHead
from openballot.verify.monitor import Monitor

# Monitor is re-exported: a MonitoredBoard (a BoardClient, retried) is the TreeHeadSource
# the command line monitors.
__all__ = ["PAGE", "BoardError", "BoardClient", "MonitoredBoard", "Monitor"]

PAGE = 1000
#: The longest wait between two tries of a board that cannot be reached (docs/cli.md, 14).
MAX_RETRY_DELAY = 300.0
T = TypeVar("T")


class BoardError(OpenBallotError):
    """The board could not be reached or answered with an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status; None when no answer came

    @property
    def transient(self) -> bool:
        """Worth asking again: no answer (refused, reset, timed out), overload or a 5xx."""
        return self.status is None or self.status == 429 or self.status >= 500


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
            raise BoardError(f"{method} {path}: {r.status_code} {detail}", r.status_code)
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

    def export(self, root: Path) -> int:
        """Write the board's record of this election as of its latest tree head (a board
        still accepting ballots is exported at one consistent size); returns that size."""
        size = self.latest_tree_head().size
        return write_record(
            root, self.election_id, self.board_key(), self.leaves(size), self.tree_heads(size)
        )


class MonitoredBoard:
    """The TreeHeadSource a monitor reads (verify/monitor.py): a BoardClient whose transient
    failures are retried after `delay`, 2·`delay`, 4·`delay`… (at most MAX_RETRY_DELAY), up
    to `retries` times in a row, and whose 404 for the election means it is gone."""

    def __init__(
        self,
        client: BoardClient,
        retries: int,
        delay: float,
        warn: Callable[[str], None],
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.client = client
        self.retries = retries
        self.delay = delay
        self.warn = warn
        self.sleep = sleep or time.sleep

    @property
    def election_id(self) -> str:
        return self.client.election_id

    def retried(self, call: Callable[[], T]) -> T:
        for failure in range(self.retries + 1):
            try:
                return call()
            except BoardError as exc:
                if not exc.transient or failure == self.retries:
                    raise
                wait = min(self.delay * 2**failure, MAX_RETRY_DELAY)
                self.warn(f"{exc}; retry {failure + 1} of {self.retries} in {wait:g} s")
                self.sleep(wait)
        raise AssertionError("unreachable")  # the last failure is raised above

    def board_key(self) -> bytes:
        return self.retried(self.client.board_key)

    def latest_tree_head(self) -> SignedTreeHead | None:
        try:
            return self.retried(self.client.latest_tree_head)
        except BoardError as exc:
            if exc.status == 404:
                return None
            raise

    def consistency(self, first: int, second: int) -> list[bytes]:
        return self.retried(lambda: self.client.consistency(first, second))
