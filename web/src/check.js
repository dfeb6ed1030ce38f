// The "check my ballot" page (check.html?election=ID[&tracker=HEX][&lang=]): takes a tracker
// typed in, or the receipt file the booth saved; asks the board what became of the ballot
// (GET /api/elections/{id}/ballots/{tracker}); checks the answer here (ballotcheck.js: the
// board's signature on its latest head, the inclusion proof and, given the receipt, the
// consistency proof from the receipt's head to the latest); then says in plain words what
// became of the ballot, or which check failed.

import { ApiError, NetworkError, api } from './api.js';
import {
  CheckFailed,
  checkConsistency,
  checkKeptReceipt,
  checkSameLeaf,
  checkStatusAnswer,
  readReceiptFile,
} from './ballotcheck.js';
import { electionIdFromSearch, groupHex, normalizeTracker, trackerFromSearch } from './format.js';
import { formatDate, formatNumber } from './i18n.js';
import { $, Texts, el } from './page.js';
import { fromHex, toHex } from './protocol/bytes.js';
import { Manifest } from './protocol/manifest.js';

const state = {
  lang: 'en',
  electionId: null, // from the address, else from the receipt file
  boardKey: null, // hex, from GET /api/board
  title: null, // the election's title labels, once known
};

const texts = new Texts((lang) => {
  state.lang = lang;
  document.title = t('check_page_title');
});
const t = texts.t;

function status(render) {
  if (render) texts.set($('status'), render);
  else texts.clear($('status'));
}

function inputError(render) {
  const box = $('check-input-error');
  const tracker = $('check-tracker');
  if (!render) {
    texts.clear(box);
    tracker.removeAttribute('aria-invalid');
    return;
  }
  texts.set(box, render);
  tracker.setAttribute('aria-invalid', 'true');
  tracker.focus();
}

// -- the board and the election -------------------------------------------------------------

async function boardKey() {
  if (!state.boardKey) {
    const { data } = await api.board();
    state.boardKey = toHex(fromHex(data.board_key, 32, 'board_key'));
  }
  return state.boardKey;
}

async function showTitle(electionId) {
  try {
    const { data } = await api.election(electionId);
    const manifest = Manifest.fromJSON(data.manifest);
    texts.set($('election-title'), () => manifest.title.get(state.lang));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) texts.showProblem(err);
    // otherwise the title is only a courtesy: the checks do not depend on it
  }
}

// -- the checks -----------------------------------------------------------------------------

/**
 * Everything the page checks, in order. Returns {steps: [[check, ok, render]], fate, latest,
 * failure (a CheckFailed or null), absent}.
 */
async function runChecks(electionId, tracker, file) {
  const key = await boardKey();
  const steps = [];
  const outcome = { steps, latest: null, failure: null, absent: false, kept: null };
  try {
    if (file) {
      outcome.kept = checkKeptReceipt(file, { electionId, boardKey: key });
    }
    let answer;
    try {
      ({ data: answer } = await api.ballot(electionId, tracker));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && err.problem?.code !== 'unknown-election') {
        outcome.absent = true;
        if (outcome.kept) steps.push(['receipt', true, () => t('check_receipt_ok')]);
        return outcome;
      }
      throw err;
    }
    const latest = checkStatusAnswer(answer, { tracker, electionId, boardKey: key });
    outcome.latest = latest;
    steps.push(['signature', true, () => t('check_signature_ok', { size: latest.size })]);
    steps.push(['inclusion', true, () => t('check_inclusion_ok', { index: latest.index })]);
    const kept = outcome.kept;
    if (!kept) {
      steps.push(['consistency', null, () => t('check_consistency_skipped')]);
      return outcome;
    }
    checkSameLeaf(kept, latest);
    steps.push(['receipt', true, () => t('check_receipt_ok')]);
    let proof = [];
    if (kept.size < latest.size) {
      const { data } = await api.consistency(electionId, kept.size, latest.size);
      proof = Array.isArray(data.proof) ? data.proof : [];
    }
    checkConsistency(kept, latest, proof);
    steps.push(['consistency', true, () => t('check_consistency_ok', { first: kept.size })]);
  } catch (err) {
    if (!(err instanceof CheckFailed)) throw err;
    outcome.failure = err;
    steps.push([err.check, false, () => t(`check_fail_${err.check === 'file' ? 'receipt' : err.check}`)]);
  }
  return outcome;
}

// -- the answer in plain words --------------------------------------------------------------

function fateText(latest) {
  if (latest.fate === 'superseded') return () => t('fate_superseded', { later: latest.supersededBy });
  return () => t(`fate_${latest.fate.replace('-', '_')}`);
}

