// Break-glass and the privacy office in real Chromium (issue 14), on one `carechain up`: a hospital
// physician who breaks the glass gets the patient's emergency summary (allergies, conditions,
// medications, latest vitals) only after writing a reason, and sees that reason with it; the hospital's
// privacy officer then sees that emergency read with its reason, who read and when, and marks it
// reviewed; axe-core finds nothing serious on either screen at both widths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  hospitalPhysicianWithPatient,
  newPage,
  newStaffSeed,
  noSeriousViolations,
  seedEmergencyRecords,
  seedPatientRecords,
  signInWithSeed,
  staffSeed,
} from '../harness/browser.ts';
import { webAppForTests } from '../harness/web-app.ts';

let patientId: string;
const REASON = 'Unconscious on arrival in A&E, no relative reachable';

const app = webAppForTests(async ({ net }) => {
  patientId = await seedPatientRecords(net);
  await seedEmergencyRecords(net, patientId);
});

async function physicianWithPatient(): Promise<Page> {
  const page = await hospitalPhysicianWithPatient(app.net, app.browser, patientId);
  await page.getByRole('form', { name: 'Emergency access (break-glass)' }).waitFor({ timeout: 30_000 });
  return page;
}

test('break-glass asks for a reason, then opens the emergency summary with the reason shown', async () => {
  const page = await physicianWithPatient();
  const glass = page.getByRole('form', { name: 'Emergency access (break-glass)' });
  const open = glass.getByRole('button', { name: /Break the glass/ });

  // Without a reason nothing is opened: the browser says why, next to the field.
  await open.click();
  await glass
    .getByRole('alert')
    .getByText(/Write why this is an emergency/)
    .waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Emergency summary' }).count(), 0);

  await glass.getByLabel('Reason (required)').fill(REASON);
  await open.click();
  const summary = page.getByRole('list', { name: /^Emergency summary/ });
  await summary.waitFor({ timeout: 60_000 });
  const text = (await summary.textContent()) ?? '';
  for (const expected of ['Penicillin', 'Type 2 diabetes', 'Metformin 500 mg', 'Body temperature'])
    assert.match(text, new RegExp(expected), `the summary shows ${expected}`);
  assert.equal(await page.locator('.emergency-summary q.glass-reason').textContent(), REASON);
  await noSeriousViolations(page, '/clinician emergency summary');
  await page.context().close();
});

test('the privacy officer sees the emergency read with its reason, who and when, and marks it reviewed', async () => {
  const officer = await newPage(app.browser);
  await signInWithSeed(
    officer,
    app.net.url('hospital'),
    'privacy',
    await newStaffSeed(app.net, 'hospital', 'privacy-officer'),
  );
  const reads = officer.getByRole('list', { name: 'Emergency reads, newest first' });
  await reads.getByRole('listitem').first().waitFor({ timeout: 30_000 });
  const read = reads.getByRole('listitem').filter({ hasText: REASON });
  assert.equal(await read.count(), 1, 'the emergency read is listed once, with its reason');
  assert.match((await read.textContent()) ?? '', /Emergency read by a doctor at .* on .*allergies/i);
  assert.equal(await read.locator('q.glass-reason').textContent(), REASON);
  assert.doesNotMatch((await read.textContent()) ?? '', /altered/);
  await noSeriousViolations(officer, '/privacy');

  await read.getByRole('button', { name: 'Mark as reviewed' }).click();
  await read.getByRole('button', { name: /Reviewed/ }).waitFor();
  await officer
    .getByRole('status')
    .getByText(/0 not yet reviewed/)
    .waitFor();
  await officer.context().close();
});

test('staff who are not privacy officers see no emergency reads', async () => {
  const physician = await newPage(app.browser);
  await signInWithSeed(physician, app.net.url('hospital'), 'privacy', await staffSeed(app.net, 'hospital'));
  await physician.getByText(/^Only a privacy officer sees/).waitFor({ timeout: 30_000 });
  assert.equal(await physician.getByRole('list', { name: /Emergency reads/ }).count(), 0);
  assert.doesNotMatch((await physician.locator('main').textContent()) ?? '', new RegExp(REASON));
  await physician.context().close();
});
