// RFC 9162 hashing and inclusion proofs against the Python reference, and signed tree heads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  ProofError, fromHex, leafHash, merkleRoot, toHex, treeHeadMessage, utf8, verifyConsistency, verifyInclusion, verifyTreeHead,
} from '../src/protocol/index.js';
import { consistencyPath, protocol } from './helpers.mjs';

const M = protocol.merkle;
const leaves = M.leaves.map(utf8);

test('leaf hashes and roots of every prefix', () => {
  assert.deepEqual(leaves.map((l) => toHex(leafHash(l))), M.leaf_hashes);
  for (const { size, root } of M.roots) assert.equal(toHex(merkleRoot(leaves.slice(0, size))), root, `size ${size}`);
});

M.inclusion.forEach(({ index, size, leaf_hash: leaf, proof, root }) => {
  test(`inclusion of leaf ${index} in a tree of ${size}`, () => {
    const p = proof.map((h) => fromHex(h));
    verifyInclusion(fromHex(leaf), index, size, p, fromHex(root));
    verifyInclusion(fromHex(leaf), BigInt(index), BigInt(size), p, fromHex(root));
    if (size > 1) {
      assert.throws(() => verifyInclusion(fromHex(leaf), index ^ 1, size, p, fromHex(root)), ProofError);
      assert.throws(() => verifyInclusion(fromHex(leaf), index, size, p.slice(1), fromHex(root)), ProofError);
      const bad = p.map((h) => h.slice());
      bad[0][0] ^= 1;
      assert.throws(() => verifyInclusion(fromHex(leaf), index, size, bad, fromHex(root)), ProofError);
    }
    assert.throws(() => verifyInclusion(fromHex(leaf), index, size, [...p, p[0] ?? fromHex(root)], fromHex(root)), ProofError);
    assert.throws(() => verifyInclusion(fromHex(leaf), size, size, p, fromHex(root)), ProofError);
    const other = fromHex(M.leaf_hashes[(index + 1) % M.leaf_hashes.length]);
    assert.throws(() => verifyInclusion(other, index, size, p, fromHex(root)), ProofError);
  });
});

test('the leaves of the vectors are exact ballot-log lines', () => {
  for (let i = 0; i < protocol.ballots.length; i++) {
    const line = JSON.parse(M.leaves[i]);
    assert.equal(line.type, 'cast');
    assert.deepEqual(line.ballot, protocol.ballots[i].ballot);
  }
});

protocol.tree_heads.forEach(({ tree_head: th, message, board_key: key }, i) => {
  test(`signed tree head ${i} (size ${th.size}): message and signature`, () => {
    assert.equal(toHex(treeHeadMessage(th.election, th.size, fromHex(th.root), th.timestamp)), message);
    const head = verifyTreeHead(th, key);
    assert.equal(head.size, th.size);
    for (const edit of [{ size: th.size + 1 }, { timestamp: th.timestamp + 1 }, { election: 'other' }]) {
      assert.throws(() => verifyTreeHead({ ...th, ...edit }, key), ProofError);
    }
    const otherKey = toHex(ed25519.getPublicKey(new Uint8Array(32).fill(7)));
    assert.throws(() => verifyTreeHead(th, otherKey), ProofError);
  });
});

test('consistency proofs between every two prefixes of the vectors', () => {
  const rootOf = new Map(M.roots.map(({ size, root }) => [size, fromHex(root)]));
  const sizes = [...rootOf.keys()].filter((s) => s >= 1);
  let checked = 0;
  for (const first of sizes) {
    for (const second of sizes) {
      if (first > second) {
        assert.throws(() => verifyConsistency(first, second, rootOf.get(first), rootOf.get(second), []), ProofError);
        continue;
      }
      const proof = first === second ? [] : consistencyPath(first, leaves.slice(0, second));
      verifyConsistency(first, second, rootOf.get(first), rootOf.get(second), proof);
      checked += 1;
      if (first === second) {
        if (first > 1) assert.throws(() => verifyConsistency(first, second, rootOf.get(first), rootOf.get(first - 1), []), ProofError);
        continue;
      }
      // A rewritten history, a wrong later root, a proof cut short or padded: all refused.
      const other = rootOf.get(first === 1 ? 2 : first - 1);
      assert.throws(() => verifyConsistency(first, second, other, rootOf.get(second), proof), ProofError, `${first}->${second}`);
      const wrongLater = rootOf.get(second).slice();
      wrongLater[0] ^= 1;
      assert.throws(() => verifyConsistency(first, second, rootOf.get(first), wrongLater, proof), ProofError);
      if (proof.length) assert.throws(() => verifyConsistency(first, second, rootOf.get(first), rootOf.get(second), proof.slice(1)), ProofError);
      assert.throws(() => verifyConsistency(first, second, rootOf.get(first), rootOf.get(second), [...proof, proof[0] ?? other]), ProofError, `padded ${first}->${second} ${proof.length}`);
      if (proof.length) {
        const bad = proof.map((h) => h.slice());
        bad[bad.length - 1][0] ^= 1;
        assert.throws(() => verifyConsistency(first, second, rootOf.get(first), rootOf.get(second), bad), ProofError);
      }
    }
  }
  assert.ok(checked > 10, `only ${checked} pairs`);
  assert.throws(() => verifyConsistency(0, 3, rootOf.get(1), rootOf.get(3), []), ProofError);
});