function render(tracker, outcome) {
  const section = $('check-result');
  const badge = $('check-status');
  const fate = $('check-fate');
  const technical = $('check-technical');
  texts.forget(technical);
  technical.replaceChildren();
  const { failure, latest, absent, kept } = outcome;
  let verdict;
  if (failure) {
    verdict = 'failed';
    texts.set(fate, () => t('check_fail'));
    technical.append(texts.technicalDetails(failure.message));
  } else if (absent) {
    // A receipt signed by the board for a ballot it now denies is evidence against it.
    verdict = kept ? 'failed' : 'absent';
    texts.set(fate, () => t(kept ? 'fate_absent_receipted' : 'fate_absent'));
  } else {
    verdict = 'proven';
    texts.set(fate, fateText(latest));
    if (latest.reason) technical.append(texts.technicalDetails(latest.reason));
  }
  section.dataset.status = verdict;
  section.dataset.fate = failure ? '' : absent ? 'absent' : latest.fate;
  section.classList.toggle('failed', verdict === 'failed');
  if (verdict === 'failed' || verdict === 'proven') {
    badge.hidden = false;
    texts.set(badge, () => t(verdict === 'proven' ? 'check_proven' : 'check_not_proven'));
  } else {
    texts.clear(badge);
    badge.hidden = true;
  }
  fate.setAttribute('role', verdict === 'failed' ? 'alert' : 'status');

  const list = $('check-steps');
  texts.forget(list);
  list.replaceChildren();
  for (const [check, ok, text] of outcome.steps) {
    const mark = ok === true ? '✓' : ok === false ? '✗' : '–';
    const item = el('li', { dataset: { check, ok: ok === null ? 'skipped' : String(ok) } });
    const words = el('span');
    texts.set(words, text);
    item.append(el('span', { class: 'mark', 'aria-hidden': 'true' }, [mark]), ' ', words);
    list.append(item);
  }

  const dl = $('check-details');
  texts.forget(dl);
  dl.replaceChildren();
  const rows = [['receipt_tracker', groupHex(tracker), true]];
  if (latest && !failure) {
    rows.push(['receipt_index', latest.index], ['receipt_size', latest.size]);
    rows.push(['check_signed_on', null, false, latest.timestamp]);
  }
  rows.push(['receipt_key', groupHex(state.boardKey ?? ''), true]);
  for (const [key, value, hex, time] of rows) {
    const dt = el('dt');
    texts.set(dt, () => t(key));
    const dd = el('dd');
    if (hex) dd.append(el('code', { class: 'hex', dir: 'ltr' }, [String(value)]));
    else if (time !== undefined) texts.set(dd, () => formatDate(state.lang, time));
    else texts.set(dd, () => formatNumber(state.lang, value));
    dl.append(dt, dd);
  }
  section.hidden = false;
  $('check-form-step').hidden = true;
  const heading = $('check-result-heading');
  heading.focus();
  heading.scrollIntoView?.({ block: 'start' });
}

// -- the form -------------------------------------------------------------------------------

async function readFile(input) {
  const file = input.files?.[0];
  if (!file) return null;
  return readReceiptFile(await file.text());
}

async function onSubmit(event) {
  event.preventDefault();
  texts.clearError();
  inputError(null);
  let electionId = state.electionId;
  let file;
  try {
    file = await readFile($('check-file'));
  } catch {
    return inputError(() => t('check_file_bad'));
  }
  let tracker;
  if (file) {
    if (electionId && file.electionId !== electionId) {
      return inputError(() => t('check_file_election', { id: file.electionId }));
    }
    electionId = electionIdFromSearch(`?election=${encodeURIComponent(file.electionId)}`);
    tracker = normalizeTracker(file.tracker);
    if (!electionId || !tracker) return inputError(() => t('check_file_bad'));
    $('check-tracker').value = groupHex(tracker);
    if (!state.electionId) {
      state.electionId = electionId;
      showTitle(electionId);
    }
  } else {
    const raw = $('check-tracker').value;
    if (!raw.trim()) return inputError(() => t('check_tracker_empty'));
    tracker = normalizeTracker(raw);
    if (!tracker) return inputError(() => t('check_tracker_format'));
    if (!electionId) return texts.showError(() => t('err_no_election'), null, true);
  }
  const button = $('check-submit');
  button.disabled = true;
  status(() => t('checking'));
  try {
    render(tracker, await runChecks(electionId, tracker, file));
    status(null);
  } catch (err) {
    status(null);
    if (err instanceof NetworkError) texts.showError(() => t('check_fail_network'), null, true);
    else texts.showProblem(err, true);
  } finally {
    button.disabled = false;
  }
}

function onAgain() {
  $('check-result').hidden = true;
  $('check-form-step').hidden = false;
  $('check-file').value = '';
  $('check-tracker').focus();
}

function start() {
  texts.start();
  state.electionId = electionIdFromSearch(location.search);
  const tracker = trackerFromSearch(location.search);
  if (tracker) $('check-tracker').value = groupHex(tracker);
  $('check-form').addEventListener('submit', (e) => onSubmit(e).catch(crash));
  $('check-again').addEventListener('click', onAgain);
  if (state.electionId) showTitle(state.electionId).catch(crash);
}

function crash(err) {
  console.error(err);
  status(null);
  texts.showProblem(err, true);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
