// The pieces every page shares: fetching JSON with problem details (src/http.js) and filling a
// catalogue's message (formatMessage in src/i18n.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, NetworkError, fetchJson } from '../src/http.js';
import { formatMessage } from '../src/i18n.js';
import { LoadError, apiSource } from '../src/results/source.js';

function answering(t, status, text) {
  const calls = [];
  t.mock.method(globalThis, 'fetch', async (url, init) => {
    calls.push({ url, init });
    return { ok: status >= 200 && status < 300, status, text: async () => text };
  });
  return calls;
}

test('fetchJson asks for JSON, never from the cache, and returns the status and the parsed body', async (t) => {
  const calls = answering(t, 201, '{"receipt": 1}');
  const answer = await fetchJson('/api/x', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.deepEqual(answer, { status: 201, data: { receipt: 1 } });
  assert.deepEqual(calls, [{
    url: '/api/x',
    init: { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: '{}', cache: 'no-store', credentials: 'same-origin' },
  }]);
});

test('fetchJson: an empty or non-JSON body of a 2xx answer is null data, for the caller to judge', async (t) => {
  answering(t, 204, '');
  assert.deepEqual(await fetchJson('/a'), { status: 204, data: null });
  t.mock.restoreAll();
  answering(t, 200, '<html>');
  assert.deepEqual(await fetchJson('/a'), { status: 200, data: null });
});

test('fetchJson: a problem detail becomes an ApiError that carries it', async (t) => {
  answering(t, 409, '{"type": "about:blank", "title": "Conflict", "status": 409, "detail": "election closed", "code": "election-closed"}');
  await assert.rejects(fetchJson('/a'), (e) => e instanceof ApiError && e.status === 409 && e.problem.code === 'election-closed'
    && e.detail === 'election closed' && e.message === 'election closed');
});

test('fetchJson: an error answer without a problem detail still says its status', async (t) => {
  answering(t, 502, '<h1>Bad Gateway</h1>');
  await assert.rejects(fetchJson('/a'), (e) => e instanceof ApiError && e.status === 502 && e.detail === null && e.message === 'HTTP 502');
  t.mock.restoreAll();
  answering(t, 500, '{"title": "Internal Server Error"}');
  await assert.rejects(fetchJson('/a'), (e) => e instanceof ApiError && e.detail === null && e.message === 'Internal Server Error');
});

test('fetchJson: no answer at all is a NetworkError, not an ApiError', async (t) => {
  t.mock.method(globalThis, 'fetch', async () => { throw new TypeError('Failed to fetch'); });
  await assert.rejects(fetchJson('/a'), (e) => e instanceof NetworkError && !(e instanceof ApiError));
});

test('the results page turns both kinds of failure into its LoadError, naming the address', async (t) => {
  t.mock.method(globalThis, 'fetch', async () => { throw new TypeError('Failed to fetch'); });
  await assert.rejects(apiSource('/api', 'e1').board(), (e) => e instanceof LoadError && e.status === 0 && e.message === '/api/board: no answer (network)');
  t.mock.restoreAll();
  answering(t, 503, 'busy');
  await assert.rejects(apiSource('/api', 'e1').board(), (e) => e instanceof LoadError && e.status === 503 && e.message === '/api/board: HTTP 503');
  t.mock.restoreAll();
  answering(t, 200, '"text"');
  await assert.rejects(apiSource('/api', 'e1').board(), (e) => e instanceof LoadError && e.message === '/api/board: not JSON');
});

const CATALOGUE = {
  en: { hello: 'Hello {name}, {n} ballots', only_en: 'English only {x}' },
  ar: { hello: 'مرحبا {name}، {n} أوراق' },
  ku: {},
};

test('formatMessage fills placeholders: numbers in the language, text isolated in its own direction', () => {
  assert.equal(formatMessage(CATALOGUE, 'en', 'hello', { name: 'Ada', n: 12 }), 'Hello \u2068Ada\u2069, 12 ballots');
  assert.equal(formatMessage(CATALOGUE, 'ar', 'hello', { name: 'Ada', n: 12 }), 'مرحبا \u2068Ada\u2069، ١٢ أوراق');
});

test('formatMessage falls back on English, leaves a missing placeholder as it is, and refuses an unknown key', () => {
  assert.equal(formatMessage(CATALOGUE, 'ku', 'hello', { name: 'Ada', n: 1 }), 'Hello \u2068Ada\u2069, 1 ballots');
  assert.equal(formatMessage(CATALOGUE, 'ar', 'only_en'), 'English only {x}');
  assert.throws(() => formatMessage(CATALOGUE, 'en', 'nope'), /^Error: no message nope$/);
  assert.throws(() => formatMessage(CATALOGUE, 'en', 'nope', {}, 'console message'), /^Error: no console message nope$/);
});
