// What the results page shows, read from the manifest and result.json exactly as documented
// (docs/record.md; the figures, seats, excluded, unfilled and ties of issue 9): a field that is
// missing or of the wrong type is an error that names it, never a silently empty chart. Labels
// come from the manifest; ids are only keys.

import { DecodeError } from '../protocol/errors.js';
import { Labels } from '../protocol/manifest.js';
import { get, getInt, getList, getObj, getStr, hasOwn, obj } from '../protocol/json.js';

/** The manifest's parts the page names things with (the page does not re-check the rest). */
export function readManifest(value) {
  const m = obj(value, 'manifest');
  const districts = getList(m, 'districts', 'manifest').map((d, i) => {
    const w = `manifest.districts[${i}]`;
    const o = obj(d, w);
    const registered = hasOwn(o, 'registered') ? getInt(o, 'registered', w) : null;
    return { id: getStr(o, 'id', w), labels: Labels.fromJSON(get(o, 'labels', w), `${w}.labels`), registered };
  });
  const contests = getList(m, 'contests', 'manifest').map((c, i) => {
    const w = `manifest.contests[${i}]`;
    const o = obj(c, w);
    const seats = hasOwn(o, 'seats') ? getInt(o, 'seats', w, 1) : null;
    if ((seats === null) !== !hasOwn(o, 'allocation')) {
      throw new DecodeError(`${w}: "seats" and "allocation" come together`);
    }
    let threshold = null;
    if (hasOwn(o, 'threshold_percent')) {
      threshold = get(o, 'threshold_percent', w);
      if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 100)) {
        throw new DecodeError(`${w}.threshold_percent: expected a number from 0 to 100`);
      }
    }
    return {
      id: getStr(o, 'id', w),
      labels: Labels.fromJSON(get(o, 'labels', w), `${w}.labels`),
      districts: getList(o, 'districts', w).map(String),
      maxSelections: getInt(o, 'max_selections', w),
      options: getList(o, 'options', w).map((opt, j) => {
        const wo = `${w}.options[${j}]`;
        const oo = obj(opt, wo);
        return { id: getStr(oo, 'id', wo), labels: Labels.fromJSON(get(oo, 'labels', wo), `${wo}.labels`) };
      }),
      seats,
      allocation: seats === null ? null : getStr(o, 'allocation', w),
      threshold,
    };
  });
  return {
    electionId: getStr(m, 'election_id', 'manifest'),
    title: Labels.fromJSON(get(m, 'title', 'manifest'), 'manifest.title'),
    districts,
    contests,
  };
}

function lookup(list, id, what, where) {
  const found = list.find((x) => x.id === id);
  if (!found) throw new DecodeError(`${where}: unknown ${what} '${id}'`);
  return found;
}

/**
 * Per contest: its options with votes, seats and state; its ties, unfilled seats and blank
 * selections per district; and per district the turnout figures. Throws DecodeError naming
 * the field when result.json lacks one the page shows, or names an unknown id.
 */
export function resultModel(manifest, value) {
  const r = obj(value, 'result');
  const totals = getObj(r, 'totals', 'result');
  const figures = getObj(r, 'figures', 'result');
  const seatRows = getList(r, 'seats', 'result');
  const excludedRows = getList(r, 'excluded', 'result');
  const unfilledRows = getList(r, 'unfilled', 'result');
  const tieRows = getList(r, 'ties', 'result');

  const districts = getList(figures, 'districts', 'result.figures').map((d, i) => {
    const w = `result.figures.districts[${i}]`;
    const o = obj(d, w);
    const district = lookup(manifest.districts, getStr(o, 'district', w), 'district', w);
    const registered = get(o, 'registered', w);
    if (registered !== null && !(Number.isSafeInteger(registered) && registered >= 0)) {
      throw new DecodeError(`${w}.registered: expected an integer or null`);
    }
    return {
      district,
      registered,
      credentials: getInt(o, 'credentials', w),
      counting: getInt(o, 'counting_ballots', w),
    };
  });
  const blanks = getList(figures, 'contests', 'result.figures').map((c, i) => {
    const w = `result.figures.contests[${i}]`;
    const o = obj(c, w);
    return {
      contest: getStr(o, 'contest', w),
      district: lookup(manifest.districts, getStr(o, 'district', w), 'district', w),
      counting: getInt(o, 'counting_ballots', w),
      blank: getInt(o, 'blank', w),
    };
  });

  const contests = manifest.contests.map((contest) => {
    const where = `result.totals.${contest.id}`;
    const votes = getObj(totals, contest.id, 'result.totals');
    const seatsOf = new Map();
    seatRows.forEach((s, i) => {
      const w = `result.seats[${i}]`;
      const o = obj(s, w);
      if (getStr(o, 'contest', w) === contest.id) {
        lookup(contest.options, getStr(o, 'option', w), 'option', w);
        seatsOf.set(o.option, getInt(o, 'seats', w));
      }
    });
    if (contest.seats !== null && seatsOf.size !== contest.options.length) {
      throw new DecodeError(`result.seats: contest '${contest.id}' needs one entry per option`);
    }
    const excluded = new Set(
      excludedRows
        .map((e, i) => obj(e, `result.excluded[${i}]`))
        .filter((e, i) => getStr(e, 'contest', `result.excluded[${i}]`) === contest.id)
        .map((e) => lookup(contest.options, e.option, 'option', 'result.excluded').id),
    );
    const total = contest.options.reduce((sum, o) => sum + getInt(votes, o.id, where), 0);
    const options = contest.options.map((o) => {
      const v = getInt(votes, o.id, where);
      const seats = contest.seats === null ? null : seatsOf.get(o.id);
      return {
        id: o.id,
        labels: o.labels,
        votes: v,
        share: total ? v / total : 0,
        seats,
        won: seats !== null && seats > 0,
        excluded: excluded.has(o.id),
      };
    });
    const unfilled = unfilledRows
      .map((u, i) => obj(u, `result.unfilled[${i}]`))
      .filter((u, i) => getStr(u, 'contest', `result.unfilled[${i}]`) === contest.id)
      .reduce((n, u, i) => n + getInt(u, 'seats', `result.unfilled[${i}]`, 1), 0);
    const ties = tieRows
      .map((t, i) => [obj(t, `result.ties[${i}]`), `result.ties[${i}]`])
      .filter(([t, w]) => getStr(t, 'contest', w) === contest.id)
      .map(([t, w]) => {
        const label = (id) => lookup(contest.options, id, 'option', w).labels;
        const order = getList(t, 'order', w).map(label);
        const seats = getInt(t, 'seats', w, 1);
        return {
          firstSeat: getInt(t, 'first_seat', w, 1),
          seats,
          options: getList(t, 'options', w).map(label),
          order,
          winners: order.slice(0, seats),
        };
      });
    return {
      id: contest.id,
      labels: contest.labels,
      seats: contest.seats,
      allocation: contest.allocation,
      threshold: contest.threshold,
      maxSelections: contest.maxSelections,
      total,
      options,
      unfilled,
      ties,
      blanks: blanks.filter((b) => b.contest === contest.id),
    };
  });
  for (const b of blanks) lookup(manifest.contests, b.contest, 'contest', 'result.figures.contests');
  return { contests, districts };
}

/** Turnout as fractions (null where the figure is missing or zero). */
export function turnout(row) {
  return {
    ofCredentials: row.credentials ? row.counting / row.credentials : null,
    ofRegistered: row.registered ? row.counting / row.registered : null,
  };
}
