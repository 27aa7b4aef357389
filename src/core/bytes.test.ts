// Byte helpers: lowercase hex is the only text form of hashes, keys and signatures, so one value has
// exactly one spelling and anything else is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bytesEqual, concatBytes, fromHex, fromUtf8, isHex, toHex, utf8 } from './bytes.ts';

void test('toHex writes lowercase, two digits per byte', () => {
  assert.equal(toHex(new Uint8Array([0, 1, 15, 16, 171, 255])), '00010f10abff');
  assert.equal(toHex(new Uint8Array(0)), '');
});

void test('fromHex reads what toHex writes', () => {
  assert.deepEqual([...fromHex('00010f10abff')], [0, 1, 15, 16, 171, 255]);
  assert.equal(fromHex('').length, 0);
});

void test('fromHex rejects uppercase, odd length and anything that is not a hex digit', () => {
  for (const bad of ['AB', 'aB', '0A', 'abc', '0', 'zz', '0x00', ' 00', '00 ', '00\n', '-1', '+1', 'éé']) {
    assert.throws(() => fromHex(bad), TypeError, JSON.stringify(bad));
    assert.equal(isHex(bad), false, JSON.stringify(bad));
  }
});

void test('isHex checks the byte length when given one', () => {
  assert.equal(isHex('abcd', 2), true);
  assert.equal(isHex('abcd', 3), false);
  assert.equal(isHex('', 0), true);
  assert.equal(isHex(1234), false);
});

void test('property: hex round-trips bytes, and every byte string has exactly one hex spelling', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const hex = toHex(bytes);
      assert.match(hex, /^[0-9a-f]*$/);
      assert.equal(hex.length, 2 * bytes.length);
      assert.deepEqual([...fromHex(hex)], [...bytes]);
      if (/[a-f]/.test(hex)) assert.throws(() => fromHex(hex.toUpperCase()), TypeError);
    }),
  );
});

void test('concatBytes and bytesEqual', () => {
  const joined = concatBytes(new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3]));
  assert.deepEqual([...joined], [1, 2, 3]);
  assert.equal(bytesEqual(joined, new Uint8Array([1, 2, 3])), true);
  assert.equal(bytesEqual(joined, new Uint8Array([1, 2, 4])), false);
  assert.equal(bytesEqual(joined, new Uint8Array([1, 2])), false);
});

void test('utf8 round-trips text, and fromUtf8 refuses malformed UTF-8', () => {
  assert.equal(fromUtf8(utf8('Zoë 😀')), 'Zoë 😀');
  assert.throws(() => fromUtf8(new Uint8Array([0xc3])));
  assert.throws(() => fromUtf8(new Uint8Array([0xed, 0xa0, 0x80]))); // an encoded surrogate (CESU-8)
});
