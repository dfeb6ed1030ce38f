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

// The keyboard map (protocol.md 9.1 step 1) over the whole Basic Multilingual Plane: exactly the
// code points Python accepts between two groups, and in place of a digit.
test('keyboard map: the same characters as Python', () => {
  const { code, between_groups: between, digit_position: p, as_digit: asDigit } = protocol.credentials.keyboard;
  const acceptedWhere = (form) => {
    const out = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      try {
        assert.equal(normalizeCode(form(String.fromCharCode(cp))), code);
        out.push(cp.toString(16).padStart(4, '0'));
      } catch (e) {
        if (!(e instanceof CodeError)) throw e;
      }
    }
    return out;
  };
  assert.deepEqual(acceptedWhere((c) => code.slice(0, 10) + c + code.slice(10)), between);
  assert.deepEqual(acceptedWhere((c) => code.slice(0, p) + c + code.slice(p + 1)), asDigit);
});

test('codes typed with Arabic digits or other dashes give the same code', () => {
  const code = protocol.credentials.valid[0].normalized;
  const arabic = [...code].map((c) => (/[0-9]/.test(c) ? String.fromCharCode(0x0660 + Number(c)) : c)).join('');
  const persian = [...code].map((c) => (/[0-9]/.test(c) ? String.fromCharCode(0x06f0 + Number(c)) : c)).join('');
  for (const typed of [arabic, persian, code.slice(0, 5) + '\u2013' + code.slice(5), '\u2066' + code + '\u2069', code.slice(0, 10) + '\u00a0' + code.slice(10)]) {
    assert.equal(normalizeCode(typed), code, JSON.stringify(typed));
  }
  // Mapped first, then refused as Python refuses: still outside ASCII, or too long.
  assert.throws(() => normalizeCode(code + '\u0131'), (e) => e.reason === 'format');
  assert.throws(() => normalizeCode(code + '\u0660'), (e) => e.reason === 'format');
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
