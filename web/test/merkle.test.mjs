// RFC 9162 hashing and inclusion proofs against the Python reference, and signed tree heads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  ProofError, fromHex, leafHash, merkleRoot, toHex, treeHeadMessage, utf8, verifyInclusion, verifyTreeHead,
} from '../src/protocol/index.js';
import { protocol } from './helpers.mjs';

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
