"""The monitor's consistency check, fed by an in-memory source: an honest log that grows
passes; a board that drops or rewrites entries it signed, signs with another key or shows
another election's log is caught, with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from openballot.errors import ProofError
from openballot.record.merkle import MerkleTree
from openballot.record.tree_head import SignedTreeHead
from openballot.verify.monitor import Monitor

ELECTION = "demo-2026"


@dataclass
class FakeBoard:
    """A TreeHeadSource whose operator can rewrite its log."""

    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    election_id: str = ELECTION
    signs_for: str = ELECTION
    tree: MerkleTree = field(default_factory=MerkleTree)

    @property
    def public(self) -> bytes:
        return self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def add(self, *leaves: bytes) -> None:
        for leaf in leaves:
            self.tree.append(leaf)

    def latest_tree_head(self) -> SignedTreeHead:
        size, root = self.tree.size, self.tree.root()
        message = SignedTreeHead.message_for(self.signs_for, size, root, 1)
        return SignedTreeHead(self.signs_for, size, root, 1, self.key.sign(message))

    def consistency(self, first: int, second: int) -> list[bytes]:
        return self.tree.consistency_proof(first, second)


def test_an_honest_growing_log_passes() -> None:
    board = FakeBoard()
    board.add(b"a", b"b")
    monitor = Monitor(board, board.public)
    assert monitor.check().size == 2
    assert monitor.check().size == 2  # unchanged is consistent
    board.add(b"c", b"d", b"e")
    assert monitor.check().size == 5
    assert monitor.last is not None and monitor.last.size == 5


def _watched(*leaves: bytes) -> tuple[FakeBoard, Monitor]:
    """A board with `leaves`, and a monitor that has seen its tree head."""
    board = FakeBoard()
    board.add(*leaves)
    monitor = Monitor(board, board.public)
    monitor.check()
    return board, monitor


def test_a_dropped_entry_is_caught() -> None:
    board, monitor = _watched(b"a", b"b", b"c")
    board.tree.truncate(2)
    with pytest.raises(ProofError, match=r"shrank from 3 to 2 entries"):
        monitor.check()
    assert monitor.last is not None and monitor.last.size == 3  # the last good head is kept


def test_a_rewritten_entry_is_caught() -> None:
    board, monitor = _watched(b"a", b"b", b"c")
    board.tree.truncate(1)
    board.add(b"B", b"c", b"d")
    with pytest.raises(ProofError, match=r"not consistent with the one of size 3: the board rew"):
        monitor.check()


def test_another_key_or_election_is_caught() -> None:
    board = FakeBoard()
    board.add(b"a")
    with pytest.raises(ProofError, match=r"signature does not verify"):
        Monitor(board, FakeBoard().public).check()
    board.signs_for = "other-2026"
    with pytest.raises(ProofError, match=r"tree head is for election 'other-2026'"):
        Monitor(board, board.public).check()
