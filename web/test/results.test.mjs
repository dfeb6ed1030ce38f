// The results page's pure parts: reading result.json as documented, the chart and table
// builders, RFC 9162 consistency proofs (against proofs made here and by the Python board),
// and the observer's head monitor.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { DecodeError, ProofError, fromHex, merkleRoot, toHex, treeHeadMessage, utf8 } from '../src/protocol/index.js';
import {
  EMPTY_SEAT, PALETTE, barChart, colour, cumulative, dataTable, findAll, legend, lineChart, seatChart, textOf,
} from '../src/results/charts.js';
import { verifyConsistency } from '../src/protocol/merkle.js';
import { MESSAGES, translate } from '../src/results/messages.js';
import { readManifest, resultModel, turnout } from '../src/results/model.js';
import { HeadMonitor } from '../src/results/monitor.js';
import { LoadError, apiSource, staticSource } from '../src/results/source.js';
import { REPO } from './helpers.mjs';

// --- result.json -------------------------------------------------------------------------

const L = (en) => ({ ar: `${en} (ar)`, ku: `${en} (ku)`, en });
const MANIFEST = {
  election_id: 'e1',
  title: L('Election'),
  districts: [
    { id: 'north', labels: L('North'), registered: 1200 },
    { id: 'south', labels: L('South') },
  ],
  contests: [
    {
      id: 'council', labels: L('Council'), districts: ['north', 'south'], min_selections: 0, max_selections: 2,
      seats: 3, allocation: 'dhondt', threshold_percent: 2.5,
      options: [{ id: 'a', labels: L('A list') }, { id: 'b', labels: L('B list') }, { id: 'c', labels: L('C list') }],
    },
    {
      id: 'ref', labels: L('Referendum'), districts: ['north'], min_selections: 1, max_selections: 1,
      options: [{ id: 'yes', labels: L('Yes') }, { id: 'no', labels: L('No') }],
    },
  ],
};
const RESULT = {
  decrypted_by: [1, 3],
  counts: [],
  totals: { council: { a: 6, b: 3, c: 0 }, ref: { yes: 4, no: 1 } },
  figures: {
    districts: [
      { district: 'north', registered: 1200, credentials: 10, counting_ballots: 5 },
      { district: 'south', registered: null, credentials: 4, counting_ballots: 0 },
    ],
    contests: [
      { contest: 'council', district: 'north', counting_ballots: 5, blank: 1 },
      { contest: 'council', district: 'south', counting_ballots: 0, blank: 0 },
      { contest: 'ref', district: 'north', counting_ballots: 5, blank: 0 },
    ],
  },
  seats: [
    { contest: 'council', option: 'a', seats: 2 },
    { contest: 'council', option: 'b', seats: 1 },
    { contest: 'council', option: 'c', seats: 0 },
  ],
  excluded: [{ contest: 'council', option: 'c' }],
  unfilled: [],
  ties: [{ contest: 'council', first_seat: 3, seats: 1, options: ['a', 'b'], order: ['b', 'a'] }],
};
const clone = (v) => JSON.parse(JSON.stringify(v));

test('the model: votes, seats, ties, blanks and turnout, with labels from the manifest', () => {
  const m = readManifest(MANIFEST);
  const { contests, districts } = resultModel(m, RESULT);
  const council = contests[0];
  assert.equal(council.labels.get('ar'), 'Council (ar)');
  assert.deepEqual([council.seats, council.allocation, council.threshold, council.total], [3, 'dhondt', 2.5, 9]);
  assert.deepEqual(council.options.map((o) => [o.id, o.votes, o.seats, o.won, o.excluded]), [
    ['a', 6, 2, true, false], ['b', 3, 1, true, false], ['c', 0, 0, false, true],
  ]);
  assert.equal(council.options[0].share, 6 / 9);
  assert.equal(council.ties.length, 1);
  assert.deepEqual(council.ties[0].winners.map((l) => l.get('en')), ['B list']);
  assert.deepEqual(council.blanks.map((b) => [b.district.id, b.blank]), [['north', 1], ['south', 0]]);
  assert.equal(contests[1].seats, null);
  assert.deepEqual(contests[1].options.map((o) => [o.seats, o.won]), [[null, false], [null, false]]);
  assert.deepEqual(turnout(districts[0]), { ofCredentials: 0.5, ofRegistered: 5 / 1200 });
  assert.deepEqual(turnout(districts[1]), { ofCredentials: 0, ofRegistered: null });
});

