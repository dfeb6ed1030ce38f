// Canonical encoding of hashed values and the hashes built on it, as
// src/openballot/crypto/encoding.py:
//
//   bytes b (Uint8Array)               -> u64be(len(b)) || b
//   string s                           -> encode(UTF-8 bytes of s)
//   integer n (bigint or safe integer, 0 <= n < 2^64) -> encode(u64be(n))
//   Element                            -> encode(its 32-byte encoding)
//   Scalar                             -> encode(its 32-byte little-endian encoding)
//   array [v1..vk]                     -> encode(encode(v1) || ... || encode(vk))
//
// digest(tag, v1, ...) = SHA-512(encode("OpenBallot/1") || encode(tag) || encode(v1) || ...).

import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToBigIntLE, concatBytes, utf8 } from './bytes.js';
import { Element, L, Scalar } from './group.js';

export const PROTOCOL_ID = 'OpenBallot/1';
const U64_LIMIT = 1n << 64n;

function frame(bytes) {
  const out = new Uint8Array(8 + bytes.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(bytes.length), false);
  out.set(bytes, 8);
  return out;
}

function u64(value) {
  let n;
  if (typeof value === 'bigint') n = value;
  else if (Number.isSafeInteger(value)) n = BigInt(value);
  else throw new TypeError(`not an integer: ${value}`);
  if (n < 0n || n >= U64_LIMIT) throw new RangeError(`integer out of range for encoding: ${n}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n, false);
  return out;
}

/** The canonical, self-delimiting encoding of one value. */
export function encode(value) {
  if (value instanceof Uint8Array) return frame(value);
  if (typeof value === 'string') return frame(utf8(value));
  if (typeof value === 'boolean') throw new TypeError('booleans are not encodable: use 0 or 1');
  if (typeof value === 'bigint' || typeof value === 'number') return frame(u64(value));
  if (value instanceof Element || value instanceof Scalar) return frame(value.encode());
  if (Array.isArray(value)) return frame(concatBytes(...value.map(encode)));
  throw new TypeError(`not encodable: ${value === null ? 'null' : typeof value}`);
}

function hasher(tag, values) {
  const h = sha512.create();
  h.update(frame(utf8(PROTOCOL_ID)));
  h.update(encode(tag));
  for (const v of values) h.update(encode(v));
  return h;
}

/** SHA-512 over the tag and values: 64 bytes. */
export function digest(tag, ...values) {
  return hasher(tag, values).digest();
}

/** The 64-byte digest read little-endian and reduced mod L. */
export function hashToScalar(tag, ...values) {
  return new Scalar(bytesToBigIntLE(digest(tag, ...values)) % L);
}
