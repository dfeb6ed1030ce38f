// "Check my ballot": the board's status answer and a kept receipt, checked against a board
// simulated here; every lie of the board fails the check it breaks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  CheckFailed, RECEIPT_FORMAT, checkConsistency, checkKeptReceipt, checkSameLeaf, checkStatusAnswer, readReceiptFile,
} from '../src/ballotcheck.js';
import { contextFromElection, credentialSecret, encryptBallot, merkleRoot, toHex, treeHeadMessage, utf8 } from '../src/protocol/index.js';
import { consistencyPath, electionResponse, inclusionPath, protocol } from './helpers.mjs';

const ctx = contextFromElection(electionResponse());
const electionId = protocol.election.manifest.election_id;
const boardSecret = new Uint8Array(32).fill(5);
const boardKey = toHex(ed25519.getPublicKey(boardSecret));
const code = protocol.election.codes.south[0];
const vote = () =>
  encryptBallot(ctx, 'south', credentialSecret(electionId, code), { president: ['amal'], 'council-south': [], referendum: ['no'] });
const { ballot, opening } = vote();
const tracker = ballot.trackerHex();

/** A board log: some leaves, our ballot's entry at `at`, then more. */
function makeLog({ at = 3, after = 4, kind = 'cast', b = ballot } = {}) {
  const entry = JSON.stringify(kind === 'cast' ? { type: 'cast', ballot: b.toJSON() } : { type: 'audit', ballot: b.toJSON(), opening: opening.toJSON() });
  const filler = protocol.merkle.leaves;
  const leaves = [...filler.slice(0, at), entry, ...filler.slice(0, after)];
  return { entry, leaves, index: at };
}

function head(leaves, size, secret = boardSecret, election = electionId) {
  const bytes = leaves.slice(0, size).map(utf8);
  const root = merkleRoot(bytes);
  const timestamp = 1767225600000 + size;
  const signature = ed25519.sign(treeHeadMessage(election, size, root, timestamp), secret);
  return { election, size, root: toHex(root), timestamp, signature: toHex(signature) };
}

function answerAt(log, size, fate = { fate: 'recorded' }) {
  const bytes = log.leaves.slice(0, size).map(utf8);
  return {
    tracker,
    index: log.index,
    entry: log.entry,
    tree_head: head(log.leaves, size),
    inclusion_proof: inclusionPath(log.index, bytes).map(toHex),
    ...fate,
  };
}

function receiptFile(log, size) {
  const { fate: _f, ...receipt } = answerAt(log, size);
  return JSON.stringify({ format: RECEIPT_FORMAT, election: electionId, board_key: boardKey, ballot: ballot.toJSON(), receipt });
}

const fails = (check) => (err) => err instanceof CheckFailed && err.check === check;

test('an honest answer passes, for every fate', () => {
  const log = makeLog();
  const size = log.leaves.length;
  for (const [fate, extra] of [
    ['recorded', {}],
    ['counted', {}],
    ['superseded', { superseded_by: size - 1 }],
    ['not-counted', { reason: 'its credential is not on the list' }],
  ]) {
    const got = checkStatusAnswer(answerAt(log, size, { fate, ...extra }), { tracker, electionId, boardKey });
    assert.equal(got.fate, fate);
    assert.equal(got.index, log.index);
    assert.equal(got.size, size);
    assert.equal(got.supersededBy, extra.superseded_by ?? null);
    assert.equal(got.reason, extra.reason ?? null);
  }
  const audited = makeLog({ kind: 'audit' });
  const got = checkStatusAnswer(answerAt(audited, audited.leaves.length, { fate: 'audited' }), { tracker, electionId, boardKey });
  assert.equal(got.type, 'audit');
});

