// The receipt checks the booth makes after casting, against a board simulated here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  ProofError, ProtocolError, DecodeError, contextFromElection, credentialSecret, encryptBallot, leafHash, merkleRoot,
  nodeHash, toHex, treeHeadMessage, utf8, verifyReceipt,
} from '../src/protocol/index.js';
import { electionResponse, inclusionPath, protocol } from './helpers.mjs';

const ctx = contextFromElection(electionResponse());
const electionId = protocol.election.manifest.election_id;
const boardSecret = new Uint8Array(32).fill(3);
const boardKey = toHex(ed25519.getPublicKey(boardSecret));

function board(ballot, { before = 5, after = 2, kind = 'cast', opening } = {}) {
  const entry = JSON.stringify(kind === 'cast' ? { type: 'cast', ballot } : { type: 'audit', ballot, opening });
  const leaves = [...protocol.merkle.leaves.slice(0, before), entry, ...protocol.merkle.leaves.slice(0, after)].map(utf8);
  const root = merkleRoot(leaves);
  const timestamp = 1767225600000 + before;
  const signature = ed25519.sign(treeHeadMessage(electionId, leaves.length, root, timestamp), boardSecret);
  return {
    tracker: ballot.trackerHex(),
    index: before,
    entry,
    tree_head: { election: electionId, size: leaves.length, root: toHex(root), timestamp, signature: toHex(signature) },
    inclusion_proof: inclusionPath(before, leaves).map(toHex),
  };
}

const { ballot, opening } = encryptBallot(
  ctx, 'south', credentialSecret(electionId, protocol.election.codes.south[0]),
  { president: ['bashir'], 'council-south': ['s3'], referendum: ['yes'] },
);

test('an honest receipt verifies, at every position', () => {
  for (const [before, after] of [[0, 0], [5, 2], [1, 6], [7, 0], [3, 4]]) {
    const r = verifyReceipt(board(ballot, { before, after }), { ballot, electionId, boardKey });
    assert.equal(r.tracker, ballot.trackerHex());
    assert.equal(r.size, before + after + 1);
    assert.equal(r.index, before);
  }
  const check = nodeHash(leafHash(utf8('a')), leafHash(utf8('b')));
  assert.equal(toHex(merkleRoot([utf8('a'), utf8('b')])), toHex(check));
});

test('an audit receipt is checked as an audit entry', () => {
  const r = board(ballot, { kind: 'audit', opening: opening.toJSON() });
  verifyReceipt(r, { ballot, electionId, boardKey, kind: 'audit' });
  assert.throws(() => verifyReceipt(r, { ballot, electionId, boardKey }), ProtocolError);
});

test('every lie of the board is caught', () => {
  const good = board(ballot);
  const lies = [
    [(r) => { r.tracker = '00'.repeat(32); }, ProtocolError],
    [(r) => { r.index += 1; }, ProofError],
    [(r) => { r.inclusion_proof.pop(); }, ProofError],
    [(r) => { r.inclusion_proof[0] = r.inclusion_proof[1]; }, ProofError],
    [(r) => { r.tree_head.root = toHex(leafHash(utf8('x'))); }, ProofError],
    [(r) => { r.tree_head.size += 1; }, ProofError],
    [(r) => { r.tree_head.timestamp += 1; }, ProofError],
    [(r) => { r.tree_head.election = 'other'; }, ProofError],
    [(r) => { r.entry = r.entry.replace('"cast"', '"audit"'); }, ProtocolError],
    [(r) => { r.entry = r.entry + ' '; }, DecodeError],
    [(r) => { r.entry = r.entry.replace('{"type":"cast",', '{"type":"audit","type":"cast",'); }, DecodeError],
    [(r) => { r.entry = '{'; }, DecodeError],
    [(r) => {
      const e = JSON.parse(r.entry);
      e.ballot.district = 'north';
      r.entry = JSON.stringify(e);
    }, ProtocolError],
  ];
  lies.forEach(([edit, kind], i) => {
    const r = structuredClone(good);
    edit(r);
    assert.throws(() => verifyReceipt(r, { ballot, electionId, boardKey }), kind, `lie ${i}`);
  });
  const other = toHex(ed25519.getPublicKey(new Uint8Array(32).fill(4)));
  assert.throws(() => verifyReceipt(good, { ballot, electionId, boardKey: other }), ProofError);
  const { ballot: another } = encryptBallot(
    ctx, 'south', credentialSecret(electionId, protocol.election.codes.south[0]),
    { president: ['bashir'], 'council-south': ['s3'], referendum: ['yes'] },
  );
  assert.throws(() => verifyReceipt(good, { ballot: another, electionId, boardKey }), ProtocolError);
});
