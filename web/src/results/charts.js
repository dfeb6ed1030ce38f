// The page's charts as plain SVG, and the data table behind each: pure builders that return
// a small tree ({tag, attrs, children}) which `toDom` turns into elements, so that node tests
// check the charts without a browser. A chart is decoration for the eye (aria-hidden); its
// table, with a caption, is what a screen reader reads and what a reader can copy.

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** Okabe and Ito's palette: told apart with the common colour-vision deficiencies. */
export const PALETTE = Object.freeze(['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000']);
export const EMPTY_SEAT = '#ffffff';

export function colour(index) {
  return PALETTE[index % PALETTE.length];
}

/** A tree node; children that are null or false are left out, strings are text. */
export function h(tag, attrs = {}, ...children) {
  return { tag, attrs, children: children.flat().filter((c) => c !== null && c !== false && c !== undefined) };
}

// The chart's direction is set on it, so that text anchors are logical: "start" is the left
// edge of a text left to right, its right edge right to left; a mirrored chart keeps them.
function svg(width, height, rtl, ...children) {
  return h('svg', {
    xmlns: SVG_NS, viewBox: `0 0 ${width} ${height}`, width, height, direction: rtl ? 'rtl' : 'ltr',
    'aria-hidden': 'true', focusable: 'false', class: 'chart',
  }, ...children);
}

/** The x of a box of `w` at `x` in a chart `width` wide, mirrored right to left. */
const place = (rtl, width, x, w = 0) => (rtl ? width - x - w : x);

/**
 * A block of seat squares, `perRow` to a row, coloured by party in the order given:
 * `parties` = [{seats, colour}], then `unfilled` white squares with a dashed border.
 */
export function seatChart(parties, { unfilled = 0, rtl = false, perRow = 10, size = 28, gap = 6 } = {}) {
  const fills = parties.flatMap((p) => Array(p.seats).fill(p.colour));
  const seats = [...fills.map((f) => [f, false]), ...Array(unfilled).fill([EMPTY_SEAT, true])];
  const columns = Math.min(perRow, Math.max(seats.length, 1));
  const rows = Math.max(Math.ceil(seats.length / perRow), 1);
  const width = columns * (size + gap) + gap;
  const height = rows * (size + gap) + gap;
  const squares = seats.map(([fill, empty], i) => {
    const x = place(rtl, width, gap + (i % perRow) * (size + gap), size);
    const y = gap + Math.floor(i / perRow) * (size + gap);
    return h('rect', {
      x, y, width: size, height: size, rx: 3, fill,
      stroke: '#1a1a1a', 'stroke-width': 1, ...(empty ? { 'stroke-dasharray': '3 2' } : {}),
      'data-seat': i + 1,
    });
  });
  return svg(width, height, rtl, squares);
}

/**
 * Horizontal bars: rows = [{label, value (0..1 of the longest possible bar), text, colour}].
 * Labels stand at the start side, bars grow from there, the value text follows the bar.
 */
export function barChart(rows, { rtl = false, width = 640, labelWidth = 210, textWidth = 110, bar = 22, gap = 12 } = {}) {
  const span = width - labelWidth - textWidth - 16;
  const height = rows.length * (bar + gap) + gap;
  const items = rows.map((r, i) => {
    const y = gap + i * (bar + gap);
    const w = Math.max(0, Math.min(1, r.value)) * span;
    const barX = labelWidth + 8;
    return h('g', { 'data-row': i },
      h('text', { x: place(rtl, width, 0), y: y + bar * 0.72, 'text-anchor': 'start', class: 'chart-label' }, r.label),
      h('rect', { x: place(rtl, width, barX, w), y, width: w, height: bar, fill: r.colour, stroke: '#1a1a1a', 'stroke-width': 0.5 }),
      h('text', { x: place(rtl, width, barX + w + 6), y: y + bar * 0.72, 'text-anchor': 'start', class: 'chart-value' }, r.text),
    );
  });
  return svg(width, height, rtl, items);
}

/**
 * Lines of cumulative counts over time, one per series: series = [{name, colour, points:
 * [[t, total]]}], all over the same times. Axis texts are given formatted (`ticks`).
 */
