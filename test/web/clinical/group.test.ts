import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FhirResource } from '../../../src/contract/fhir.ts';
import { detailRows } from '../../../web/src/lib/clinical/detail.ts';
import { groupByKind } from '../../../web/src/lib/clinical/group.ts';
import { trendSeries } from '../../../web/src/lib/clinical/series.ts';

const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const observation = (
  category: string,
  code: string,
  display: string,
  when: string,
  value: number,
  unit: string,
): FhirResource => ({
  resourceType: 'Observation',
  id: `${code}-${when}`,
  status: 'final',
  category: [{ coding: [{ system: CATEGORY, code: category }] }],
  code: { coding: [{ system: 'http://loinc.org', code, display }] },
  effectiveDateTime: when,
  valueQuantity: { value, unit, code: unit },
});
const height = (when: string, value: number) =>
  observation('vital-signs', '8302-2', 'Body Height', when, value, 'cm');
const platelets = (when: string, value: number) =>
  observation('laboratory', '777-3', 'Platelets', when, value, '10*3/uL');

test('records group by kind, vitals apart from labs, each group newest first', () => {
  const groups = groupByKind([
    platelets('2025-01-01', 250),
    { resourceType: 'Condition', id: 'c', code: { text: 'Asthma' } },
    height('2024-01-01', 180),
    height('2026-01-01', 181),
    { resourceType: 'Observation', id: 'n', code: { text: 'Clinical note' }, valueString: 'fine' },
  ]);
  assert.deepEqual(
    groups.map((g) => [g.label, g.records.map((r) => r.id)]),
    [
      ['Conditions', ['c']],
      ['Vital signs', ['8302-2-2026-01-01', '8302-2-2024-01-01']],
      ['Lab results', ['777-3-2025-01-01']],
      ['Other observations and notes', ['n']],
    ],
  );
});

test('trend series: one per test measured twice or more, oldest first, blood pressure as two lines', () => {
  const bp = (when: string, sys: number, dia: number): FhirResource => ({
    resourceType: 'Observation',
    category: [{ coding: [{ system: CATEGORY, code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure' }] },
    effectiveDateTime: when,
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: sys, code: 'mm[Hg]' },
      },
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
        valueQuantity: { value: dia, code: 'mm[Hg]' },
      },
    ],
  });
  const series = trendSeries([
    height('2026-01-01', 181),
    height('2024-01-01', 180),
    platelets('2025-01-01', 250),
    bp('2026-02-01', 130, 85),
    bp('2026-01-01', 120, 80),
  ]);
  assert.deepEqual(
    series.map((s) => [s.label, s.unit, s.lines, s.points.map((p) => p.values)]),
    [
      [
        'Blood pressure',
        'mmHg',
        ['systolic', 'diastolic'],
        [
          { systolic: 120, diastolic: 80 },
          { systolic: 130, diastolic: 85 },
        ],
      ],
      ['Body Height', 'cm', ['value'], [{ value: 180 }, { value: 181 }]],
    ],
  );
  assert.equal(trendSeries([platelets('2025-01-01', 250)], 1)[0]!.unit, '×10³/µL');
});

test('a record’s detail view states its facts in words, with codes for look-up', () => {
  const rows = Object.fromEntries(
    detailRows({
      ...height('2026-03-01', 185.8289545670521),
      referenceRange: [{ low: { value: 150, unit: 'cm' }, high: { value: 200, unit: 'cm' } }],
      note: [{ text: 'Measured standing' }],
    }).map((r) => [r.label, r.value]),
  );
  assert.equal(rows.What, 'Body Height');
  assert.equal(rows.Value, '185.8 cm');
  assert.equal(rows.Status, 'final');
  assert.equal(rows.Category, 'Vital signs');
  assert.equal(rows['Normal range'], '150 cm to 200 cm');
  assert.equal(rows.Note, 'Measured standing');
  assert.equal(rows.Codes, 'LOINC 8302-2');
  assert.match(rows.When!, /2026/);
});