test('the model refuses a result without a documented field, or with an unknown id', () => {
  const m = readManifest(MANIFEST);
  for (const field of ['figures', 'seats', 'excluded', 'unfilled', 'ties', 'totals']) {
    const r = clone(RESULT);
    delete r[field];
    assert.throws(() => resultModel(m, r), (e) => e instanceof DecodeError && e.message.includes(`'${field}'`), field);
  }
  const cases = [
    [(r) => delete r.figures.districts[0].counting_ballots, "'counting_ballots'"],
    [(r) => { r.figures.districts[1].registered = -1; }, 'registered'],
    [(r) => { r.seats[0].option = 'zz'; }, "unknown option 'zz'"],
    [(r) => r.seats.pop(), 'one entry per option'],
    [(r) => { r.ties[0].order = ['b', 'q']; }, "unknown option 'q'"],
    [(r) => { r.figures.contests[0].district = 'west'; }, "unknown district 'west'"],
    [(r) => { r.figures.contests[0].contest = 'mayor'; }, "unknown contest 'mayor'"],
    [(r) => delete r.totals.council.b, "'b'"],
    [(r) => { r.unfilled = [{ contest: 'council', seats: 0 }]; }, 'at least 1'],
  ];
  for (const [change, words] of cases) {
    const r = clone(RESULT);
    change(r);
    assert.throws(() => resultModel(m, r), (e) => e instanceof DecodeError && e.message.includes(words), words);
  }
  const bad = clone(MANIFEST);
  delete bad.contests[0].allocation;
  assert.throws(() => readManifest(bad), /come together/);
  bad.contests[0].allocation = 'dhondt';
  bad.contests[0].threshold_percent = 101;
  assert.throws(() => readManifest(bad), /threshold_percent/);
});

// --- charts ------------------------------------------------------------------------------

test('a seat chart has one square per seat, in the parties\' colours, then the unfilled ones', () => {
  const chart = seatChart([{ seats: 2, colour: PALETTE[0] }, { seats: 1, colour: PALETTE[1] }], { unfilled: 2 });
  const rects = findAll(chart, 'rect');
  assert.deepEqual(rects.map((r) => r.attrs.fill), [PALETTE[0], PALETTE[0], PALETTE[1], EMPTY_SEAT, EMPTY_SEAT]);
  assert.deepEqual(rects.map((r) => r.attrs['data-seat']), [1, 2, 3, 4, 5]);
  assert.equal(rects.filter((r) => r.attrs['stroke-dasharray']).length, 2);
  assert.equal(chart.attrs['aria-hidden'], 'true');
  // Right to left, the first seat is on the right.
  const ltr = findAll(seatChart([{ seats: 3, colour: 'red' }]), 'rect').map((r) => r.attrs.x);
  const rtl = findAll(seatChart([{ seats: 3, colour: 'red' }], { rtl: true }), 'rect').map((r) => r.attrs.x);
  assert.ok(ltr[0] < ltr[2] && rtl[0] > rtl[2]);
  // 23 seats: rows of 10.
  const many = findAll(seatChart([{ seats: 23, colour: 'red' }]), 'rect');
  assert.equal(new Set(many.map((r) => r.attrs.y)).size, 3);
});

test('a bar chart: bars proportional to the values, labels and value texts', () => {
  const chart = barChart([
    { label: 'A', value: 1, text: '6', colour: colour(0) },
    { label: 'B', value: 0.5, text: '3', colour: colour(1) },
    { label: 'C', value: 0, text: '0', colour: colour(2) },
  ]);
  const bars = findAll(chart, 'rect').map((r) => r.attrs.width);
  assert.equal(bars[1] * 2, bars[0]);
  assert.equal(bars[2], 0);
  assert.equal(textOf(chart), 'A6B3C0');
  const rtl = barChart([{ label: 'A', value: 1, text: '6', colour: 'red' }], { rtl: true });
  // Mirrored: the label at the right edge, anchored at its start in a right-to-left chart.
  assert.equal(rtl.attrs.direction, 'rtl');
  assert.ok(findAll(rtl, 'text').every((t) => t.attrs['text-anchor'] === 'start'));
  assert.equal(findAll(rtl, 'text')[0].attrs.x, 640);
  const [ltrBar, rtlBar] = [chart, rtl].map((c) => findAll(c, 'rect')[0].attrs);
  assert.equal(rtlBar.x, 640 - ltrBar.x - ltrBar.width);
});

