// Encrypted ballots, as src/openballot/election/ballot.py: one ciphertext per option with a
// proof that it is 0 or 1, a proof per contest that between min and max options are chosen,
// and a Schnorr signature with the voter's credential over the whole body.

import { fromHex, toHex } from './bytes.js';
import { Ciphertext, encrypt, product } from './elgamal.js';
import { digest } from './encoding.js';
import { DecodeError, ProofError, ProtocolError } from './errors.js';
import { Element, G, Scalar, ZERO_SCALAR, gPow, randomScalar } from './group.js';
import { getList, getObj, getStr, obj, onlyKeys } from './json.js';
import { RangeProof, SchnorrProof } from './proofs.js';

export const SELECTION_TAG = 'ballot/selection';
export const CONTEST_TAG = 'ballot/contest';
export const SIGNATURE_TAG = 'ballot/signature';
export const TRACKER_TAG = 'ballot/tracker';

export class EncryptedSelection {
  constructor(optionId, ciphertext, proof) {
    Object.assign(this, { optionId, ciphertext, proof });
    Object.freeze(this);
  }
}

export class EncryptedContest {
  constructor(contestId, selections, proof) {
    Object.assign(this, { contestId, selections: Object.freeze([...selections]), proof });
    Object.freeze(this);
  }

  sum() {
    return product(this.selections.map((s) => s.ciphertext));
  }
}

export class EncryptedBallot {
  /** election: the 64-byte fingerprint; credential: an Element; signature: a SchnorrProof. */
  constructor(election, district, credential, contests, signature) {
    Object.assign(this, { election, district, credential, contests: Object.freeze([...contests]), signature });
    Object.freeze(this);
  }

  bodyEncoding() {
    return [
      this.election,
      this.district,
      this.credential,
      this.contests.map((c) => [
        c.contestId,
        c.selections.map((s) => [
          s.optionId,
          s.ciphertext.alpha,
          s.ciphertext.beta,
          [...s.proof.challenges],
          [...s.proof.responses],
        ]),
        [...c.proof.challenges],
        [...c.proof.responses],
      ]),
    ];
  }

  /** 32 bytes that name this ballot everywhere. */
  tracker() {
    return digest(TRACKER_TAG, this.bodyEncoding(), this.signature.challenge, this.signature.response).slice(0, 32);
  }

  trackerHex() {
    return toHex(this.tracker());
  }

  toJSON() {
    return {
      election: toHex(this.election),
      district: this.district,
      credential: this.credential.hex(),
      contests: this.contests.map((c) => ({
        contest: c.contestId,
        selections: c.selections.map((s) => ({
          option: s.optionId,
          ...s.ciphertext.toJSON(),
          proof: s.proof.toJSON(),
        })),
        proof: c.proof.toJSON(),
      })),
      signature: this.signature.toJSON(),
    };
  }

  static fromJSON(value, where = 'ballot') {
    const o = obj(value, where);
    onlyKeys(o, ['election', 'district', 'credential', 'contests', 'signature'], where);
    const election = fromHex(getStr(o, 'election', where), 64, `${where}.election`);
    const contests = getList(o, 'contests', where).map((c0, i) => {
      const w = `${where}.contests[${i}]`;
      const c = obj(c0, w);
      onlyKeys(c, ['contest', 'selections', 'proof'], w);
      const selections = getList(c, 'selections', w).map((s0, k) => {
        const ws = `${w}.selections[${k}]`;
        const s = obj(s0, ws);
        onlyKeys(s, ['option', 'alpha', 'beta', 'proof'], ws);
        return new EncryptedSelection(
          getStr(s, 'option', ws),
          Ciphertext.fromJSON(s, ws),
          RangeProof.fromJSON(getObj(s, 'proof', ws), `${ws}.proof`),
        );
      });
      return new EncryptedContest(
        getStr(c, 'contest', w),
        selections,
        RangeProof.fromJSON(getObj(c, 'proof', w), `${w}.proof`),
      );
    });
    return new EncryptedBallot(
      election,
      getStr(o, 'district', where),
      Element.fromHex(o.credential, `${where}.credential`),
      contests,
      SchnorrProof.fromJSON(getObj(o, 'signature', where), `${where}.signature`),
    );
  }
}

/** What a Benaloh audit reveals: per contest, per option, the plaintext and randomness. */
export class BallotOpening {
  /** contests: [[{vote: 0|1, randomness: Scalar}, ...], ...] */
  constructor(contests) {
    this.contests = Object.freeze(contests.map((c) => Object.freeze(c.map((s) => Object.freeze({ ...s })))));
    Object.freeze(this);
  }

