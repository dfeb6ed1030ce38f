// The election authority's console: log in, create an election from a checked and previewed
// manifest, hand out the role tokens once, follow the key ceremony, and run the phase
// actions. Every call goes through the public API (client.js); nothing here holds the admin
// token, and the role tokens live only in memory until each is downloaded.

import { LANGUAGES, translate as boothText, direction, formatNumber, isLanguage, preferredLanguage } from '../i18n.js';
import { contestRule } from '../format.js';
import { Manifest } from '../protocol/manifest.js';
import { ApiError, NetworkError, consoleApi, setCsrf } from './client.js';
import { KEYS, LANGUAGE_NAMES, translate } from './messages.js';
import {
  TRUSTEE_STEPS,
  countedBallots,
  phaseAction,
  problemKey,
  sortedRoles,
  tokenFileName,
  trusteeProgress,
} from './progress.js';

const $ = (id) => document.getElementById(id);
// Marks, without any token, which election's tokens are still to download: after a reload
// the console can say that they are gone. The tokens themselves are never stored.
const PENDING = 'openballot-console-pending-tokens';

const state = {
  lang: 'ar',
  view: null,
  render: () => {}, // re-renders the current view's dynamic parts in the current language
  checked: null, // the manifest check's answer, awaiting "create"
  created: null, // {election, tokens: Map(role -> token)}: memory only
  electionId: null,
  seen: null, // the election's data last rendered (the refresh re-renders only a change)
  timer: null,
};

const t = (key, params) => translate(state.lang, key, params);

function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) e.append(c);
  return e;
}

// -- language -------------------------------------------------------------------------------

function applyLanguage(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  document.documentElement.dir = direction(lang);
  $('language').value = lang;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  document.title = t('page_title');
  state.render();
}

function initialLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  return asked && isLanguage(asked) ? asked : preferredLanguage(navigator.languages, 'ar');
}

// -- messages -------------------------------------------------------------------------------

function status(text) {
  $('status').textContent = text ?? '';
}

/** An error box showing a translated problem detail, with the board's own words beneath. */
function showProblem(box, err) {
  box.replaceChildren();
  if (err instanceof NetworkError) {
    box.append(el('p', { text: t('err_network') }));
  } else if (err instanceof ApiError) {
    const key = problemKey(err.problem, KEYS);
    box.append(el('p', { text: t(key, { status: err.status }), 'data-testid': 'problem' }));
    if (err.detail) {
      box.append(
        el('p', { class: 'detail' }, [
          el('span', { text: `${t('problem_detail_label')} ` }),
          el('span', { lang: 'en', dir: 'ltr', text: err.detail, 'data-testid': 'problem-detail' }),
        ]),
      );
    }
  } else {
    box.append(el('p', { text: String(err.message ?? err) }));
  }
  box.hidden = false;
  box.focus?.();
  box.scrollIntoView?.({ block: 'nearest' });
}

function hideBox(box) {
  box.replaceChildren();
  box.hidden = true;
}

/** Whether `err` says that the session is gone: then the console goes back to the login. */
async function sessionLost(err) {
  if (!(err instanceof ApiError) || err.status !== 403) return false;
  try {
    await consoleApi.session();
    return false;
  } catch {
    setCsrf(null);
    showLogin('session_ended');
    return true;
  }
}

// -- confirmation ---------------------------------------------------------------------------

/** Ask in an accessible modal dialog; resolves true on "Confirm". Focus returns to the opener. */
function confirmAction(title, text) {
  const dialog = $('confirm');
  const opener = document.activeElement?.dataset?.testid;
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        refocus(opener);
        resolve(dialog.returnValue === 'ok');
      },
      { once: true },
    );
    dialog.showModal();
    dialog.querySelector('[value="cancel"]').focus();
  });
}

/** Focus the element of `testid`: a re-render may have replaced the one that had focus. */
function refocus(testid) {
  if (testid) document.querySelector(`[data-testid="${CSS.escape(testid)}"]`)?.focus();
}

// -- views ----------------------------------------------------------------------------------

