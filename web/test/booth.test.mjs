// The booth's words for the server's problem codes, its numerals and dates, and its retries
// of a cast whose answer was lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, NetworkError } from '../src/api.js';
import { RETRY_DELAYS, castWithRetries } from '../src/cast.js';
import { LANGUAGES, MESSAGES, formatDate, formatNumber, translate } from '../src/i18n.js';
import { CODE_MESSAGES, explain, retryable } from '../src/problems.js';

const ARABIC_INDIC = /[\u0660-\u0669]/;

test('every problem code has its own words in every language, never the server detail', () => {
  for (const [code, key] of Object.entries(CODE_MESSAGES)) {
    const err = new ApiError(422, { code, detail: 'ballot 7f3a: contest "x": range proof fails' });
    const said = explain(err);
    assert.equal(said.key, key, code);
    assert.match(said.detail, /range proof fails/, 'the English detail is kept for the disclosure');
    for (const { code: lang } of LANGUAGES) {
      const text = translate(lang, said.key, said.params);
      assert.ok(text.trim(), `${lang}.${key}`);
      assert.doesNotMatch(text, /range proof|ballot 7f3a/, `${lang}.${key} shows the server's detail`);
    }
    assert.notEqual(MESSAGES.ar[key], MESSAGES.en[key], `ar.${key}`);
    assert.notEqual(MESSAGES.ku[key], MESSAGES.en[key], `ku.${key}`);
  }
  // The finer codes get finer words than their type's.
  assert.equal(explain(new ApiError(409, { code: 'election-closed' })).key, 'problem_closed');
  assert.equal(explain(new ApiError(422, { code: 'bad-signature' })).key, 'problem_bad_signature');
  assert.equal(explain(new ApiError(404, { code: 'unknown-credential' })).key, 'problem_unknown_credential');
});

test('a problem without a known code is told by its status; other failures have words too', () => {
  assert.equal(explain(new ApiError(409, { code: 'no-such-code', detail: 'x' })).key, 'problem_conflict');
  assert.equal(explain(new ApiError(413, null)).key, 'problem_too_large');
  assert.equal(explain(new ApiError(429, {})).key, 'problem_too_many_failures');
  assert.equal(explain(new ApiError(503, {})).key, 'problem_server');
  assert.equal(explain(new ApiError(418, {})).key, 'problem_refused');
  assert.equal(explain(new ApiError(404, { code: 'constructor' })).key, 'problem_not_found');
  assert.deepEqual(explain(new NetworkError('network')), { key: 'err_network', params: {}, detail: null });
  const other = explain(new Error('tree head: the board signature does not verify'));
  assert.equal(other.key, 'err_unexpected');
  assert.match(other.detail, /board signature/);
  assert.equal(translate('ar', 'problem_server', { status: 503 }), translate('ar', 'problem_server', { status: 503 }));
  assert.match(translate('ar', 'problem_server', { status: 503 }), /٥٠٣/);
});

test('no translation is a copy of the English (the brand and short marks aside)', () => {
  for (const k of Object.keys(MESSAGES.en)) {
    assert.notEqual(MESSAGES.ar[k], MESSAGES.en[k], `ar.${k}`);
    assert.notEqual(MESSAGES.ku[k], MESSAGES.en[k], `ku.${k}`);
  }
});

test('one numeral system per language: Arabic-Indic in Arabic, Latin in Kurmanji and English', () => {
  // In Arabic text, Latin digits appear only as the characters of a code or tracker ("0–9").
  for (const [k, text] of Object.entries(MESSAGES.ar)) {
    assert.doesNotMatch(text.replaceAll('0–9', ''), /[0-9]/, `ar.${k} has Latin digits`);
  }
  for (const lang of ['ku', 'en']) {
    for (const [k, text] of Object.entries(MESSAGES[lang])) assert.doesNotMatch(text, ARABIC_INDIC, `${lang}.${k}`);
  }
  assert.equal(formatNumber('ar', 1234567), '١٢٣٤٥٦٧');
  assert.equal(formatNumber('ku', 1234567), '1234567');
  assert.equal(formatNumber('en', 42), '42');
  assert.equal(translate('ar', 'cast_retrying', { attempt: 2, max: 4 }).match(/[٠-٩]/g).join(''), '٢٤');
});

