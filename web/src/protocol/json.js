// Typed access to fields of parsed JSON, with errors that name the field, as
// src/openballot/jsonfields.py.

import { DecodeError } from './errors.js';

export const hasOwn = (o, key) => Object.prototype.hasOwnProperty.call(o, key);

export function obj(value, where) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DecodeError(`${where}: expected an object`);
  }
  return value;
}

export function get(o, key, where) {
  if (!hasOwn(o, key)) throw new DecodeError(`${where}: missing field '${key}'`);
  return o[key];
}

export function getStr(o, key, where) {
  const v = get(o, key, where);
  if (typeof v !== 'string') throw new DecodeError(`${where}.${key}: expected a string`);
  return v;
}

export function getInt(o, key, where, minimum = 0) {
  const v = get(o, key, where);
  if (!Number.isSafeInteger(v)) throw new DecodeError(`${where}.${key}: expected an integer`);
  if (v < minimum) throw new DecodeError(`${where}.${key}: expected at least ${minimum}, got ${v}`);
  return v;
}

export function getList(o, key, where) {
  const v = get(o, key, where);
  if (!Array.isArray(v)) throw new DecodeError(`${where}.${key}: expected a list`);
  return v;
}

export function getObj(o, key, where) {
  return obj(get(o, key, where), `${where}.${key}`);
}

/** Refuse unknown fields. */
export function onlyKeys(o, allowed, where) {
  const extra = Object.keys(o)
    .filter((k) => !allowed.includes(k))
    .sort();
  if (extra.length) throw new DecodeError(`${where}: unexpected field '${extra[0]}'`);
}
