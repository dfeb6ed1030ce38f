// Ballots: the Python ones verify here with the same trackers; ours verify here and
// round-trip; tampering is caught.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BallotOpening, EncryptedBallot, ProofError, ProtocolError, RangeProof, Scalar, SchnorrProof,
  contextFromElection, credentialSecret, digest, encrypt, encryptBallot, gPow, readOpening, toHex, verifyBallot,
  verifyOpening, Ciphertext, Element,
} from '../src/protocol/index.js';
import { electionResponse, protocol } from './helpers.mjs';

const ctx = contextFromElection(electionResponse());
const electionId = protocol.election.manifest.election_id;

test('ElGamal encryptions match Python', () => {
  for (const { m, r, alpha, beta } of protocol.elgamal) {
    const ct = encrypt(ctx.jointKey, m, Scalar.fromHex(r));
    assert.equal(ct.alpha.hex(), alpha);
    assert.equal(ct.beta.hex(), beta);
  }
});

protocol.ballots.forEach((b, i) => {
  test(`Python ballot ${i} (${b.district}): decodes, verifies, same tracker, same JSON`, () => {
    const ballot = EncryptedBallot.fromJSON(b.ballot);
    verifyBallot(ctx, ballot);
    assert.equal(toHex(digest('ballot/body', ballot.bodyEncoding())), b.body_digest);
    assert.equal(ballot.trackerHex(), b.tracker);
    assert.equal(JSON.stringify(ballot.toJSON()), JSON.stringify(b.ballot));
    const opening = BallotOpening.fromJSON(b.opening);
    assert.deepEqual(opening.toJSON(), b.opening);
    const read = readOpening(ctx, ballot, opening);
    const expected = ballot.contests.map((c) => ({
      contest: c.contestId,
      chosen: c.selections.map((s) => s.optionId).filter((o) => (b.choices[c.contestId] ?? []).includes(o)),
    }));
    assert.deepEqual(read, expected);
    assert.equal(
      ballot.credential.hex(),
      gPow(credentialSecret(electionId, b.code)).hex(),
    );
  });
});

function makeJsBallot(district = 'north', voter = 0, choices = undefined) {
  const code = protocol.election.codes[district][voter];
  const c = choices ?? (district === 'north'
    ? { president: ['dilan'], 'council-north': ['n2', 'n3', 'n5'], referendum: ['no'] }
    : { president: ['amal'], referendum: ['yes'] });
  return encryptBallot(ctx, district, credentialSecret(electionId, code), c);
}

test('JS ballots verify in JS and round-trip through JSON', () => {
  for (const district of ['north', 'south']) {
    const { ballot, opening } = makeJsBallot(district, 1);
    verifyBallot(ctx, ballot);
    verifyOpening(ctx, ballot, opening);
    const again = EncryptedBallot.fromJSON(JSON.parse(JSON.stringify(ballot)));
    verifyBallot(ctx, again);
    assert.equal(again.trackerHex(), ballot.trackerHex());
    assert.equal(ballot.tracker().length, 32);
    const o2 = BallotOpening.fromJSON(JSON.parse(JSON.stringify(opening)));
    verifyOpening(ctx, again, o2);
  }
});

test('choices given as a Map of Sets; a blank contest where the minimum is 0', () => {
  const { ballot, opening } = makeJsBallot('south', 2, new Map([['president', new Set(['farah'])], ['council-south', new Set()], ['referendum', ['no']]]));
  verifyBallot(ctx, ballot);
  assert.deepEqual(readOpening(ctx, ballot, opening).map((c) => c.chosen), [['farah'], [], ['no']]);
});

test('two encryptions of the same choices differ', () => {
  const a = makeJsBallot().ballot;
  const b = makeJsBallot().ballot;
  assert.notEqual(a.trackerHex(), b.trackerHex());
});

test('bad choices are refused before encrypting', () => {
  const secret = credentialSecret(electionId, protocol.election.codes.north[0]);
  const tries = [
    ['north', { president: [], 'council-north': ['n1'], referendum: ['yes'] }],
    ['north', { president: ['amal', 'bashir'], 'council-north': ['n1'], referendum: ['yes'] }],
    ['north', { president: ['amal'], 'council-north': ['n1', 'n2', 'n3', 'n4'], referendum: ['yes'] }],
    ['north', { president: ['zed'], 'council-north': ['n1'], referendum: ['yes'] }],
    ['north', { president: ['amal'], 'council-south': ['s1'], 'council-north': ['n1'], referendum: ['yes'] }],
    ['east', { president: ['amal'] }],
  ];
  for (const [district, choices] of tries) {
    assert.throws(() => encryptBallot(ctx, district, secret, choices), ProtocolError, JSON.stringify(choices));
  }
});

function flipHex(hex, at = 0) {
  const b = parseInt(hex.slice(at, at + 2), 16) ^ 0x01;
  return hex.slice(0, at) + b.toString(16).padStart(2, '0') + hex.slice(at + 2);
}

