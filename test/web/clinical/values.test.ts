import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FhirResource } from '../../../src/contract/fhir.ts';
import { sharedTestdata } from '../../harness/files.ts';
import { bloodPressureOf, quantityText, titleOf, valueText } from '../../../web/src/lib/clinical/values.ts';

/** Every Observation of the shared Synthea patients (generator output: 13-decimal heights, UCUM codes). */
function syntheaObservations(): FhirResource[] {
  const dir = sharedTestdata('fhir', 'synthea');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap(
      (f) =>
        (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { entry?: { resource: FhirResource }[] }).entry ??
        [],
    )
    .map((e) => e.resource)
    .filter((r) => r.resourceType === 'Observation');
}
const byLoinc = (code: string) =>
  syntheaObservations().filter((r) => JSON.stringify(r.code).includes(`"${code}"`));

test('a height shows at most one decimal, whatever the source sent', () => {
  const heights = byLoinc('8302-2');
  assert.ok(heights.length > 0);
  for (const h of heights)
    assert.match(valueText(h) ?? '', /^\d+(\.\d)? cm$/, JSON.stringify(h.valueQuantity));
  assert.equal(quantityText({ value: 185.8289545670521, unit: 'cm' }, '8302-2'), '185.8 cm');
});

test('blood pressure reads systolic/diastolic from the panel’s components', () => {
  const panels = byLoinc('55284-4');
  assert.ok(panels.length > 0);
  for (const p of panels) assert.match(valueText(p) ?? '', /^\d+\/\d+ mmHg$/);
  const vitalSignsProfile: FhirResource = {
    resourceType: 'Observation',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: 120, code: 'mm[Hg]' },
      },
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
        valueQuantity: { value: 80.4, code: 'mm[Hg]' },
      },
    ],
  };
  assert.equal(valueText(vitalSignsProfile), '120/80 mmHg');
  assert.deepEqual(bloodPressureOf({ resourceType: 'Observation', component: [] }), undefined);
});

test('no value of the Synthea patients shows UCUM syntax or more than two decimals', () => {
  for (const o of syntheaObservations()) {
    const text = valueText(o) ?? '';
    assert.doesNotMatch(text, /[{}[\]]|10\*|\d\.\d{3}/, `${text} from ${JSON.stringify(o.valueQuantity)}`);
  }
  const score = byLoinc('72514-3')[0]!;
  assert.match(valueText(score)!, /^\d+$/);
});

test('a title joins what was measured with its value; a patient’s is their name', () => {
  const temp: FhirResource = {
    resourceType: 'Observation',
    code: { coding: [{ system: 'http://loinc.org', code: '8310-5', display: 'Body temperature' }] },
    valueQuantity: { value: 37.25, unit: 'Cel' },
  };
  assert.equal(titleOf(temp), 'Body temperature 37.3 °C');
  assert.equal(
    titleOf({ resourceType: 'Observation', code: { text: 'Clinical note' }, valueString: 'ok' }),
    'Clinical note ok',
  );
  assert.equal(
    titleOf({ resourceType: 'Patient', name: [{ given: ['Ada'], family: 'Lovelace' }] }),
    'Personal details: Ada Lovelace',
  );
});
