"""Merkle tree hash of RFC 9162 (Certificate Transparency v2), section 2.1.1.

MTH({}) = SHA-256(), MTH({d0}) = SHA-256(0x00 || d0), and for n > 1, with k the largest power
of two smaller than n: MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
`MerkleRoot` computes it in one pass with O(log n) memory, so a log of millions of ballots is
never held whole.
"""

from __future__ import annotations

import hashlib

__all__ = ["leaf_hash", "node_hash", "MerkleRoot", "merkle_root"]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleRoot:
    """Streaming MTH: a stack of roots of complete subtrees, largest first."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (subtree size, root)
        self.size = 0

    def append(self, data: bytes) -> None:
        self.append_leaf_hash(leaf_hash(data))

    def append_leaf_hash(self, h: bytes) -> None:
        size = 1
        while self._stack and self._stack[-1][0] == size:
            left_size, left = self._stack.pop()
            h = node_hash(left, h)
            size += left_size
        self._stack.append((size, h))
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return hashlib.sha256(b"").digest()
        # The subtrees have decreasing power-of-two sizes; folding right to left gives the
        # RFC's split at the largest power of two below n at every level.
        h = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            h = node_hash(left, h)
        return h


def merkle_root(leaves: list[bytes]) -> bytes:
    m = MerkleRoot()
    for leaf in leaves:
        m.append(leaf)
    return m.root()
