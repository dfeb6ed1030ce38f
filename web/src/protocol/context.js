// The election context, as src/openballot/election/context.py: the joint key and the
// fingerprint that every ballot is bound to, recomputed here from the published parts so
// that a server cannot hand the booth a key of its own.

import { equalBytes, fromHex, toHex } from './bytes.js';
import { digest } from './encoding.js';
import { DecodeError, ProtocolError } from './errors.js';
import { Element, IDENTITY } from './group.js';
import { get, getList, getStr, hasOwn, obj, onlyKeys } from './json.js';
import { Manifest } from './manifest.js';
import { SchnorrProof } from './proofs.js';

export const TAG_COEFFICIENT = 'ceremony/coefficient';
export const TAG_COMMUNICATION_KEY = 'ceremony/communication-key';
export const TAG_SIGNING_KEY = 'ceremony/signing-key';

/** Raised when the fingerprint a server states is not the one its own data gives. */
export class FingerprintMismatch extends ProtocolError {}

function positiveInt(value, what) {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new DecodeError(`${what}: expected a positive integer`);
  }
  return value;
}

/** A trustee's published key-ceremony data (TrusteePublicKey.to_json()). */
export class TrusteePublicKey {
  constructor(index, name, communicationKey, communicationProof, signingKey, signingProof, commitments, coefficientProofs) {
    Object.assign(this, {
      index, name, communicationKey, communicationProof, signingKey, signingProof, commitments, coefficientProofs,
    });
    Object.freeze(this);
  }

  static fromJSON(value) {
    const fields = [
      'index', 'name', 'communication_key', 'communication_proof', 'signing_key', 'signing_proof', 'commitments',
      'coefficient_proofs',
    ];
    const o = obj(value, 'trustee public key');
    for (const f of fields) if (!hasOwn(o, f)) throw new DecodeError(`trustee public key: ${f}: missing`);
    onlyKeys(o, fields, 'trustee public key');
    const index = positiveInt(o.index, 'trustee public key: index');
    const what = `trustee ${index}`;
    if (typeof o.name !== 'string' || !o.name) throw new DecodeError(`${what}: name: expected a non-empty string`);
    const key = Element.fromHex(o.communication_key, `${what}: communication_key`);
    const keyProof = SchnorrProof.fromJSON(o.communication_proof, `${what}: communication_proof`);
    const signingKey = Element.fromHex(o.signing_key, `${what}: signing_key`);
    const signingProof = SchnorrProof.fromJSON(o.signing_proof, `${what}: signing_proof`);
    if (!Array.isArray(o.commitments) || !o.commitments.length) {
      throw new DecodeError(`${what}: commitments: expected a non-empty list`);
    }
    const commitments = o.commitments.map((v, k) => Element.fromHex(v, `${what}: commitments[${k}]`));
    if (!Array.isArray(o.coefficient_proofs)) throw new DecodeError(`${what}: coefficient_proofs: expected a list`);
    const proofs = o.coefficient_proofs.map((v, k) => SchnorrProof.fromJSON(v, `${what}: coefficient_proofs[${k}]`));
    if (proofs.length !== commitments.length) {
      throw new DecodeError(`${what}: ${commitments.length} commitments but ${proofs.length} coefficient proofs`);
    }
    return new TrusteePublicKey(
      index, o.name, key, keyProof, signingKey, signingProof, Object.freeze(commitments), Object.freeze(proofs),
    );
  }

  /** Every proof of knowledge, bound to the ceremony context (throws ProofError). */
  verify(ceremony) {
    const i = this.index;
    this.communicationProof.verify(TAG_COMMUNICATION_KEY, [ceremony, i, this.name], this.communicationKey);
    this.signingProof.verify(TAG_SIGNING_KEY, [ceremony, i, this.name], this.signingKey);
    this.commitments.forEach((a, k) => this.coefficientProofs[k].verify(TAG_COEFFICIENT, [ceremony, i, k], a));
  }
}

/** ["ceremony", manifest digest, n, t]: what every key-ceremony proof is bound to. */
export function ceremonyContext(manifestDigest, trustees, threshold) {
  return ['ceremony', manifestDigest, trustees, threshold];
}

export class ElectionContext {
  constructor(fields) {
    Object.assign(this, fields);
    Object.freeze(this);
  }

  /**
   * Derive the joint key and the fingerprint from the manifest, the trustees' public keys and
   * the credential-list digest (64 bytes), checking the trustees as ElectionContext.create does
   * (indices exactly 1..n, 1 <= t <= n, t commitments each, and, unless `verifyProofs` is
   * false, every proof of knowledge).
   */
  static create(manifest, threshold, trustees, credentialsDigest, { verifyProofs = true } = {}) {
    const ordered = [...trustees].sort((a, b) => a.index - b.index);
    const n = ordered.length;
    if (!n) throw new ProtocolError('no trustee public keys');
    if (!Number.isSafeInteger(threshold) || threshold < 1 || threshold > n) {
      throw new ProtocolError(`threshold ${threshold} is not in [1, ${n}] for ${n} trustees`);
    }
    ordered.forEach((t, k) => {
      if (t.index !== k + 1) throw new ProtocolError(`trustee indices must be exactly 1..${n}`);
      if (t.commitments.length !== threshold) {
        throw new ProtocolError(
          `trustee ${t.index}: expected ${threshold} commitments (the threshold), got ${t.commitments.length}`,
        );
      }
    });
    const manifestDigest = manifest.digest();
    if (verifyProofs) {
      const ceremony = ceremonyContext(manifestDigest, n, threshold);
      for (const t of ordered) t.verify(ceremony);
    }
    let key = IDENTITY;
    for (const t of ordered) key = key.mul(t.commitments[0]);
    if (key.isIdentity()) throw new ProtocolError('the joint public key is the identity element');
    const fingerprint = digest(
      'election',
      manifestDigest,
      n,
      threshold,
      ordered.map((t) => [t.index, t.name, t.communicationKey, t.signingKey, [...t.commitments]]),
      key,
      credentialsDigest,
    );
    return new ElectionContext({
      manifest,
      manifestDigest,
      threshold,
      trustees: Object.freeze(ordered),
      jointKey: key,
      credentialsDigest,
      fingerprint,
    });
  }

  fingerprintHex() {
    return toHex(this.fingerprint);
  }
}

/**
 * The context from GET /api/elections/{id}: {"manifest", "threshold", "trustees",
 * "credentials_digest", "fingerprint", ...}. Throws FingerprintMismatch if the fingerprint the
 * server states is not the one its manifest, keys and credential digest give.
 */
export function contextFromElection(data, options = {}) {
  const o = obj(data, 'election');
  const manifest = Manifest.fromJSON(get(o, 'manifest', 'election'), 'election.manifest');
  const threshold = positiveInt(get(o, 'threshold', 'election'), 'election.threshold');
  const trustees = getList(o, 'trustees', 'election').map((t) => TrusteePublicKey.fromJSON(t));
  const credentialsDigest = fromHex(getStr(o, 'credentials_digest', 'election'), 64, 'election.credentials_digest');
  const ctx = ElectionContext.create(manifest, threshold, trustees, credentialsDigest, options);
  const stated = fromHex(getStr(o, 'fingerprint', 'election'), 64, 'election.fingerprint');
  if (!equalBytes(stated, ctx.fingerprint)) {
    throw new FingerprintMismatch(
      `the election fingerprint the server states (${toHex(stated).slice(0, 16)}…) is not the one ` +
        `its manifest, trustee keys and credential list give (${ctx.fingerprintHex().slice(0, 16)}…)`,
    );
  }
  return ctx;
}
