"""Talking to a board over HTTP: reading its public endpoints, exporting its record, the
tree heads and consistency proofs a monitor checks (verify/monitor.py), and what became of a
ballot, with the board's proof checked: nothing here trusts the server.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx

from openballot.election.manifest import check_id
from openballot.errors import DecodeError, OpenBallotError, ProofError
from openballot.jsonfields import hex_bytes, loads, obj
from openballot.record.ballot_fate import BallotFate
from openballot.record.from_board import write_record
from openballot.record.merkle import verify_consistency
from openballot.record.receipt import Receipt
from openballot.record.tree_head import SignedTreeHead
from openballot.verify.monitor import Monitor

# Monitor is re-exported: a MonitoredBoard (a BoardClient, retried) is the TreeHeadSource
# the command line monitors.
__all__ = ["PAGE", "BoardError", "BoardClient", "MonitoredBoard", "Monitor", "http_client"]

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


def http_client(url: str, timeout: float) -> httpx.Client:
    """A client for the board at `url`, refused at once unless it is an http(s) URL."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise BoardError(f"{url!r} is not a board URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise BoardError(f"{url!r} is not a board URL (expected http://HOST[:PORT])")
    return httpx.Client(base_url=parsed, timeout=timeout)


class BoardClient:
    def __init__(self, client: httpx.Client, election_id: str) -> None:
        self.client = client
        # Checked before it goes into a URL path ("" or "../board" would name another page).
        self.election_id = check_id(election_id, "--election")

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; an unreachable board or an error answer is a BoardError that gives
        the board's problem detail on one line."""
        try:
            r = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BoardError(f"board unreachable: {exc}") from None
        if r.status_code >= 400:
            try:
                detail = obj(loads(r.content, "problem"), "problem").get("detail", r.text)
            except DecodeError:
                detail = r.text
            raise BoardError(f"{method} {path}: {r.status_code} {detail}", r.status_code)
        return r

    def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """One request whose answer must be JSON (parsed strictly, protocol.md 3.1)."""
        r = self.request(method, path, **kwargs)
        return self.json_of(r, method, path)

    @staticmethod
    def json_of(r: httpx.Response, method: str, path: str) -> Any:
        try:
            return loads(r.content, f"the board's answer to {method} {path}")
        except DecodeError as exc:
            # An answer came, and asking again would get the same: not transient.
            raise BoardError(str(exc), r.status_code) from None

    def get(self, path: str, **params: Any) -> Any:
        return self.request_json("GET", path, params=params)

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