  toJSON() {
    return this.contests.map((c) => c.map((s) => ({ vote: s.vote, randomness: s.randomness.hex() })));
  }

  static fromJSON(value, where = 'opening') {
    if (!Array.isArray(value)) throw new DecodeError(`${where}: expected a list`);
    return new BallotOpening(
      value.map((c, i) => {
        if (!Array.isArray(c)) throw new DecodeError(`${where}[${i}]: expected a list`);
        return c.map((s0, k) => {
          const w = `${where}[${i}][${k}]`;
          const s = obj(s0, w);
          onlyKeys(s, ['vote', 'randomness'], w);
          if (s.vote !== 0 && s.vote !== 1) throw new DecodeError(`${w}.vote: expected 0 or 1`);
          return { vote: s.vote, randomness: Scalar.fromHex(s.randomness, `${w}.randomness`) };
        });
      }),
    );
  }
}

function selectionContext(ctx, credential, contest, option) {
  return [ctx.fingerprint, credential, contest, option];
}

function contestContext(ctx, credential, contest) {
  return [ctx.fingerprint, credential, contest];
}

function signatureContext(body) {
  return [digest('ballot/body', body)];
}

function style(ctx, district) {
  try {
    return ctx.manifest.ballotStyle(district);
  } catch {
    throw new ProtocolError(`unknown district '${district}'`);
  }
}

/**
 * Encrypt, prove and sign the voter's choices: `choices` maps a contest id to the chosen option
 * ids (an array or Set). Every contest of the district's ballot style is encrypted (a missing
 * one is an empty choice, valid only if its minimum is 0). Returns {ballot, opening}; the
 * opening stays on the device unless the voter audits.
 */
export function encryptBallot(ctx, district, credentialSecret, choices) {
  if (!(credentialSecret instanceof Scalar) || credentialSecret.isZero()) {
    throw new TypeError('credentialSecret must be a non-zero Scalar');
  }
  const credential = gPow(credentialSecret);
  const contestsOfStyle = style(ctx, district);
  const choiceMap = choices instanceof Map ? choices : new Map(Object.entries(choices));
  for (const id of choiceMap.keys()) {
    if (!contestsOfStyle.some((c) => c.id === id)) {
      throw new ProtocolError(`contest '${id}' is not on the ballot of district '${district}'`);
    }
  }
  const key = ctx.jointKey;
  const contests = [];
  const openings = [];
  for (const contest of contestsOfStyle) {
    const chosen = new Set(choiceMap.get(contest.id) ?? []);
    const optionIds = contest.options.map((o) => o.id);
    for (const id of chosen) {
      if (!optionIds.includes(id)) throw new ProtocolError(`contest '${contest.id}': unknown option '${id}'`);
    }
    if (chosen.size < contest.minSelections || chosen.size > contest.maxSelections) {
      throw new ProtocolError(
        `contest '${contest.id}': choose between ${contest.minSelections} and ` +
          `${contest.maxSelections} options, got ${chosen.size}`,
      );
    }
    const selections = [];
    const opening = [];
    for (const option of contest.options) {
      const m = chosen.has(option.id) ? 1 : 0;
      const r = randomScalar();
      const ct = encrypt(key, m, r);
      const proof = RangeProof.prove(
        SELECTION_TAG,
        selectionContext(ctx, credential, contest.id, option.id),
        key,
        ct,
        0,
        1,
        m,
        r,
      );
      selections.push(new EncryptedSelection(option.id, ct, proof));
      opening.push({ vote: m, randomness: r });
    }
    let totalR = ZERO_SCALAR;
    for (const { randomness } of opening) totalR = totalR.add(randomness);
    const total = product(selections.map((s) => s.ciphertext));
    const contestProof = RangeProof.prove(
      CONTEST_TAG,
      contestContext(ctx, credential, contest.id),
      key,
      total,
      contest.minSelections,
      contest.maxSelections,
      chosen.size,
      totalR,
    );
    contests.push(new EncryptedContest(contest.id, selections, contestProof));
    openings.push(opening);
  }
  const unsigned = new EncryptedBallot(
    ctx.fingerprint,
    district,
    credential,
    contests,
    new SchnorrProof(ZERO_SCALAR, ZERO_SCALAR),
  );
  const signature = SchnorrProof.prove(SIGNATURE_TAG, signatureContext(unsigned.bodyEncoding()), credentialSecret);
  const ballot = new EncryptedBallot(ctx.fingerprint, district, credential, contests, signature);
  return { ballot, opening: new BallotOpening(openings) };
}

