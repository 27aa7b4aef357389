// The clinical display layer in real Chromium (web/src/lib/clinical, issue 14): a hospital patient's
// vitals as people read them (blood pressure from the panel's components, a height to one decimal, units
// in human form), grouped by kind with a detail view, and trend charts drawn with points.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ensureWebBuilt,
  fhirCreate,
  launchChromium,
  seedPatientRecords,
  signInWithSeed,
  startUp,
  type UpNetwork,
} from '../harness/browser.ts';

let net: UpNetwork;
let browser: Browser;
let page: Page;

const LOINC = 'http://loinc.org';
const VITAL_SIGNS = [
  {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
  },
];

function bloodPressure(patientId: string, when: string, systolic: number, diastolic: number): object {
  const part = (code: string, value: number) => ({
    code: { coding: [{ system: LOINC, code }] },
    valueQuantity: { value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
  });
  return {
    resourceType: 'Observation',
    status: 'final',
    category: VITAL_SIGNS,
    code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: when,
    component: [part('8480-6', systolic), part('8462-4', diastolic)],
  };
}

function height(patientId: string, when: string, value: number): object {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: VITAL_SIGNS,
    code: { coding: [{ system: LOINC, code: '8302-2', display: 'Body Height' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: when,
    valueQuantity: { value, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
  };
}

before(async () => {
  await ensureWebBuilt();
  net = await startUp();
  browser = await launchChromium();
  const patientId = await seedPatientRecords(net);
  const token = net.credentials.organisations.hospital!.practitioner.token;
  // Written the way a device or a generator sends them: 13 decimals, UCUM codes.
  for (const resource of [
    bloodPressure(patientId, '2026-01-10T08:00:00Z', 130, 85),
    bloodPressure(patientId, '2026-02-10T08:00:00Z', 120, 80),
    height(patientId, '2025-06-01', 185.8289545670521),
    height(patientId, '2026-02-10', 186.0412),
  ])
    await fhirCreate(net, 'hospital', token, resource);
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signInWithSeed(page, net.url('hospital'), 'patient', net.credentials.patients[0]!.seed);
});

after(async () => {
  await browser?.close();
  await net?.stop();
});

test('a blood-pressure Observation shows "120/80 mmHg", and a height at most one decimal', async () => {
  const records = page.getByRole('list', { name: 'Your records, newest first' });
  const vitals = records.locator('[data-kind="vitals"]');
  await vitals.waitFor({ timeout: 30_000 });
  const titles = await vitals.locator('.record-title').allTextContents();
  // Newest first within the group: the February readings, then January's, then last June's height.
  assert.deepEqual(titles, [
    'Blood pressure panel 120/80 mmHg',
    'Body Height 186 cm',
    'Blood pressure panel 130/85 mmHg',
    'Body Height 185.8 cm',
  ]);
  for (const title of titles) assert.doesNotMatch(title, /\d\.\d\d/);
  assert.doesNotMatch((await records.textContent()) ?? '', /mm\[Hg\]|\{score\}|Cel\b|\d{4}-\d\d-\d\dT/);
  // The temperature seeded by the harness is in "Other observations" (it has no category), in °C.
  await records.getByText('Body temperature 37.2 °C').waitFor();
  // A detail view per record.
  const first = vitals.getByRole('listitem').first();
  await first.getByText('Details').click();
  assert.match((await first.locator('dl').textContent()) ?? '', /Value120\/80 mmHg.*CodesLOINC 85354-9/);
});

test('a vitals chart renders with points', async () => {
  const chart = page.locator('figure.trend[data-series="85354-9"]');
  await chart.locator('svg .recharts-line-dot').first().waitFor({ timeout: 20_000 });
  // Two lines (systolic, diastolic) of two readings each.
  assert.equal(await chart.locator('svg .recharts-line-dot').count(), 4);
  assert.equal(await page.locator('figure.trend[data-series="8302-2"] svg .recharts-line-dot').count(), 2);
  assert.match(
    (await chart.locator('figcaption').textContent()) ?? '',
    /2 measurements, from 130\/85 mmHg on .* to 120\/80 mmHg on /,
  );
});
