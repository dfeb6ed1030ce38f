"""Merkle tree hash of RFC 9162 (Certificate Transparency v2), section 2.1.1.

MTH({}) = SHA-256(), MTH({d0}) = SHA-256(0x00 || d0), and for n > 1, with k the largest power
of two smaller than n: MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
`MerkleRoot` computes it in one pass with O(log n) memory, so a log of millions of ballots is
never held whole.
"""

from __future__ import annotations

import hashlib

from openballot.errors import ProofError

__all__ = [
    "leaf_hash",
    "node_hash",
    "MerkleRoot",
    "merkle_root",
    "MerkleTree",
    "verify_inclusion",
    "verify_consistency",
]


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


class MerkleTree:
    """An append-only Merkle tree in memory, with RFC 9162 inclusion and consistency proofs
    for any earlier tree size.

    `levels[h][i]` is the hash of the complete subtree of 2^h leaves starting at leaf i·2^h;
    every other subtree hash a proof needs is built from those in O(log n) steps.
    """

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append_leaf_hash(self, h: bytes) -> int:
        """Add a leaf by its hash; returns its 0-based index."""
        index = len(self.levels[0])
        self.levels[0].append(h)
        level, i = 0, index
        while i % 2 == 1:
            node = node_hash(self.levels[level][i - 1], self.levels[level][i])
            level += 1
            i //= 2
            if len(self.levels) == level:
                self.levels.append([])
            self.levels[level].append(node)
        return index

    def append(self, data: bytes) -> int:
        return self.append_leaf_hash(leaf_hash(data))

    def truncate(self, size: int) -> None:
        """Forget the leaves from `size` on (an append whose commit failed)."""
        self._check_size(size)
        for level, nodes in enumerate(self.levels):
            del nodes[size >> level :]

    def _subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for start aligned as the RFC's recursion produces it."""
        n = end - start
        if n == 0:
            return hashlib.sha256(b"").digest()
        if n & (n - 1) == 0 and start % n == 0:
            return self.levels[n.bit_length() - 1][start // n]
        k = _largest_power_of_two_below(n)
        return node_hash(self._subtree(start, start + k), self._subtree(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        self._check_size(size)
        return self._subtree(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1."""
        self._check_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is not in a tree of size {size}")
        return self._path(index, 0, size)

    def _path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = _largest_power_of_two_below(n)
        if m < k:
            return self._path(m, start, start + k) + [self._subtree(start + k, end)]
        return self._path(m - k, start + k, end) + [self._subtree(start, start + k)]

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        """PROOF(first, D[0:second]) of RFC 9162 section 2.1.4.1."""
        self._check_size(second)
        if not 0 < first <= second:
            raise ValueError(f"no consistency proof from size {first} to size {second}")
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [self._subtree(start, end)]
        k = _largest_power_of_two_below(n)
        if m <= k:
            return self._subproof(m, start, start + k, whole) + [self._subtree(start + k, end)]
        return self._subproof(m - k, start + k, end, False) + [self._subtree(start, start + k)]

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is larger than the log ({self.size})")


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> None:
    """RFC 9162 section 2.1.3.2, for a leaf hash. Raises ProofError saying what failed."""
    if not 0 <= index < size:
        raise ProofError(f"inclusion proof: leaf index {index} is not below tree size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof has wrong size: too long ({len(proof)} hashes)")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof has wrong size: too short ({len(proof)} hashes)")
    if r != root:
        raise ProofError("inclusion proof does not lead to the tree head's root")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]
) -> None:
    """RFC 9162 section 2.1.4.2. Raises ProofError unless the tree of size `second` with
    `second_root` extends the tree of size `first` with `first_root`."""
    if not 0 < first <= second:
        raise ProofError(f"consistency proof: sizes {first} and {second} are not increasing")
    if first == second:
        if proof or first_root != second_root:
            raise ProofError("consistency proof: same size but different roots")
        return
    path = list(proof)
    if first & (first - 1) == 0:
        path = [first_root, *path]
    if not path:
        raise ProofError("consistency proof is empty")
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof has wrong size: too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof has wrong size: too short")
    if fr != first_root:
        raise ProofError(
            "consistency proof does not lead to the earlier root: history was rewritten"
        )
    if sr != second_root:
        raise ProofError("consistency proof does not lead to the later root")
