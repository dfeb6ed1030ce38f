// The results page (/results/?election=ID) and its live observer view (before a result
// exists, or with &view=live). It reads the board's API, or the files of a static copy, checks
// the board's signature on the latest tree head in the browser, and while voting is open polls
// the head every few seconds and checks each against the one before (docs/results.md).

import { electionIdFromSearch, groupHex } from '../format.js';
import { toHex } from '../protocol/bytes.js';
import {
  PALETTE, barChart, chartFigure, colour, cumulative, dataTable, h, legend, lineChart, seatChart, toDom,
} from './charts.js';
import {
  LANGUAGES, direction, formatClock, formatNumber, formatPercent, formatTime, joinNames, preferredLanguage, translate,
} from './messages.js';
import { readManifest, resultModel, turnout } from './model.js';
import { HeadMonitor } from './monitor.js';
import { apiSource, staticSource } from './source.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const clamp = (v, lo, hi, dflt) => (Number.isSafeInteger(v) && v >= lo && v <= hi ? v : dflt);
const POLL_SECONDS = clamp(Number(params.get('poll')), 1, 60, 5);
const BUCKET_SECONDS = clamp(Number(params.get('bucket')), 60, 86400, 600);

const state = {
  lang: 'en',
  source: null,
  election: null, // the API's election JSON
  manifest: null,
  boardKey: null,
  head: null, // the latest head, parsed and verified
  model: null,
  activity: null,
  monitor: null,
  since: Date.now(),
  retrying: false,
  error: null,
};

const t = (key, p) => translate(state.lang, key, p);
const label = (labels) => labels.get(state.lang);
const num = (n) => formatNumber(state.lang, n);
const pct = (f) => (f === null ? t('not_given') : formatPercent(state.lang, f));

function mount(id, ...nodes) {
  const target = $(id);
  target.replaceChildren(...nodes.filter(Boolean).map((n) => toDom(n)));
  target.hidden = nodes.length === 0;
}

// --- the page's parts ---------------------------------------------------------------------

function contestView(c) {
  const rtl = direction(state.lang) === 'rtl';
  const name = label(c.labels);
  const rule = c.seats === null
    ? t('rule_no_seats')
    : t('rule_seats', { seats: c.seats, method: t(`method_${c.allocation}`) });
  const parts = [h('h3', { id: `contest-${c.id}` }, name), h('p', { class: 'rule' }, rule)];
  if (c.threshold !== null && c.threshold > 0) {
    parts.push(h('p', { class: 'rule' }, t('threshold', { percent: formatPercent(state.lang, c.threshold / 100) })));
  }
  const coloured = c.options.map((o, i) => ({ ...o, colour: colour(i), name: label(o.labels) }));
  if (c.seats !== null) {
    const seated = coloured.filter((o) => o.seats > 0);
    parts.push(chartFigure(
      seatChart(seated, { unfilled: c.unfilled, rtl }),
      dataTable(t('seat_caption', { contest: name }), [t('col_option'), t('col_seats')],
        [...seated.map((o) => [o.name, num(o.seats)]), [t('total'), num(c.seats)]], { numeric: [1] }),
      legend(seated.map((o) => ({ colour: o.colour, label: o.name }))),
    ));
  }
  const most = Math.max(...c.options.map((o) => o.votes), 1);
  const head = [t('col_option'), t('col_votes'), t('col_share')];
  if (c.seats !== null) head.push(t('col_seats'), t('col_status'));
  const rows = coloured.map((o) => {
    const row = [o.name, num(o.votes), formatPercent(state.lang, o.share)];
    if (c.seats !== null) {
      row.push(num(o.seats), o.won ? t('status_won') : o.excluded ? t('status_excluded') : t('status_none'));
    }
    return row;
  });
  rows.push([t('total'), num(c.total), formatPercent(state.lang, c.total ? 1 : 0), ...(c.seats !== null ? [num(c.seats - c.unfilled), ''] : [])]);
  parts.push(chartFigure(
    barChart(coloured.map((o) => ({ label: o.name, value: o.votes / most, text: num(o.votes), colour: o.colour })), { rtl }),
    dataTable(t('votes_caption', { contest: name }), head, rows, { numeric: [1, 2, 3] }),
  ));
  const notes = [];
  const excluded = coloured.filter((o) => o.excluded).map((o) => o.name);
  if (excluded.length) notes.push(h('li', { 'data-testid': 'excluded' }, t('excluded_line', { options: joinNames(state.lang, excluded) })));
  if (c.unfilled) notes.push(h('li', { 'data-testid': 'unfilled' }, t('unfilled_line', { n: c.unfilled })));
  for (const tie of c.ties) {
    const names = (list) => joinNames(state.lang, list.map(label));
    notes.push(h('li', { 'data-testid': 'tie' }, t('tie_line', {
      first: tie.firstSeat, seats: tie.seats, options: names(tie.options), order: names(tie.order), winners: names(tie.winners),
    })));
  }
  if (notes.length) parts.push(h('ul', { class: 'notes' }, notes));
  parts.push(dataTable(t('blank_caption', { contest: name }), [t('col_district'), t('col_counting'), t('col_blank')],
    c.blanks.map((b) => [label(b.district.labels), num(b.counting), num(b.blank)]), { numeric: [1, 2] }));
  return h('article', { class: 'contest', 'aria-labelledby': `contest-${c.id}`, 'data-testid': `contest-${c.id}` }, parts);
}

