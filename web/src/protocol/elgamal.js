// Exponential ElGamal under a joint public key K, as src/openballot/crypto/elgamal.py:
// Enc(m; r) = (alpha, beta) = (g^r, g^m · K^r).

import { Element, G, IDENTITY, Scalar, gPow } from './group.js';

export class Ciphertext {
  constructor(alpha, beta) {
    if (!(alpha instanceof Element) || !(beta instanceof Element)) {
      throw new TypeError('a ciphertext is two Elements');
    }
    this.alpha = alpha;
    this.beta = beta;
    Object.freeze(this);
  }

  mul(o) {
    return new Ciphertext(this.alpha.mul(o.alpha), this.beta.mul(o.beta));
  }

  equals(o) {
    return this.alpha.equals(o.alpha) && this.beta.equals(o.beta);
  }

  toJSON() {
    return { alpha: this.alpha.hex(), beta: this.beta.hex() };
  }

  /** From an object with "alpha" and "beta" (identity refused, as the Python decoder does). */
  static fromJSON(o, where = 'ciphertext') {
    return new Ciphertext(
      Element.fromHex(o.alpha, `${where}.alpha`),
      Element.fromHex(o.beta, `${where}.beta`),
    );
  }
}

/** Enc(0; 0): the neutral element of `product`. */
export const ZERO = new Ciphertext(IDENTITY, IDENTITY);

/** g^m for a small non-negative integer (g^0 is the identity). */
export function gPowInt(m) {
  return gPow(Scalar.of(m));
}

/**
 * Enc(m; r). The plaintext of a selection (0 or 1) picks g^m without a multiplication, so
 * the time taken does not depend on the vote.
 */
export function encrypt(key, m, r) {
  const gm = m === 0 ? IDENTITY : m === 1 ? G : gPowInt(m);
  return new Ciphertext(gPow(r), gm.mul(key.pow(r)));
}

/** The homomorphic sum of the plaintexts. */
export function product(ciphertexts) {
  let acc = ZERO;
  for (const c of ciphertexts) acc = acc.mul(c);
  return acc;
}
