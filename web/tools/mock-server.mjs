// A stand-in for the Python server, for developing and trying the booth by hand:
//
//   npm run build && node tools/mock-server.mjs [port]      then open
//   http://localhost:8000/booth/?election=vectors-2026
//
// It serves web/ at /booth/ and the booth's API at /api for the election of
// tests/vectors/protocol.json (voting codes in its "election.codes"), verifying ballots with
// the booth's own protocol code and answering with signed receipts as the real board does.
// MOCK_LIE=fingerprint|trustee|receipt|key makes it lie, to see the booth refuse;
// MOCK_STATE=closed (say) shows an election that is not open.
// Not used by the Python server; the API it speaks is the one documented in web/README.md.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  BallotOpening, EncryptedBallot, OpenBallotError, contextFromElection, leafHash, merkleRoot, toHex,
  treeHeadMessage, utf8, verifyBallot, verifyOpening,
} from '../src/protocol/index.js';
import { WEB, electionResponse, protocol } from '../test/helpers.mjs';

const LIE = process.env.MOCK_LIE ?? '';
const boardSecret = new Uint8Array(32).fill(9);
const boardKey = toHex(ed25519.getPublicKey(boardSecret));
const election = electionResponse({ board_key: boardKey });
if (LIE === 'fingerprint') election.fingerprint = election.fingerprint.replace(/^../, 'ff');
if (LIE === 'trustee') election.trustees[0].commitments[0] = election.trustees[1].commitments[0];
if (process.env.MOCK_STATE) election.state = process.env.MOCK_STATE;
if (LIE === 'key') election.board_key = toHex(ed25519.getPublicKey(new Uint8Array(32).fill(1)));
const ctx = contextFromElection(electionResponse());
const id = ctx.manifest.electionId;
const districtOf = new Map();
for (const [d, creds] of Object.entries(protocol.election.credentials.districts)) for (const c of creds) districtOf.set(c, d);
const leaves = [];
const trackers = new Map(); // tracker -> 'cast' | 'audit'

function path(m, list) {
  if (list.length <= 1) return [];
  let k = 1;
  while (k * 2 < list.length) k *= 2;
  return m < k ? [...path(m, list.slice(0, k)), merkleRoot(list.slice(k))] : [...path(m - k, list.slice(k)), merkleRoot(list.slice(0, k))];
}

function append(entry, tracker) {
  const line = JSON.stringify(entry);
  leaves.push(utf8(line));
  const index = leaves.length - 1;
  const root = merkleRoot(leaves);
  const timestamp = Date.now();
  const signature = ed25519.sign(treeHeadMessage(id, leaves.length, root, timestamp), boardSecret);
  const receipt = {
    tracker,
    index,
    entry: line,
    tree_head: { election: id, size: leaves.length, root: toHex(root), timestamp, signature: toHex(signature) },
    inclusion_proof: path(index, leaves).map(toHex),
  };
  if (LIE === 'receipt') receipt.inclusion_proof.reverse(), (receipt.tree_head.size += 1);
  return receipt;
}

function problem(res, status, title, detail, code = undefined) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail, ...(code ? { code } : {}) }));
}

function json(res, status, value) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.map': 'application/json' };

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const p = url.pathname;
  if (p === '/' || p === '/booth') return res.writeHead(302, { Location: `/booth/?election=${id}` }).end();
  if (p.startsWith('/booth/')) {
    const rel = normalize(p.slice('/booth/'.length) || 'index.html');
    if (rel.startsWith('..') || !/^(index\.html|check\.html|dist\/booth\.css|dist\/(booth|check)\.js(\.map)?)$/.test(rel)) return problem(res, 404, 'Not Found', p);
    const data = await readFile(join(WEB, rel));
    res.writeHead(200, { 'Content-Type': TYPES[extname(rel)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    return res.end(data);
  }
  const m = p.match(/^\/api\/elections\/([^/]+)(?:\/(credentials|ballots|audits)(?:\/([^/]+))?)?$/);
  if (!m) return problem(res, 404, 'Not Found', `no route ${p}`);
  const [, eid, what, arg] = m;
  if (eid !== id) return problem(res, 404, 'Not Found', `no election '${eid}'`);
  if (!what && req.method === 'GET') return json(res, 200, election);
  if (what === 'credentials' && req.method === 'GET') {
    const d = districtOf.get(arg);
    return d ? json(res, 200, { district: d }) : problem(res, 404, 'Not Found', 'this credential is not on the list', 'unknown-credential');
  }
  if ((what === 'ballots' || what === 'audits') && req.method === 'POST') {
    let input;
    try {
      input = await body(req);
      const ballot = EncryptedBallot.fromJSON(input.ballot);
      verifyBallot(ctx, ballot);
      if (districtOf.get(ballot.credential.hex()) !== ballot.district) throw new OpenBallotError('credential not eligible in this district');
      const tracker = ballot.trackerHex();
      if (trackers.get(tracker) === 'audit') return problem(res, 409, 'Conflict', 'this ballot was audited and can never be cast', 'audited-ballot');
      if (what === 'audits') {
        if (trackers.has(tracker)) return problem(res, 409, 'Conflict', 'this ballot is already in the record', 'already-on-board');
        verifyOpening(ctx, ballot, BallotOpening.fromJSON(input.opening));
        trackers.set(tracker, 'audit');
        return json(res, 201, append({ type: 'audit', ballot: input.ballot, opening: input.opening }, tracker));
      }
      trackers.set(tracker, 'cast');
      return json(res, 201, append({ type: 'cast', ballot: input.ballot }, tracker));
    } catch (err) {
      return problem(res, 422, 'Unprocessable Content', err.message);
    }
  }
  return problem(res, 405, 'Method Not Allowed', `${req.method} ${p}`);
}

const port = Number(process.argv[2] ?? process.env.PORT ?? 8000);
createServer((req, res) => handle(req, res).catch((err) => problem(res, 500, 'Internal Server Error', err.message))).listen(port, () => {
  console.log(`booth: http://localhost:${port}/booth/?election=${id}${LIE ? `  (lying: ${LIE})` : ''}`);
  console.log('codes:', JSON.stringify(protocol.election.codes));
});
