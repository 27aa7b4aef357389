// EPC URNs and GS1 Digital Links to Gs1Key and one canonical key URI (TDS 2.1 §6, DL 1.2 §4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalizeEpc, canonicalKeyUri, Gs1Error, INPUT_ECHO_CHARS_MAX, parseGs1Key } from './index.ts';

test('the testdata README example: the indicator digit moves to the front', () => {
  assert.deepEqual(parseGs1Key('urn:epc:id:sgtin:0614141.107346.2017'), {
    kind: 'sgtin',
    gtin: '10614141073464',
    serial: '2017',
  });
});

test('an EPC URN and Digital Links of the same unit canonicalise equal', () => {
  const canonical = 'https://id.gs1.org/01/10614141073464/21/2017';
  for (const form of [
    'urn:epc:id:sgtin:0614141.107346.2017',
    'https://id.gs1.org/01/10614141073464/21/2017',
    'https://example.com/01/10614141073464/21/2017',
    'http://brand.example/resolver/path/01/10614141073464/21/2017?17=261231#x',
    'https://id.gs1.org/01/10614141073464/10/LOT1/21/2017', // lot is coarser than the serial
    'https://id.gs1.org/gtin/10614141073464/ser/2017', // DL 1.1 short names
  ]) {
    assert.equal(canonicalizeEpc(form), canonical, form);
  }
  // Company prefix length is free: the same GTIN through a 9-digit prefix.
  assert.equal(canonicalizeEpc('urn:epc:id:sgtin:061414107.1346.2017'), canonical);
  // GTIN-13 in a Digital Link becomes GTIN-14.
  assert.equal(
    canonicalizeEpc('https://id.gs1.org/01/6291041500213'),
    'https://id.gs1.org/01/06291041500213',
  );
});

test('every supported kind', () => {
  const cases: Array<[string, unknown, string]> = [
    [
      'urn:epc:id:sscc:0614141.1234567890',
      { kind: 'sscc', sscc: '106141412345678908' },
      'https://id.gs1.org/00/106141412345678908',
    ],
    [
      'urn:epc:id:sgln:0614141.07346.1234',
      { kind: 'sgln', gln: '0614141073467', extension: '1234' },
      'https://id.gs1.org/414/0614141073467/254/1234',
    ],
    [
      'urn:epc:id:sgln:0614141.00777.0',
      { kind: 'sgln', gln: '0614141007776', extension: null },
      'https://id.gs1.org/414/0614141007776',
    ],
    [
      'urn:epc:id:sgln:952005385.011.ts4711',
      { kind: 'sgln', gln: '9520053850113', extension: 'ts4711' },
      'https://id.gs1.org/414/9520053850113/254/ts4711',
    ],
    [
      'urn:epc:id:pgln:0614141.00777',
      { kind: 'pgln', gln: '0614141007776' },
      'https://id.gs1.org/417/0614141007776',
    ],
    [
      'urn:epc:class:lgtin:4012345.012345.998877',
      { kind: 'lgtin', gtin: '04012345123456', lot: '998877' },
      'https://id.gs1.org/01/04012345123456/10/998877',
    ],
    [
      'urn:epc:idpat:sgtin:4012345.066666.*',
      { kind: 'gtin', gtin: '04012345666663' },
      'https://id.gs1.org/01/04012345666663',
    ],
    [
      'https://id.gs1.org/00/106141412345678908',
      { kind: 'sscc', sscc: '106141412345678908' },
      'https://id.gs1.org/00/106141412345678908',
    ],
    [
      'https://id.example.com/414/4012345000054',
      { kind: 'sgln', gln: '4012345000054', extension: null },
      'https://id.gs1.org/414/4012345000054',
    ],
    [
      'https://id.gs1.org/414/9506000134307/254/A-1',
      { kind: 'sgln', gln: '9506000134307', extension: 'A-1' },
      'https://id.gs1.org/414/9506000134307/254/A-1',
    ],
    [
      'https://id.gs1.org/417/0614141007776',
      { kind: 'pgln', gln: '0614141007776' },
      'https://id.gs1.org/417/0614141007776',
    ],
    [
      'https://id.gs1.org/01/04012345123456/10/998877',
      { kind: 'lgtin', gtin: '04012345123456', lot: '998877' },
      'https://id.gs1.org/01/04012345123456/10/998877',
    ],
  ];
  for (const [uri, key, canonical] of cases) {
    assert.deepEqual(parseGs1Key(uri), key, uri);
    assert.equal(canonicalizeEpc(uri), canonical, uri);
  }
  // A lgtin URN and its Digital Link agree too.
  assert.equal(
    canonicalizeEpc('urn:epc:class:lgtin:0614141.077777.987'),
    canonicalizeEpc('https://id.gs1.org/01/00614141777778/10/987'),
  );
});

