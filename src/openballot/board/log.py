"""One election's append-only log: entries, Merkle tree, signed tree heads, proofs.

Appends are serialised by a lock (one writer per election per server process); the Merkle
tree lives in memory and is rebuilt from storage at start-up. The tree head covering an entry
is signed and committed with the entry, so the receipt handed out afterwards is durable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from openballot.board.signing import BoardKey
from openballot.board.store import BoardStorageError, BoardStore, StoredEntry
from openballot.record.merkle import MerkleTree
from openballot.record.tree_head import SignedTreeHead

__all__ = ["Appended", "ElectionLog"]


@dataclass(frozen=True, slots=True)
class Appended:
    entry: StoredEntry
    tree_head: SignedTreeHead
    inclusion_proof: list[bytes]


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
        """Append under the lock; call with the lock held when a check must see the same
        state as the append (see `ElectionService`)."""
        seq = self.tree.size
        self.tree.append(data)
        try:
            head = self._sign(self.tree.size, self.tree.root())
            entry = StoredEntry(seq, type_, data, tracker)
            self.store.append(self.election_id, entry, head)
        except BaseException:
            # The commit may have happened although it raised (connection lost at COMMIT):
            # the tree takes what storage holds from `seq` on, no more, no less.
            self.tree.truncate(seq)
            self.resync()
            raise
        return Appended(entry, head, self.tree.inclusion_proof(seq, seq + 1))

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
        assert head is not None
        return Appended(entry, head, self.tree.inclusion_proof(entry.seq, head.size))
