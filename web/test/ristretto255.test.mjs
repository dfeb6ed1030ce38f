// RFC 9496 Appendix A through the booth's group module (tests/vectors/ristretto255.json).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DecodeError, Element, G, GROUP_NAME, IDENTITY, L, Scalar, elementFromUniformBytes, fromHex, gPow, randomScalar,
} from '../src/protocol/index.js';
import { ristretto } from './helpers.mjs';

const MULTIPLES = ristretto.multiples_of_generator.encodings;
const INVALID = ristretto.invalid_encodings.encodings;
const UNIFORM = ristretto.from_uniform_bytes.pairs;

test('vector file and group name', () => {
  assert.equal(ristretto.group, GROUP_NAME);
  assert.equal(G.hex(), ristretto.generator);
  assert.equal(MULTIPLES.length, 16);
  assert.ok(INVALID.length >= 20);
  assert.ok(UNIFORM.length >= 7);
});

test('A.1 multiples of the generator: g^k for k = 0..15', () => {
  MULTIPLES.forEach((hex, k) => {
    assert.equal(gPow(Scalar.of(k)).hex(), hex, `g^${k}`);
    assert.equal(G.powPublic(Scalar.of(k)).hex(), hex, `g^${k} (variable time)`);
  });
});

test('A.1 multiples decode and re-encode; adding g steps through them', () => {
  let acc = IDENTITY;
  MULTIPLES.forEach((hex, k) => {
    assert.equal(acc.hex(), hex, `${k}·g by additions`);
    const e = Element.fromHex(hex, 'e', k === 0);
    assert.equal(e.hex(), hex);
    assert.ok(e.equals(acc));
    acc = acc.mul(G);
  });
  assert.equal(Element.fromHex(MULTIPLES[5]).div(G).hex(), MULTIPLES[4]);
});

test('identity refused unless allowed', () => {
  assert.throws(() => Element.fromHex(MULTIPLES[0]), DecodeError);
  assert.ok(Element.fromHex(MULTIPLES[0], 'e', true).isIdentity());
});

for (const [i, { reason, hex }] of INVALID.entries()) {
  test(`A.2 invalid encoding ${i} refused (${reason})`, () => {
    assert.throws(() => Element.fromHex(hex, 'e', true), DecodeError);
    assert.throws(() => Element.decode(fromHex(hex), 'e', true), DecodeError);
  });
}

test('top bit set is refused (as group.py does)', () => {
  for (const hex of MULTIPLES.slice(1)) {
    const bytes = fromHex(hex);
    bytes[31] |= 0x80;
    assert.throws(() => Element.decode(bytes), DecodeError);
  }
});

test('wrong lengths and upper-case hex refused', () => {
  assert.throws(() => Element.decode(new Uint8Array(31)), DecodeError);
  assert.throws(() => Element.fromHex(MULTIPLES[1].toUpperCase()), DecodeError);
  assert.throws(() => Element.fromHex(MULTIPLES[1] + '00'), DecodeError);
});

for (const [i, { input, output }] of UNIFORM.entries()) {
  test(`A.3 element derivation from uniform bytes ${i}`, () => {
    assert.equal(elementFromUniformBytes(fromHex(input)).hex(), output);
  });
}

test('scalars: canonical decoding, arithmetic mod L', () => {
  assert.equal(Scalar.of(-1).value, L - 1n);
  assert.equal(Scalar.of(L).value, 0n);
  const max = new Scalar(L - 1n);
  assert.equal(Scalar.fromHex(max.hex()).value, L - 1n);
  const bytesL = new Scalar(L - 1n).encode();
  bytesL[0] += 1; // = L
  assert.throws(() => Scalar.decode(bytesL), DecodeError);
  assert.throws(() => new Scalar(L), RangeError);
  assert.equal(max.add(Scalar.of(2)).value, 1n);
  assert.equal(Scalar.of(1).sub(Scalar.of(2)).value, L - 1n);
  assert.equal(max.mul(max).value, 1n);
  assert.equal(Scalar.of(5).neg().add(Scalar.of(5)).value, 0n);
  assert.equal(Scalar.of(0).neg().value, 0n);
});

test('pow agrees with powPublic, is a homomorphism, and x^0 is the identity', () => {
  const a = randomScalar();
  const b = randomScalar();
  const X = gPow(a);
  assert.ok(X.pow(b).equals(X.powPublic(b)));
  assert.ok(gPow(a.add(b)).equals(gPow(a).mul(gPow(b))));
  assert.ok(gPow(a.mul(b)).equals(gPow(a).pow(b)));
  assert.ok(X.pow(Scalar.of(0)).isIdentity());
  assert.ok(X.powPublic(Scalar.of(0)).isIdentity());
});

test('randomScalar: non-zero, in range, not repeating', () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const s = randomScalar();
    assert.ok(s.value > 0n && s.value < L);
    seen.add(s.value);
  }
  assert.equal(seen.size, 200);
});
