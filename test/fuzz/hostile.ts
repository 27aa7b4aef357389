// Hostile values for the fuzzer: wrong types, edge-case strings, deep nesting, huge strings, malformed
// JSON, mutated bodies, odd path segments and query strings. Each is a fast-check arbitrary, so a run is
// replayable from its seed.
import fc from 'fast-check';
import { JSON_DEPTH_MAX } from '../../src/api/bad-input.ts';
import { REQUEST_BODY_BYTES_MAX } from '../../src/api/server.ts';

export const hex = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

/** Strings that have broken parsers elsewhere: numbers in disguise, prototype keys, escapes, surrogates. */
const NASTY_STRINGS = [
  '',
  ' ',
  '-1',
  '0',
  '1.5',
  '1e309',
  '9007199254740993',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '../../../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '\u0000',
  '\ud800',
  '\uffff',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '{"$gt":""}',
  '\r\nX-Injected: 1',
  'ＡＢＣ',
  '𝒳'.repeat(50),
];

/** A long string: usually 64 KiB, sometimes just over the request body limit. */
export const hugeString: fc.Arbitrary<string> = fc
  .constantFrom(8 * 1024, 64 * 1024, REQUEST_BODY_BYTES_MAX + 1024)
  .map((n) => 'A'.repeat(n));

export const junkString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: hex(64), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

/** Any JSON value of the wrong type for where it lands. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: junkString, weight: 4 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.constantFrom(-1, 0, 1.5, 2 ** 53, -(2 ** 63), 1e308), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: fc.array(junkString, { maxLength: 4 }), weight: 1 },
);

/** `{"a":{"a":…}}` nested `depth` levels around `leaf`, as text (too deep to build as a value). */
export function nestedText(depth: number, leaf = '1'): string {
  return '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}

/** Nesting depths around the parse-time limit and far beyond it. */
export const nestingDepth = fc.constantFrom(
  JSON_DEPTH_MAX - 2,
  JSON_DEPTH_MAX - 1,
  JSON_DEPTH_MAX,
  JSON_DEPTH_MAX + 1,
  500,
  20_000,
  200_000,
);

export const malformedJson: fc.Arbitrary<string> = fc.constantFrom(
  '{',
  '}',
  '{"a":1,}',
  '[1,2',
  '{"a":}',
  'null',
  '"a string"',
  '12345',
  'true',
  '[]',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '\ufeff{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":1e999}',
  "{'a':1}",
  '',
  '\u0000\u0001\u0002',
);

type Json = Record<string, unknown>;

/** A valid-looking object changed in one place: a field replaced by junk, dropped, added, or wrapped. */
export function mutated(valid: fc.Arbitrary<Json>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), junkValue, fc.constantFrom('replace', 'drop', 'add', 'wrap', 'nest'))
    .map(([object, pick, junk, how]) => {
      const keys = Object.keys(object);
      const key = keys.length === 0 ? 'x' : keys[pick % keys.length]!;
      switch (how) {
        case 'replace':
          return { ...object, [key]: junk };
        case 'drop': {
          const { [key]: _dropped, ...rest } = object;
          return rest;
        }
        case 'add':
          return { ...object, [`extra${pick % 7}`]: junk };
        case 'wrap':
          return [object];
        default:
          return { ...object, [key]: { [key]: { [key]: object[key] ?? junk } } };
      }
    });
}

/**
 * A request body for a route whose valid bodies `valid` generates: valid, mutated, junk, malformed, too
 * deep, huge, or absent.
 */
export function body(valid: fc.Arbitrary<Json>): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { arbitrary: valid.map((v) => JSON.stringify(v)), weight: 6 },
    { arbitrary: mutated(valid).map((v) => JSON.stringify(v)), weight: 5 },
    { arbitrary: junkValue.map((v) => JSON.stringify(v) ?? 'null'), weight: 1 },
    { arbitrary: malformedJson, weight: 1 },
    { arbitrary: nestingDepth.map((d) => nestedText(d)), weight: 1 },
    {
      arbitrary: fc.tuple(valid, hugeString).map(([v, huge]) => JSON.stringify({ ...v, huge })),
      weight: 1,
    },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

/** The content type sent with a body: usually the route's own, sometimes another or none. */
export function contentType(own: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(own), weight: 8 },
    {
      arbitrary: fc.constantFrom(
        'application/json',
        'application/fhir+json',
        'application/ld+json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'application/json; charset=',
        ';;;',
      ),
      weight: 2,
    },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

/** A path segment: a valid one, or one of many shapes that are not. Already percent-encoded. */
export function segment(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const junk = fc.oneof(
    junkString
      .filter((s) => s.length < 9000)
      .map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))),
    fc.constantFrom('0', '-1', '1.5', '1e3', '%2e%2e', '%00', '%zz', '%', 'a%2Fb', 'x'.repeat(5000)),
    hex(63),
    hex(65),
    hex(64).map((h) => h.toUpperCase()),
  );
  return fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: junk, weight: 1 });
}

/** A query string from `pairs` (valid keys and values), with repeated keys, junk keys and odd syntax. */
export function query(pairs: fc.Arbitrary<[string, string][]>): fc.Arbitrary<string> {
  const junkPair = fc.tuple(
    fc.oneof(
      fc.constantFrom('_count', '_offset', 'patient', 'x', '__proto__', 'a[b]', '', 'limit'),
      junkString,
    ),
    junkString.filter((s) => s.length < 70_000),
  );
  const encoded = (list: [string, string][]) =>
    list
      .map(
        ([k, v]) =>
          `${encodeURIComponent(k.replace(/[\ud800-\udfff]/g, ''))}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, ''))}`,
      )
      .join('&');
  return fc.oneof(
    { arbitrary: pairs.map(encoded), weight: 5 },
    // a key sent twice
    {
      arbitrary: pairs.map((list) => encoded(list.length === 0 ? [] : [...list, list[0]!])),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(pairs, fc.array(junkPair, { maxLength: 3 })).map(([a, b]) => encoded([...a, ...b])),
      weight: 2,
    },
    {
      arbitrary: fc.constantFrom('&&&', '=', '==x', '%', '%zz=1', 'a=%', '?', '#x', 'a'.repeat(9000)),
      weight: 1,
    },
  );
}
