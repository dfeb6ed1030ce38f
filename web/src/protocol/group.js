// The prime-order group ristretto255 (RFC 9496), written multiplicatively, as
// src/openballot/crypto/group.py: an Element is a group element (its canonical 32-byte
// encoding is computed once, when first needed), a Scalar an integer in [0, L).
//
// Secret exponents go through `pow`, @noble/curves' constant-time `multiply`. `powPublic`
// (variable time, `multiplyUnsafe`) exists for verifiers, whose inputs are all public.

import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bigIntToBytesLE, bytesToBigIntLE, equalBytes, fromHex, toHex } from './bytes.js';
import { DecodeError } from './errors.js';

const Point = ristretto255.Point;

export const GROUP_NAME = 'ristretto255';
/** Order of the group (RFC 9496 section 4.1, "l"). */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

export class Scalar {
  /** @param {bigint} value in [0, L) */
  constructor(value) {
    if (typeof value !== 'bigint' || value < 0n || value >= L) {
      throw new RangeError('scalar out of range [0, L)');
    }
    this.value = value;
    Object.freeze(this);
  }

  /** The scalar congruent to any integer (negative included). */
  static of(value) {
    const v = BigInt(value) % L;
    return new Scalar(v < 0n ? v + L : v);
  }

  /** 32 little-endian bytes, rejecting non-canonical values (>= L). */
  static decode(bytes, what = 'scalar') {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
      throw new DecodeError(`${what}: expected 32 bytes`);
    }
    const v = bytesToBigIntLE(bytes);
    if (v >= L) throw new DecodeError(`${what}: not canonical (value >= group order)`);
    return new Scalar(v);
  }

  static fromHex(text, what = 'scalar') {
    return Scalar.decode(fromHex(text, 32, what), what);
  }

  encode() {
    return bigIntToBytesLE(this.value, 32);
  }

  hex() {
    return toHex(this.encode());
  }

  add(o) {
    return new Scalar((this.value + o.value) % L);
  }

  sub(o) {
    return new Scalar((this.value - o.value + L) % L);
  }

  mul(o) {
    return new Scalar((this.value * o.value) % L);
  }

  neg() {
    return new Scalar((L - this.value) % L);
  }

  isZero() {
    return this.value === 0n;
  }

  equals(o) {
    return o instanceof Scalar && this.value === o.value;
  }

  toString() {
    return `Scalar(${this.hex().slice(0, 16)}…)`;
  }
}

export const ZERO_SCALAR = new Scalar(0n);

const IDENTITY_BYTES = new Uint8Array(32);

export class Element {
  #point;
  #bytes;

  /** Use `Element.decode` / `fromHex` for untrusted bytes; this wraps a noble point. */
  constructor(point, bytes) {
    if (!(point instanceof Point)) throw new TypeError('expected a ristretto255 point');
    this.#point = point;
    this.#bytes = bytes;
  }

  /**
   * Decode and validate. The identity is refused unless the caller expects it, and so is an
   * encoding with the top bit set (as group.py does; RFC 9496 decoding refuses it anyway).
   */
  static decode(bytes, what = 'element', allowIdentity = false) {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
      throw new DecodeError(`${what}: expected 32 bytes`);
    }
    let point;
    try {
      if (bytes[31] & 0x80) throw new Error('top bit set');
      point = Point.fromBytes(bytes);
    } catch {
      throw new DecodeError(`${what}: not a canonical ristretto255 encoding`);
    }
    const copy = Uint8Array.from(bytes);
    if (!allowIdentity && equalBytes(copy, IDENTITY_BYTES)) {
      throw new DecodeError(`${what}: is the identity element`);
    }
    return new Element(point, copy);
  }

  static fromHex(text, what = 'element', allowIdentity = false) {
    return Element.decode(fromHex(text, 32, what), what, allowIdentity);
  }

  /** The canonical 32-byte encoding (a fresh copy). */
  encode() {
    if (this.#bytes === undefined) this.#bytes = this.#point.toBytes();
    return Uint8Array.from(this.#bytes);
  }

  hex() {
    return toHex(this.encode());
  }

  isIdentity() {
    return equalBytes(this.encode(), IDENTITY_BYTES);
  }

  equals(o) {
    return o instanceof Element && equalBytes(this.encode(), o.encode());
  }

  /** The group operation (point addition). */
  mul(o) {
    return new Element(this.#point.add(o.#point));
  }

  /** this · o^-1 (point subtraction). */
  div(o) {
    return new Element(this.#point.subtract(o.#point));
  }

  /** this^s in constant time for a non-zero s; the identity for s = 0. */
  pow(s) {
    if (!(s instanceof Scalar)) throw new TypeError('exponent must be a Scalar');
    if (s.value === 0n) return IDENTITY;
    return new Element(this.#point.multiply(s.value));
  }

  /** this^s in variable time: only for public exponents (verification). */
  powPublic(s) {
    if (!(s instanceof Scalar)) throw new TypeError('exponent must be a Scalar');
    return new Element(this.#point.multiplyUnsafe(s.value));
  }

  toString() {
    return `Element(${this.hex().slice(0, 16)}…)`;
  }
}

export const IDENTITY = new Element(Point.ZERO, IDENTITY_BYTES);
/** The RFC 9496 generator. */
export const G = new Element(Point.BASE);

/** g^s (constant time). */
export function gPow(s) {
  return G.pow(s);
}

/** A uniform non-zero scalar: 64 bytes from crypto.getRandomValues, reduced mod L. */
export function randomScalar() {
  const buf = new Uint8Array(64);
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    const v = bytesToBigIntLE(buf) % L;
    buf.fill(0);
    if (v !== 0n) return new Scalar(v);
  }
}

/** RFC 9496 element derivation from 64 uniform bytes (section 4.3.4). */
export function elementFromUniformBytes(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 64) {
    throw new RangeError('element derivation needs 64 bytes');
  }
  return new Element(ristretto255_hasher.deriveToCurve(bytes));
}
