// Manifest digest, joint key and fingerprint against the Python reference; the booth refuses a
// server whose stated fingerprint is not what its data gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DecodeError, FingerprintMismatch, Manifest, ProofError, ProtocolError, contextFromElection, encode, toHex,
} from '../src/protocol/index.js';
import { electionResponse, protocol, typed } from './helpers.mjs';

test('manifest encoding and digest', () => {
  const m = Manifest.fromJSON(protocol.manifest.json);
  assert.equal(toHex(encode(m.encoding())), protocol.manifest.encoding);
  assert.equal(toHex(m.digest()), protocol.manifest.digest);
  assert.deepEqual(m.toJSON(), protocol.manifest.json);
});

test('label order does not depend on JSON key order', () => {
  const json = structuredClone(protocol.manifest.json);
  const t = json.title;
  json.title = Object.fromEntries(Object.entries(t).reverse());
  assert.notDeepEqual(Object.keys(json.title), Object.keys(t));
  assert.equal(toHex(Manifest.fromJSON(json).digest()), protocol.manifest.digest);
});

test('ballot styles follow the manifest order', () => {
  const m = Manifest.fromJSON(protocol.manifest.json);
  assert.deepEqual(m.ballotStyle('north').map((c) => c.id), ['president', 'council-north', 'referendum']);
  assert.deepEqual(m.ballotStyle('south').map((c) => c.id), ['president', 'council-south', 'referendum']);
  assert.throws(() => m.ballotStyle('east'), RangeError);
});

test('manifests the Python decoder refuses are refused', () => {
  const bad = [
    (j) => { delete j.title.ku; },
    (j) => { j.contests[0].max_selections = 0; },
    (j) => { j.contests[0].min_selections = 3; j.contests[0].max_selections = 2; },
    (j) => { j.contests[0].max_selections = 99; },
    (j) => { j.contests[0].districts.push('east'); },
    (j) => { j.contests[0].options[1].id = j.contests[0].options[0].id; },
    (j) => { j.districts[0].id = 'North'; },
    (j) => { j.extra = 1; },
    (j) => { j.contests = []; },
    (j) => { j.contests[0].min_selections = -1; },
    (j) => { j.contests[0].min_selections = '1'; },
  ];
  bad.forEach((edit, i) => {
    const j = structuredClone(protocol.manifest.json);
    edit(j);
    assert.throws(() => Manifest.fromJSON(j), DecodeError, `edit ${i}`);
  });
});

test('joint key and fingerprint recomputed from the API data', () => {
  const ctx = contextFromElection(electionResponse());
  const e = protocol.election;
  assert.equal(toHex(ctx.manifestDigest), e.manifest_digest);
  assert.equal(ctx.jointKey.hex(), e.joint_key);
  assert.equal(ctx.fingerprintHex(), e.fingerprint);
  assert.deepEqual(ctx.trustees.map((t) => t.index), [1, 2, 3]);
  assert.equal(toHex(encode(typed(e.ceremony_context))), toHex(encode(['ceremony', ctx.manifestDigest, 3, 2])));
});

test('trustees in any order give the same context', () => {
  const data = electionResponse();
  data.trustees.reverse();
  assert.equal(contextFromElection(data).fingerprintHex(), protocol.election.fingerprint);
});

test('a stated fingerprint that differs is refused', () => {
  const wrong = protocol.election.fingerprint.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  assert.throws(() => contextFromElection(electionResponse({ fingerprint: wrong })), FingerprintMismatch);
});

test('a server that swaps a trustee key is caught by the fingerprint (and the proofs)', () => {
  const data = electionResponse();
  [data.trustees[0].commitments[0], data.trustees[1].commitments[0]] = [
    data.trustees[1].commitments[0],
    data.trustees[0].commitments[0],
  ];
  assert.throws(() => contextFromElection(data), ProofError);
  assert.throws(() => contextFromElection(data, { verifyProofs: false }), FingerprintMismatch);
});

test('other credentials digest or manifest: fingerprint mismatch', () => {
  const d = protocol.election.credentials_digest;
  const other = (d[0] === 'a' ? 'b' : 'a') + d.slice(1);
  assert.throws(() => contextFromElection(electionResponse({ credentials_digest: other })), FingerprintMismatch);
  const data = electionResponse();
  data.manifest.contests[0].options.reverse();
  assert.throws(() => contextFromElection(data, { verifyProofs: false }), FingerprintMismatch);
});

