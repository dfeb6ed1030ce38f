"""The ballot log's Merkle tree hash against RFC 9162 section 2.1.1, written out here the way
the RFC defines it (recursively), and against known values."""

from __future__ import annotations

import hashlib

import pytest

from openballot.record.merkle import MerkleRoot, MerkleTree, leaf_hash, merkle_root, node_hash


def mth(leaves: list[bytes]) -> bytes:
    """MTH of RFC 9162 2.1.1, verbatim."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def _leaves(n: int) -> list[bytes]:
    # leaves of varied lengths, the empty one included
    return [bytes([i % 251]) * (i % 7) + i.to_bytes(2, "big")[: i % 3] for i in range(n)]


def test_empty_tree_is_hash_of_empty_string() -> None:
    expected = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert mth([]) == expected
    assert merkle_root([]) == expected
    assert MerkleRoot().root() == expected
    assert MerkleRoot().size == 0


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    left, right = b"l" * 32, b"r" * 32
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert merkle_root([b""]) == hashlib.sha256(b"\x00").digest()
    # a tree of two leaves is not the one-leaf tree of their concatenated hashes
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert merkle_root([b"a", b"b"]) == node_hash(a, b)
    assert merkle_root([a + b]) != merkle_root([b"a", b"b"])


def test_reference_implementation_sanity() -> None:
    """The split is at the largest power of two strictly below n."""
    d = [b"0", b"1", b"2", b"3", b"4"]
    h = [leaf_hash(x) for x in d]
    left = node_hash(node_hash(h[0], h[1]), node_hash(h[2], h[3]))
    assert mth(d) == node_hash(left, h[4])
    assert mth(d[:4]) == left


@pytest.mark.parametrize("n", range(65))
def test_root_matches_rfc_9162(n: int) -> None:
    leaves = _leaves(n)
    expected = mth(leaves)
    assert merkle_root(leaves) == expected
    streaming = MerkleRoot()
    for leaf in leaves:
        streaming.append(leaf)
    assert streaming.size == n
    assert streaming.root() == expected
    by_hash = MerkleRoot()
    for leaf in leaves:
        by_hash.append_leaf_hash(leaf_hash(leaf))
    assert by_hash.root() == expected


def test_root_of_every_prefix_while_streaming() -> None:
    """root() does not disturb the running state: reading it after every append gives the
    root of every prefix."""
    leaves = _leaves(70)
    m = MerkleRoot()
    tree = MerkleTree()
    for i, leaf in enumerate(leaves):
        m.append(leaf)
        tree.append(leaf)
        assert m.root() == mth(leaves[: i + 1])
    assert [tree.root(k) for k in range(71)] == [mth(leaves[:k]) for k in range(71)]


# Leaves and roots of the Certificate Transparency reference implementation's Merkle tests
# (the same hash as RFC 9162's MTH).
CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
             "606162636465666768696a6b6c6d6e6f"]  # fmt: skip
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("n", range(1, 9))
def test_known_vectors(n: int) -> None:
    leaves = [bytes.fromhex(h) for h in CT_LEAVES[:n]]
    assert mth(leaves).hex() == CT_ROOTS[n - 1]
    assert merkle_root(leaves).hex() == CT_ROOTS[n - 1]


def test_any_change_changes_the_root() -> None:
    leaves = _leaves(13)
    root = merkle_root(leaves)
    roots = {root}
    for i in range(13):
        changed = list(leaves)
        changed[i] = changed[i] + b"!"
        roots.add(merkle_root(changed))
    roots.add(merkle_root(leaves[:-1]))
    roots.add(merkle_root([*leaves, b""]))
    roots.add(merkle_root([leaves[1], leaves[0], *leaves[2:]]))
    assert len(roots) == 13 + 4
