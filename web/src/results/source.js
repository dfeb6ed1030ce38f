// Where the page reads its data: the board's API (served by `openballot serve`), or the
// files written next to an exported record (`openballot.cli.results_site`), named on the
// page's root element as data-static="FOLDER". The static copy is a finished record: it has
// no live view and asks nothing of a board.

export class LoadError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function getJson(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
  } catch {
    throw new LoadError(0, `${url}: no answer (network)`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const detail = data && typeof data.detail === 'string' ? data.detail : `HTTP ${response.status}`;
    throw new LoadError(response.status, `${url}: ${detail}`);
  }
  if (data === null || typeof data !== 'object') throw new LoadError(response.status, `${url}: not JSON`);
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
