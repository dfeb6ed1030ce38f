// The page's pure helpers and its translations.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  contestRule,
  electionIdFromSearch,
  fingerprintPin,
  groupHex,
  hasBlankRadio,
  inputKind,
  normalizeTracker,
  trackerFromSearch,
} from '../src/format.js';
import { LANGUAGES, MESSAGES, direction, preferredLanguage, translate } from '../src/i18n.js';
import { WEB, protocol } from './helpers.mjs';

test('election id from the query string', () => {
  assert.equal(electionIdFromSearch('?election=demo-2026'), 'demo-2026');
  assert.equal(electionIdFromSearch('?lang=ar&election=x_1'), 'x_1');
  assert.equal(electionIdFromSearch(''), null);
  assert.equal(electionIdFromSearch('?election=../admin'), null);
  assert.equal(electionIdFromSearch('?election=Demo'), null);
});

test('a fingerprint pinned in the address', () => {
  assert.equal(fingerprintPin('?election=x'), null);
  assert.equal(fingerprintPin('?fingerprint=E572-4448 0a53b314'), 'e57244480a53b314');
  assert.equal(fingerprintPin('?fingerprint=e572'), false);
  assert.equal(fingerprintPin('?fingerprint=zz72444800000000'), false);
  assert.ok(protocol.election.fingerprint.startsWith(fingerprintPin('?fingerprint=' + protocol.election.fingerprint.slice(0, 20))));
});

test('hex grouping', () => {
  assert.equal(groupHex('0123456789abcdef'), '0123 4567 89ab cdef');
  assert.equal(groupHex('abcde', 2), 'ab cd e');
  assert.equal(groupHex(''), '');
});

test('radio buttons for "choose one", with a blank radio when none is allowed; rules', () => {
  const c = (minSelections, maxSelections) => ({ minSelections, maxSelections });
  assert.equal(inputKind(c(1, 1)), 'radio');
  assert.equal(hasBlankRadio(c(1, 1)), false);
  assert.equal(inputKind(c(0, 1)), 'radio');
  assert.equal(hasBlankRadio(c(0, 1)), true);
  assert.equal(inputKind(c(1, 3)), 'checkbox');
  assert.equal(inputKind(c(0, 2)), 'checkbox');
  assert.equal(hasBlankRadio(c(0, 2)), false);
  assert.deepEqual(contestRule(c(1, 1)), ['rule_one', {}]);
  assert.deepEqual(contestRule(c(0, 1)), ['rule_one_or_blank', {}]);
  assert.deepEqual(contestRule(c(2, 2)), ['rule_exactly', { n: 2 }]);
  assert.deepEqual(contestRule(c(0, 2)), ['rule_up_to', { max: 2 }]);
  assert.deepEqual(contestRule(c(1, 3)), ['rule_range', { min: 1, max: 3 }]);
});

test('every message exists in Arabic, Kurmanji and English with the same placeholders', () => {
  const keys = Object.keys(MESSAGES.en).sort();
  const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const { code } of LANGUAGES) {
    assert.deepEqual(Object.keys(MESSAGES[code]).sort(), keys, code);
    for (const k of keys) {
      assert.ok(MESSAGES[code][k].trim(), `${code}.${k} empty`);
      assert.deepEqual(placeholders(MESSAGES[code][k]), placeholders(MESSAGES.en[k]), `${code}.${k}`);
    }
  }
  // Translations are translations, not copies (brand names and short codes aside).
  for (const k of keys) {
    if (['receipt_verified'].includes(k)) continue;
    assert.notEqual(MESSAGES.ar[k], MESSAGES.en[k], `ar.${k}`);
  }
});

