// The voter's receipt: the board's answer to a cast (or audit), checked end to end.
//
// {"tracker", "index", "entry", "tree_head": {"election", "size", "root", "timestamp",
//  "signature"}, "inclusion_proof": [hex, ...]}: the entry is the exact leaf (a compact JSON
// line of the ballot log); its RFC 9162 leaf hash with the inclusion proof must reach the root
// of a tree head signed with the board's Ed25519 key.

import { fromHex, utf8 } from './bytes.js';
import { EncryptedBallot } from './ballot.js';
import { DecodeError, ProofError, ProtocolError } from './errors.js';
import { getInt, getList, getStr, obj } from './json.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { verifyTreeHead } from './treehead.js';

function sameJSON(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJSON(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return sameJSON(ka, kb) && ka.every((k) => sameJSON(a[k], b[k]));
  }
  return false;
}

/**
 * A leaf of the ballot log as the board wrote it: a JSON object in the board's one compact
 * form. JSON.parse keeps the last of a repeated key while the Python verifier refuses the
 * line, so anything but the compact form (a repeated key, extra spaces) is refused here too.
 */
export function parseLogEntry(text, where) {
  let entry;
  try {
    entry = JSON.parse(text);
  } catch {
    throw new DecodeError(`${where}: not valid JSON`);
  }
  if (JSON.stringify(entry) !== text) {
    throw new DecodeError(`${where}: not in the board's compact form (a key repeated?)`);
  }
  return obj(entry, where);
}

/**
 * Check a receipt for `ballot` (an EncryptedBallot) of election `electionId` under the board's
 * key (hex). `kind` is the entry type expected ("cast" or "audit"). Returns
 * {tracker, index, size, root, timestamp}; throws ProtocolError / ProofError / DecodeError
 * naming the first check that failed.
 */
export function verifyReceipt(receipt, { ballot, electionId, boardKey, kind = 'cast' }) {
  const o = obj(receipt, 'receipt');
  const tracker = ballot.trackerHex();
  if (getStr(o, 'tracker', 'receipt') !== tracker) {
    throw new ProtocolError('receipt: the tracker is not the one of the ballot this device made');
  }
  const entryText = getStr(o, 'entry', 'receipt');
  const entry = parseLogEntry(entryText, 'receipt.entry');
  if (entry.type !== kind) throw new ProtocolError(`receipt.entry: expected a '${kind}' entry, got '${entry.type}'`);
  if (EncryptedBallot.fromJSON(entry.ballot, 'receipt.entry.ballot').trackerHex() !== tracker) {
    throw new ProtocolError('receipt.entry: the logged ballot has another tracker');
  }
  if (!sameJSON(entry.ballot, ballot.toJSON())) {
    throw new ProtocolError('receipt.entry: the logged ballot differs from the one this device made');
  }
  const index = getInt(o, 'index', 'receipt');
  const proof = getList(o, 'inclusion_proof', 'receipt').map((h, i) => fromHex(h, 32, `receipt.inclusion_proof[${i}]`));
  const head = verifyTreeHead(obj(o.tree_head, 'receipt.tree_head'), boardKey);
  if (head.election !== electionId) {
    throw new ProtocolError(`receipt.tree_head: signed for election '${head.election}', not '${electionId}'`);
  }
  try {
    verifyInclusion(leafHash(utf8(entryText)), index, head.size, proof, head.root);
  } catch (e) {
    if (e instanceof ProofError) throw new ProofError(`receipt: ${e.message}`);
    throw e;
  }
  return { tracker, index, size: head.size, root: o.tree_head.root, timestamp: head.timestamp };
}
