// Ballots made here must pass the PYTHON verifier (web/test/check_ballot.py with the
// openballot package), and ballots tampered with here must fail it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { contextFromElection, credentialSecret, encryptBallot } from '../src/protocol/index.js';
import { PROTOCOL_PATH, REPO, WEB, electionResponse, protocol } from './helpers.mjs';

const PYTHON = process.env.OPENBALLOT_PYTHON ?? join(REPO, '.venv', 'bin', 'python');
const SCRIPT = join(WEB, 'test', 'check_ballot.py');
const skip = existsSync(PYTHON) ? false : `no Python with openballot at ${PYTHON} (set OPENBALLOT_PYTHON)`;

function pythonCheck(items) {
  const dir = mkdtempSync(join(tmpdir(), 'openballot-booth-'));
  try {
    const input = join(dir, 'ballots.json');
    writeFileSync(input, JSON.stringify({ ballots: items }));
    const run = spawnSync(PYTHON, [SCRIPT, PROTOCOL_PATH, input], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout).results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ctx = contextFromElection(electionResponse());
const electionId = protocol.election.manifest.election_id;
const CHOICES = {
  north: [
    { president: ['amal'], 'council-north': ['n1'], referendum: ['yes'] },
    { president: ['dilan'], 'council-north': ['n2', 'n3', 'n5'], referendum: ['no'] },
  ],
  south: [
    { president: ['farah'], 'council-south': [], referendum: ['no'] },
    { president: ['bashir'], 'council-south': ['s1', 's4'], referendum: ['yes'] },
  ],
};

test('JS-made ballots and audit openings pass the Python verifier; tampered ones fail', { skip }, () => {
  const items = [];
  const trackers = [];
  for (const [district, list] of Object.entries(CHOICES)) {
    list.forEach((choices, voter) => {
      const code = protocol.election.codes[district][voter];
      const { ballot, opening } = encryptBallot(ctx, district, credentialSecret(electionId, code), choices);
      items.push({ ballot: ballot.toJSON(), opening: opening.toJSON() });
      trackers.push(ballot.trackerHex());
    });
  }
  const good = items.length;
  // Tampered copies: a flipped response byte, a flipped signature, a lying opening.
  const t1 = structuredClone(items[0]);
  const r = t1.ballot.contests[0].selections[0].proof.responses[0];
  t1.ballot.contests[0].selections[0].proof.responses[0] = (parseInt(r.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0') + r.slice(2);
  const t2 = structuredClone(items[1]);
  const s = t2.ballot.signature.challenge;
  t2.ballot.signature.challenge = s.slice(0, 10) + (s[10] === 'a' ? 'b' : 'a') + s.slice(11);
  const t3 = structuredClone(items[2]);
  t3.opening[0][0].vote = 1 - t3.opening[0][0].vote;
  items.push(t1, t2, t3);

  const results = pythonCheck(items);
  results.slice(0, good).forEach((res, i) => {
    assert.equal(res.ok, true, res.error);
    assert.equal(res.tracker, trackers[i], 'Python computes the same tracker');
  });
  assert.match(results[good].error, /ProofError: contest 'president', option 'amal'/);
  assert.match(results[good + 1].error, /ProofError: credential signature fails/);
  assert.match(results[good + 2].error, /ProtocolError: .*audit opening does not match/);
});

test('the Python ballots of the vectors still pass Python (sanity of the check script)', { skip }, () => {
  const results = pythonCheck(protocol.ballots.map((b) => ({ ballot: b.ballot, opening: b.opening })));
  results.forEach((res, i) => {
    assert.equal(res.ok, true, res.error);
    assert.equal(res.tracker, protocol.ballots[i].tracker);
  });
});
