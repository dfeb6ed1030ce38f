// What the console shows of an election's progress, computed from the public API's answers
// alone (GET /api/elections/{id} and .../ceremony): who has done which step of the key
// ceremony, what each trustee still has to do, and which phase action is possible now.
// Pure functions, tested in web/test/console.test.mjs.

/** The steps a trustee publishes, in order. */
export const TRUSTEE_STEPS = Object.freeze(['commitment', 'key', 'shares', 'verdict', 'decryption']);

/** The CLI command of each trustee step (trustees run them on their own machines). */
export const TRUSTEE_COMMANDS = Object.freeze({
  commitment: 'openballot board trustee keygen',
  key: 'openballot board trustee reveal',
  shares: 'openballot board trustee exchange',
  verdict: 'openballot board trustee finish',
  decryption: 'openballot board trustee decrypt',
});

function indices(list) {
  return new Set((list ?? []).map((x) => (typeof x === 'number' ? x : x.index)));
}

/**
 * One row per trustee 1..n: {index, name, done: {step: bool}, next: {key, command?}}.
 * `next.key` names a message: what this trustee has to do now, or what it waits for.
 */
export function trusteeProgress(election, ceremony) {
  const n = election.trustee_count;
  const done = {
    commitment: indices(ceremony.commitments),
    key: indices(ceremony.keys),
    shares: new Set(Object.keys(ceremony.shares ?? {}).map(Number)),
    verdict: indices(ceremony.verdicts),
    decryption: indices(ceremony.decryptions),
  };
  const all = (step) => done[step].size === n;
  const names = new Map((ceremony.keys ?? []).map((k) => [k.index, k.name]));
  const rows = [];
  for (let i = 1; i <= n; i += 1) {
    const mine = Object.fromEntries(TRUSTEE_STEPS.map((s) => [s, done[s].has(i)]));
    rows.push({ index: i, name: names.get(i) ?? null, done: mine, next: nextStep(election.state, mine, all) });
  }
  return rows;
}

function nextStep(state, mine, all) {
  const todo = (step) => ({ key: `next_${step}`, command: TRUSTEE_COMMANDS[step] });
  if (state === 'setup') {
    if (!mine.commitment) return todo('commitment');
    if (!mine.key) return all('commitment') ? todo('key') : { key: 'wait_commitments' };
    if (!mine.shares) return all('key') ? todo('shares') : { key: 'wait_keys' };
    if (!mine.verdict) return all('shares') ? todo('verdict') : { key: 'wait_shares' };
    return { key: 'wait_open' };
  }
  if (state === 'open') return { key: 'wait_close' };
  if (state === 'closed' && !mine.decryption) return todo('decryption');
  return { key: 'nothing_left' };
}

/**
 * The phase action possible now: {action: 'open'|'close'|'result'|null, blockers: [{key, params}]}.
 * The board makes the same checks; this only says beforehand why a button is not offered.
 */
export function phaseAction(election, ceremony) {
  const n = election.trustee_count;
  const blockers = [];
  switch (election.state) {
    case 'setup': {
      const verdicts = (ceremony.verdicts ?? []).length;
      if (verdicts < n) blockers.push({ key: 'block_verdicts', params: { done: verdicts, n } });
      if ((ceremony.complaints ?? []).length) blockers.push({ key: 'block_complaints', params: {} });
      if (!ceremony.credential_counts) blockers.push({ key: 'block_credentials', params: {} });
      return { action: 'open', blockers };
    }
    case 'open':
      return { action: 'close', blockers };
    case 'closed': {
      const k = (ceremony.decryptions ?? []).length;
      const t = election.threshold;
      if (k < t) blockers.push({ key: 'block_decryptions', params: { done: k, t } });
      return { action: 'result', blockers };
    }
    default:
      return { action: null, blockers };
  }
}

/** The total of counted ballots in a tally's `counted` (per district). */
export function countedBallots(tally) {
  return Object.values(tally?.counted ?? {}).reduce((a, b) => a + b, 0);
}

/** The message key of an API problem detail: by its `code`, else by its `type`'s last segment. */
export function problemKey(problem, known) {
  const code = typeof problem?.code === 'string' ? problem.code : null;
  if (code && known.has(`problem_${code}`)) return `problem_${code}`;
  const type = typeof problem?.type === 'string' ? problem.type.split('/').pop() : null;
  if (type && known.has(`problem_${type}`)) return `problem_${type}`;
  return 'problem_unknown';
}

/** The file name a role's token is downloaded as. */
export function tokenFileName(electionId, role) {
  return `${electionId}-${role}.token`;
}

/** Roles in the order the console lists them: the credential authority, then trustees 1..n. */
export function sortedRoles(tokens) {
  const rank = (r) => (r === 'credential-authority' ? 0 : Number(r.replace('trustee-', '')));
  return Object.keys(tokens).sort((a, b) => rank(a) - rank(b));
}
