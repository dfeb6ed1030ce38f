// encode / digest / hash_to_scalar against the Python reference (protocol.json).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { G, PROTOCOL_ID, Scalar, digest, encode, hashToScalar, toHex } from '../src/protocol/index.js';
import { protocol, typed } from './helpers.mjs';

test('protocol id and group order', () => {
  assert.equal(protocol.protocol_id, PROTOCOL_ID);
});

protocol.encode.forEach(({ value, hex }, i) => {
  test(`encode example ${i} (${value.type})`, () => {
    assert.equal(toHex(encode(typed(value))), hex);
  });
});

protocol.digest.forEach(({ tag, values, digest: d, hash_to_scalar: s }, i) => {
  test(`digest and hash_to_scalar example ${i} (${tag})`, () => {
    const vs = values.map(typed);
    assert.equal(toHex(digest(tag, ...vs)), d);
    assert.equal(hashToScalar(tag, ...vs).hex(), s);
  });
});

test('integers: numbers and BigInts alike, range checked', () => {
  assert.equal(toHex(encode(7)), toHex(encode(7n)));
  assert.equal(toHex(encode(2n ** 64n - 1n)), '0000000000000008ffffffffffffffff');
  assert.throws(() => encode(2n ** 64n), RangeError);
  assert.throws(() => encode(-1), RangeError);
  assert.throws(() => encode(1.5), TypeError);
  assert.throws(() => encode(2 ** 53), TypeError);
});

test('not encodable: booleans, null, objects, lone surrogates', () => {
  assert.throws(() => encode(true), TypeError);
  assert.throws(() => encode(null), TypeError);
  assert.throws(() => encode(undefined), TypeError);
  assert.throws(() => encode({ a: 1 }), TypeError);
  assert.throws(() => encode('\uD800'), TypeError);
  assert.equal(toHex(encode('🗳')), '0000000000000004f09f97b3');
});

test('elements and scalars are framed 32-byte encodings', () => {
  assert.equal(toHex(encode(G)), '0000000000000020' + G.hex());
  assert.equal(toHex(encode(Scalar.of(1))), '0000000000000020' + '01' + '00'.repeat(31));
});