test('translate fills placeholders, isolates text, formats numbers', () => {
  assert.equal(translate('en', 'rule_exactly', { n: 2 }), 'Choose exactly 2.');
  assert.equal(translate('en', 'code_accepted', { district: 'North' }), 'Code accepted. Your district: \u2068North\u2069.');
  assert.equal(translate('ar', 'rule_range', { min: 1, max: 3 }), 'اختر ما بين ١ و٣.');
  assert.equal(translate('ku', 'rule_range', { min: 1, max: 3 }), 'Di navbera 1 û 3 de hilbijêre.');
  assert.equal(translate('ku', 'receipt_verified'), 'Hat piştrastkirin ✓');
  assert.throws(() => translate('en', 'no-such-key'));
});

test('languages, directions and the browser preference', () => {
  assert.deepEqual(LANGUAGES.map((l) => l.code), ['ar', 'ku', 'en']);
  assert.equal(direction('ar'), 'rtl');
  assert.equal(direction('ku'), 'ltr');
  assert.equal(direction('en'), 'ltr');
  assert.equal(preferredLanguage(['de-DE', 'en-GB']), 'en');
  assert.equal(preferredLanguage(['kmr', 'en']), 'ku');
  assert.equal(preferredLanguage(['ar-SY']), 'ar');
  assert.equal(preferredLanguage(['fr'], 'ar'), 'ar');
});

test('index.html: the ids, labels and live regions the tests and assistive technology rely on', () => {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  for (const id of ['language', 'code', 'code-submit', 'encrypt', 'tracker', 'cast', 'audit', 'audit-result', 'receipt', 'receipt-status', 'error', 'error-details', 'check-link']) {
    assert.match(html, new RegExp(`id="${id}"`), id);
  }
  assert.match(html, /<label for="language"/);
  assert.match(html, /<label for="code"/);
  assert.match(html, /id="code"[^>]*autocomplete="off"/s);
  assert.match(html, /id="code-error"[^>]*aria-live="assertive"/);
  assert.match(html, /id="error"[^>]*role="alert"[^>]*tabindex="-1"/);
  assert.doesNotMatch(html, /receipt-badge/, 'one badge on the receipt, not two');
  assert.match(html, /id="status"[^>]*aria-live="polite"/);
  assert.match(html, /href="dist\/booth\.css"/);
  assert.match(html, /src="dist\/booth\.js"/);
  assert.doesNotMatch(html, /(src|href)="\//, 'assets must be relative (served under /booth/)');
  for (const key of [...html.matchAll(/data-i18n="(\w+)"/g)].map((m) => m[1])) assert.ok(MESSAGES.en[key], key);
});

test('a tracker typed by hand or in the address', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(normalizeTracker(hex), hex);
  assert.equal(normalizeTracker('ABAB abab-' + 'ab'.repeat(28)), hex);
  assert.equal(normalizeTracker(hex.slice(2)), null);
  assert.equal(normalizeTracker(hex + '0'), null);
  assert.equal(normalizeTracker('zz' + hex.slice(2)), null);
  assert.equal(trackerFromSearch(`?election=x&tracker=${hex}`), hex);
  assert.equal(trackerFromSearch('?election=x'), null);
  assert.equal(trackerFromSearch('?tracker=nothex'), null);
});

test('check.html: the ids, labels and live regions of the check page', () => {
  const html = readFileSync(join(WEB, 'check.html'), 'utf8');
  for (const id of ['language', 'check-tracker', 'check-file', 'check-submit', 'check-input-error', 'check-result', 'check-status', 'check-fate', 'check-steps', 'check-again', 'error', 'error-details', 'status']) {
    assert.match(html, new RegExp(`id="${id}"`), id);
  }
  assert.match(html, /<label for="check-tracker"/);
  assert.match(html, /<label for="check-file"/);
  assert.match(html, /id="check-input-error"[^>]*aria-live="assertive"/);
  assert.match(html, /id="error"[^>]*role="alert"[^>]*tabindex="-1"/);
  assert.match(html, /src="dist\/check\.js"/);
  assert.doesNotMatch(html, /(src|href)="\//, 'assets must be relative (served under /booth/)');
  for (const key of [...html.matchAll(/data-i18n="(\w+)"/g)].map((m) => m[1])) assert.ok(MESSAGES.en[key], key);
});
