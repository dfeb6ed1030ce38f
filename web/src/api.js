// The server's JSON API. Errors are RFC 9457 problem details {"type", "title", "status",
// "detail", "code"}; the booth shows its own words for `code` (problems.js) and keeps
// `ApiError.detail` (English) for its "technical details".

export class NetworkError extends Error {}

export class ApiError extends Error {
  constructor(status, problem) {
    const p = problem && typeof problem === 'object' ? problem : {};
    super(typeof p.detail === 'string' && p.detail ? p.detail : typeof p.title === 'string' ? p.title : `HTTP ${status}`);
    this.status = status;
    this.problem = p;
    this.detail = typeof p.detail === 'string' ? p.detail : null;
  }
}

export function apiBase() {
  return globalThis.document?.documentElement?.dataset?.api || '/api';
}

async function request(method, path, body) {
  let response;
  try {
    response = await fetch(apiBase() + path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch {
    throw new NetworkError('network');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  if (data === null || typeof data !== 'object') throw new ApiError(response.status, { detail: 'the server did not answer with JSON' });
  return { status: response.status, data };
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