function show(view, focusId) {
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== view;
  state.view = view;
  $('logout').hidden = view === 'view-login';
  clearInterval(state.timer);
  state.timer = null;
  if (focusId) $(focusId).focus();
}

function showLogin(messageKey) {
  state.render = () => {
    $('login-error').textContent = messageKey ? t(messageKey) : '';
  };
  show('view-login', 'login-heading');
  state.render();
}

async function login(event) {
  event.preventDefault();
  const field = $('token');
  const token = field.value.trim();
  const error = $('login-error');
  if (!token) {
    error.textContent = t('login_empty');
    field.setAttribute('aria-invalid', 'true');
    field.focus();
    return;
  }
  try {
    const session = await consoleApi.login(token);
    setCsrf(session.csrf);
    field.value = '';
    field.removeAttribute('aria-invalid');
    await route();
  } catch (err) {
    field.value = '';
    field.setAttribute('aria-invalid', 'true');
    if (err instanceof ApiError && err.status === 403) {
      state.render = () => {
        error.textContent = t('login_wrong');
      };
    } else {
      const key = err instanceof ApiError ? problemKey(err.problem, KEYS) : 'err_network';
      state.render = () => {
        error.textContent = t(key, { status: err.status ?? 0 });
      };
    }
    state.render();
    field.focus();
  }
}

async function logout() {
  try {
    await consoleApi.logout();
  } catch {
    // Ended or not, the page forgets it: the server's session dies by itself at expiry.
  }
  setCsrf(null);
  state.created = null;
  history.replaceState(null, '', location.pathname + location.search);
  showLogin('logged_out');
}

// -- home: the elections and the creation of one ---------------------------------------------

async function showHome() {
  show('view-home', 'home-heading');
  const list = $('elections');
  let elections = [];
  try {
    const ids = (await consoleApi.board()).elections;
    elections = await Promise.all(ids.map((id) => consoleApi.election(id)));
  } catch (err) {
    showProblem($('create-error'), err);
  }
  // Tokens of an election created in an earlier life of this page, never all downloaded.
  const pending = lostTokens();
  const lost = pending && pending !== state.created?.election ? pending : null;
  if (lost) markPending(null); // said once
  state.render = () => {
    list.replaceChildren(
      ...(elections.length
        ? elections.map((e) => {
            const m = Manifest.fromJSON(e.manifest);
            const text = t('election_item', { title: m.title.get(state.lang), id: e.election, state: t(`state_${e.state}`) });
            return el('li', {}, [el('a', { href: `#election=${encodeURIComponent(e.election)}`, text })]);
          })
        : [el('li', { text: t('no_elections') })]),
    );
    const box = $('lost-tokens');
    box.hidden = !lost;
    if (lost) box.textContent = t('tokens_lost', { id: lost });
    renderPreview();
  };
  state.render();
}

function lostTokens() {
  try {
    return sessionStorage.getItem(PENDING);
  } catch {
    return null;
  }
}

