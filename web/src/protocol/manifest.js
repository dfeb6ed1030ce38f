// The election manifest, as src/openballot/election/manifest.py: the same checks on reading,
// and the same `encoding()` (which the manifest digest, and so the fingerprint, hashes).

import { digest } from './encoding.js';
import { DecodeError } from './errors.js';
import { get, getInt, getList, getObj, getStr, obj, onlyKeys } from './json.js';

/** Arabic, Kurdish (Kurmanji), English. */
export const REQUIRED_LANGUAGES = Object.freeze(['ar', 'ku', 'en']);
const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const LANG = /^[a-z]{2,3}$/;
const CONTEST_KEYS = ['id', 'labels', 'districts', 'min_selections', 'max_selections', 'options'];
const SEAT_KEYS = ['seats', 'allocation', 'threshold_percent'];
export const ALLOCATIONS = Object.freeze(['plurality', 'dhondt', 'sainte-lague', 'hare']);
export const MAX_SEATS = 100000;
const MAX_THRESHOLD_DECIMALS = 9;

function checkId(value, where) {
  if (!ID.test(value)) {
    throw new DecodeError(
      `${where}: '${value}' is not an id (lowercase letters, digits, '-' or '_', ` +
        'at most 64, starting with a letter or digit)',
    );
  }
  return value;
}

// Python compares str by code point; JS `<` by UTF-16 unit. Language codes are [a-z]{2,3},
// where the two agree.
const byKey = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Text in several languages, sorted by language code. */
export class Labels {
  constructor(texts) {
    this.texts = Object.freeze(texts.map(([l, t]) => Object.freeze([l, t])));
    Object.freeze(this);
  }

  get(language) {
    for (const [lang, text] of this.texts) if (lang === language) return text;
    return this.get('en');
  }

  encoding() {
    return this.texts.map(([lang, text]) => [lang, text]);
  }

  toJSON() {
    return Object.fromEntries(this.texts);
  }

  static fromJSON(value, where) {
    const o = obj(value, where);
    for (const lang of REQUIRED_LANGUAGES) {
      if (typeof o[lang] !== 'string' || !o[lang].trim()) {
        throw new DecodeError(`${where}: missing label in language '${lang}'`);
      }
    }
    for (const [lang, text] of Object.entries(o)) {
      if (!LANG.test(lang) || typeof text !== 'string') {
        throw new DecodeError(`${where}: bad label entry '${lang}'`);
      }
    }
    return new Labels(Object.entries(o).sort(byKey));
  }
}

const gcd = (a, b) => (b === 0n ? a : gcd(b, a % b));

/**
 * A threshold in percent as an exact rational [numerator, denominator] in lowest terms, as
 * manifest.py reads it. JSON.parse gives a double; for a number in [0, 100] with at most 9
 * decimals its shortest text (String) is the decimal the JSON held, read here with BigInt.
 */
export function thresholdPercent(value, where) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DecodeError(`${where}: expected a number, got ${JSON.stringify(value)}`);
  }
  if (!(value >= 0 && value <= 100)) {
    throw new DecodeError(`${where}: expected a percentage from 0 to 100, got ${value}`);
  }
  const [mantissa, exp = '0'] = String(value).split('e');
  const [whole, frac = ''] = mantissa.split('.');
  const scale = frac.length - Number(exp);
  let num = BigInt(whole + frac);
  let den = 1n;
  if (scale > 0) den = 10n ** BigInt(scale);
  else num *= 10n ** BigInt(-scale);
  const g = num === 0n ? den : gcd(num, den);
  num /= g;
  den /= g;
  if (10n ** BigInt(MAX_THRESHOLD_DECIMALS) % den !== 0n) {
    throw new DecodeError(`${where}: at most ${MAX_THRESHOLD_DECIMALS} decimals are allowed, got ${value}`);
  }
  return Object.freeze([Number(num), Number(den)]);
}

/** The optional seat fields of a contest, as manifest.py's `_seat_rule`; null without seats. */
function seatRule(c, where) {
  if (!SEAT_KEYS.some((k) => k in c)) return null;
  if (!('seats' in c) || !('allocation' in c)) {
    const alone = 'seats' in c || 'allocation' in c ? '' : ' (threshold_percent without seats)';
    throw new DecodeError(`${where}: a contest with seats needs both "seats" and "allocation"${alone}`);
  }
  const seats = getInt(c, 'seats', where, 1);
  if (seats > MAX_SEATS) throw new DecodeError(`${where}.seats: expected at most ${MAX_SEATS}, got ${seats}`);
  if (!ALLOCATIONS.includes(c.allocation)) {
    const names = ALLOCATIONS.map((m) => `'${m}'`).join(', ');
    throw new DecodeError(`${where}.allocation: expected one of ${names}, got ${JSON.stringify(c.allocation)}`);
  }
  const threshold =
    'threshold_percent' in c
      ? thresholdPercent(c.threshold_percent, `${where}.threshold_percent`)
      : Object.freeze([0, 1]);
  return Object.freeze({ seats, allocation: c.allocation, threshold });
}

function unique(ids, where) {
  const seen = new Set();
  for (const i of ids) {
    if (seen.has(i)) throw new DecodeError(`${where}: duplicate id '${i}'`);
    seen.add(i);
  }
}

function seatsJSON(rule) {
  if (rule === null) return {};
  const [num, den] = rule.threshold;
  const out = { seats: rule.seats, allocation: rule.allocation };
  if (num !== 0) out.threshold_percent = num / den;
  return out;
}

