import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanUnit } from '../../../web/src/lib/clinical/units.ts';

/** UCUM units as the records carry them, and as people read them, by the test that reads them. */
const READINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'vitals units read as people write them': { Cel: '°C', 'mm[Hg]': 'mmHg', 'kg/m2': 'kg/m²', '/min': '/min' },
  'scores are dimensionless and show no unit, not "{score}"': { '{score}': '', '1': '' },
  'lab counts show powers of ten and micro, not UCUM syntax': {
    '10*3/uL': '×10³/µL',
    '10*6/uL': '×10⁶/µL',
    '10*9/L': '×10⁹/L',
    'umol/L': 'µmol/L',
    'mL/min/{1.73_m2}': 'mL/min/1.73 m²',
    '{cells}/uL': '/µL',
  },
};

for (const [name, readings] of Object.entries(READINGS)) {
  test(name, () => {
    for (const [ucum, shown] of Object.entries(readings)) assert.equal(humanUnit(ucum), shown, ucum);
  });
}

test('a unit the table does not know keeps its letters, without brackets or braces', () => {
  assert.equal(humanUnit('[IU]/L'), 'IU/L');
  assert.equal(humanUnit(undefined), '');
  for (const unit of ['[iU]/mL', '{copies}/mL', 'mg/{dose}'])
    assert.doesNotMatch(humanUnit(unit), /[{}[\]*]/, unit);
});
