// Credential codes against the Python reference (protocol.json).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALPHABET, CodeError, credentialSecret, digest, formatCode, normalizeCode, publicCredential, toHex,
} from '../src/protocol/index.js';
import { protocol } from './helpers.mjs';

protocol.credentials.valid.forEach((v, i) => {
  test(`valid code ${i}: every typed form normalizes, secret and public credential match`, () => {
    for (const form of v.typed) assert.equal(normalizeCode(form), v.normalized, JSON.stringify(form));
    assert.equal(toHex(digest('credential/code-check', v.normalized.slice(0, 19))), v.check_digest);
    assert.equal(ALPHABET[parseInt(v.check_digest.slice(0, 2), 16) % 32], v.normalized[19]);
    for (const form of v.typed) {
      assert.equal(credentialSecret(v.election_id, form).hex(), v.secret);
      assert.equal(publicCredential(v.election_id, form).hex(), v.public);
    }
    assert.equal(normalizeCode(formatCode(v.normalized)), v.normalized);
  });
});

protocol.credentials.invalid.forEach(({ code, reason }, i) => {
  test(`invalid code ${i} refused (${reason})`, () => {
    assert.throws(
      () => normalizeCode(code),
      (e) => e instanceof CodeError && e.reason === reason,
    );
  });
});

test('the election codes of the vectors give the published credentials', () => {
  const e = protocol.election;
  for (const [district, codes] of Object.entries(e.codes)) {
    const published = e.credentials.districts[district];
    for (const code of codes) assert.ok(published.includes(publicCredential(e.manifest.election_id, code).hex()));
  }
});

test('formatCode groups by five', () => {
  assert.equal(formatCode('7KQ2MX0HVAPD3RT9WZ4E'), '7KQ2M-X0HVA-PD3RT-9WZ4E');
});
