// The voting booth page: load the election and check its fingerprint, take the voter's code,
// show the ballot of their district, encrypt it here, then cast it (checking the receipt) or
// audit it (checking the opening) and encrypt again.

import {
  CodeError,
  FingerprintMismatch,
  Manifest,
  credentialSecret,
  contextFromElection,
  encryptBallot,
  fromHex,
  gPow,
  normalizeCode,
  readOpening,
  toHex,
  verifyReceipt,
} from './protocol/index.js';
import { ApiError, api } from './api.js';
import { castWithRetries } from './cast.js';
import { contestRule, electionIdFromSearch, fingerprintPin, groupHex, hasBlankRadio, inputKind } from './format.js';
import { CODE_EXAMPLE, formatDate, formatNumber } from './i18n.js';
import { $, Texts, el } from './page.js';

const state = {
  lang: 'en',
  electionId: null,
  election: null, // the API's answer
  ctx: null,
  boardKey: null,
  secret: null, // the credential secret: memory only, never stored or sent
  credential: null,
  district: null,
  ballot: null, // the encrypted ballot awaiting cast or audit
  opening: null,
  receipt: null, // {response, verified, error}
};

// -- text in the current language -----------------------------------------------------------

const texts = new Texts((lang) => {
  state.lang = lang;
  updateCheckLink();
  document.title = state.ctx ? `${label(state.ctx.manifest.title)} — ${t('page_title')}` : t('page_title');
});
const t = texts.t;
const setText = (node, render) => texts.set(node, render);
const clearText = (node) => texts.clear(node);
const applyLanguage = (lang) => texts.apply(lang);

function label(labels) {
  return labels.get(state.lang);
}

// -- messages -------------------------------------------------------------------------------

const showError = (render, detail, reveal) => texts.showError(render, detail, reveal);
const clearError = () => texts.clearError();
const showProblem = (err, reveal) => texts.showProblem(err, reveal);

function status(render) {
  if (render) setText($('status'), render);
  else clearText($('status'));
}

function show(id, visible = true) {
  $(id).hidden = !visible;
}

function focusHeading(id) {
  const el = $(id);
  el.focus();
  el.scrollIntoView?.({ block: 'start' });
}

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 30));

// -- step 0: the election -------------------------------------------------------------------

async function loadElection() {
  state.electionId = electionIdFromSearch(location.search);
  if (!state.electionId) {
    setText($('election-title'), () => t('page_title'));
    showError(() => t('err_no_election'));
    return;
  }
  status(() => t('loading'));
  let data;
  try {
    ({ data } = await api.election(state.electionId));
  } catch (err) {
    status(null);
    showProblem(err);
    return;
  }
  status(null);
  if (data && data.state !== 'open') {
    // Before it opens the election has no fingerprint yet; after it closes there is nothing to do.
    try {
      const manifest = Manifest.fromJSON(data.manifest);
      const title = $('election-title');
      delete title.dataset.i18n;
      setText(title, () => label(manifest.title));
    } catch {
      // the title is only a courtesy here
    }
    // The server's state name is English: the voter gets words of her own, the name goes to
    // the technical details.
    const known = ['setup', 'closed', 'decrypted'].includes(data.state);
    showError(() => t(known ? `err_state_${data.state}` : 'err_not_open'), `state: ${String(data.state)}`);
    return;
  }
  try {
    state.ctx = contextFromElection(data);
    state.boardKey = toHex(fromHex(data.board_key, 32, 'board_key'));
  } catch (err) {
    if (err instanceof FingerprintMismatch) showError(() => t('err_fingerprint'));
    else showError(() => t('err_election_data'), err.message);
    return;
  }
  const pin = fingerprintPin(location.search);
  if (pin === false || (pin && !state.ctx.fingerprintHex().startsWith(pin))) {
    showError(() => t('err_fingerprint'));
    return;
  }
  state.election = data;
  const manifest = state.ctx.manifest;
  if (manifest.electionId !== state.electionId) {
    showError(() => t('err_other_election', { id: manifest.electionId }));
    return;
  }
  const title = $('election-title');
  delete title.dataset.i18n;
  setText(title, () => label(manifest.title));
  const fp = state.ctx.fingerprintHex();
  $('fingerprint-short').textContent = groupHex(fp.slice(0, 16));
  $('fingerprint-full').textContent = groupHex(fp);
  show('fingerprint');
  applyLanguage(state.lang);
  show('step-code');
}

