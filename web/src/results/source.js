// Where the page reads its data: the board's API (served by `openballot serve`), or the
// files written next to an exported record (`openballot.cli.results_site`), named on the
// page's root element as data-static="FOLDER". The static copy is a finished record: it has
// no live view and asks nothing of a board.

import { ApiError, NetworkError, fetchJson } from '../http.js';

export class LoadError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function getJson(url) {
  let answer;
  try {
    answer = await fetchJson(url);
  } catch (e) {
    if (e instanceof NetworkError) throw new LoadError(0, `${url}: no answer (network)`);
    if (e instanceof ApiError) throw new LoadError(e.status, `${url}: ${e.detail ?? `HTTP ${e.status}`}`);
    throw e;
  }
  const { status, data } = answer;
  if (data === null || typeof data !== 'object') throw new LoadError(status, `${url}: not JSON`);
  return data;
}

/** null when the answer is 404 (a result not published yet). */
async function optional(url) {
  try {
    return await getJson(url);
  } catch (e) {
    if (e instanceof LoadError && e.status === 404) return null;
    throw e;
  }
}

const seg = encodeURIComponent;

/** The API of the board at `api` (e.g. "/api") for election `id`. */
export function apiSource(api, id) {
  const e = `${api}/elections/${seg(id)}`;
  return {
    live: true,
    electionId: id,
    election: () => getJson(e),
    board: () => getJson(`${api}/board`),
    result: () => optional(`${e}/result`),
    treeHead: () => getJson(`${e}/board/tree-head`),
    consistency: (first, second) => getJson(`${e}/board/consistency?first=${first}&second=${second}`),
    activity: (bucket) => getJson(`${e}/activity?bucket=${bucket}`),
    recordUrl: `${e}/record.zip`,
  };
}

/** The files of a static copy in folder `dir` (relative to the page). */
export function staticSource(dir) {
  return {
    live: false,
    electionId: null,
    election: () => getJson(`${dir}/election.json`),
    board: () => getJson(`${dir}/board.json`),
    result: () => optional(`${dir}/result.json`),
    treeHead: () => getJson(`${dir}/tree-head.json`),
    consistency: null,
    activity: null,
    recordUrl: 'record.zip',
  };
}