function markPending(electionId) {
  try {
    if (electionId) sessionStorage.setItem(PENDING, electionId);
    else sessionStorage.removeItem(PENDING);
  } catch {
    // Without storage the console cannot warn after a reload; the warning on the page stays.
  }
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

async function checkManifest(event) {
  event.preventDefault();
  const box = $('create-error');
  hideBox(box);
  state.checked = null;
  renderPreview();
  const file = $('manifest').files?.[0];
  if (!file) {
    showProblem(box, new Error(t('no_file')));
    return;
  }
  let manifest;
  try {
    manifest = JSON.parse(await readFile(file));
  } catch {
    showProblem(box, new Error(t('file_not_json', { name: file.name })));
    return;
  }
  const body = { manifest, trustees: Number($('trustees').value), threshold: Number($('threshold').value) };
  status(t('checking'));
  try {
    state.checked = await consoleApi.checkManifest(body);
    status('');
    renderPreview();
    $('preview-heading').focus();
  } catch (err) {
    status('');
    if (!(await sessionLost(err))) showProblem(box, err);
  }
}

/** A contest's rule in `lang`, in the booth's own words (its catalogue, web/src/i18n.js). */
function ruleText(lang, contest) {
  const [key, params] = contestRule(contest);
  return boothText(lang, key, params);
}

/** Every district's ballot in ar, ku and en, side by side, each in its own direction. */
function renderPreview() {
  const checked = state.checked;
  $('preview').hidden = !checked;
  if (!checked) return;
  const m = Manifest.fromJSON(checked.manifest);
  $('preview-summary').textContent = t('preview_summary', { id: checked.election, n: checked.trustees, t: checked.threshold });
  const body = $('preview-body');
  body.replaceChildren(
    ...m.districts.map((d) => {
      const heading = el('h3', { text: t('preview_district', { district: d.labels.get(state.lang) }) });
      const columns = LANGUAGES.map(({ code }) => {
        const contests = m.ballotStyle(d.id).map((c) =>
          el('div', { class: 'contest' }, [
            el('h5', { text: c.labels.get(code) }),
            el('p', { class: 'help', text: ruleText(code, c) }),
            el('ul', {}, c.options.map((o) => el('li', { text: o.labels.get(code) }))),
          ]),
        );
        return el('section', { class: 'ballot', lang: code, dir: direction(code), 'data-testid': `preview-${d.id}-${code}` }, [
          el('h4', { text: translate(code, 'preview_language', { language: LANGUAGE_NAMES[code][code] }) }),
          el('p', { class: 'ballot-title', text: m.title.get(code) }),
          ...contests,
        ]);
      });
      return el('section', { class: 'district', 'aria-label': d.labels.get(state.lang) }, [heading, el('div', { class: 'ballots' }, columns)]);
    }),
  );
}

async function createElection() {
  const checked = state.checked;
  if (!checked) return;
  const ok = await confirmAction(
    t('confirm_create_title'),
    t('confirm_create', { id: checked.election, n: checked.trustees, t: checked.threshold }),
  );
  if (!ok) return;
  status(t('creating'));
  try {
    const answer = await consoleApi.create({ manifest: checked.manifest, trustees: checked.trustees, threshold: checked.threshold });
    status('');
    state.checked = null;
    $('create-form').reset();
    state.created = { election: answer.election, tokens: new Map(Object.entries(answer.tokens)) };
    markPending(answer.election);
    location.hash = 'tokens';
  } catch (err) {
    status('');
    if (!(await sessionLost(err))) showProblem($('create-error'), err);
  }
}

// -- the role tokens, once -------------------------------------------------------------------

function roleName(role) {
  return role === 'credential-authority' ? t('role_credential_authority') : t('role_trustee', { n: Number(role.slice(8)) });
}

function showTokens() {
  const created = state.created;
  if (!created) {
    location.hash = '';
    return;
  }
  show('view-tokens', 'tokens-heading');
  const roles = sortedRoles(Object.fromEntries(created.tokens));
  const spent = new Set();
  $('tokens-continue').href = `#election=${encodeURIComponent(created.election)}`;
  state.render = () => {
    const container = $('token-roles');
    container.replaceChildren(
      ...roles.map((role) => {
        const file = tokenFileName(created.election, role);
        const id = `role-${role}`;
        const done = spent.has(role);
        const button = el('button', { type: 'button', class: 'primary', disabled: done, 'data-testid': `download-${role}`, 'aria-describedby': `${id}-state` }, [t('token_download')]);
        button.addEventListener('click', () => download(role, file, spent));
        return el('section', { class: 'role', 'aria-labelledby': id, 'data-testid': `role-${role}` }, [
          el('h2', { id, text: roleName(role) }),
          el('p', { class: 'file', dir: 'ltr', lang: 'en' }, [el('code', { text: file })]),
          button,
          el('p', { id: `${id}-state`, class: done ? 'ok' : 'help', text: done ? t('token_downloaded', { file }) : '' }),
        ]);
      }),
    );
    $('tokens-done').hidden = spent.size !== roles.length;
  };
  state.render();
}

function download(role, file, spent) {
  const token = state.created?.tokens.get(role);
  if (token === undefined) return;
  const url = URL.createObjectURL(new Blob([`${token}\n`], { type: 'text/plain' }));
  const a = el('a', { href: url, download: file, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  // Spent: the token leaves the page's memory; the button says where it went.
  state.created.tokens.delete(role);
  spent.add(role);
  if (state.created.tokens.size === 0) markPending(null);
  state.render();
  const next = document.querySelector('[data-testid^="download-"]:not([disabled])');
  (next ?? $('tokens-continue')).focus();
}

// -- one election: progress and phase actions ------------------------------------------------

async function showElection(id) {
  state.electionId = id;
  state.seen = null;
  show('view-election');
  hideBox($('action-error'));
  $('action-done').hidden = true;
  await loadElection(true);
  state.timer = setInterval(() => loadElection(false), 5000);
}

async function loadElection(focus) {
  const id = state.electionId;
  let data;
  try {
    const [election, ceremony] = await Promise.all([consoleApi.election(id), consoleApi.ceremony(id)]);
    const tally = election.state === 'closed' || election.state === 'decrypted' ? await consoleApi.tally(id) : null;
    const result = election.state === 'decrypted' ? await consoleApi.result(id) : null;
    data = { election, ceremony, tally, result, manifest: Manifest.fromJSON(election.manifest) };
  } catch (err) {
    showProblem($('action-error'), err);
    return;
  }
  if (state.electionId !== id || state.view !== 'view-election') return;
  // The 5-second refresh re-renders only what changed, and keeps the keyboard focus where it
  // was (the re-rendered button replaces the focused one).
  const seen = JSON.stringify([data.election, data.ceremony, data.tally, data.result]);
  if (!focus && seen === state.seen) return;
  state.seen = seen;
  const focused = document.activeElement?.dataset?.testid;
  state.render = () => renderElection(data);
  state.render();
  if (focus) $('election-heading').focus();
  else refocus(focused);
}

function doneCell(done) {
  return el('td', { class: done ? 'yes' : 'no', text: done ? `✓ ${t('done_yes')}` : t('done_no') });
}

function renderElection({ election, ceremony, tally, result, manifest }) {
  const id = election.election;
  $('election-heading').textContent = manifest.title.get(state.lang);
  $('election-summary').textContent = t('election_summary', { id, state: t(`state_${election.state}`) });
  $('fingerprint-panel').hidden = !election.fingerprint;
  $('fingerprint').textContent = election.fingerprint ?? '';

  // The ceremony: one row per trustee, what it has done and what it still has to do.
  const rows = trusteeProgress(election, ceremony);
  const head = el('tr', {}, ['col_trustee', ...TRUSTEE_STEPS.map((s) => `col_${s}`), 'col_next'].map((k) => el('th', { scope: 'col', text: t(k) })));
  const body = rows.map((r) =>
    el('tr', { 'data-testid': `trustee-${r.index}` }, [
      el('th', { scope: 'row', text: r.name ? t('trustee_named', { n: r.index, name: r.name }) : t('role_trustee', { n: r.index }) }),
      ...TRUSTEE_STEPS.map((s) => doneCell(r.done[s])),
      el('td', {}, [el('span', { text: t(r.next.key) }), ...(r.next.command ? [' ', el('code', { dir: 'ltr', lang: 'en', text: r.next.command })] : [])]),
    ]),
  );
  const complaints = (ceremony.complaints ?? []).length ? [el('p', { class: 'error-box', text: t('ceremony_complaints') })] : [];
  $('ceremony-body').replaceChildren(...complaints, el('table', {}, [el('thead', {}, [head]), el('tbody', {}, body)]));

  // The credentials, per district.
  const counts = ceremony.credential_counts ?? election.credential_counts;
  $('credentials-body').replaceChildren(
    ...(counts
      ? [el('ul', {}, manifest.districts.map((d) => el('li', { text: t('credentials_district', { district: d.labels.get(state.lang), count: counts[d.id] ?? 0 }) })))]
      : [el('p', {}, [t('credentials_none'), ' ', el('code', { dir: 'ltr', lang: 'en', text: 'openballot board credentials register' })])]),
  );

  // The phase action possible now, or why not yet.
  const { action, blockers } = phaseAction(election, ceremony);
  const phase = $('phase-body');
  phase.replaceChildren();
  if (action) {
    const button = el('button', { type: 'button', class: 'primary', disabled: blockers.length > 0, 'data-testid': `action-${action}` }, [t(`action_${action}`)]);
    button.addEventListener('click', () => runAction(action, id));
    if (blockers.length) {
      phase.append(el('p', { text: t('blocked_intro') }), el('ul', { 'data-testid': 'blockers' }, blockers.map((b) => el('li', { text: t(b.key, b.params) }))));
    }
    phase.append(button);
  } else {
    phase.append(el('p', { text: t('done_result') }));
  }

  // The tally and the decryptions, then the result.
  $('tally-panel').hidden = !tally;
  if (tally) {
    $('tally-body').replaceChildren(
      el('p', { text: t('tally_counted', { count: countedBallots(tally) }) }),
      el('p', { text: t('tally_decryptions', { done: (ceremony.decryptions ?? []).length, t: election.threshold, n: election.trustee_count }) }),
    );
  }
  $('result-panel').hidden = !result;
  if (result) {
    $('result-body').replaceChildren(
      ...manifest.contests.map((c) => {
        const totals = result.totals?.[c.id] ?? {};
        return el('table', { 'data-testid': `result-${c.id}` }, [
          el('caption', { text: c.labels.get(state.lang) }),
          el('thead', {}, [el('tr', {}, [el('th', { scope: 'col', text: t('col_option') }), el('th', { scope: 'col', text: t('col_votes') })])]),
          el('tbody', {}, c.options.map((o) => el('tr', {}, [el('th', { scope: 'row', text: o.labels.get(state.lang) }), el('td', { text: formatNumber(state.lang, totals[o.id] ?? 0) })]))),
        ]);
      }),
      // Seats, ties, turnout and blanks have one page, the public one (docs/results.md).
      el('p', {}, [el('a', {
        href: `/results/?election=${encodeURIComponent(election.election)}&lang=${state.lang}`,
        'data-testid': 'result-page-link',
        text: t('result_page'),
      })]),
    );
  }
}

const ACTIONS = {
  open: consoleApi.open,
  close: consoleApi.close,
  result: consoleApi.publishResult,
};

async function runAction(action, id) {
  const ok = await confirmAction(t(`confirm_${action}_title`), t(`confirm_${action}`, { id }));
  if (!ok) return;
  hideBox($('action-error'));
  $('action-done').hidden = true;
  status(t('working'));
  try {
    await ACTIONS[action](id);
    status('');
    await loadElection(false);
    const done = $('action-done');
    done.textContent = t(`done_${action}`);
    done.hidden = false;
    done.focus();
  } catch (err) {
    status('');
    if (!(await sessionLost(err))) showProblem($('action-error'), err);
  }
}

// -- routing --------------------------------------------------------------------------------

async function route() {
  const hash = location.hash.slice(1);
  if (hash === 'tokens') return showTokens();
  const match = /^election=([a-z0-9][a-z0-9_-]{0,63})$/.exec(hash);
  if (match) return showElection(match[1]);
  return showHome();
}

async function start() {
  $('language').addEventListener('change', (e) => applyLanguage(e.target.value));
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('create-form').addEventListener('submit', checkManifest);
  $('create').addEventListener('click', createElection);
  $('refresh').addEventListener('click', async () => {
    await loadElection(false);
    status(t('updated'));
  });
  window.addEventListener('hashchange', () => {
    if (state.view !== 'view-login') route();
  });
  window.addEventListener('beforeunload', (event) => {
    if (state.created?.tokens.size) {
      event.preventDefault(); // tokens not downloaded would be lost: the browser asks first
      event.returnValue = '';
    }
  });
  applyLanguage(initialLanguage());
  try {
    setCsrf((await consoleApi.session()).csrf);
  } catch {
    showLogin(null);
    return;
  }
  await route();
}

start();