// -- step 1: the code -----------------------------------------------------------------------

function codeError(render) {
  const input = $('code');
  if (render) {
    setText($('code-error'), render);
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  } else {
    clearText($('code-error'));
    input.removeAttribute('aria-invalid');
  }
}

async function onCodeSubmit(event) {
  event.preventDefault();
  clearError();
  const raw = $('code').value;
  if (!raw.trim()) return codeError(() => t('code_err_empty'));
  let normalized;
  try {
    normalized = normalizeCode(raw);
  } catch (err) {
    if (err instanceof CodeError) return codeError(() => t(err.reason === 'check' ? 'code_err_check' : 'code_err_format'));
    throw err;
  }
  codeError(null);
  const secret = credentialSecret(state.electionId, normalized);
  const credential = gPow(secret);
  const button = $('code-submit');
  button.disabled = true;
  status(() => t('code_checking'));
  let district;
  try {
    ({ data: { district } } = await api.credential(state.electionId, credential.hex()));
  } catch (err) {
    status(null);
    button.disabled = false;
    if (err instanceof ApiError && err.status === 404) return codeError(() => t('code_err_unknown'));
    return showProblem(err);
  }
  button.disabled = false;
  const d = typeof district === 'string' ? state.ctx.manifest.district(district) : undefined;
  if (!d) {
    status(null);
    return showError(() => t('err_unknown_district'));
  }
  state.secret = secret;
  state.credential = credential;
  state.district = district;
  $('code').value = '';
  buildBallot();
  show('step-code', false);
  show('step-ballot');
  status(() => t('code_accepted', { district: label(d.labels) }));
  focusHeading('ballot-heading');
}

// -- step 2: the ballot ---------------------------------------------------------------------

function buildBallot() {
  const manifest = state.ctx.manifest;
  const district = manifest.district(state.district);
  setText($('ballot-district'), () => t('ballot_district', { district: label(district.labels) }));
  const root = $('contests');
  root.replaceChildren();
  for (const contest of manifest.ballotStyle(state.district)) {
    const kind = inputKind(contest);
    const ruleId = `rule-${contest.id}`;
    const msgId = `msg-${contest.id}`;
    const legend = el('legend');
    setText(legend, () => label(contest.labels));
    const rule = el('p', { id: ruleId, class: 'rule' });
    setText(rule, () => {
      const [key, params] = contestRule(contest);
      return t(key, params);
    });
    const options = el('div', { class: 'options' });
    for (const option of contest.options) {
      const id = `opt-${contest.id}-${option.id}`;
      const input = el('input', {
        type: kind,
        id,
        name: `contest-${contest.id}`,
        value: option.id,
        dataset: { option: option.id, testid: `option-${contest.id}-${option.id}` },
      });
      const text = el('label', { for: id });
      setText(text, () => label(option.labels));
      options.append(el('div', { class: 'option' }, [input, text]));
    }
    if (hasBlankRadio(contest)) {
      // "Choose one or none" as radio buttons: the blank vote is a choice of its own, so the
      // voter can come back to it (a checked radio cannot be unchecked).
      const id = `opt-${contest.id}-blank`;
      const input = el('input', {
        type: 'radio',
        id,
        name: `contest-${contest.id}`,
        value: '',
        dataset: { blank: 'true', testid: `option-${contest.id}-blank` },
      });
      const text = el('label', { for: id, class: 'blank-choice' });
      setText(text, () => t('blank_choice'));
      options.append(el('div', { class: 'option blank' }, [input, text]));
    }
    const message = el('p', { id: msgId, class: 'contest-message', 'aria-live': 'polite' });
    const fieldset = el(
      'fieldset',
      {
        class: 'contest',
        'aria-describedby': `${ruleId} ${msgId}`,
        dataset: { contest: contest.id, testid: `contest-${contest.id}` },
        ...(kind === 'radio' ? { role: 'radiogroup' } : {}),
      },
      [legend, rule, options, message],
    );
    fieldset.addEventListener('change', () => updateLimits(contest, fieldset));
    root.append(fieldset);
  }
}

