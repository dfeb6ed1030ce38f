// Fetching JSON from the server, shared by every page (the booth's api.js, the console's
// client.js, the results page's source.js). Errors are RFC 9457 problem details {"type",
// "title", "status", "detail", "code"}: an answer that is not 2xx becomes an ApiError carrying
// the problem, no answer at all a NetworkError; each page turns these into its own words.

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

/**
 * `method` `url` with `headers` (Accept: application/json is added) and `body`, never cached,
 * cookies of this origin only. Returns `{status, data}`: `data` is the parsed JSON, or null
 * when the body is empty or not JSON (the caller decides whether that is allowed).
 */
export async function fetchJson(url, { method = 'GET', headers = {}, body = undefined } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { Accept: 'application/json', ...headers },
      body,
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
  return { status: response.status, data };
}
