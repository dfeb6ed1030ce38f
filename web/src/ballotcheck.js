// "Check my ballot": the checks a voter's device makes of the board's answer to
// GET /api/elections/{id}/ballots/{tracker} (protocol.md 17.7), and of the receipt file the
// booth saved. No DOM here (node tests run it). Each check that fails throws CheckFailed
// naming it, so that the page can say which one, in the voter's words.
//
// 1. the answer:    it is about this tracker, its entry is the board's compact line of a
//                   ballot with this tracker, its fate is one of 17.7's and fits the entry
// 2. the signature: the latest tree head is signed by the board's key, for this election
// 3. the inclusion: the entry's leaf with the inclusion proof reaches that head's root
// 4. the receipt:   (with a receipt file) the kept receipt verifies as the booth checked it,
//                   under the same board key, and names the same leaf and entry
// 5. consistency:   (with a receipt file) the latest head extends the receipt's head

import { EncryptedBallot } from './protocol/ballot.js';
import { fromHex, utf8 } from './protocol/bytes.js';
import { getInt, getList, getStr, obj } from './protocol/json.js';
import { leafHash, verifyConsistency, verifyInclusion } from './protocol/merkle.js';
import { parseLogEntry, verifyReceipt } from './protocol/receipt.js';
import { verifyTreeHead } from './protocol/treehead.js';

export const RECEIPT_FORMAT = 'openballot-receipt/1';
export const FATES = Object.freeze(['recorded', 'audited', 'superseded', 'counted', 'not-counted']);

/** A check that failed: `check` is its name (answer, signature, inclusion, receipt,
 * consistency, file), the message says what was wrong (English, for technical details). */
export class CheckFailed extends Error {
  constructor(check, message) {
    super(message);
    this.check = check;
  }
}

/** Run `fn`; any error it throws becomes CheckFailed(`check`). */
function step(check, fn) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CheckFailed) throw err;
    throw new CheckFailed(check, `${check}: ${err?.message ?? err}`);
  }
}

/**
 * A receipt file as the booth downloads it (booth.js onDownload), read but not yet verified:
 * {electionId, boardKey, tracker, ballot (JSON), receipt (the board's answer to the cast)}.
 */
export function readReceiptFile(text) {
  return step('file', () => {
    let doc;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new CheckFailed('file', 'the file is not JSON');
    }
    const o = obj(doc, 'receipt file');
    if (o.format !== RECEIPT_FORMAT) {
      throw new CheckFailed('file', `the file's format is not ${RECEIPT_FORMAT}`);
    }
    const receipt = obj(o.receipt, 'receipt file.receipt');
    return {
      electionId: getStr(o, 'election', 'receipt file'),
      boardKey: getStr(o, 'board_key', 'receipt file'),
      tracker: getStr(receipt, 'tracker', 'receipt file.receipt'),
      ballot: obj(o.ballot, 'receipt file.ballot'),
      receipt,
    };
  });
}

/**
 * Checks 1 to 3 of the board's status answer for `tracker` (64 hex) of `electionId`, under
 * `boardKey` (hex). Returns {fate, supersededBy, reason, index, entry, type, size, root,
 * timestamp}.
 */
export function checkStatusAnswer(answer, { tracker, electionId, boardKey }) {
  const a = step('answer', () => {
    const o = obj(answer, 'answer');
    if (getStr(o, 'tracker', 'answer') !== tracker) throw new Error('the answer is about another tracker');
    const entry = getStr(o, 'entry', 'answer');
    const line = parseLogEntry(entry, 'answer.entry');
    if (line.type !== 'cast' && line.type !== 'audit') throw new Error(`answer.entry: a '${line.type}' entry is not a ballot`);
    if (EncryptedBallot.fromJSON(line.ballot, 'answer.entry.ballot').trackerHex() !== tracker) {
      throw new Error('answer.entry: the logged ballot has another tracker');
    }
    const index = getInt(o, 'index', 'answer');
    const fate = getStr(o, 'fate', 'answer');
    if (!FATES.includes(fate)) throw new Error(`answer.fate: unknown fate '${fate}'`);
    if ((fate === 'audited') !== (line.type === 'audit')) {
      throw new Error(`answer.fate: '${fate}' for a '${line.type}' entry`);
    }
    const supersededBy = o.superseded_by === undefined ? null : getInt(o, 'superseded_by', 'answer');
    if ((supersededBy !== null) !== (fate === 'superseded')) throw new Error('answer.superseded_by goes with superseded');
    const reason = o.reason === undefined ? null : getStr(o, 'reason', 'answer');
    if ((reason !== null) !== (fate === 'not-counted')) throw new Error('answer.reason goes with not-counted');
    const proof = getList(o, 'inclusion_proof', 'answer').map((h, i) => fromHex(h, 32, `answer.inclusion_proof[${i}]`));
    return { fate, supersededBy, reason, index, entry, type: line.type, proof };
  });
  const head = step('signature', () => {
    const h = verifyTreeHead(obj(answer.tree_head, 'answer.tree_head'), boardKey);
    if (h.election !== electionId) throw new Error(`the head is signed for election '${h.election}'`);
    return h;
  });
  step('answer', () => {
    if (a.supersededBy !== null && !(a.supersededBy > a.index && a.supersededBy < head.size)) {
      throw new Error(`answer.superseded_by: leaf ${a.supersededBy} is not after ${a.index} within ${head.size}`);
    }
  });
  step('inclusion', () => verifyInclusion(leafHash(utf8(a.entry)), a.index, head.size, a.proof, head.root));
  const { proof: _proof, ...rest } = a;
  return { ...rest, size: head.size, root: head.root, timestamp: head.timestamp };
}

/**
 * Check 4, first half: the kept receipt verifies (as the booth checked it after casting),
 * under `boardKey`, for `electionId`. Returns {index, entry, size, root, timestamp}.
 */
export function checkKeptReceipt(file, { electionId, boardKey }) {
  return step('receipt', () => {
    if (file.electionId !== electionId) throw new Error(`the receipt is for election '${file.electionId}'`);
    if (file.boardKey !== boardKey) throw new Error("the receipt names another board key than the board's");
    const ballot = EncryptedBallot.fromJSON(file.ballot, 'receipt file.ballot');
    const checked = verifyReceipt(file.receipt, { ballot, electionId, boardKey });
    return {
      index: checked.index,
      entry: file.receipt.entry,
      size: checked.size,
      root: fromHex(checked.root, 32, 'receipt.tree_head.root'),
      timestamp: checked.timestamp,
    };
  });
}

/** Check 4, second half: the board's answer names the kept receipt's leaf and entry. */
export function checkSameLeaf(kept, latest) {
  step('receipt', () => {
    if (kept.index !== latest.index) throw new Error(`the receipt is for leaf ${kept.index}, the board answers leaf ${latest.index}`);
    if (kept.entry !== latest.entry) throw new Error('the board answers another entry than the receipt holds');
  });
}

/** Check 5: the latest head extends the kept one (`proof`: hex, from .../board/consistency). */
export function checkConsistency(kept, latest, proof) {
  step('consistency', () => {
    if (kept.size > latest.size) throw new Error(`the board's log shrank from ${kept.size} to ${latest.size} entries`);
    const hashes = proof.map((h, i) => fromHex(h, 32, `consistency proof[${i}]`));
    verifyConsistency(kept.size, latest.size, kept.root, latest.root, hashes);
  });
}