test('a line chart of cumulative counts, and the table behind a chart', () => {
  assert.deepEqual(cumulative([[0, 2], [1, 0], [2, 5]]), [[0, 2], [1, 2], [2, 7]]);
  const chart = lineChart([{ name: 'N', colour: 'red', points: [[0, 0], [60, 3]] }, { name: 'S', colour: 'blue', points: [[0, 0], [60, 1]] }],
    { ticks: { top: '3' } });
  assert.equal(findAll(chart, 'polyline').length, 2);
  assert.ok(textOf(chart).includes('3'));
  const table = dataTable('Votes', ['Option', 'Votes'], [['A', '6'], ['B', '3']], { numeric: [1] });
  assert.equal(textOf(findAll(table, 'caption')[0]), 'Votes');
  assert.deepEqual(findAll(table, 'th').map((th) => th.attrs.scope), ['col', 'col', 'row', 'row']);
  assert.deepEqual(findAll(table, 'td').map((td) => [textOf(td), td.attrs.class]), [['6', 'num'], ['3', 'num']]);
  assert.equal(textOf(legend([{ colour: 'red', label: 'A' }])), ' A');
});

test('every message exists in the three languages, with the same placeholders', () => {
  const keys = Object.keys(MESSAGES.en).sort();
  for (const lang of ['ar', 'ku']) {
    assert.deepEqual(Object.keys(MESSAGES[lang]).sort(), keys, lang);
    for (const k of keys) {
      const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(names(MESSAGES[lang][k]), names(MESSAGES.en[k]), `${lang}.${k}`);
    }
  }
  assert.equal(translate('en', 'unfilled_line', { n: 2 }), 'Seats nobody could take: 2.');
});

// --- consistency proofs ------------------------------------------------------------------

// RFC 9162 section 2.1.4.1 SUBPROOF(m, D[n], b).
function subproof(m, leaves, complete) {
  const n = leaves.length;
  if (m === n) return complete ? [] : [merkleRoot(leaves)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), complete), merkleRoot(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), merkleRoot(leaves.slice(0, k))];
}

const LEAVES = Array.from({ length: 17 }, (_, i) => utf8(`leaf ${i}`));

test('consistency proofs of every pair of sizes up to 17 verify, and tampered ones do not', () => {
  for (let n = 1; n <= LEAVES.length; n++) {
    const second = merkleRoot(LEAVES.slice(0, n));
    for (let m = 1; m <= n; m++) {
      const first = merkleRoot(LEAVES.slice(0, m));
      const proof = m === n ? [] : subproof(m, LEAVES.slice(0, n), true);
      verifyConsistency(m, n, first, second, proof);
      if (m === n) continue;
      const other = merkleRoot([utf8('forged'), ...LEAVES.slice(1, m)]);
      assert.throws(() => verifyConsistency(m, n, other, second, proof), ProofError, `${m}->${n} other first root`);
      assert.throws(() => verifyConsistency(m, n, first, other, proof), ProofError, `${m}->${n} other second root`);
      if (proof.length) {
        const bad = proof.map((p) => p.slice());
        bad[bad.length - 1][0] ^= 1;
        assert.throws(() => verifyConsistency(m, n, first, second, bad), ProofError, `${m}->${n} flipped`);
        assert.throws(() => verifyConsistency(m, n, first, second, proof.slice(1)), ProofError, `${m}->${n} short`);
      }
      assert.throws(() => verifyConsistency(m, n, first, second, [...proof, first]), ProofError, `${m}->${n} long`);
    }
  }
  assert.throws(() => verifyConsistency(3, 2, LEAVES[0], LEAVES[0], []), /not increasing/);
  assert.throws(() => verifyConsistency(0, 2, LEAVES[0], LEAVES[0], []), /not increasing/);
});

const PYTHON = process.env.OPENBALLOT_PYTHON ?? join(REPO, '.venv', 'bin', 'python');
const skip = existsSync(PYTHON) ? false : `no Python with openballot at ${PYTHON} (set OPENBALLOT_PYTHON)`;

test('consistency proofs made by the Python board verify here', { skip }, () => {
  const script = `
import json
from openballot.record.merkle import MerkleTree
t = MerkleTree()
out = []
for i in range(13):
    t.append(f"leaf {i}".encode())
for n in range(1, 14):
    for m in range(1, n + 1):
        out.append({"m": m, "n": n, "proof": [h.hex() for h in t.consistency_proof(m, n)],
                    "first": t.root(m).hex(), "second": t.root(n).hex()})
print(json.dumps(out))`;
  const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  for (const { m, n, proof, first, second } of JSON.parse(run.stdout)) {
    assert.equal(first, toHex(merkleRoot(LEAVES.slice(0, m))));
    verifyConsistency(m, n, fromHex(first), fromHex(second), proof.map((p) => fromHex(p)));
  }
});

// --- the head monitor --------------------------------------------------------------------

const SECRET = new Uint8Array(32).fill(7);
const KEY = toHex(ed25519.getPublicKey(SECRET));

function head(size, { leaves = LEAVES, time = 1000 + size, election = 'e1', secret = SECRET } = {}) {
  const root = merkleRoot(leaves.slice(0, size));
  const signature = ed25519.sign(treeHeadMessage(election, size, root, time), secret);
  return { election, size, root: toHex(root), timestamp: time, signature: toHex(signature) };
}