/**
 * Everything about one ballot that needs no other ballot: the election, the ballot style,
 * every proof and the signature (not the eligibility of the credential). Throws ProtocolError or
 * ProofError naming the part.
 */
export function verifyBallot(ctx, ballot) {
  if (toHex(ballot.election) !== toHex(ctx.fingerprint)) {
    throw new ProtocolError('ballot is for another election (fingerprint differs)');
  }
  const contestsOfStyle = style(ctx, ballot.district);
  const got = ballot.contests.map((c) => c.contestId);
  const want = contestsOfStyle.map((c) => c.id);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new ProtocolError(
      `wrong ballot style for district '${ballot.district}': expected contests ${want}, got ${got}`,
    );
  }
  const key = ctx.jointKey;
  contestsOfStyle.forEach((contest, i) => {
    const enc = ballot.contests[i];
    const options = enc.selections.map((s) => s.optionId);
    const wantOptions = contest.options.map((o) => o.id);
    if (JSON.stringify(options) !== JSON.stringify(wantOptions)) {
      throw new ProtocolError(`contest '${contest.id}': expected options ${wantOptions}, got ${options}`);
    }
    for (const s of enc.selections) {
      try {
        s.proof.verify(SELECTION_TAG, selectionContext(ctx, ballot.credential, contest.id, s.optionId), key, s.ciphertext, 0, 1);
      } catch (e) {
        if (!(e instanceof ProofError)) throw e;
        throw new ProofError(`contest '${contest.id}', option '${s.optionId}': proof that the selection is 0 or 1 fails`);
      }
    }
    try {
      enc.proof.verify(
        CONTEST_TAG,
        contestContext(ctx, ballot.credential, contest.id),
        key,
        enc.sum(),
        contest.minSelections,
        contest.maxSelections,
      );
    } catch (e) {
      if (!(e instanceof ProofError)) throw e;
      throw new ProofError(
        `contest '${contest.id}': proof that ${contest.minSelections} to ${contest.maxSelections} options are chosen fails (${e.message})`,
      );
    }
  });
  try {
    ballot.signature.verify(SIGNATURE_TAG, signatureContext(ballot.bodyEncoding()), ballot.credential);
  } catch (e) {
    if (!(e instanceof ProofError)) throw e;
    throw new ProofError('credential signature fails');
  }
}

/**
 * A Benaloh audit, checked for real: for each option, decide which of Enc(0; r) and Enc(1; r)
 * the ciphertext is (throwing if it is neither, or not the vote the opening states), and check
 * the contest rules. Returns [{contest, chosen: [option ids]}] in ballot order.
 */
export function readOpening(ctx, ballot, opening) {
  if (opening.contests.length !== ballot.contests.length) {
    throw new ProtocolError(
      `audit opening has ${opening.contests.length} contests, ballot has ${ballot.contests.length}`,
    );
  }
  const key = ctx.jointKey;
  return ballot.contests.map((enc, i) => {
    const opened = opening.contests[i];
    if (opened.length !== enc.selections.length) {
      throw new ProtocolError(`contest '${enc.contestId}': audit opening has the wrong number of options`);
    }
    const chosen = [];
    enc.selections.forEach((s, k) => {
      const { vote, randomness } = opened[k];
      const alpha = gPow(randomness);
      const kr = key.pow(randomness);
      let found;
      if (alpha.equals(s.ciphertext.alpha)) {
        if (kr.equals(s.ciphertext.beta)) found = 0;
        else if (G.mul(kr).equals(s.ciphertext.beta)) found = 1;
      }
      if (found === undefined || found !== vote) {
        throw new ProtocolError(
          `contest '${enc.contestId}', option '${s.optionId}': audit opening does not match the ciphertext`,
        );
      }
      if (found === 1) chosen.push(s.optionId);
    });
    const contest = ctx.manifest.contest(enc.contestId);
    if (chosen.length < contest.minSelections || chosen.length > contest.maxSelections) {
      throw new ProtocolError(`contest '${enc.contestId}': audit opening chooses ${chosen.length} options`);
    }
    return { contest: enc.contestId, chosen };
  });
}

/** As verify_opening in Python: throws unless the opening matches the ballot. */
export function verifyOpening(ctx, ballot, opening) {
  readOpening(ctx, ballot, opening);
}

