"""One election's append-only log: entries, Merkle tree, signed tree heads, proofs.

Appends are serialised by a lock (one writer per election per server process); the Merkle
tree lives in memory and is rebuilt from storage at start-up. An append takes a batch of
leaves: they are committed in one transaction with the one tree head that covers them all, so
every receipt handed out afterwards names a durable leaf under a durable head. The ballots
waiting when the writer is free make one batch (`openballot.server.sequencer`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from openballot.board.signing import BoardKey
from openballot.board.store import BoardStorageError, BoardStore, StoredEntry
from openballot.record.merkle import MerkleTree
from openballot.record.tree_head import SignedTreeHead

__all__ = ["Appended", "NewLeaf", "ElectionLog"]


@dataclass(frozen=True, slots=True)
class Appended:
    entry: StoredEntry
    tree_head: SignedTreeHead
    inclusion_proof: list[bytes]


@dataclass(frozen=True, slots=True)
class NewLeaf:
    """A leaf to append: its type, its bytes, and a ballot's tracker (None for other leaves)."""

    type: str
    data: bytes
    tracker: bytes | None = None


class ElectionLog:
    def __init__(self, store: BoardStore, key: BoardKey, election_id: str) -> None:
        self.store = store
        self.key = key
        self.election_id = election_id
        self.tree = MerkleTree()
        self.lock = threading.Lock()
        self.resync()

    @property
    def size(self) -> int:
        return self.tree.size

    def committed_size(self) -> int:
        """The size of the latest signed and committed tree head: an append still in its
        transaction is not part of the log yet."""
        head = self.store.tree_head(self.election_id)
        return 0 if head is None else head.size

    def entries(self, start: int = 0, end: int | None = None) -> Iterator[StoredEntry]:
        return self.store.entries(self.election_id, start, end)

    def _sign(self, size: int, root: bytes) -> SignedTreeHead:
        now = int(time.time() * 1000)
        message = SignedTreeHead.message_for(self.election_id, size, root, now)
        return SignedTreeHead(self.election_id, size, root, now, self.key.sign(message))

    def append(self, type_: str, data: bytes, tracker: bytes | None = None) -> Appended:
        """Append one leaf (a batch of one); see `append_batch`."""
        return self.append_batch([NewLeaf(type_, data, tracker)])[0]

    def append_batch(self, leaves: Sequence[NewLeaf]) -> list[Appended]:
        """Append the leaves in order under one signed tree head, committed in one
        transaction; returns each leaf's receipt against that head. Call with the lock held
        when a check must see the same state as the append (see `ElectionService`)."""
        if not leaves:
            raise ValueError("an append needs at least one leaf")
        start = self.tree.size
        for leaf in leaves:
            self.tree.append(leaf.data)
        try:
            head = self._sign(self.tree.size, self.tree.root())
            stored = [
                StoredEntry(start + i, leaf.type, leaf.data, leaf.tracker)
                for i, leaf in enumerate(leaves)
            ]
            self.store.append(self.election_id, stored, head)
        except BaseException:
            # The commit may have happened although it raised (connection lost at COMMIT):
            # the tree takes what storage holds from `start` on, no more, no less.
            self.tree.truncate(start)
            self.resync()
            raise
        return [self.receipt_under(entry, head) for entry in stored]

    def resync(self) -> int:
        """Append to the tree the leaves storage has beyond it (all of them at start-up);
        returns how many."""
        added = 0
        for seq, h in self.store.leaf_hashes(self.election_id, start=self.tree.size):
            if seq != self.tree.size:
                raise BoardStorageError(
                    f"board storage of election {self.election_id!r} has a gap at entry "
                    f"{self.tree.size}: expected entry {self.tree.size} next, found entry {seq}"
                )
            self.tree.append_leaf_hash(h)
            added += 1
        return added

    def latest_tree_head(self) -> SignedTreeHead | None:
        return self.store.tree_head(self.election_id)

    def receipt_for(self, entry: StoredEntry) -> Appended:
        """A receipt for an entry already on the board, against the latest tree head."""
        head = self.store.tree_head(self.election_id)
        if head is None or head.size <= entry.seq:
            raise BoardStorageError(
                f"board storage of election {self.election_id!r} has entry {entry.seq} but "
                "no signed tree head that covers it"
            )
        return self.receipt_under(entry, head)

    def receipt_under(self, entry: StoredEntry, head: SignedTreeHead) -> Appended:
        """A receipt for an entry under a given (committed) tree head that covers it."""
        return Appended(entry, head, self.tree.inclusion_proof(entry.seq, head.size))
