// Value rules of the CBV 2.0 event hash: timestamps (rules 8, 9), numbers (6), identifiers (17, 18).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseIdentifier } from './identifiers.ts';
import { normaliseTimestamp } from './timestamp.ts';
import { normaliseNumber } from './values.ts';

test('timestamps: UTC, "Z", exactly milliseconds, rounded half up at the third place', () => {
  const cases: Array<[string, string]> = [
    ['2005-04-03T20:33:31.116000-06:00', '2005-04-04T02:33:31.116Z'],
    ['2020-03-04T11:00:30+01:00', '2020-03-04T10:00:30.000Z'],
    ['2020-03-04T10:00:30.5Z', '2020-03-04T10:00:30.500Z'],
    ['2023-01-18T11:04:03.1415Z', '2023-01-18T11:04:03.142Z'], // the standard's own example
    ['2023-01-18T11:04:03.1414Z', '2023-01-18T11:04:03.141Z'],
    ['2023-12-31T23:59:59.9996Z', '2024-01-01T00:00:00.000Z'], // rounding carries into the next year
    ['2019-04-02T13:05:00.000+05:30', '2019-04-02T07:35:00.000Z'],
    ['2019-04-02T13:05:00Z', '2019-04-02T13:05:00.000Z'],
  ];
  for (const [input, expected] of cases) assert.equal(normaliseTimestamp(input), expected, input);
  for (const bad of [
    '2019-04-02',
    'yesterday',
    '2019-13-02T10:00:00Z',
    '2019-04-02T24:00:00Z',
    '2019-04-02T10:00:00+25:00',
  ]) {
    assert.equal(normaliseTimestamp(bad), undefined, bad);
  }
});

test('numbers lose trailing zeros and signs; other text is untouched', () => {
  const cases: Array<[string, string]> = [
    ['1.0', '1'],
    ['+5', '5'],
    ['0.3434', '0.3434'],
    ['0.34340', '0.3434'],
    ['007', '7'],
    ['1e3', '1000'],
    ['0.00001', '1e-05'],
    ['-0.0', '0'],
    ['12.50', '12.5'],
    ['ABC', 'ABC'],
    ['1.2.3', '1.2.3'],
    ['-06:00', '-06:00'],
    ['', ''],
  ];
  for (const [input, expected] of cases) assert.equal(normaliseNumber(input), expected, input);
});

test('EPC URIs and Digital Links become constrained canonical Digital Links', () => {
  const cases: Array<[string, string]> = [
    ['urn:epc:id:sgtin:0614141.107346.2017', 'https://id.gs1.org/01/10614141073464/21/2017'],
    ['urn:epc:id:sgtin:0614141.107346.A%2FB!', 'https://id.gs1.org/01/10614141073464/21/A%2FB%21'],
    ['urn:epc:id:sscc:4012345.0000000111', 'https://id.gs1.org/00/040123450000001112'],
    ['urn:epc:id:sgln:4012345.00011.987', 'https://id.gs1.org/414/4012345000115/254/987'],
    ['urn:epc:id:sgln:0614141.00777.0', 'https://id.gs1.org/414/0614141007776'],
    ['urn:epc:id:pgln:0614141.00777', 'https://id.gs1.org/417/0614141007776'],
    ['urn:epc:id:giai:4000001.111', 'https://id.gs1.org/8004/4000001111'],
    ['urn:epc:id:grai:4012345.55555.987', 'https://id.gs1.org/8003/04012345555554987'],
    ['urn:epc:id:gdti:0614141.12345.400', 'https://id.gs1.org/253/0614141123452400'],
    ['urn:epc:id:gsrn:0614141.0000010253', 'https://id.gs1.org/8018/061414100000102534'],
    ['urn:epc:class:lgtin:4012345.012345.998877', 'https://id.gs1.org/01/04012345123456/10/998877'],
    ['urn:epc:idpat:sgtin:4012345.066666.*', 'https://id.gs1.org/01/04012345666663'],
    [
      'https://example.com/01/9506000134352/21/2017?17=261231',
      'https://id.gs1.org/01/09506000134352/21/2017',
    ],
    [
      'https://id.gs1.org/01/09506000134352/22/2A/10/LOT/21/2017',
      'https://id.gs1.org/01/09506000134352/21/2017',
    ],
    ['https://id.gs1.org/01/09506000134352/10/LOT', 'https://id.gs1.org/01/09506000134352/10/LOT'],
    ['https://brand.example/gtin/09506000134352/ser/7', 'https://id.gs1.org/01/09506000134352/21/7'],
    [
      'https://example.org/8004/4000001111-20190402T150000000',
      'https://id.gs1.org/8004/4000001111-20190402T150000000',
    ],
    ['https://id.example.com/414/4012345000054', 'https://id.gs1.org/414/4012345000054'],
  ];
  for (const [input, expected] of cases) assert.equal(normaliseIdentifier(input), expected, input);
  for (const other of [
    'http://transaction.acme.com/po/12345678',
    'urn:epcglobal:cbv:bt:0614141073467:1152',
    'urn:epc:id:sgtin:0614141.10734.2017', // 12 digits
    'https://id.gs1.org/01/09506000134352/21/a%2Fb', // the reference does not re-encode
    'Example of a vendor/user extension',
  ]) {
    assert.equal(normaliseIdentifier(other), undefined, other);
  }
});