test('bad trustee sets are refused', () => {
  const missing = electionResponse();
  missing.trustees.shift(); // indices 2 and 3 only
  assert.throws(() => contextFromElection(missing), ProtocolError);
  assert.throws(() => contextFromElection(electionResponse({ threshold: 4 })), ProtocolError);
  const extra = electionResponse();
  extra.trustees[0].extra = true;
  assert.throws(() => contextFromElection(extra), DecodeError);
  const badProof = electionResponse();
  const p = badProof.trustees[2].coefficient_proofs[1];
  p.response = (p.response[0] === '0' ? '1' : '0') + p.response.slice(1);
  assert.throws(() => contextFromElection(badProof), ProofError);
});

// Seats, allocation, threshold and registered voters (protocol.md 8): optional trailing
// elements of the encoding, bound by the digest; a manifest without them keeps its digest.
test('manifest with seats: encoding and digest as the Python reference', () => {
  const v = protocol.manifest_seats;
  const m = Manifest.fromJSON(v.json);
  assert.equal(toHex(encode(m.encoding())), v.encoding);
  assert.equal(toHex(m.digest()), v.digest);
  assert.deepEqual(m.toJSON(), v.json);
  assert.deepEqual(m.contest('council-south').seats, { seats: 2, allocation: 'sainte-lague', threshold: [5, 2] });
  assert.equal(m.district('north').registered, 150);
});

test('the seat fields change the digest, and 2.50 reads as 2.5', () => {
  const v = protocol.manifest_seats;
  const changes = [
    (j) => { j.contests[1].seats = 4; },
    (j) => { j.contests[1].allocation = 'hare'; },
    (j) => { j.contests[1].threshold_percent = 5.5; },
    (j) => { delete j.contests[1].threshold_percent; },
    (j) => { j.districts[0].registered = 151; },
    (j) => { delete j.districts[0].registered; },
  ];
  for (const change of changes) {
    const j = structuredClone(v.json);
    change(j);
    assert.notEqual(toHex(Manifest.fromJSON(j).digest()), v.digest, String(change));
  }
  const same = JSON.parse(JSON.stringify(v.json).replace('"threshold_percent":2.5', '"threshold_percent":2.50'));
  assert.equal(toHex(Manifest.fromJSON(same).digest()), v.digest);
});

test('bad seat fields are refused as the Python decoder refuses them', () => {
  const bad = [
    [(j) => { delete j.contests[1].allocation; }, /needs both "seats" and "allocation"/],
    [(j) => { delete j.contests[1].seats; }, /needs both "seats" and "allocation"/],
    [(j) => { delete j.contests[0].seats; delete j.contests[0].allocation; j.contests[0].threshold_percent = 3; }, /threshold_percent without seats/],
    [(j) => { j.contests[1].seats = 0; }, /seats: expected at least 1/],
    [(j) => { j.contests[1].seats = 100001; }, /at most 100000/],
    [(j) => { j.contests[1].allocation = 'borda'; }, /allocation: expected one of/],
    [(j) => { j.contests[1].threshold_percent = 100.5; }, /from 0 to 100/],
    [(j) => { j.contests[1].threshold_percent = -1; }, /from 0 to 100/],
    [(j) => { j.contests[1].threshold_percent = '5'; }, /expected a number/],
    [(j) => { j.contests[1].threshold_percent = 1e-10; }, /at most 9 decimals/],
    [(j) => { j.districts[0].registered = -1; }, /registered: expected at least 0/],
    [(j) => { j.districts[0].registered = 1.5; }, /registered: expected an integer/],
  ];
  for (const [change, message] of bad) {
    const j = structuredClone(protocol.manifest_seats.json);
    change(j);
    assert.throws(() => Manifest.fromJSON(j), (e) => e instanceof DecodeError && message.test(e.message), String(change));
  }
  const j = structuredClone(protocol.manifest_seats.json);
  j.contests[0].seats = 9; // more seats than options under plurality: fine, reported unfilled
  assert.equal(Manifest.fromJSON(j).contest('president').seats.seats, 9);
  j.contests[1].threshold_percent = 0.000000001;
  assert.deepEqual(Manifest.fromJSON(j).contest('council-north').seats.threshold, [1, 1000000000]);
});
