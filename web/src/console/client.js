// The console's calls: the same /api/... endpoints as the CLI, authenticated by the session
// cookie the login sets (HttpOnly: this script never sees it) plus the session's CSRF token,
// held in this module's memory only and sent in a header with every change.

import { ApiError, NetworkError, fetchJson } from '../http.js';

let csrf = null;

export function setCsrf(value) {
  csrf = value;
}

async function request(method, path, { json, form } = {}) {
  const headers = {};
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const { data } = await fetchJson(`/api${path}`, { method, headers, body });
  return data;
}

const seg = encodeURIComponent;
const e = (id, rest = '') => `/elections/${seg(id)}${rest}`;

export const consoleApi = {
  login: (token) => request('POST', '/console/login', { form: { token } }),
  session: () => request('GET', '/console/session'),
  logout: () => request('POST', '/console/logout'),
  board: () => request('GET', '/board'),
  election: (id) => request('GET', e(id)),
  ceremony: (id) => request('GET', e(id, '/ceremony')),
  tally: (id) => request('GET', e(id, '/tally')),
  result: (id) => request('GET', e(id, '/result')),
  checkManifest: (body) => request('POST', '/manifests/check', { json: body }),
  create: (body) => request('POST', '/elections', { json: body }),
  open: (id) => request('POST', e(id, '/open')),
  close: (id) => request('POST', e(id, '/close')),
  publishResult: (id) => request('POST', e(id, '/result')),
};

export { ApiError, NetworkError };
