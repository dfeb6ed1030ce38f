// Byte helpers: strict lowercase hex (as the Python decoders demand), UTF-8, concatenation.

import { DecodeError } from './errors.js';

const HEX = /^[0-9a-f]*$/;

/** Lowercase hex of a byte array. */
export function toHex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Decode lowercase hex of exactly `length` bytes (any even length if `length` is omitted). */
export function fromHex(text, length, what = 'hex') {
  if (typeof text !== 'string') throw new DecodeError(`${what}: expected a hex string`);
  if (length !== undefined && text.length !== 2 * length) {
    throw new DecodeError(`${what}: expected ${2 * length} lowercase hex characters`);
  }
  if (text.length % 2 !== 0 || !HEX.test(text)) {
    throw new DecodeError(`${what}: expected lowercase hexadecimal`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concatBytes(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const encoder = new TextEncoder();

// A lone surrogate cannot be UTF-8 encoded: Python raises, TextEncoder would silently write
// U+FFFD, so refuse it here. (A loop rather than a regular expression with lookbehind, which
// older Safari cannot even parse.)
function hasLoneSurrogate(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

export function utf8(text) {
  if (hasLoneSurrogate(text)) throw new TypeError('string is not valid Unicode (lone surrogate)');
  return encoder.encode(text);
}

/** Little-endian bytes to a BigInt. */
export function bytesToBigIntLE(bytes) {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/** A BigInt (0 <= v < 2^(8·length)) to `length` little-endian bytes. */
export function bigIntToBytesLE(value, length) {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new RangeError('integer too large');
  return out;
}