test('dates in the voter\'s language and time zone, with its numerals', () => {
  const ms = Date.UTC(2026, 10, 29, 21, 5, 9); // 29 November 2026, 21:05:09 UTC
  const ar = formatDate('ar', ms, 'UTC');
  assert.match(ar, ARABIC_INDIC);
  assert.doesNotMatch(ar, /[0-9]/);
  assert.match(ar, /نوفمبر|تشرين/);
  const ku = formatDate('ku', ms, 'UTC');
  assert.doesNotMatch(ku, ARABIC_INDIC);
  assert.match(ku, /29/);
  assert.match(ku, /Mijdar|Çiriya Paşîn|mijdar/i);
  assert.match(ku, /21:05:09/);
  const en = formatDate('en', ms, 'UTC');
  assert.match(en, /November 29, 2026/);
  assert.match(en, /21:05:09/);
  assert.match(formatDate('en', ms, 'Asia/Damascus'), /November 30, 2026.*00:05:09/);
});

// -- casting with retries -------------------------------------------------------------------

const ballot = { toJSON: () => ({ ballot: 'json' }), trackerHex: () => 'ab'.repeat(32) };
const receipt = { tracker: 'ab'.repeat(32), index: 7 };
const noWait = async () => {};

function script(...outcomes) {
  const calls = [];
  const fn = async (...args) => {
    calls.push(args);
    const next = outcomes.shift();
    if (next instanceof Error) throw next;
    return { data: next };
  };
  return { fn, calls };
}

test('a cast answered at once is not a recovery', async () => {
  const send = script(receipt);
  const got = await castWithRetries('e', ballot, { request: send.fn, wait: noWait });
  assert.deepEqual(got, { data: receipt, recovered: false });
  assert.deepEqual(send.calls, [['e', { ballot: 'json' }]]);
});

test('a lost answer is sent again, the same ballot, with growing pauses', async () => {
  const send = script(new NetworkError('network'), new ApiError(502, {}), receipt);
  const retries = [];
  const pauses = [];
  const got = await castWithRetries('e', ballot, {
    request: send.fn,
    wait: async (ms) => pauses.push(ms),
    onRetry: (attempt, max) => retries.push([attempt, max]),
  });
  assert.deepEqual(got, { data: receipt, recovered: true });
  assert.equal(send.calls.length, 3);
  assert.ok(send.calls.every((c) => JSON.stringify(c) === JSON.stringify(['e', { ballot: 'json' }])));
  assert.deepEqual(retries, [[2, 4], [3, 4]]);
  assert.equal(pauses.length, 2);
  assert.ok(pauses[0] >= RETRY_DELAYS[0] && pauses[0] <= RETRY_DELAYS[0] * 1.25, String(pauses));
  assert.ok(pauses[1] >= RETRY_DELAYS[1] && pauses[1] <= RETRY_DELAYS[1] * 1.25, String(pauses));
});

test('a refused ballot is not sent again', async () => {
  const refused = new ApiError(409, { code: 'election-closed' });
  const send = script(refused, receipt);
  const look = script(receipt);
  await assert.rejects(castWithRetries('e', ballot, { request: send.fn, lookUp: look.fn, wait: noWait }), (e) => e === refused);
  assert.equal(send.calls.length, 1);
  assert.equal(look.calls.length, 0);
  assert.equal(retryable(refused), false);
});

test('after every attempt fails, the board is asked by tracker whether it has the ballot', async () => {
  const lost = () => new NetworkError('network');
  const send = script(lost(), lost(), lost(), lost());
  const look = script({ ...receipt, fate: 'recorded' });
  let asked = false;
  const got = await castWithRetries('e', ballot, { request: send.fn, lookUp: look.fn, wait: noWait, onAsk: () => (asked = true) });
  assert.equal(send.calls.length, RETRY_DELAYS.length + 1);
  assert.deepEqual(look.calls, [['e', 'ab'.repeat(32)]]);
  assert.ok(asked);
  assert.deepEqual(got, { data: { ...receipt, fate: 'recorded' }, recovered: true });
});

test('not on the board, or the board out of reach: the cast fails with its last error', async () => {
  const last = new NetworkError('network');
  for (const answer of [new ApiError(404, { code: 'unknown-tracker' }), new NetworkError('again')]) {
    const send = script(new NetworkError('1'), new NetworkError('2'), new NetworkError('3'), last);
    const look = script(answer);
    await assert.rejects(castWithRetries('e', ballot, { request: send.fn, lookUp: look.fn, wait: noWait }), (e) => e === last);
  }
});