function chosenIn(fieldset) {
  return [...fieldset.querySelectorAll('input:checked:not([data-blank])')].map((i) => i.value);
}

function updateLimits(contest, fieldset) {
  const inputs = [...fieldset.querySelectorAll('input')];
  const chosen = inputs.filter((i) => i.checked).length;
  const message = fieldset.querySelector('.contest-message');
  fieldset.removeAttribute('aria-invalid');
  if (inputKind(contest) === 'checkbox') {
    const full = chosen >= contest.maxSelections;
    for (const input of inputs) input.disabled = full && !input.checked;
    if (full) setText(message, () => t('at_max', { max: contest.maxSelections }));
    else clearText(message);
  } else {
    clearText(message);
  }
  if (!$('ballot-message').hidden && missingContests().length === 0) {
    clearText($('ballot-message'));
    show('ballot-message', false);
  }
}

function missingContests() {
  const style = state.ctx.manifest.ballotStyle(state.district);
  return style.filter((c) => {
    const fs = document.querySelector(`fieldset[data-contest="${c.id}"]`);
    return chosenIn(fs).length < c.minSelections;
  });
}

async function onEncrypt(event) {
  event.preventDefault();
  clearError();
  const style = state.ctx.manifest.ballotStyle(state.district);
  const missing = missingContests();
  const box = $('ballot-message');
  if (missing.length) {
    for (const c of missing) {
      const fs = document.querySelector(`fieldset[data-contest="${c.id}"]`);
      fs.setAttribute('aria-invalid', 'true');
    }
    setText(box, () =>
      [t('ballot_incomplete'), ...missing.map((c) => t('too_few', { contest: label(c.labels), min: c.minSelections }))].join(' '),
    );
    box.hidden = false;
    document.querySelector(`fieldset[data-contest="${missing[0].id}"] input:not(:disabled)`)?.focus();
    return;
  }
  clearText(box);
  box.hidden = true;
  const choices = new Map(
    style.map((c) => [c.id, chosenIn(document.querySelector(`fieldset[data-contest="${c.id}"]`))]),
  );
  const button = $('encrypt');
  button.disabled = true;
  status(() => t('encrypting'));
  await nextFrame(); // let the status show before the work
  try {
    const { ballot, opening } = encryptBallot(state.ctx, state.district, state.secret, choices);
    state.ballot = ballot;
    state.opening = opening;
  } catch (err) {
    status(null);
    showError(() => t('err_encrypt'), err.message, true);
    return;
  } finally {
    button.disabled = false;
  }
  status(null);
  const tracker = state.ballot.trackerHex();
  const trackerEl = $('tracker');
  trackerEl.textContent = groupHex(tracker);
  trackerEl.dataset.tracker = tracker;
  for (const id of ['cast', 'audit', 'change']) $(id).disabled = false;
  show('audit-result', false);
  show('step-ballot', false);
  show('step-review');
  focusHeading('review-heading');
}

function onChange() {
  state.ballot = null;
  state.opening = null;
  show('step-review', false);
  show('step-ballot');
  focusHeading('ballot-heading');
}

// -- step 3a: audit -------------------------------------------------------------------------

