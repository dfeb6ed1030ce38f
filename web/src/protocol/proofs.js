// Sigma proofs made non-interactive by strong Fiat–Shamir, as src/openballot/crypto/proofs.py.

import { hashToScalar } from './encoding.js';
import { ProofError } from './errors.js';
import { G, Scalar, ZERO_SCALAR, gPow, randomScalar } from './group.js';
import { get, getList, obj, onlyKeys } from './json.js';

function scalarList(o, key, where) {
  return getList(o, key, where).map((x, i) => Scalar.fromHex(x, `${where}.${key}[${i}]`));
}

/**
 * Knowledge of x with X = g^x; with a message in the context it is a Schnorr signature.
 * Prover: w random, h = g^w, c = H(tag, context, X, h), v = w - c·x.
 * Verifier: h = g^v · X^c, then c must equal H(tag, context, X, h).
 */
export class SchnorrProof {
  constructor(challenge, response) {
    this.challenge = challenge;
    this.response = response;
    Object.freeze(this);
  }

  static prove(tag, context, secret) {
    const pub = gPow(secret);
    const w = randomScalar();
    const c = hashToScalar(tag, context, pub, gPow(w));
    return new SchnorrProof(c, w.sub(c.mul(secret)));
  }

  /** Throws ProofError unless the proof verifies. */
  verify(tag, context, pub) {
    const h = G.powPublic(this.response).mul(pub.powPublic(this.challenge));
    if (!hashToScalar(tag, context, pub, h).equals(this.challenge)) {
      throw new ProofError(`${tag}: challenge does not match`);
    }
  }

  toJSON() {
    return { challenge: this.challenge.hex(), response: this.response.hex() };
  }

  static fromJSON(value, where = 'proof') {
    const o = obj(value, where);
    onlyKeys(o, ['challenge', 'response'], where);
    return new SchnorrProof(
      Scalar.fromHex(get(o, 'challenge', where), `${where}.challenge`),
      Scalar.fromHex(get(o, 'response', where), `${where}.response`),
    );
  }
}

// Branch j of a range proof: a_j = g^v · alpha^c, b_j = K^v · (beta / g^j)^c.
function branchCommitments(key, alpha, beta, j, c, v, pow) {
  const shifted = j === 0 ? beta : beta.div(pow(G, Scalar.of(j)));
  return [pow(G, v).mul(pow(alpha, c)), pow(key, v).mul(pow(shifted, c))];
}

const powSecret = (base, s) => base.pow(s);
const powPublic = (base, s) => base.powPublic(s);

/**
 * A ciphertext (alpha, beta) under key K encrypts some m in [low, high]: a disjunctive
 * Chaum–Pedersen proof whose challenges c_j sum to
 * c = H(tag, context, K, alpha, beta, low, high, [[a_low, b_low], ..., [a_high, b_high]]).
 */
export class RangeProof {
  constructor(challenges, responses) {
    this.challenges = Object.freeze([...challenges]);
    this.responses = Object.freeze([...responses]);
    Object.freeze(this);
  }

  static prove(tag, context, key, ciphertext, low, high, plaintext, randomness) {
    if (!(Number.isSafeInteger(low) && Number.isSafeInteger(high) && low >= 0 && low <= high)) {
      throw new RangeError(`bad range [${low}, ${high}]`);
    }
    if (!(low <= plaintext && plaintext <= high)) {
      throw new RangeError(`plaintext ${plaintext} is outside [${low}, ${high}]`);
    }
    const { alpha, beta } = ciphertext;
    const size = high - low + 1;
    const challenges = new Array(size).fill(ZERO_SCALAR);
    const responses = new Array(size).fill(ZERO_SCALAR);
    const commitments = [];
    const w = randomScalar();
    for (let i = 0; i < size; i++) {
      const j = low + i;
      if (j === plaintext) {
        commitments.push([gPow(w), key.pow(w)]);
        // A simulated branch costs two more multiplications and a few additions; doing as
        // many here keeps the proving time from telling which branch is the real one.
        alpha.pow(w).mul(key).mul(beta.pow(w).mul(key));
      } else {
        const cj = randomScalar();
        const vj = randomScalar();
        challenges[i] = cj;
        responses[i] = vj;
        commitments.push(branchCommitments(key, alpha, beta, j, cj, vj, powSecret));
      }
    }
    const c = hashToScalar(tag, context, key, alpha, beta, low, high, commitments);
    const real = plaintext - low;
    let cReal = c;
    for (let i = 0; i < size; i++) if (i !== real) cReal = cReal.sub(challenges[i]);
    challenges[real] = cReal;
    responses[real] = w.sub(cReal.mul(randomness));
    return new RangeProof(challenges, responses);
  }

  /** Throws ProofError unless the proof verifies. */
  verify(tag, context, key, ciphertext, low, high) {
    const size = high - low + 1;
    if (this.challenges.length !== size || this.responses.length !== size) {
      throw new ProofError(
        `${tag}: expected ${size} branches for [${low}, ${high}], got ${this.challenges.length}`,
      );
    }
    const { alpha, beta } = ciphertext;
    const commitments = [];
    for (let i = 0; i < size; i++) {
      commitments.push(
        branchCommitments(key, alpha, beta, low + i, this.challenges[i], this.responses[i], powPublic),
      );
    }
    const c = hashToScalar(tag, context, key, alpha, beta, low, high, commitments);
    let total = ZERO_SCALAR;
    for (const cj of this.challenges) total = total.add(cj);
    if (!total.equals(c)) {
      throw new ProofError(`${tag}: challenges do not sum to the hash of the statement`);
    }
  }

  toJSON() {
    return {
      challenges: this.challenges.map((c) => c.hex()),
      responses: this.responses.map((v) => v.hex()),
    };
  }

  static fromJSON(value, where = 'proof') {
    const o = obj(value, where);
    onlyKeys(o, ['challenges', 'responses'], where);
    return new RangeProof(scalarList(o, 'challenges', where), scalarList(o, 'responses', where));
  }
}

