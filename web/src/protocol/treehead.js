// Signed tree heads of the bulletin board: Ed25519 over
// digest("board/tree-head", election id, size, root (32 bytes), timestamp in ms) (64 bytes).

import { ed25519 } from '@noble/curves/ed25519.js';
import { fromHex } from './bytes.js';
import { digest } from './encoding.js';
import { DecodeError, ProofError } from './errors.js';
import { getInt, getStr, obj } from './json.js';

export const TREE_HEAD_TAG = 'board/tree-head';

export function treeHeadMessage(electionId, size, root, timestampMs) {
  return digest(TREE_HEAD_TAG, electionId, BigInt(size), root, BigInt(timestampMs));
}

/** Parse {"election", "size", "root", "timestamp", "signature"}. */
export function parseTreeHead(value, where = 'tree_head') {
  const o = obj(value, where);
  return {
    election: getStr(o, 'election', where),
    size: getInt(o, 'size', where),
    root: fromHex(getStr(o, 'root', where), 32, `${where}.root`),
    timestamp: getInt(o, 'timestamp', where),
    signature: fromHex(getStr(o, 'signature', where), 64, `${where}.signature`),
  };
}

/** Throws ProofError unless the tree head is signed by `boardKeyHex` (32-byte Ed25519 key). */
export function verifyTreeHead(treeHead, boardKeyHex) {
  const head = treeHead.signature instanceof Uint8Array ? treeHead : parseTreeHead(treeHead);
  const key = fromHex(boardKeyHex, 32, 'board_key');
  const message = treeHeadMessage(head.election, head.size, head.root, head.timestamp);
  let ok = false;
  try {
    ok = ed25519.verify(head.signature, message, key, { zip215: false });
  } catch (e) {
    throw new DecodeError(`tree head: ${e.message}`);
  }
  if (!ok) throw new ProofError('tree head: the board signature does not verify');
  return head;
}
