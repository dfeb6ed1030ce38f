// Voting credentials, as src/openballot/election/credentials.py: the code a voter types,
// its normalisation and check character, and the signing key derived from it.

import { digest, hashToScalar } from './encoding.js';
import { ProtocolError } from './errors.js';
import { gPow } from './group.js';

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const READS_AS = { O: '0', I: '1', L: '1', U: 'V' };
const DROPPED = new Set([' ', '-', '\t']);

const range = (from, to) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

/**
 * Step 1 of protocol.md 9.1, as _TYPED_AS in Python: what a voter types on an Arabic or Persian
 * keyboard, or pastes from a document. Arabic-Indic digits read as digits, other dashes and
 * spaces as a dash, zero-width and direction marks dropped.
 */
const TYPED_AS = new Map([
  ...range(0, 9).map((d) => [String.fromCharCode(0x0660 + d), String(d)]),
  ...range(0, 9).map((d) => [String.fromCharCode(0x06f0 + d), String(d)]),
  ...[...range(0x2010, 0x2015), 0x2212, 0x00a0, ...range(0x2000, 0x200a), 0x202f, 0x3000].map(
    (c) => [String.fromCharCode(c), '-'],
  ),
  ...[...range(0x200b, 0x200f), ...range(0x2066, 0x2069), 0xfeff].map((c) => [String.fromCharCode(c), '']),
]);

/** Why a code was refused: "format" (length or characters) or "check" (check character). */
export class CodeError extends ProtocolError {
  constructor(message, reason) {
    super(message);
    this.reason = reason;
  }
}

function checkChar(body) {
  return ALPHABET[digest('credential/code-check', body)[0] % 32];
}

/**
 * Map what keyboards type (TYPED_AS), upper-case, drop spaces, dashes and tabs, read look-alikes
 * (O as 0, I and L as 1, U as V) and check, in the order of protocol.md 9.1. Returns the 20
 * characters; throws CodeError.
 */
export function normalizeCode(code) {
  if (typeof code !== 'string') throw new TypeError('code must be a string');
  // Character by character, as Python iterates a str: by code point, so a lone surrogate or
  // an astral character stays itself and is refused below.
  code = Array.from(code, (c) => TYPED_AS.get(c) ?? c).join('');
  // As in Python: only ASCII is read, since toUpperCase maps some other letters onto ASCII
  // ones ("ı" to "I").
  if (!/^[\x00-\x7f]*$/.test(code)) {
    throw new CodeError('credential code: expected 20 characters of 0-9 and A-Z', 'format');
  }
  const chars = [];
  for (const c of code.toUpperCase()) {
    if (!DROPPED.has(c)) chars.push(READS_AS[c] ?? c);
  }
  if (chars.length !== 20 || chars.some((c) => !ALPHABET.includes(c) || c.length !== 1)) {
    throw new CodeError('credential code: expected 20 characters of 0-9 and A-Z', 'format');
  }
  const normalized = chars.join('');
  if (checkChar(normalized.slice(0, 19)) !== normalized[19]) {
    throw new CodeError('credential code: mistyped (its check character does not match)', 'check');
  }
  return normalized;
}

/** Four groups of five, as the credential authority prints it. */
export function formatCode(normalized) {
  return normalized.match(/.{1,5}/g).join('-');
}

/** x = H("credential/secret", election id, normalized code) mod L. */
export function credentialSecret(electionId, code) {
  return hashToScalar('credential/secret', electionId, normalizeCode(code));
}

/** g^x, the public credential published in the district's list. */
export function publicCredential(electionId, code) {
  return gPow(credentialSecret(electionId, code));
}
