// The server's JSON API (fetched by http.js). Errors are RFC 9457 problem details {"type",
// "title", "status", "detail", "code"}; the booth shows its own words for `code` (problems.js)
// and keeps `ApiError.detail` (English) for its "technical details".

import { ApiError, NetworkError, fetchJson } from './http.js';

export { ApiError, NetworkError };

export function apiBase() {
  return globalThis.document?.documentElement?.dataset?.api || '/api';
}

async function request(method, path, body) {
  const { status, data } = await fetchJson(apiBase() + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (data === null || typeof data !== 'object') throw new ApiError(status, { detail: 'the server did not answer with JSON' });
  return { status, data };
}

const seg = encodeURIComponent;

export const api = {
  election: (id) => request('GET', `/elections/${seg(id)}`),
  credential: (id, credentialHex) => request('GET', `/elections/${seg(id)}/credentials/${seg(credentialHex)}`),
  cast: (id, ballot) => request('POST', `/elections/${seg(id)}/ballots`, { ballot }),
  audit: (id, ballot, opening) => request('POST', `/elections/${seg(id)}/audits`, { ballot, opening }),
  ballot: (id, trackerHex) => request('GET', `/elections/${seg(id)}/ballots/${seg(trackerHex)}`),
  board: () => request('GET', '/board'),
  consistency: (id, first, second) =>
    request('GET', `/elections/${seg(id)}/board/consistency?first=${first}&second=${second}`),
};
