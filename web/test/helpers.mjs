// Shared by the tests: the vector files and typed JSON values turned into JS values.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Element, Scalar, fromHex, merkleRoot } from '../src/protocol/index.js';

export const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(WEB, '..');
export const VECTORS_DIR = join(REPO, 'tests', 'vectors');
export const PROTOCOL_PATH = join(VECTORS_DIR, 'protocol.json');

export const ristretto = JSON.parse(readFileSync(join(VECTORS_DIR, 'ristretto255.json'), 'utf8'));
export const protocol = JSON.parse(readFileSync(PROTOCOL_PATH, 'utf8'));

/** {"type": ..., ...} as written by make_protocol_vectors.py -> an encodable JS value. */
export function typed(v) {
  switch (v.type) {
    case 'bytes':
      return fromHex(v.hex);
    case 'str':
      return v.value;
    case 'int':
      return BigInt(v.value);
    case 'element':
      return Element.fromHex(v.hex, 'element', true);
    case 'scalar':
      return Scalar.fromHex(v.hex);
    case 'list':
      return v.items.map(typed);
    default:
      throw new Error(`unknown type ${v.type}`);
  }
}

/** The API's GET /api/elections/{id} answer for the vectors' election. */
export function electionResponse(overrides = {}) {
  const e = protocol.election;
  return {
    manifest: structuredClone(e.manifest),
    state: 'open',
    threshold: e.threshold,
    trustees: structuredClone(e.trustees),
    credentials_digest: e.credentials_digest,
    fingerprint: e.fingerprint,
    board_key: protocol.tree_heads[0].board_key,
    ...overrides,
  };
}

// RFC 9162 PATH(m, D[n]) (2.1.3.1) and SUBPROOF(m, D[n], b) (2.1.4.1), to make inclusion and
// consistency proofs for simulated boards.
export function inclusionPath(m, leaves) {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...inclusionPath(m, leaves.slice(0, k)), merkleRoot(leaves.slice(k))]
    : [...inclusionPath(m - k, leaves.slice(k)), merkleRoot(leaves.slice(0, k))];
}

export function consistencyPath(m, leaves, complete = true) {
  const n = leaves.length;
  if (m === n) return complete ? [] : [merkleRoot(leaves)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  if (m <= k) return [...consistencyPath(m, leaves.slice(0, k), complete), merkleRoot(leaves.slice(k))];
  return [...consistencyPath(m - k, leaves.slice(k), false), merkleRoot(leaves.slice(0, k))];
}