test('every lie in the answer fails the check it breaks', () => {
  const log = makeLog();
  const size = log.leaves.length;
  const good = () => answerAt(log, size);
  const check = (a) => () => checkStatusAnswer(a, { tracker, electionId, boardKey });
  assert.throws(check({ ...good(), tracker: 'cd'.repeat(32) }), fails('answer'));
  assert.throws(check({ ...good(), fate: 'lost' }), fails('answer'));
  assert.throws(check({ ...good(), fate: 'audited' }), fails('answer'));
  assert.throws(check({ ...good(), fate: 'superseded' }), fails('answer'));
  assert.throws(check({ ...good(), fate: 'superseded', superseded_by: log.index }), fails('answer'));
  assert.throws(check({ ...good(), fate: 'superseded', superseded_by: size }), fails('answer'));
  assert.throws(check({ ...good(), entry: log.entry.replace('{"type"', '{ "type"') }), fails('answer'));
  const other = vote().ballot;
  assert.throws(check({ ...good(), entry: JSON.stringify({ type: 'cast', ballot: other.toJSON() }) }), fails('answer'));
  assert.throws(check({ ...good(), tree_head: head(log.leaves, size, new Uint8Array(32).fill(9)) }), fails('signature'));
  assert.throws(check({ ...good(), tree_head: head(log.leaves, size, boardSecret, 'other-2026') }), fails('signature'));
  assert.throws(check({ ...good(), tree_head: { ...good().tree_head, size: size - 1 } }), fails('signature'));
  const proof = good().inclusion_proof;
  assert.throws(check({ ...good(), inclusion_proof: proof.slice(1) }), fails('inclusion'));
  assert.throws(check({ ...good(), inclusion_proof: [...proof].reverse() }), fails('inclusion'));
  assert.throws(check({ ...good(), index: log.index + 1 }), fails('inclusion'));
  // A head signed over a log without our ballot: the proof cannot reach its root.
  const without = { ...good(), tree_head: head(protocol.merkle.leaves, size) };
  assert.throws(check(without), fails('inclusion'));
});

test('a kept receipt: same leaf, and the log only grew since', () => {
  const log = makeLog({ at: 3, after: 6 });
  const keptSize = 5; // the receipt was signed when the log had 5 entries
  const file = readReceiptFile(receiptFile(log, keptSize));
  assert.equal(file.tracker, tracker);
  const kept = checkKeptReceipt(file, { electionId, boardKey });
  assert.equal(kept.size, keptSize);
  const latest = checkStatusAnswer(answerAt(log, log.leaves.length), { tracker, electionId, boardKey });
  checkSameLeaf(kept, latest);
  const bytes = log.leaves.map(utf8);
  const proof = consistencyPath(keptSize, bytes).map(toHex);
  checkConsistency(kept, latest, proof);
  checkConsistency(kept, { ...latest, size: kept.size, root: kept.root }, []);

  // The board rewrote history: a different leaf before ours, in the latest head.
  const rewritten = [...log.leaves];
  rewritten[0] = 'rewritten';
  const liar = { ...latest, root: merkleRoot(rewritten.map(utf8)) };
  assert.throws(() => checkConsistency(kept, liar, proof), fails('consistency'));
  assert.throws(() => checkConsistency(kept, { ...latest, size: keptSize - 1 }, []), fails('consistency'));
  assert.throws(() => checkConsistency(kept, latest, proof.slice(1)), fails('consistency'));
  assert.throws(() => checkSameLeaf(kept, { ...latest, index: latest.index + 1 }), fails('receipt'));
  assert.throws(() => checkSameLeaf(kept, { ...latest, entry: latest.entry + ' ' }), fails('receipt'));
});

test('a receipt file that is not one, or not of this board or election, is refused', () => {
  const log = makeLog();
  assert.throws(() => readReceiptFile('not json'), fails('file'));
  assert.throws(() => readReceiptFile('{"format": "other"}'), fails('file'));
  assert.throws(() => readReceiptFile(JSON.stringify({ format: RECEIPT_FORMAT })), fails('file'));
  const good = JSON.parse(receiptFile(log, 4));
  const file = (changes) => readReceiptFile(JSON.stringify({ ...good, ...changes }));
  assert.throws(() => checkKeptReceipt(file({ board_key: 'ab'.repeat(32) }), { electionId, boardKey }), fails('receipt'));
  assert.throws(() => checkKeptReceipt(file({ election: 'other-2026' }), { electionId, boardKey }), fails('receipt'));
  const forged = { ...good.receipt, tree_head: { ...good.receipt.tree_head, timestamp: good.receipt.tree_head.timestamp + 1 } };
  assert.throws(() => checkKeptReceipt(file({ receipt: forged }), { electionId, boardKey }), fails('receipt'));
  assert.throws(() => checkKeptReceipt(file({ ballot: vote().ballot.toJSON() }), { electionId, boardKey }), fails('receipt'));
});
