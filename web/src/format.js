// Small pure helpers of the page (tested in web/test/format.test.mjs).

const ELECTION_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The election id from the page's query string (?election=ID), or null. */
export function electionIdFromSearch(search) {
  const id = new URLSearchParams(search).get('election');
  return id && ELECTION_ID.test(id) ? id : null;
}

/**
 * An expected election fingerprint pinned in the address (?fingerprint=HEX, the whole 128 hex
 * characters or a prefix of at least 16, e.g. from a QR code on the voting card): null if there
 * is none, false if it is malformed.
 */
export function fingerprintPin(search) {
  const pin = new URLSearchParams(search).get('fingerprint');
  if (pin === null) return null;
  const clean = pin.toLowerCase().replace(/[\s-]/g, '');
  return /^[0-9a-f]{16,128}$/.test(clean) ? clean : false;
}

/** Hex in groups (of 4 by default) for reading aloud and copying by hand. */
export function groupHex(hex, size = 4) {
  return hex.match(new RegExp(`.{1,${size}}`, 'g'))?.join(' ') ?? '';
}

/** How a contest is shown: radio buttons for "choose one" (with a "blank" radio when it may
 * be left empty: choose one or none), else checkboxes. */
export function inputKind(contest) {
  return contest.maxSelections === 1 && contest.minSelections <= 1 ? 'radio' : 'checkbox';
}

/** Whether a contest shown with radio buttons has a "blank vote" radio too. */
export function hasBlankRadio(contest) {
  return inputKind(contest) === 'radio' && contest.minSelections === 0;
}

/** The message key and parameters of a contest's rule. */
export function contestRule(contest) {
  const { minSelections: min, maxSelections: max } = contest;
  if (min === 1 && max === 1) return ['rule_one', {}];
  if (min === 0 && max === 1) return ['rule_one_or_blank', {}];
  if (min === max) return ['rule_exactly', { n: min }];
  if (min === 0) return ['rule_up_to', { max }];
  return ['rule_range', { min, max }];
}

/** A tracker typed by hand (spaces, dashes, any case) as 64 lowercase hex digits, or null. */
export function normalizeTracker(text) {
  const clean = String(text).toLowerCase().replace(/[\s-]/g, '');
  return /^[0-9a-f]{64}$/.test(clean) ? clean : null;
}

/** The tracker in the page's query string (?tracker=HEX), or null. */
export function trackerFromSearch(search) {
  const t = new URLSearchParams(search).get('tracker');
  return t === null ? null : normalizeTracker(t);
}
