// The console's pure parts: its catalogue is complete in ar/ku/en, the ceremony progress and
// phase action it derives from the API's answers, and how it names problem details.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEYS, MESSAGES, translate } from '../src/console/messages.js';
import { countedBallots, phaseAction, problemKey, sortedRoles, tokenFileName, trusteeProgress } from '../src/console/progress.js';

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every message exists in ar, ku and en, with the same placeholders', () => {
  for (const lang of ['ar', 'ku']) {
    assert.deepEqual(Object.keys(MESSAGES[lang]).sort(), [...KEYS].sort(), lang);
    for (const key of KEYS) {
      assert.ok(MESSAGES[lang][key].trim(), `${lang}.${key} is empty`);
      assert.deepEqual(placeholders(MESSAGES[lang][key]), placeholders(MESSAGES.en[key]), `${lang}.${key}`);
    }
  }
  assert.throws(() => translate('en', 'no_such_key'), /no console message/);
  assert.equal(translate('en', 'role_trustee', { n: 2 }), 'Trustee 2');
  assert.equal(translate('ar', 'election_item', { title: 'T', id: 'x', state: 's' }), '\u2068T\u2069 (\u2068x\u2069): \u2068s\u2069');
});

const election = (state, extra = {}) => ({ state, trustee_count: 3, threshold: 2, ...extra });
const ceremony = (extra = {}) => ({ commitments: [], keys: [], shares: {}, complaints: [], verdicts: [], decryptions: [], credential_counts: null, ...extra });

test('each trustee is told its next step, or what it waits for', () => {
  let rows = trusteeProgress(election('setup'), ceremony({ commitments: [{ index: 2 }] }));
  assert.deepEqual(rows.map((r) => r.next.key), ['next_commitment', 'wait_commitments', 'next_commitment']);
  assert.equal(rows[0].next.command, 'openballot board trustee keygen');
  assert.deepEqual(rows[1].done, { commitment: true, key: false, shares: false, verdict: false, decryption: false });
  const all = [1, 2, 3].map((index) => ({ index }));
  rows = trusteeProgress(election('setup'), ceremony({ commitments: all, keys: [{ index: 1, name: 'UN' }] }));
  assert.deepEqual(rows.map((r) => r.next.key), ['wait_keys', 'next_key', 'next_key']);
  assert.equal(rows[0].name, 'UN');
  rows = trusteeProgress(election('setup'), ceremony({ commitments: all, keys: all, shares: { 1: {}, 2: {}, 3: {} }, verdicts: [3] }));
  assert.deepEqual(rows.map((r) => r.next.key), ['next_verdict', 'next_verdict', 'wait_open']);
  rows = trusteeProgress(election('closed'), ceremony({ decryptions: [2] }));
  assert.deepEqual(rows.map((r) => r.next.key), ['next_decryption', 'nothing_left', 'next_decryption']);
  assert.deepEqual(trusteeProgress(election('open'), ceremony()).map((r) => r.next.key), ['wait_close', 'wait_close', 'wait_close']);
});

test('the phase action and what blocks it', () => {
  let p = phaseAction(election('setup'), ceremony({ verdicts: [1] }));
  assert.equal(p.action, 'open');
  assert.deepEqual(p.blockers.map((b) => b.key), ['block_verdicts', 'block_credentials']);
  assert.deepEqual(p.blockers[0].params, { done: 1, n: 3 });
  p = phaseAction(election('setup'), ceremony({ verdicts: [1, 2, 3], complaints: [{}], credential_counts: { a: 1 } }));
  assert.deepEqual(p.blockers.map((b) => b.key), ['block_complaints']);
  p = phaseAction(election('setup'), ceremony({ verdicts: [1, 2, 3], credential_counts: { a: 1 } }));
  assert.deepEqual(p, { action: 'open', blockers: [] });
  assert.deepEqual(phaseAction(election('open'), ceremony()), { action: 'close', blockers: [] });
  assert.deepEqual(phaseAction(election('closed'), ceremony({ decryptions: [1] })).blockers[0].params, { done: 1, t: 2 });
  assert.deepEqual(phaseAction(election('closed'), ceremony({ decryptions: [1, 3] })).blockers, []);
  assert.equal(phaseAction(election('decrypted'), ceremony()).action, null);
});

test('problem details are named by code, else by the last segment of their type', () => {
  assert.equal(problemKey({ code: 'conflict', type: 'x/forbidden' }, KEYS), 'problem_conflict');
  assert.equal(problemKey({ code: 'new-code', type: 'https://openballot.example/problems/too-many-failures' }, KEYS), 'problem_too-many-failures');
  assert.equal(problemKey({ type: 'https://openballot.example/problems/whatever' }, KEYS), 'problem_unknown');
  assert.equal(problemKey(null, KEYS), 'problem_unknown');
});

test('tokens, files and counts', () => {
  assert.deepEqual(sortedRoles({ 'trustee-10': 'a', 'trustee-2': 'b', 'credential-authority': 'c' }), ['credential-authority', 'trustee-2', 'trustee-10']);
  assert.equal(tokenFileName('demo-2026', 'trustee-1'), 'demo-2026-trustee-1.token');
  assert.equal(countedBallots({ counted: { north: 3, south: 2 } }), 5);
  assert.equal(countedBallots(null), 0);
});
