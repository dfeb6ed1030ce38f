// The observer's check of the board since the page was opened: every tree head it is shown
// must be signed by the board's key, name this election, never shrink nor go back in time,
// and extend the previous head by a consistency proof (RFC 9162). One failure is final: the
// page keeps showing the alarm (a board that rewrote history once is not trusted again
// because a later head looks right).

import { fromHex } from '../protocol/bytes.js';
import { OpenBallotError, ProofError } from '../protocol/errors.js';
import { verifyTreeHead } from '../protocol/treehead.js';
import { verifyConsistency } from '../protocol/merkle.js';

export class HeadMonitor {
  /** `consistency(first, second)` resolves to the board's answer {"proof": [hex]}. */
  constructor({ electionId, boardKey, consistency }) {
    this.electionId = electionId;
    this.boardKey = boardKey;
    this.consistency = consistency;
    this.latest = null;
    this.checked = 0;
    this.failure = null;
  }

  /** Check a tree head (the board's JSON) against the one before; returns it parsed. */
  async observe(value) {
    if (this.failure) throw this.failure;
    try {
      const head = verifyTreeHead(value, this.boardKey);
      if (head.election !== this.electionId) {
        throw new ProofError(`tree head: it is election '${head.election}''s, not '${this.electionId}''s`);
      }
      const before = this.latest;
      if (before) {
        if (head.size < before.size) throw new ProofError(`tree head: the log shrank from ${before.size} to ${head.size} leaves`);
        if (head.timestamp < before.timestamp) throw new ProofError('tree head: its time is earlier than the previous head');
        const proof = head.size === before.size ? [] : (await this.consistency(before.size, head.size)).proof;
        if (!Array.isArray(proof)) throw new ProofError('consistency proof: the board sent no list of hashes');
        verifyConsistency(before.size, head.size, before.root, head.root, proof.map((p, i) => fromHex(String(p), 32, `proof[${i}]`)));
      }
      this.latest = head;
      this.checked += 1;
      return head;
    } catch (e) {
      // A wrong signature or proof is evidence and stays; a lost connection is retried.
      if (e instanceof OpenBallotError) this.failure = e;
      throw e;
    }
  }
}