async function onAudit() {
  const { ballot, opening } = state;
  if (!ballot) return;
  clearError();
  for (const id of ['cast', 'audit', 'change']) $(id).disabled = true;
  status(() => t('auditing'));
  await nextFrame();
  // Once opened, this ballot can never be cast: forget it whatever happens next.
  state.ballot = null;
  state.opening = null;
  let opened = null;
  let failure = null;
  try {
    opened = readOpening(state.ctx, ballot, opening);
  } catch (err) {
    failure = err;
  }
  let published = false;
  try {
    const { data } = await api.audit(state.electionId, ballot.toJSON(), opening.toJSON());
    if (data && data.entry !== undefined && data.tree_head !== undefined) {
      verifyReceipt(data, { ballot, electionId: state.electionId, boardKey: state.boardKey, kind: 'audit' });
      published = true;
    }
  } catch (err) {
    showProblem(err);
  }
  status(null);
  renderAudit(ballot, opened, failure, published);
  show('step-review', false);
  show('audit-result');
  if (!failure) show('step-ballot');
  focusHeading('audit-heading');
}

function renderAudit(ballot, opened, failure, published) {
  const body = $('audit-body');
  texts.forget(body);
  body.replaceChildren();
  const tracker = ballot.trackerHex();
  if (failure) {
    const p = el('p', { class: 'error-box', role: 'alert' });
    setText(p, () => t('audit_failed'));
    body.append(p, texts.technicalDetails(failure.message));
    return;
  }
  const intro = el('p');
  setText(intro, () => t('audit_intro'));
  const list = el('dl', { class: 'details audit-choices', dataset: { testid: 'audit-choices' } });
  const manifest = state.ctx.manifest;
  for (const { contest: contestId, chosen } of opened) {
    const contest = manifest.contest(contestId);
    const dt = el('dt', { dataset: { contest: contestId } });
    setText(dt, () => label(contest.labels));
    const dd = el('dd', { dataset: { contest: contestId, chosen: chosen.join(' ') } });
    setText(dd, () =>
      chosen.length
        ? chosen.map((id) => label(contest.options.find((o) => o.id === id).labels)).join(state.lang === 'ar' ? '، ' : ', ')
        : t('audit_blank'),
    );
    list.append(dt, dd);
  }
  const notCounted = el('p', { class: 'warning' });
  setText(notCounted, () => t('audit_not_counted'));
  const lookup = el('p');
  setText(lookup, () => t('audit_lookup'));
  const code = el('code', { class: 'tracker hex', dir: 'ltr', dataset: { tracker } });
  code.textContent = groupHex(tracker);
  body.append(intro, list, notCounted, lookup, el('p', {}, [code]));
  if (published) {
    const p = el('p');
    setText(p, () => t('audit_published'));
    body.append(p);
  }
}

// -- step 3b: cast and receipt --------------------------------------------------------------

async function onCast() {
  const ballot = state.ballot;
  if (!ballot) return;
  clearError();
  for (const id of ['cast', 'audit', 'change']) $(id).disabled = true;
  status(() => t('casting'));
  let data;
  let recovered;
  try {
    ({ data, recovered } = await castWithRetries(state.electionId, ballot, {
      onRetry: (attempt, max) => status(() => t('cast_retrying', { attempt, max })),
      onAsk: () => status(() => t('cast_asking')),
    }));
  } catch (err) {
    status(null);
    // The message is far from the cast button on a phone: bring it into view and focus it.
    showProblem(err, true);
    for (const id of ['cast', 'audit', 'change']) $(id).disabled = false;
    return;
  }
  state.ballot = null;
  state.opening = null;
  state.secret = null; // voting again starts from the code
  let checked = null;
  let error = null;
  try {
    checked = verifyReceipt(data, { ballot, electionId: state.electionId, boardKey: state.boardKey });
  } catch (err) {
    error = err;
  }
  state.receipt = { response: data, ballot: ballot.toJSON(), verified: !error, error: error ? error.message : null };
  status(recovered && !error ? () => t('cast_recovered') : null);
  renderReceipt(ballot.trackerHex(), data, checked, error);
  show('step-review', false);
  show('step-ballot', false);
  show('receipt');
  focusHeading('receipt-heading');
}