function turnoutView(districts) {
  const rtl = direction(state.lang) === 'rtl';
  const sum = (k) => districts.reduce((n, d) => n + d[k], 0);
  const allRegistered = districts.every((d) => d.registered !== null) ? sum('registered') : null;
  const all = { counting: sum('counting'), credentials: sum('credentials'), registered: allRegistered };
  const rows = [...districts.map((d) => [label(d.district.labels), d]), [t('all_districts'), all]].map(([name, d]) => {
    const f = turnout(d);
    return [name, d.registered === null ? t('not_given') : num(d.registered), num(d.credentials), num(d.counting), pct(f.ofCredentials), pct(f.ofRegistered)];
  });
  const bars = districts.map((d) => {
    const f = turnout(d).ofCredentials;
    return { label: label(d.district.labels), value: f ?? 0, text: pct(f), colour: PALETTE[0] };
  });
  return [
    h('h2', { id: 'turnout-heading' }, t('turnout_heading')),
    chartFigure(barChart(bars, { rtl }), dataTable(t('turnout_caption'),
      [t('col_district'), t('col_registered'), t('col_credentials'), t('col_counting'), t('col_turnout'), t('col_turnout_registered')],
      rows, { numeric: [1, 2, 3, 4, 5] })),
  ];
}

function boardView() {
  const head = state.head;
  const items = [];
  if (head) {
    items.push(
      [t('head_size'), h('span', { 'data-testid': 'head-size' }, num(head.size))],
      [t('head_root'), h('code', { class: 'hex', dir: 'ltr', 'data-testid': 'head-root' }, groupHex(toHex(head.root)))],
      [t('head_time'), formatTime(state.lang, head.timestamp)],
      [t('head_key'), h('code', { class: 'hex', dir: 'ltr' }, groupHex(state.boardKey))],
    );
  }
  return [
    h('h2', { id: 'board-heading' }, t('head_heading')),
    h('dl', { class: 'details' }, items.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    head && !state.monitor?.failure ? h('p', { class: 'ok', 'data-testid': 'head-ok' }, t('head_ok')) : null,
    h('p', {}, h('a', { href: state.source.recordUrl, download: '', 'data-testid': 'download' }, t('download'))),
    h('p', { class: 'help' }, t('download_help')),
  ];
}

function activityView() {
  const rtl = direction(state.lang) === 'rtl';
  const parts = [
    h('h2', { id: 'live-heading' }, t('live_heading')),
    h('p', {}, t('live_intro')),
    h('h3', {}, t('monitor_heading')),
    h('p', { class: state.monitor?.failure ? 'bad' : 'ok', 'data-testid': 'monitor' },
      state.monitor?.failure ? t('monitor_failed')
        : state.monitor?.checked ? t('monitor_ok', { n: state.monitor.checked, time: formatTime(state.lang, state.since) })
          : t('monitor_waiting')),
    state.retrying ? h('p', { class: 'help' }, t('monitor_retry')) : null,
  ];
  const a = state.activity;
  if (!a) return parts;
  const districts = a.districts.map((id) => state.manifest.districts.find((d) => d.id === id));
  const caption = t('activity_caption', { minutes: a.bucket_seconds / 60 });
  if (!a.buckets.length) {
    parts.push(h('p', { 'data-testid': 'activity-empty' }, t('activity_empty')));
    return parts;
  }
  // Each line starts from 0 when the first interval opens and reaches each total at the end
  // of its interval: one interval is a line too.
  const width = a.bucket_seconds * 1000;
  const first = a.buckets[0].start;
  const last = a.buckets[a.buckets.length - 1].start + width;
  const series = districts.map((d, i) => ({
    name: label(d.labels),
    colour: colour(i),
    points: [[first, 0], ...cumulative(a.buckets.map((b) => [b.start + width, b.cast[d.id]]))],
  }));
  const top = Math.max(...series.map((s) => s.points[s.points.length - 1][1]));
  const chart = lineChart(series, {
    rtl,
    ticks: { top: num(top), start: formatClock(state.lang, first), end: formatClock(state.lang, last) },
  });
  const rows = a.buckets.map((b) => [formatTime(state.lang, b.start), ...districts.map((d) => num(b.cast[d.id]))]);
  parts.push(chartFigure(chart,
    dataTable(caption, [t('col_time'), ...districts.map((d) => label(d.labels))], rows, { numeric: districts.map((_, i) => i + 1) }),
    legend(series.map((s) => ({ colour: s.colour, label: s.name })))));
  return parts;
}

function render() {
  const root = document.documentElement;
  root.lang = state.lang;
  root.dir = direction(state.lang);
  $('language').value = state.lang;
  document.title = state.manifest ? `${label(state.manifest.title)}: ${t('page_title')}` : t('page_title');
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  if (state.error) {
    $('error').textContent = t(state.error.key, state.error.params);
    $('error').hidden = false;
  }
  if (!state.manifest) return;
  $('title').textContent = label(state.manifest.title);
  $('state').textContent = t(`state_${state.election.state}`);
  if (!state.source.live) {
    $('static-note').textContent = t('static_note');
    $('static-note').hidden = false;
  }
  if (state.election.fingerprint) {
    $('fingerprint-short').textContent = state.election.fingerprint.slice(0, 16);
    $('fingerprint-full').textContent = groupHex(state.election.fingerprint);
    $('fingerprint').hidden = false;
  }
  renderAlarm();
  mount('board', ...boardView());
  if (state.model) {
    mount('results', h('h2', { id: 'results-heading' }, t('results_heading')), ...state.model.contests.map(contestView));
    mount('turnout', ...turnoutView(state.model.districts));
  } else {
    mount('results');
    mount('turnout');
  }
  renderLive();
}

/** The observer view: from a board (not a static copy), before a result or when asked for. */
function liveView() {
  return state.source.live && (params.get('view') === 'live' || !state.model);
}

function renderLive() {
  if (liveView()) mount('live', ...activityView());
  else mount('live');
}

function renderAlarm() {
  const failure = state.monitor?.failure;
  const box = $('alarm');
  if (!failure) {
    box.hidden = true;
    return;
  }
  const detail = h('code', { lang: 'en', dir: 'ltr' }, failure.message);
  const [before, after] = t('monitor_alarm', { detail: '\u0000' }).split('\u2068\u0000\u2069');
  box.replaceChildren(toDom(h('p', {}, before, detail, after)));
  box.hidden = false;
}

// --- loading and polling ------------------------------------------------------------------

async function load() {
  const data = document.documentElement.dataset;
  if (data.static) {
    state.source = staticSource(data.static);
  } else {
    const id = electionIdFromSearch(location.search);
    if (!id) {
      state.error = { key: 'no_election' };
      render();
      return;
    }
    state.source = apiSource(data.api || '/api', id);
  }
  const s = state.source;
  try {
    const [election, board, result, head] = await Promise.all([s.election(), s.board(), s.result(), s.treeHead()]);
    state.election = election;
    state.manifest = readManifest(election.manifest);
    state.boardKey = String(board.board_key);
    if (result) state.model = resultModel(state.manifest, result);
    state.monitor = new HeadMonitor({ electionId: state.manifest.electionId, boardKey: state.boardKey, consistency: s.consistency });
    try {
      state.head = await state.monitor.observe(head);
    } catch {
      state.head = null; // the monitor keeps the failure: the alarm shows it
    }
    if (s.live) await poll(false);
  } catch (e) {
    state.error = { key: 'load_failed', params: { detail: e.message } };
  }
  render();
  if (liveView() && state.manifest) setInterval(() => poll(true), POLL_SECONDS * 1000);
}

async function poll(withHead) {
  const s = state.source;
  if (!liveView()) return;
  try {
    if (withHead && !state.monitor.failure) {
      try {
        state.head = await state.monitor.observe(await s.treeHead());
      } catch (e) {
        if (!state.monitor.failure) throw e; // else: a failed check, shown as the alarm
      }
    }
    state.activity = await s.activity(BUCKET_SECONDS);
    state.retrying = false;
  } catch {
    state.retrying = true;
  }
  if (withHead) {
    renderAlarm();
    mount('board', ...boardView());
    renderLive();
  }
}

function start() {
  const select = $('language');
  select.replaceChildren(...LANGUAGES.map((l) => {
    const o = document.createElement('option');
    o.value = l.code;
    o.lang = l.code;
    o.dir = l.dir;
    o.textContent = l.name;
    return o;
  }));
  const wanted = params.get('lang');
  state.lang = LANGUAGES.some((l) => l.code === wanted) ? wanted : preferredLanguage(navigator.languages, 'ar');
  select.addEventListener('change', () => {
    state.lang = select.value;
    render();
  });
  render();
  load();
}

start();