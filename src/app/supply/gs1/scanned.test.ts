// Scanned pack codes: element strings in bracketed and raw (FNC1) form, Digital Links with query data,
// and GS1 dates with the GenSpecs §7.12 century window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gs1Error, gs1DateToIso, parseDigitalLink, parseElementString, parseScannedCode } from './index.ts';

const GS = '\x1d';
const PACK = { gtin: '09506000134352', expiry: '2026-12-31', lot: 'ABC123', serial: '12345XYZ' };

test('bracketed and raw element strings of the same pack agree', () => {
  assert.deepEqual(parseElementString('(01)09506000134352(17)261231(10)ABC123(21)12345XYZ'), PACK);
  // Fixed-length 01 and 17 need no FNC1; variable 10 ends at GS, 21 at the end of data.
  const raw = '01095060001343521726123110ABC123' + GS + '2112345XYZ';
  assert.deepEqual(parseElementString(raw), PACK);
  for (const symbology of [']d2', ']C1', ']Q3', ']e0'])
    assert.deepEqual(parseElementString(symbology + raw), PACK);
  // Leading FNC1, a separator after a fixed-length field and a trailing one are tolerated.
  assert.deepEqual(
    parseElementString(GS + '0109506000134352' + GS + '17261231' + '10ABC123' + GS + '2112345XYZ' + GS),
    PACK,
  );
  // Order is free; the serial first then the lot.
  assert.deepEqual(
    parseElementString('2112345XYZ' + GS + '10ABC123' + GS + '0109506000134352' + '17261231'),
    PACK,
  );
  // GTIN-13 encoded as 14 digits; SSCC labels.
  assert.deepEqual(parseElementString('(00)106141412345678908'), { sscc: '106141412345678908' });
  assert.deepEqual(parseElementString(']C100106141412345678908'), { sscc: '106141412345678908' });
  // Other AIs on pharmaceutical packs are read and left out of the result.
  assert.deepEqual(parseElementString('(01)09506000134352(7003)2612311200(710)PZN12345(3103)000250(21)1'), {
    gtin: '09506000134352',
    serial: '1',
  });
});

test('expiry: YYMMDD to YYYY-MM-DD, DD=00 is the last day, the century window', () => {
  assert.equal(parseElementString('(17)240200').expiry, '2024-02-29');
  assert.equal(parseElementString('(17)250200').expiry, '2025-02-28');
  assert.equal(parseElementString('(17)261100').expiry, '2026-11-30');
  assert.equal(gs1DateToIso('000200', 2026), '2000-02-29');
  assert.equal(gs1DateToIso('000200', 2090), '2100-02-28'); // 2100 is no leap year
  // Current year 2026: 27..76 ahead of 26 stay in this century up to +50, beyond is the last one.
  assert.equal(gs1DateToIso('760101', 2026), '2076-01-01');
  assert.equal(gs1DateToIso('770101', 2026), '1977-01-01');
  assert.equal(gs1DateToIso('990101', 2080), '2099-01-01');
  assert.equal(gs1DateToIso('300101', 2080), '2130-01-01'); // 50 behind → next century
  assert.equal(gs1DateToIso('310101', 2080), '2031-01-01');
  assert.equal(parseElementString('(17)770101', { referenceYear: 2030 }).expiry, '2077-01-01');
  for (const bad of ['261301', '260230', '260431', 'AB0101', '2601']) {
    assert.throws(() => gs1DateToIso(bad), { name: 'Gs1Error', code: 'gs1.syntax' }, bad);
  }
});

test('Digital Link pack codes with key qualifiers and query attributes', () => {
  assert.deepEqual(
    parseDigitalLink('https://id.gs1.org/01/09506000134352/21/12345XYZ?17=261231&10=ABC123'),
    PACK,
  );
  assert.deepEqual(
    parseDigitalLink('https://example.com/01/09506000134352/10/ABC123/21/12345XYZ?17=261231&utm=x'),
    PACK,
  );
  assert.deepEqual(parseDigitalLink('https://id.gs1.org/01/9506000134352/10/A%2FB'), {
    gtin: '09506000134352',
    lot: 'A/B',
  });
  assert.deepEqual(parseDigitalLink('https://id.gs1.org/00/106141412345678908'), {
    sscc: '106141412345678908',
  });
  assert.throws(() => parseDigitalLink('https://id.gs1.org/01/09506000134352/10/ABC?10=XYZ'), {
    name: 'Gs1Error',
    code: 'gs1.syntax',
  });
  assert.throws(() => parseDigitalLink('https://id.gs1.org/414/9506000134307'), { code: 'gs1.unsupported' });
  assert.throws(() => parseDigitalLink('https://id.gs1.org/01/09506000134352?17=261331'), {
    code: 'gs1.syntax',
  });
});

test('parseScannedCode picks the form by shape', () => {
  assert.deepEqual(
    parseScannedCode(' https://id.gs1.org/01/09506000134352/21/12345XYZ?17=261231&10=ABC123\n'),
    PACK,
  );
  assert.deepEqual(parseScannedCode(']d201095060001343521726123110ABC123' + GS + '2112345XYZ'), PACK);
  assert.deepEqual(parseScannedCode('(01)09506000134352(17)261231(10)ABC123(21)12345XYZ'), PACK);
});

test('bad element strings throw Gs1Error with clear messages', () => {
  const cases: Array<[string, string]> = [
    ['', 'gs1.syntax'],
    ['(01)09506000134353', 'gs1.check_digit'],
    ['0109506000134353', 'gs1.check_digit'],
    ['(00)106141412345678909', 'gs1.check_digit'],
    ['(01)0950600013435', 'gs1.syntax'], // 13 digits in a 14-digit AI
    ['010950600013435', 'gs1.syntax'], // raw form cut short
    ['(17)2612', 'gs1.syntax'],
    ['(21)' + 'x'.repeat(21), 'gs1.syntax'],
    ['(21)a b', 'gs1.syntax'],
    ['(10)', 'gs1.syntax'],
    ['01095060001343521', 'gs1.unsupported'], // "1" is no AI
    ['(99', 'gs1.syntax'],
    ['garbage', 'gs1.unsupported'],
    ['(01)09506000134352(21)1(21)2', 'gs1.syntax'], // same AI, two values
    ['(8200)http://x', 'gs1.unsupported'],
    [']d1010950600013435', 'gs1.syntax'], // symbology that does not carry GS1 data
    ['x'.repeat(600), 'gs1.syntax'],
  ];
  for (const [input, code] of cases) {
    assert.throws(
      () => parseElementString(input),
      (e: unknown) => e instanceof Gs1Error && e.code === code && !e.message.includes('x'.repeat(65)),
      `${JSON.stringify(input)} → ${code}`,
    );
  }
});