test('serials with reserved characters: TDS escapes in, Digital Link percent-encoding out', () => {
  // "/" is %2F in an EPC URN and must stay encoded in the Digital Link path.
  assert.deepEqual(parseGs1Key('urn:epc:id:sgtin:0614141.107346.A%2FB'), {
    kind: 'sgtin',
    gtin: '10614141073464',
    serial: 'A/B',
  });
  const canonical = canonicalizeEpc('urn:epc:id:sgtin:0614141.107346.A%2FB!(x)');
  assert.equal(canonical, 'https://id.gs1.org/01/10614141073464/21/A%2FB%21%28x%29');
  assert.equal(canonicalizeEpc(canonical), canonical); // idempotent
  assert.equal(canonicalizeEpc('https://id.gs1.org/01/10614141073464/21/A%2fB!(x)'), canonical);
  // The serial may contain dots, which are not escaped in the URN.
  assert.equal(
    canonicalizeEpc('urn:epc:id:sgtin:0614141.107346.1.2'),
    'https://id.gs1.org/01/10614141073464/21/1.2',
  );
  // Round trip of every CSET 82 character.
  const all = `!"%&'()*+,-./:;<=>?_`;
  assert.deepEqual(parseGs1Key(canonicalKeyUri({ kind: 'sgtin', gtin: '10614141073464', serial: all })), {
    kind: 'sgtin',
    gtin: '10614141073464',
    serial: all,
  });
});

test('canonicalKeyUri validates the key it is given', () => {
  assert.equal(
    canonicalKeyUri({ kind: 'gtin', gtin: '6291041500213' }),
    'https://id.gs1.org/01/06291041500213',
  );
  const bad: Array<Parameters<typeof canonicalKeyUri>[0]> = [
    { kind: 'sgtin', gtin: '10614141073465', serial: '1' },
    { kind: 'sgtin', gtin: '10614141073464', serial: '' },
    { kind: 'lgtin', gtin: '10614141073464', lot: 'a b' },
    { kind: 'sscc', sscc: '106141412345678909' },
    { kind: 'sgln', gln: '0614141073467', extension: '' },
    { kind: 'pgln', gln: '061414100777' },
  ];
  for (const key of bad) assert.throws(() => canonicalKeyUri(key), Gs1Error, JSON.stringify(key));
});

test('bad inputs throw Gs1Error with a stable code and a short, clear message', () => {
  const cases: Array<[string, string]> = [
    ['', 'gs1.syntax'],
    ['10614141073464', 'gs1.syntax'],
    ['urn:epc:id:sgtin:0614141.107346', 'gs1.syntax'], // no serial
    ['urn:epc:id:sgtin:0614141.10734.2017', 'gs1.syntax'], // 12 digits
    ['urn:epc:id:sgtin:06141.1073460.2017', 'gs1.syntax'], // 5-digit company prefix
    ['urn:epc:id:sgtin:0614141.107346.' + 'x'.repeat(21), 'gs1.syntax'],
    ['urn:epc:id:sgtin:0614141.107346.a/b', 'gs1.syntax'], // "/" must be escaped in a URN
    ['urn:epc:id:sgtin:0614141.107346.%20', 'gs1.syntax'], // space is not CSET 82
    ['urn:epc:id:sscc:0614141.123456789', 'gs1.syntax'],
    ['urn:epc:id:giai:4000001.111', 'gs1.unsupported'],
    ['urn:epc:idpat:sgtin:4012345.*.*', 'gs1.unsupported'],
    ['urn:epc:id:sgln:0614141.07346.', 'gs1.syntax'],
    ['https://id.gs1.org/01/10614141073465/21/2017', 'gs1.check_digit'],
    ['https://id.gs1.org/00/106141412345678909', 'gs1.check_digit'],
    ['https://id.gs1.org/414/0614141073468', 'gs1.check_digit'],
    ['https://id.gs1.org/01/10614141073/21/2017', 'gs1.syntax'],
    ['https://id.gs1.org/01/10614141073464/21/a%ZZ', 'gs1.syntax'],
    ['https://id.gs1.org/01/10614141073464/21/a%20b', 'gs1.syntax'],
    ['https://id.gs1.org/01/10614141073464/21/2017/10/LOT', 'gs1.syntax'], // qualifiers out of order
    ['https://id.gs1.org/00/106141412345678908/21/1', 'gs1.syntax'],
    ['https://id.gs1.org/8004/4000001111', 'gs1.unsupported'],
    ['https://example.com/products/42', 'gs1.syntax'],
    ['ftp://id.gs1.org/01/10614141073464', 'gs1.syntax'],
  ];
  for (const [input, code] of cases) {
    assert.throws(
      () => parseGs1Key(input),
      (e: unknown) => e instanceof Gs1Error && e.code === code && e.message.length > 10,
      `${input} → ${code}`,
    );
  }
  const long = 'urn:epc:id:sgtin:' + 'SECRET'.repeat(100);
  assert.throws(
    () => parseGs1Key(long),
    (e: unknown) =>
      e instanceof Gs1Error &&
      !e.message.includes('SECRET'.repeat(12)) &&
      e.message.length < INPUT_ECHO_CHARS_MAX + 80,
  );
});
