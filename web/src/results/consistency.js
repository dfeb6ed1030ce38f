// RFC 9162 section 2.1.4.2: verify a consistency proof between two tree heads, as
// verify_consistency in src/openballot/record/merkle.py. Sizes are BigInt inside, so that the
// bit operations stay exact beyond 2^31 leaves.

import { equalBytes } from '../protocol/bytes.js';
import { ProofError } from '../protocol/errors.js';
import { nodeHash } from '../protocol/merkle.js';

/** Throws ProofError unless the tree of `second` leaves with `secondRoot` extends the tree
 * of `first` leaves with `firstRoot`, by `proof` (a list of 32-byte hashes). */
export function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  const m = BigInt(first);
  const n = BigInt(second);
  if (!(m > 0n && m <= n)) throw new ProofError(`consistency proof: sizes ${first} and ${second} are not increasing`);
  if (m === n) {
    if (proof.length || !equalBytes(firstRoot, secondRoot)) throw new ProofError('consistency proof: same size but different roots');
    return;
  }
  const path = (m & (m - 1n)) === 0n ? [firstRoot, ...proof] : [...proof];
  if (!path.length) throw new ProofError('consistency proof is empty');
  let fn = m - 1n;
  let sn = n - 1n;
  while (fn & 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) throw new ProofError('consistency proof has wrong size: too long');
    if (fn & 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!(fn & 1n)) {
        while (!(fn & 1n) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new ProofError('consistency proof has wrong size: too short');
  if (!equalBytes(fr, firstRoot)) throw new ProofError('consistency proof does not lead to the earlier root: history was rewritten');
  if (!equalBytes(sr, secondRoot)) throw new ProofError("consistency proof does not lead to the later head's root");
}