export class Manifest {
  constructor(electionId, title, districts, contests) {
    this.electionId = electionId;
    this.title = title;
    this.districts = Object.freeze(districts);
    this.contests = Object.freeze(contests);
    Object.freeze(this);
  }

  districtIds() {
    return this.districts.map((d) => d.id);
  }

  contest(id) {
    const c = this.contests.find((x) => x.id === id);
    if (!c) throw new RangeError(`unknown contest '${id}'`);
    return c;
  }

  district(id) {
    return this.districts.find((d) => d.id === id);
  }

  /** The contests on the ballot of a voter whose home district is `districtId`. */
  ballotStyle(districtId) {
    if (!this.districtIds().includes(districtId)) throw new RangeError(`unknown district '${districtId}'`);
    return this.contests.filter((c) => c.districts.includes(districtId));
  }

  encoding() {
    return [
      this.electionId,
      this.title.encoding(),
      // Optional trailing elements, only when declared (protocol.md 8).
      this.districts.map((d) => [d.id, d.labels.encoding(), ...(d.registered === null ? [] : [d.registered])]),
      this.contests.map((c) => [
        c.id,
        c.labels.encoding(),
        [...c.districts],
        c.minSelections,
        c.maxSelections,
        c.options.map((o) => [o.id, o.labels.encoding()]),
        ...(c.seats === null ? [] : [c.seats.seats, c.seats.allocation, [...c.seats.threshold]]),
      ]),
    ];
  }

  /** H_manifest = digest("manifest", encoding). */
  digest() {
    return digest('manifest', this.encoding());
  }

  toJSON() {
    return {
      election_id: this.electionId,
      title: this.title.toJSON(),
      districts: this.districts.map((d) => ({
        id: d.id,
        labels: d.labels.toJSON(),
        ...(d.registered === null ? {} : { registered: d.registered }),
      })),
      contests: this.contests.map((c) => ({
        id: c.id,
        labels: c.labels.toJSON(),
        districts: [...c.districts],
        min_selections: c.minSelections,
        max_selections: c.maxSelections,
        options: c.options.map((o) => ({ id: o.id, labels: o.labels.toJSON() })),
        ...seatsJSON(c.seats),
      })),
    };
  }

  static fromJSON(value, where = 'manifest') {
    const o = obj(value, where);
    onlyKeys(o, ['election_id', 'title', 'districts', 'contests'], where);
    const electionId = checkId(getStr(o, 'election_id', where), `${where}.election_id`);
    const title = Labels.fromJSON(get(o, 'title', where), `${where}.title`);
    const districts = getList(o, 'districts', where).map((d0, i) => {
      const w = `${where}.districts[${i}]`;
      const d = obj(d0, w);
      onlyKeys(d, ['id', 'labels', 'registered'], w);
      return Object.freeze({
        id: checkId(getStr(d, 'id', w), `${w}.id`),
        labels: Labels.fromJSON(getObj(d, 'labels', w), `${w}.labels`),
        registered: 'registered' in d ? getInt(d, 'registered', w) : null,
      });
    });
    const districtIds = districts.map((d) => d.id);
    if (!districts.length) throw new DecodeError(`${where}.districts: at least one district is needed`);
    unique(districtIds, `${where}.districts`);
    const contests = getList(o, 'contests', where).map((c0, i) => {
      const w = `${where}.contests[${i}]`;
      const c = obj(c0, w);
      onlyKeys(c, [...CONTEST_KEYS, ...SEAT_KEYS], w);
      const options = getList(c, 'options', w).map((p0, k) => {
        const wo = `${w}.options[${k}]`;
        const p = obj(p0, wo);
        onlyKeys(p, ['id', 'labels'], wo);
        return Object.freeze({
          id: checkId(getStr(p, 'id', wo), `${wo}.id`),
          labels: Labels.fromJSON(getObj(p, 'labels', wo), `${wo}.labels`),
        });
      });
      if (!options.length) throw new DecodeError(`${w}.options: at least one option is needed`);
      unique(
        options.map((p) => p.id),
        `${w}.options`,
      );
      const inDistricts = getList(c, 'districts', w);
      inDistricts.forEach((d, k) => {
        if (!districtIds.includes(d)) throw new DecodeError(`${w}.districts[${k}]: unknown district '${d}'`);
      });
      if (!inDistricts.length) throw new DecodeError(`${w}.districts: a contest needs at least one district`);
      unique(inDistricts, `${w}.districts`);
      const low = getInt(c, 'min_selections', w);
      const high = getInt(c, 'max_selections', w);
      if (!(low <= high && high <= options.length) || high === 0) {
        throw new DecodeError(
          `${w}: need 0 <= min_selections <= max_selections <= ${options.length} options ` +
            `and max_selections >= 1, got [${low}, ${high}]`,
        );
      }
      return Object.freeze({
        id: checkId(getStr(c, 'id', w), `${w}.id`),
        labels: Labels.fromJSON(getObj(c, 'labels', w), `${w}.labels`),
        districts: Object.freeze([...inDistricts]),
        minSelections: low,
        maxSelections: high,
        options: Object.freeze(options),
        seats: seatRule(c, w),
      });
    });
    if (!contests.length) throw new DecodeError(`${where}.contests: at least one contest is needed`);
    unique(
      contests.map((c) => c.id),
      `${where}.contests`,
    );
    for (const d of districtIds) {
      if (!contests.some((c) => c.districts.includes(d))) {
        throw new DecodeError(`${where}.districts: district '${d}' has no contest`);
      }
    }
    return new Manifest(electionId, title, districts, contests);
  }
}