function renderReceipt(tracker, data, checked, error) {
  const message = $('receipt-message');
  const section = $('receipt');
  // One badge in the voter's language; the same word in every language ("verified" or
  // "failed") is in its data-status, for tools comparing notes (and the end-to-end tests).
  const badge = $('receipt-status');
  badge.dataset.status = error ? 'failed' : 'verified';
  section.dataset.status = badge.dataset.status;
  section.classList.toggle('failed', Boolean(error));
  texts.forget($('receipt-technical'));
  $('receipt-technical').replaceChildren();
  if (error) {
    setText(badge, () => t('receipt_failed'));
    setText(message, () => t('receipt_bad'));
    message.setAttribute('role', 'alert');
    $('receipt-technical').append(texts.technicalDetails(error.message));
  } else {
    setText(badge, () => t('receipt_verified'));
    setText(message, () => t('receipt_ok'));
    message.removeAttribute('role');
  }
  const dl = $('receipt-details');
  texts.forget(dl);
  dl.replaceChildren();
  const head = data && typeof data.tree_head === 'object' && data.tree_head ? data.tree_head : {};
  const rows = [
    ['receipt_tracker', groupHex(tracker), 'receipt-tracker', true],
    ['receipt_index', Number.isSafeInteger(data?.index) ? data.index : '—', 'receipt-index', false],
    ['receipt_size', Number.isSafeInteger(head.size) ? head.size : '—', 'receipt-size', false],
    ['receipt_root', typeof head.root === 'string' ? groupHex(head.root) : '—', 'receipt-root', true],
    ['receipt_time', head.timestamp, 'receipt-time', false],
    ['receipt_key', groupHex(state.boardKey), 'receipt-key', true],
  ];
  for (const [key, value, testid, hex] of rows) {
    const dt = el('dt');
    setText(dt, () => t(key));
    const dd = el('dd', { dataset: { testid } });
    if (hex) {
      dd.append(el('code', { class: 'hex', dir: 'ltr' }, [String(value)]));
    } else if (key === 'receipt_time') {
      setText(dd, () => (Number.isSafeInteger(value) ? formatDate(state.lang, value) : '—'));
    } else {
      setText(dd, () => (typeof value === 'number' ? formatNumber(state.lang, value) : String(value)));
    }
    dl.append(dt, dd);
  }
  if (checked) $('receipt').dataset.tracker = checked.tracker;
  updateCheckLink();
}

/** The receipt page's link to the "check my ballot" page, with the tracker filled in. */
function updateCheckLink() {
  const link = $('check-link');
  const tracker = state.receipt?.response?.tracker;
  if (!link || typeof tracker !== 'string') return;
  const query = new URLSearchParams({ election: state.electionId, tracker, lang: state.lang });
  link.href = `check.html?${query}`;
}

function onDownload() {
  const r = state.receipt;
  if (!r) return;
  const document_ = {
    format: 'openballot-receipt/1',
    election: state.electionId,
    fingerprint: state.ctx.fingerprintHex(),
    board_key: state.boardKey,
    verified_by_booth: r.verified,
    verification_error: r.error,
    ballot: r.ballot,
    receipt: r.response,
    checked_at: new Date().toISOString(),
  };
  const blob = new Blob([JSON.stringify(document_, null, 2) + '\n'], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: `openballot-receipt-${String(r.response?.tracker ?? 'unknown').slice(0, 16)}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// -- start ----------------------------------------------------------------------------------

function start() {
  setText($('code-help'), () => t('code_help', { example: CODE_EXAMPLE }));
  texts.start();
  $('code-form').addEventListener('submit', (e) => onCodeSubmit(e).catch(crash));
  $('ballot-form').addEventListener('submit', (e) => onEncrypt(e).catch(crash));
  $('cast').addEventListener('click', () => onCast().catch(crash));
  $('audit').addEventListener('click', () => onAudit().catch(crash));
  $('change').addEventListener('click', onChange);
  $('download').addEventListener('click', onDownload);
  loadElection().catch(crash);
}

function crash(err) {
  console.error(err);
  status(null);
  showProblem(err, true);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