export function lineChart(series, { rtl = false, width = 640, height = 240, pad = 36, yMax = null, ticks = {} } = {}) {
  const times = series.flatMap((s) => s.points.map((p) => p[0]));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const top = Math.max(yMax ?? 0, ...series.flatMap((s) => s.points.map((p) => p[1])), 1);
  const x = (t) => place(rtl, width, pad + (t1 === t0 ? (width - 2 * pad) / 2 : ((t - t0) / (t1 - t0)) * (width - 2 * pad)));
  const y = (v) => height - pad - (v / top) * (height - 2 * pad);
  const lines = series.map((s, i) =>
    h('polyline', {
      points: s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
      fill: 'none', stroke: s.colour, 'stroke-width': 3, 'data-series': i,
    }),
  );
  const dots = series.flatMap((s) => s.points.map(([t, v]) => h('circle', { cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 3.5, fill: s.colour })));
  const axis = [
    h('line', { x1: place(rtl, width, pad), y1: height - pad, x2: place(rtl, width, width - pad), y2: height - pad, stroke: '#8a8a8a' }),
    h('line', { x1: place(rtl, width, pad), y1: pad / 2, x2: place(rtl, width, pad), y2: height - pad, stroke: '#8a8a8a' }),
    ticks.top ? h('text', { x: place(rtl, width, pad - 4), y: y(top) + 4, 'text-anchor': 'end', class: 'chart-axis' }, ticks.top) : null,
    // The first time starts at the axis, the last ends at the chart's end: neither is cut.
    ticks.start ? h('text', { x: x(t0), y: height - pad / 3, 'text-anchor': 'start', class: 'chart-axis' }, ticks.start) : null,
    ticks.end && t1 !== t0 ? h('text', { x: x(t1), y: height - pad / 3, 'text-anchor': 'end', class: 'chart-axis' }, ticks.end) : null,
  ];
  return svg(width, height, rtl, axis, lines, dots);
}

/** Running totals of per-bucket counts: [[t, n]] -> [[t, n0 + ... + n]]. */
export function cumulative(points) {
  let sum = 0;
  return points.map(([t, n]) => [t, (sum += n)]);
}

/**
 * A table with its caption: head = [texts], rows = [[cells]]; the first cell of a row is its
 * header. It sits in a box that scrolls sideways on a narrow screen (focusable and named, so
 * that a keyboard can scroll it too) rather than widening the page.
 */
export function dataTable(caption, head, rows, { numeric = [] } = {}) {
  const cls = (j) => (numeric.includes(j) ? 'num' : null);
  return h('div', { class: 'table-box', role: 'region', tabindex: '0', 'aria-label': caption }, h('table', { class: 'data' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((text, j) => h('th', { scope: 'col', class: cls(j) }, text)))),
    h('tbody', {}, rows.map((row) =>
      h('tr', {}, row.map((cell, j) => (j === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: cls(j) }, cell)))),
    )),
  ));
}

/** A legend of colour swatches (an inline SVG each: no inline style under the page's CSP). */
export function legend(items) {
  return h('ul', { class: 'legend' }, items.map((it) =>
    h('li', {},
      h('svg', { xmlns: SVG_NS, viewBox: '0 0 14 14', width: 14, height: 14, 'aria-hidden': 'true', focusable: 'false' },
        h('rect', { x: 0.5, y: 0.5, width: 13, height: 13, fill: it.colour, stroke: '#1a1a1a' })),
      ' ', it.label),
  ));
}

/** A chart and the table behind it. */
export function chartFigure(chart, table, extra = null) {
  return h('figure', { class: 'chart-figure' }, h('div', { class: 'chart-box' }, chart), extra, table);
}

/** The tree as DOM elements of `doc` (SVG elements in the SVG namespace). */
export function toDom(node, doc = globalThis.document, inSvg = false) {
  if (typeof node === 'string' || typeof node === 'number') return doc.createTextNode(String(node));
  const svgNode = inSvg || node.tag === 'svg';
  const e = svgNode ? doc.createElementNS(SVG_NS, node.tag) : doc.createElement(node.tag);
  for (const [k, v] of Object.entries(node.attrs)) {
    if (v === null || v === undefined || k === 'xmlns') continue;
    e.setAttribute(k, String(v));
  }
  for (const c of node.children) e.appendChild(toDom(c, doc, svgNode));
  return e;
}

/** All the text of a tree, for tests. */
export function textOf(node) {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  return node.children.map(textOf).join('');
}

/** Every node of a tree with the given tag, for tests. */
export function findAll(node, tag) {
  if (typeof node !== 'object') return [];
  return [...(node.tag === tag ? [node] : []), ...node.children.flatMap((c) => findAll(c, tag))];
}