test('tampering: a flipped response byte, a swapped ciphertext, another district, a wrong signature', () => {
  const { ballot } = makeJsBallot();
  const json = ballot.toJSON();

  const t1 = structuredClone(json);
  t1.contests[0].selections[1].proof.responses[0] = flipHex(t1.contests[0].selections[1].proof.responses[0]);
  assert.throws(() => verifyBallot(ctx, EncryptedBallot.fromJSON(t1)), ProofError);

  const t2 = structuredClone(json);
  t2.contests[1].proof.responses[1] = flipHex(t2.contests[1].proof.responses[1]);
  assert.throws(() => verifyBallot(ctx, EncryptedBallot.fromJSON(t2)), ProofError);

  const t3 = structuredClone(json);
  t3.signature.response = flipHex(t3.signature.response);
  assert.throws(() => verifyBallot(ctx, EncryptedBallot.fromJSON(t3)), /credential signature fails/);

  const t4 = structuredClone(json);
  const [s0, s1] = t4.contests[0].selections;
  [s0.alpha, s0.beta, s1.alpha, s1.beta] = [s1.alpha, s1.beta, s0.alpha, s0.beta];
  assert.throws(() => verifyBallot(ctx, EncryptedBallot.fromJSON(t4)), ProofError);

  const t5 = structuredClone(json);
  t5.district = 'south';
  assert.throws(() => verifyBallot(ctx, EncryptedBallot.fromJSON(t5)), ProtocolError);

  const t6 = structuredClone(json);
  t6.election = flipHex(t6.election, 10);
  assert.throws(() => verifyBallot(ctx, EncryptedBallot.fromJSON(t6)), ProtocolError);

  const t7 = structuredClone(json);
  t7.contests[2].selections.reverse();
  assert.throws(() => verifyBallot(ctx, EncryptedBallot.fromJSON(t7)), ProtocolError);

  // Re-signing a modified body with the right credential still needs valid proofs.
  const t8 = structuredClone(json);
  t8.contests[0].selections[0].beta = t8.contests[0].selections[1].beta;
  assert.throws(() => verifyBallot(ctx, EncryptedBallot.fromJSON(t8)), ProofError);
});

test('an opening that lies is refused', () => {
  const { ballot, opening } = makeJsBallot();
  const json = opening.toJSON();
  const flipped = structuredClone(json);
  flipped[0][0].vote = 1 - flipped[0][0].vote;
  assert.throws(() => verifyOpening(ctx, ballot, BallotOpening.fromJSON(flipped)), ProtocolError);
  const wrongR = structuredClone(json);
  wrongR[1][0].randomness = json[1][1].randomness;
  assert.throws(() => verifyOpening(ctx, ballot, BallotOpening.fromJSON(wrongR)), ProtocolError);
  assert.throws(() => verifyOpening(ctx, ballot, BallotOpening.fromJSON(json.slice(1))), ProtocolError);
});

test('decoders refuse what the Python decoders refuse', () => {
  const { ballot } = makeJsBallot();
  const json = ballot.toJSON();
  const edits = [
    (j) => { j.extra = 1; },
    (j) => { j.contests[0].selections[0].alpha = j.contests[0].selections[0].alpha.toUpperCase(); },
    (j) => { j.contests[0].selections[0].alpha = '00'.repeat(32); },
    (j) => { j.signature.challenge = 'ff'.repeat(32); },
    (j) => { delete j.contests[0].proof.responses; },
    (j) => { j.election = j.election.slice(2); },
    (j) => { j.credential = 7; },
  ];
  edits.forEach((edit, i) => {
    const j = structuredClone(json);
    edit(j);
    assert.throws(() => EncryptedBallot.fromJSON(j), /ballot/, `edit ${i}`);
  });
  assert.throws(() => BallotOpening.fromJSON([[{ vote: 2, randomness: '00'.repeat(32) }]]), /vote/);
  assert.throws(() => BallotOpening.fromJSON([[{ vote: true, randomness: '00'.repeat(32) }]]), /vote/);
});

test('Schnorr and range proofs: prove, verify, refuse a wrong statement', () => {
  const x = Scalar.of(123456789);
  const p = SchnorrProof.prove('test/schnorr', ['ctx', 1], x);
  p.verify('test/schnorr', ['ctx', 1], gPow(x));
  assert.throws(() => p.verify('test/schnorr', ['ctx', 2], gPow(x)), ProofError);
  assert.throws(() => p.verify('test/other', ['ctx', 1], gPow(x)), ProofError);
  const r = Scalar.of(42);
  for (const m of [0, 1, 2, 3]) {
    const ct = encrypt(ctx.jointKey, m, r);
    const rp = RangeProof.prove('test/range', 'c', ctx.jointKey, ct, 0, 3, m, r);
    rp.verify('test/range', 'c', ctx.jointKey, ct, 0, 3);
    assert.throws(() => rp.verify('test/range', 'c', ctx.jointKey, ct, 0, 2), ProofError);
    assert.throws(() => rp.verify('test/range', 'c', ctx.jointKey, ct, 1, 4), ProofError);
  }
  const ct = encrypt(ctx.jointKey, 5, r);
  assert.throws(() => RangeProof.prove('test/range', 'c', ctx.jointKey, ct, 0, 3, 5, r), RangeError);
  // A false statement cannot be proved by lying about the plaintext.
  const lie = RangeProof.prove('test/range', 'c', ctx.jointKey, ct, 0, 3, 3, r);
  assert.throws(() => lie.verify('test/range', 'c', ctx.jointKey, ct, 0, 3), ProofError);
  assert.ok(new Ciphertext(ct.alpha, ct.beta).equals(ct));
  assert.ok(Element.fromHex(ct.alpha.hex()).equals(ct.alpha));
});