const honestBoard = async (m, n) => ({ proof: subproof(m, LEAVES.slice(0, n), true).map(toHex) });

test('the monitor accepts heads that grow consistently', async () => {
  const monitor = new HeadMonitor({ electionId: 'e1', boardKey: KEY, consistency: honestBoard });
  for (const size of [1, 3, 3, 8, 17]) await monitor.observe(head(size));
  assert.equal(monitor.checked, 5);
  assert.equal(monitor.latest.size, 17);
  assert.equal(monitor.failure, null);
});

test('the monitor raises, and stays alarmed, on every kind of bad head', async () => {
  const forgedLeaves = [utf8('rewritten'), ...LEAVES.slice(1)];
  const cases = [
    ['signature', [head(2, { secret: new Uint8Array(32).fill(8) })], /signature does not verify/],
    ['election', [head(2, { election: 'e2' })], /election 'e2'/],
    ['shrank', [head(5), head(4)], /shrank from 5 to 4/],
    ['time', [head(5, { time: 2000 }), head(6, { time: 1999 })], /earlier/],
    ['rewritten', [head(3), head(9, { leaves: forgedLeaves })], /consistency proof does not lead/],
    ['same size, other root', [head(4), head(4, { leaves: forgedLeaves, time: 2000 })], /different roots/],
  ];
  for (const [name, heads, error] of cases) {
    const monitor = new HeadMonitor({ electionId: 'e1', boardKey: KEY, consistency: honestBoard });
    for (const h of heads.slice(0, -1)) await monitor.observe(h);
    await assert.rejects(monitor.observe(heads[heads.length - 1]), error, name);
    assert.ok(monitor.failure, name);
    await assert.rejects(monitor.observe(head(17)), error, `${name}: the alarm stays`);
  }
  // A board that rewrote its first leaf and proves from its new tree: the proof leads to its
  // new root, not to the one the page saw.
  const rewriter = new HeadMonitor({
    electionId: 'e1', boardKey: KEY,
    consistency: async (m, n) => ({ proof: subproof(m, forgedLeaves.slice(0, n), true).map(toHex) }),
  });
  await rewriter.observe(head(3));
  await assert.rejects(rewriter.observe(head(9, { leaves: forgedLeaves })), /history was rewritten/);
  const lying = new HeadMonitor({ electionId: 'e1', boardKey: KEY, consistency: async () => ({ proof: 'none' }) });
  await lying.observe(head(2));
  await assert.rejects(lying.observe(head(5)), /no list of hashes/);
});

test('a lost connection is not an alarm: the next head is checked as usual', async () => {
  let down = true;
  const flaky = async (m, n) => {
    if (down) throw new TypeError('network');
    return honestBoard(m, n);
  };
  const monitor = new HeadMonitor({ electionId: 'e1', boardKey: KEY, consistency: flaky });
  await monitor.observe(head(2));
  await assert.rejects(monitor.observe(head(6)), TypeError);
  assert.equal(monitor.failure, null);
  down = false;
  await monitor.observe(head(6));
  assert.equal(monitor.latest.size, 6);
});

// --- where the data comes from -----------------------------------------------------------

test('the API and the static copy are read from their own addresses; a 404 result is none', async (t) => {
  const asked = [];
  const answers = { '/api/elections/e1/result': [404, { detail: 'the result is not published yet' }] };
  t.mock.method(globalThis, 'fetch', async (url) => {
    asked.push(url);
    const [status, body] = answers[url] ?? [200, { url }];
    return { ok: status < 400, status, text: async () => JSON.stringify(body) };
  });
  const api = apiSource('/api', 'e1');
  assert.equal(await api.result(), null);
  assert.deepEqual(await api.consistency(3, 9), { url: '/api/elections/e1/board/consistency?first=3&second=9' });
  await api.activity(600);
  await api.board();
  assert.equal(api.recordUrl, '/api/elections/e1/record.zip');
  answers['/api/elections/e1'] = [500, { detail: 'storage error' }];
  await assert.rejects(api.election(), (e) => e instanceof LoadError && e.status === 500 && /storage error/.test(e.message));
  const files = staticSource('data');
  assert.equal(files.live, false);
  for (const read of [files.election, files.board, files.result, files.treeHead]) await read();
  assert.deepEqual(asked.slice(-4), ['data/election.json', 'data/board.json', 'data/result.json', 'data/tree-head.json']);
  assert.equal(files.recordUrl, 'record.zip');
  assert.ok(asked.slice(0, 5).every((u) => u.startsWith('/api/')));
});
