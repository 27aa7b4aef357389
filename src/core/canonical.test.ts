// The canonical JSON encoding (RFC 8785 JCS, restricted to safe integers): the RFC's own examples, the
// values it must refuse, and round-trip properties. Every hash and signature rests on this encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { fromUtf8 } from './bytes.ts';
import { canonicalBytes, canonicalDocumentJson, canonicalJson } from './canonical.ts';
import { CoreError } from './errors.ts';

function isNonCanonical(error: unknown): boolean {
  return error instanceof CoreError && error.code === 'encoding.non_canonical';
}

// RFC 8785 §3.2.3: properties sort by their names as arrays of UTF-16 code units, so U+1F600 (stored as
// the surrogates D83D DE00) sorts before U+FB33 although its code point is larger, and "\r" sorts before
// "1" although a JS object lists the integer-like key "1" first.
void test('RFC 8785 §3.2.3: keys sort by UTF-16 code units, including non-ASCII keys', () => {
  const input = JSON.parse(String.raw`{
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  }`) as unknown;
  assert.equal(
    canonicalJson(input),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
});

// RFC 8785 §3.2.2.2 and the example of §3.2.4, without its "numbers" member (fractions and exponents are
// outside carechain's canonical domain; they are rejected below).
void test('RFC 8785 §3.2.4: string escaping and literals', () => {
  const input = JSON.parse(String.raw`{
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`) as unknown;
  assert.equal(
    canonicalJson(input),
    String.raw`{"literals":[null,true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
  );
  assert.throws(
    () =>
      canonicalJson(
        JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001]}'),
      ),
    isNonCanonical,
  );
});

void test('control characters use the short escapes where JSON has them and lowercase \\u00xx otherwise', () => {
  assert.equal(canonicalJson('\b\t\n\f\r'), String.raw`"\b\t\n\f\r"`);
  assert.equal(canonicalJson('\u0000\u0001\u001f\u007f'), '"\\u0000\\u0001\\u001f\u007f"');
  assert.equal(canonicalJson('"\\/'), String.raw`"\"\\/"`);
});

void test('nested objects sort at every level; arrays keep their order', () => {
  const value = { b: [{ d: 1, c: 2 }, 3, 'x'], a: { z: null, y: true, '': -1 }, '10': 0, '9': 0 };
  assert.equal(
    canonicalJson(value),
    '{"10":0,"9":0,"a":{"":-1,"y":true,"z":null},"b":[{"c":2,"d":1},3,"x"]}',
  );
  assert.equal(canonicalJson([]), '[]');
  assert.equal(canonicalJson({}), '{}');
});

void test('canonicalBytes is the UTF-8 of canonicalJson', () => {
  const value = { name: 'Zoë 😀', n: 1 };
  assert.deepEqual([...canonicalBytes(value)], [...new TextEncoder().encode(canonicalJson(value))]);
  assert.equal(fromUtf8(canonicalBytes(value)), '{"n":1,"name":"Zoë 😀"}');
});

void test('safe integers at both ends are accepted; -0 encodes as 0 (RFC 8785 §3.2.2.3)', () => {
  assert.equal(
    canonicalJson([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0]),
    '[9007199254740991,-9007199254740991,0]',
  );
  assert.equal(canonicalJson(-0), '0');
});

class Patient {
  readonly id = 'p1';
}

void test('values outside the canonical domain throw CoreError encoding.non_canonical', () => {
  const rejected: [string, unknown][] = [
    ['2^53', 2 ** 53],
    ['-(2^53)', -(2 ** 53)],
    ['a fraction', 1.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['undefined', undefined],
    ['undefined member', { a: undefined }],
    ['undefined element', [1, undefined]],
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['a class instance', new Patient()],
    ['a null-prototype object', Object.create(null) as object],
    ['a bigint', 1n],
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['a toJSON method', { toJSON: () => 'x' }],
    ['a Uint8Array', new Uint8Array(1)],
    ['deeply nested NaN', { a: [{ b: [NaN] }] }],
  ];
  for (const [name, value] of rejected) {
    assert.throws(() => canonicalJson(value), isNonCanonical, name);
    assert.throws(() => canonicalBytes(value), isNonCanonical, name);
  }
});

void test('the error names the path of the offending value, not the value', () => {
  assert.throws(
    () => canonicalJson({ patient: { visits: [1, 2.5] } }),
    (error: unknown) =>
      isNonCanonical(error) && (error as CoreError).details['path'] === '$.patient.visits[1]',
  );
});

// Outside RFC 8785's domain: I-JSON (RFC 7493 §2.1) forbids lone surrogates, and JSON has no holes.
void test('a sparse array is rejected', () => {
  // eslint-disable-next-line no-sparse-arrays
  assert.throws(() => canonicalJson([, 1]), isNonCanonical);
});

void test('a lone surrogate is rejected with CoreError', () => {
  assert.throws(() => canonicalJson('\ud800'), isNonCanonical);
  assert.throws(() => canonicalJson({ '\udc00': 1 }), isNonCanonical);
});

// ---- Properties ----------------------------------------------------------------------------------------

// Strings are any well-formed Unicode ('binary' draws whole code points, never a lone surrogate).
const text = fc.string({ unit: 'binary', maxLength: 12 });
const { value: canonicalValue } = fc.letrec<{
  value: unknown;
  array: unknown[];
  object: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    text,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 5, noNullPrototype: true }),
}));

void test('property: JSON.parse(canonicalJson(v)) deep-equals v, and canonicalJson is idempotent', () => {
  fc.assert(
    fc.property(canonicalValue, (value) => {
      const json = canonicalJson(value);
      const parsed: unknown = JSON.parse(json);
      assert.deepEqual(parsed, value);
      assert.equal(canonicalJson(parsed), json);
    }),
    { numRuns: 500 },
  );
});

void test('property: the order in which keys were inserted does not change the encoding', () => {
  fc.assert(
    fc.property(fc.dictionary(text, canonicalValue, { maxKeys: 8, noNullPrototype: true }), (object) => {
      const reversed = Object.fromEntries(Object.entries(object).reverse());
      assert.equal(canonicalJson(reversed), canonicalJson(object));
    }),
    { numRuns: 300 },
  );
});

void test('property: the one-pass encoder writes what the canonicalize package (RFC 8785) writes', () => {
  fc.assert(
    fc.property(canonicalValue, (value) => {
      assert.equal(canonicalJson(value), canonicalize(value));
    }),
    { numRuns: 1000 },
  );
});

void test('property: documents with any finite numbers encode as the canonicalize package does', () => {
  const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
  const { value: documentValue } = fc.letrec<{ value: unknown; array: unknown[]; object: object }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      number,
      text,
      tie('array'),
      tie('object'),
    ),
    array: fc.array(tie('value'), { maxLength: 5 }),
    object: fc.dictionary(text, tie('value'), { maxKeys: 5, noNullPrototype: true }),
  }));
  fc.assert(
    // A document is an object (a top-level undefined has no JSON at all).
    fc.property(fc.dictionary(text, documentValue, { maxKeys: 6, noNullPrototype: true }), (value) => {
      assert.equal(canonicalDocumentJson(value), canonicalize(value));
    }),
    { numRuns: 1000 },
  );
  assert.equal(
    canonicalDocumentJson({ b: 1e21, a: 0.1, c: -0, d: 12.5 }),
    '{"a":0.1,"b":1e+21,"c":0,"d":12.5}',
  );
  assert.equal(canonicalDocumentJson({ a: undefined, b: [undefined] }), '{"b":[null]}');
  for (const bad of [NaN, Infinity, new Date(0), '\ud800', { a: () => 1 }]) {
    assert.throws(() => canonicalDocumentJson(bad), isNonCanonical);
  }
});
