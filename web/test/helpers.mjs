// Shared by the tests: the vector files and typed JSON values turned into JS values.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Element, Scalar, fromHex } from '../src/protocol/index.js';

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
