// The server's errors in the voter's words. Every problem detail carries a stable `code`
// (docs/server.md, "Problem codes"); the booth shows its own message for it in the voter's
// language and never the server's English `detail` (that goes under "technical details").
// A test (tests/server/test_problem_codes.py) keeps this table equal to the server's list.

import { ApiError, NetworkError } from './api.js';

/** Problem code -> message key in i18n.js. */
export const CODE_MESSAGES = Object.freeze({
  'bad-request': 'problem_refused',
  'http-error': 'problem_refused',
  'method-not-allowed': 'problem_refused',
  'forbidden': 'problem_refused',
  'malformed': 'problem_malformed',
  'not-found': 'problem_not_found',
  'unknown-election': 'problem_unknown_election',
  'unknown-credential': 'problem_unknown_credential',
  'unknown-tracker': 'problem_unknown_tracker',
  'conflict': 'problem_conflict',
  'election-not-open': 'problem_not_open',
  'election-closed': 'problem_closed',
  'audited-ballot': 'problem_audited_ballot',
  'already-on-board': 'problem_already_on_board',
  'too-large': 'problem_too_large',
  'proof-fails': 'problem_bad_proof',
  'bad-proof': 'problem_bad_proof',
  'bad-signature': 'problem_bad_signature',
  'rejected': 'problem_rejected',
  'not-eligible': 'problem_not_eligible',
  'wrong-ballot-style': 'problem_wrong_ballot_style',
  'wrong-election': 'problem_wrong_election',
  'too-many-failures': 'problem_too_many_failures',
  'storage-error': 'problem_server',
  'internal-error': 'problem_server',
});

/** When the code is missing or unknown (an older or foreign server): by the HTTP status. */
function byStatus(status) {
  if (status === 404) return 'problem_not_found';
  if (status === 409) return 'problem_conflict';
  if (status === 413) return 'problem_too_large';
  if (status === 422) return 'problem_rejected';
  if (status === 429) return 'problem_too_many_failures';
  if (status >= 500) return 'problem_server';
  return 'problem_refused';
}

/**
 * What to tell the voter about `err`: {key, params, detail}. `key` and `params` are for
 * `translate`; `detail` is the English technical text (the server's `detail`, or a protocol
 * error's message) for the "technical details" disclosure, or null.
 */
export function explain(err) {
  if (err instanceof NetworkError) return { key: 'err_network', params: {}, detail: null };
  if (err instanceof ApiError) {
    const code = typeof err.problem?.code === 'string' ? err.problem.code : null;
    const key = (code && Object.hasOwn(CODE_MESSAGES, code) && CODE_MESSAGES[code]) || byStatus(err.status);
    const detail = [`HTTP ${err.status}`, code, err.detail].filter(Boolean).join(' · ');
    return { key, params: { status: err.status }, detail };
  }
  return { key: 'err_unexpected', params: {}, detail: String(err?.message ?? err) };
}

/** Whether a failed request may be sent again as it is: no answer at all, or the board's fault. */
export function retryable(err) {
  return err instanceof NetworkError || (err instanceof ApiError && err.status >= 500);
}
