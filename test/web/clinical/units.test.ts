import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanUnit } from '../../../web/src/lib/clinical/units.ts';

test('vitals units read as people write them', () => {
  assert.equal(humanUnit('Cel'), '°C');
  assert.equal(humanUnit('mm[Hg]'), 'mmHg');
  assert.equal(humanUnit('kg/m2'), 'kg/m²');
  assert.equal(humanUnit('/min'), '/min');
});

test('scores are dimensionless and show no unit, not "{score}"', () => {
  assert.equal(humanUnit('{score}'), '');
  assert.equal(humanUnit('1'), '');
});

test('lab counts show powers of ten and micro, not UCUM syntax', () => {
  assert.equal(humanUnit('10*3/uL'), '×10³/µL');
  assert.equal(humanUnit('10*6/uL'), '×10⁶/µL');
  assert.equal(humanUnit('10*9/L'), '×10⁹/L');
  assert.equal(humanUnit('umol/L'), 'µmol/L');
  assert.equal(humanUnit('mL/min/{1.73_m2}'), 'mL/min/1.73 m²');
  assert.equal(humanUnit('{cells}/uL'), '/µL');
});

test('a unit the table does not know keeps its letters, without brackets or braces', () => {
  assert.equal(humanUnit('[IU]/L'), 'IU/L');
  assert.equal(humanUnit(undefined), '');
  for (const unit of ['[iU]/mL', '{copies}/mL', 'mg/{dose}'])
    assert.doesNotMatch(humanUnit(unit), /[{}[\]*]/, unit);
});
