// Check digits (GenSpecs §7.9.1) and GTIN / serial syntax, with a property test: changing any one digit
// of a valid GTIN always breaks its check digit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Gs1Error, gs1CheckDigit, isValidGtin, isValidSerial, normalizeGtin } from './index.ts';

test('check digits of published GS1 keys', () => {
  assert.equal(gs1CheckDigit('1061414107346'), 4); // GTIN-14 10614141073464 (testdata README)
  assert.equal(gs1CheckDigit('0950600013435'), 2); // GTIN 09506000134352
  assert.equal(gs1CheckDigit('629104150021'), 3); // GTIN-13 6291041500213 (GenSpecs §7.9.1 example)
  assert.equal(gs1CheckDigit('10614141234567890'), 8); // SSCC 106141412345678908
  assert.equal(gs1CheckDigit('9638507'), 4); // GTIN-8 96385074
  assert.throws(
    () => gs1CheckDigit(''),
    (e: unknown) => e instanceof Gs1Error && e.code === 'gs1.syntax',
  );
  assert.throws(
    () => gs1CheckDigit('12a4'),
    (e: unknown) => e instanceof Gs1Error && e.code === 'gs1.syntax',
  );
});

test('GTIN lengths 8, 12, 13 and 14 only, and normalisation to GTIN-14', () => {
  assert.ok(isValidGtin('96385074'));
  assert.ok(isValidGtin('614141000036'));
  assert.ok(isValidGtin('6291041500213'));
  assert.ok(isValidGtin('10614141073464'));
  assert.ok(!isValidGtin('10614141073465'));
  assert.ok(!isValidGtin('0000000000000000')); // 16 digits
  assert.ok(!isValidGtin('0629104150021')); // 13 digits, wrong check
  assert.ok(!isValidGtin('06291041500213 '));
  assert.ok(!isValidGtin('1234567890')); // 10 digits: no such GTIN
  assert.equal(normalizeGtin('96385074'), '00000096385074');
  assert.equal(normalizeGtin('614141000036'), '00614141000036');
  assert.equal(normalizeGtin('6291041500213'), '06291041500213');
  assert.throws(() => normalizeGtin('10614141073465'), { name: 'Gs1Error', code: 'gs1.check_digit' });
  assert.throws(() => normalizeGtin('abc'), { name: 'Gs1Error', code: 'gs1.syntax' });
});

test('property: any single changed digit of a valid GTIN is invalid', () => {
  const validGtin = fc
    .tuple(
      fc.constantFrom(7, 11, 12, 13),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 13, maxLength: 13 }),
    )
    .map(([length, digits]) => {
      const body = digits.slice(0, length).join('');
      return body + String(gs1CheckDigit(body));
    });
  fc.assert(
    fc.property(validGtin, fc.nat(), fc.integer({ min: 1, max: 9 }), (gtin, at, delta) => {
      assert.ok(isValidGtin(gtin));
      const i = at % gtin.length;
      const changed = gtin.slice(0, i) + String((Number(gtin[i]) + delta) % 10) + gtin.slice(i + 1);
      assert.ok(!isValidGtin(changed), `${gtin} → ${changed}`);
    }),
    { numRuns: 2000 },
  );
});

test('serials: 1..20 characters of CSET 82', () => {
  assert.ok(isValidSerial('2017'));
  assert.ok(isValidSerial('A'));
  assert.ok(isValidSerial('x'.repeat(20)));
  assert.ok(isValidSerial(`!"%&'()*+,-./:;<=>?_`));
  assert.ok(!isValidSerial(''));
  assert.ok(!isValidSerial('x'.repeat(21)));
  for (const bad of [' ', '#', '$', '@', '[', '\\', ']', '^', '`', '{', '|', '}', '~', 'é', '\x1d']) {
    assert.ok(!isValidSerial(`A${bad}B`), JSON.stringify(bad));
  }
});
