// Merkle tree hashing of RFC 9162 (section 2.1) and inclusion-proof verification, as
// src/openballot/record/merkle.py. Indices and sizes are handled as BigInt so that the
// bit operations stay exact beyond 2^31 leaves.

import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes } from './bytes.js';
import { ProofError } from './errors.js';

export function leafHash(data) {
  return sha256(concatBytes(Uint8Array.of(0), data));
}

export function nodeHash(left, right) {
  return sha256(concatBytes(Uint8Array.of(1), left, right));
}

/** MTH of a list of leaves (byte arrays), for tests and small trees. */
export function merkleRoot(leaves) {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leafHash(leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/** RFC 9162 section 2.1.3.2, for a leaf hash. Throws ProofError saying what failed. */
export function verifyInclusion(leaf, index, size, proof, root) {
  const idx = BigInt(index);
  const n = BigInt(size);
  if (!(idx >= 0n && idx < n)) {
    throw new ProofError(`inclusion proof: leaf index ${index} is not below tree size ${size}`);
  }
  let fn = idx;
  let sn = n - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) throw new ProofError(`inclusion proof has wrong size: too long (${proof.length} hashes)`);
    if (fn & 1n || fn === sn) {
      r = nodeHash(p, r);
      if (!(fn & 1n)) {
        while (!(fn & 1n) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new ProofError(`inclusion proof has wrong size: too short (${proof.length} hashes)`);
  if (!equalBytes(r, root)) throw new ProofError("inclusion proof does not lead to the tree head's root");
}

/**
 * RFC 9162 section 2.1.4.2, as record/merkle.py `verify_consistency`: throws ProofError unless
 * the tree of size `second` with root `secondRoot` extends the tree of size `first` with root
 * `firstRoot` (every leaf of the first is in the second, in its place: history not rewritten).
 */
export function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  const n1 = BigInt(first);
  const n2 = BigInt(second);
  if (!(n1 > 0n && n1 <= n2)) {
    throw new ProofError(`consistency proof: sizes ${first} and ${second} are not increasing`);
  }
  if (n1 === n2) {
    if (proof.length || !equalBytes(firstRoot, secondRoot)) {
      throw new ProofError('consistency proof: same size but different roots');
    }
    return;
  }
  const path = (n1 & (n1 - 1n)) === 0n ? [firstRoot, ...proof] : [...proof];
  if (!path.length) throw new ProofError('consistency proof is empty');
  let fn = n1 - 1n;
  let sn = n2 - 1n;
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
  if (!equalBytes(fr, firstRoot)) {
    throw new ProofError('consistency proof does not lead to the earlier root: history was rewritten');
  }
  if (!equalBytes(sr, secondRoot)) throw new ProofError('consistency proof does not lead to the later root');
}
