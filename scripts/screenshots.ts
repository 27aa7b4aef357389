// Screenshots of the web app's main screens for the README, taken in real Chromium against a fresh
// `carechain up` network with a little demo data: docs/screenshots/{patient,patient-charts,
// patient-consent,clinician,emergency,privacy,pharmacy,supply,explorer,explorer-live}.png.
// Run: npm run screenshots
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ensureWebBuilt,
  fhirCreate,
  launchChromium,
  newStaffSeed,
  patientCode,
  seedEmergencyRecords,
  seedPatientRecords,
  seedSupply,
  signInWithSeed,
  staffSeed,
  startUp,
  type UpNetwork,
} from '../test/harness/browser.ts';

const OUT = new URL('../docs/screenshots/', import.meta.url).pathname;
const VIEWPORT = { width: 1280, height: 900 };

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300); // let the last render and fonts settle
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`saved docs/screenshots/${name}.png`);
}

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ viewport: VIEWPORT })).newPage();
}

async function moreRecords(net: UpNetwork, patientId: string): Promise<void> {
  const token = net.credentials.organisations.hospital!.practitioner.token;
  const subject = { reference: `Patient/${patientId}` };
  // An allergy, a condition and a medication: the timeline's and the emergency summary's.
  await seedEmergencyRecords(net, patientId);
  await fhirCreate(net, 'hospital', token, {
    resourceType: 'Immunization',
    status: 'completed',
    patient: subject,
    vaccineCode: { text: 'Influenza vaccine' },
    occurrenceDateTime: '2025-10-14',
  });
  // A few more temperatures and heart rates, so the trend charts have lines to draw.
  const vitals = [
    ['8310-5', 'Body temperature', 'Cel', [36.8, 37.9, 37.1]],
    ['8867-4', 'Heart rate', '/min', [72, 88, 76]],
  ] as const;
  for (const [code, display, unit, values] of vitals) {
    for (const [i, value] of values.entries()) {
      await fhirCreate(net, 'hospital', token, {
        resourceType: 'Observation',
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
            ],
          },
        ],
        code: { coding: [{ system: 'http://loinc.org', code, display }] },
        subject,
        effectiveDateTime: `2026-0${i + 3}-15T09:00:00Z`,
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
      });
    }
  }
  await fhirCreate(net, 'hospital', token, {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'Blood pressure (systolic)' },
    subject,
    effectiveDateTime: '2026-02-11T10:00:00Z',
    valueQuantity: { value: 118, unit: 'mm[Hg]' },
  });
}

async function patientAndClinician(browser: Browser, net: UpNetwork): Promise<string> {
  const patientId = await seedPatientRecords(net);
  await moreRecords(net, patientId);
  const hospital = net.url('hospital');
  const patient = net.credentials.patients[0]!;

  const clinician = await newPage(browser);
  await signInWithSeed(clinician, hospital, 'clinician', await staffSeed(net, 'hospital'));

  const page = await newPage(browser);
  await signInWithSeed(page, hospital, 'patient', patient.seed);
  await page.getByRole('tab', { name: 'Who may see my data' }).click();
  const grant = page.getByRole('form', { name: 'Allow someone to see your records' });
  await grant.getByLabel('Organisation', { exact: true }).selectOption('hospital');
  await grant.getByRole('button', { name: 'Sign this permission' }).click();
  await page.getByText(/^Done:/).waitFor({ timeout: 30_000 });

  // The clinician finds the patient, reads, and asks for more (a request the patient will see).
  await clinician
    .getByLabel('Patient code (scanned or pasted) or carechain ID')
    .fill(patientCode(patient.pseudonym, patientId));
  await clinician.getByRole('button', { name: 'Find' }).click();
  const read = clinician.getByRole('form', { name: 'Read records' });
  await read.getByRole('button', { name: 'Read' }).click();
  await read.getByText(/Access granted/).waitFor({ timeout: 30_000 });
  const ask = clinician.getByRole('form', { name: 'Ask the patient for consent' });
  await ask.getByLabel('Purpose').selectOption('HRESCH');
  await ask.getByLabel('Reason').selectOption('research-study');
  await ask.getByRole('button', { name: 'Send request' }).click();
  await ask.getByText(/Request sent/).waitFor({ timeout: 30_000 });
  // From the found patient down: what consent allows, and the records read.
  await clinician.evaluate("document.querySelector('p.notice')?.scrollIntoView({ block: 'start' })");
  await shot(clinician, 'clinician');

  // The patient's timeline.
  await page.getByRole('tab', { name: 'My records' }).click();
  await page.getByRole('list', { name: 'Your records, newest first' }).getByRole('listitem').nth(3).waitFor();
  await shot(page, 'patient');
  // The vitals' and labs' trend charts at phone width (the desktop shot above has them at the top).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('figure.trend svg').first().waitFor({ timeout: 30_000 });
  await page.evaluate("document.querySelector('figure.trend')?.scrollIntoView({ block: 'start' })");
  await shot(page, 'patient-charts');
  await page.setViewportSize(VIEWPORT);
  await page.getByRole('tab', { name: 'Who may see my data' }).click();
  await page.getByRole('heading', { name: 'Requests waiting for your answer' }).waitFor();
  await page.screenshot({ path: join(OUT, 'patient-consent.png') });
  console.log('saved docs/screenshots/patient-consent.png');
  return patientId;
}

/** A hospital physician breaks the glass for the patient (their emergency summary), then the
 * hospital's privacy officer sees the read with its reason. */
async function emergencyAndPrivacy(browser: Browser, net: UpNetwork, patientId: string): Promise<void> {
  const hospital = net.url('hospital');
  const physician = await newPage(browser);
  await signInWithSeed(physician, hospital, 'clinician', await staffSeed(net, 'hospital'));
  const patient = net.credentials.patients[0]!;
  await physician
    .getByLabel('Patient code (scanned or pasted) or carechain ID')
    .fill(patientCode(patient.pseudonym, patientId));
  await physician.getByRole('button', { name: 'Find' }).click();
  const glass = physician.getByRole('form', { name: 'Emergency access (break-glass)' });
  await glass.getByLabel('Reason (required)').fill('Unconscious on arrival in A&E, no relative reachable');
  await glass.getByRole('button', { name: /Break the glass/ }).click();
  const summary = physician.getByRole('list', { name: /^Emergency summary/ });
  await summary.waitFor({ timeout: 60_000 });
  await physician.evaluate(
    "document.querySelector('.emergency-summary')?.scrollIntoView({ block: 'start' })",
  );
  await shot(physician, 'emergency');

  const officer = await newPage(browser);
  await signInWithSeed(officer, hospital, 'privacy', await newStaffSeed(net, 'hospital', 'privacy-officer'));
  await officer
    .getByRole('list', { name: 'Emergency reads, newest first' })
    .getByRole('listitem')
    .first()
    .waitFor({ timeout: 30_000 });
  await shot(officer, 'privacy');
}

async function supply(browser: Browser, net: UpNetwork): Promise<void> {
  const hasSupplyOrgs = net.credentials.organisations.manufacturer !== undefined;
  const pack = hasSupplyOrgs ? await seedSupply(net) : undefined;
  const pharmacy = await newPage(browser);
  await signInWithSeed(
    pharmacy,
    net.url('pharmacy'),
    'pharmacy',
    await staffSeed(net, 'pharmacy', 'pharmacist'),
  );
  await pharmacy
    .getByLabel('GS1 code (barcode text or Digital Link)')
    .fill(pack?.code ?? '(01)09506000134352(21)SN1001(10)LOT42(17)301231');
  await pharmacy.getByRole('button', { name: 'Verify', exact: true }).click();
  await pharmacy
    .getByRole('region', { name: /Genuine|Not verified/ })
    .or(pharmacy.getByRole('alert'))
    .first()
    .waitFor({ timeout: 20_000 });
  await shot(pharmacy, 'pharmacy');

  const orgId = hasSupplyOrgs ? 'manufacturer' : 'pharmacy';
  const console_ = await newPage(browser);
  await signInWithSeed(console_, net.url(orgId), 'supply', await staffSeed(net, orgId, 'admin'));
  if (pack !== undefined) {
    await console_.getByLabel('GTIN', { exact: true }).fill(pack.gtin);
    await console_.getByLabel('Lot', { exact: true }).fill(pack.lot);
    await console_.getByLabel('Expiry date').fill(pack.expiry);
    await console_.getByLabel('Serial numbers (one per line)').fill('SN2001\nSN2002\nSN2003');
  }
  await shot(console_, 'supply');
}

async function explorer(browser: Browser, net: UpNetwork): Promise<void> {
  const page = await newPage(browser);
  const status = (await (await fetch(`${net.url('clinic')}/api/v1/status`)).json()) as { height: number };
  let hash: string | undefined;
  for (let h = status.height; h >= 1 && hash === undefined; h--) {
    const block = (await (await fetch(`${net.url('clinic')}/api/v1/blocks/${h}`)).json()) as {
      txHashes: string[];
    };
    hash = block.txHashes[0];
  }
  await page.goto(`${net.url('clinic')}/explorer/tx/${hash}`);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('list', { name: 'Verification steps' }).waitFor({ timeout: 20_000 });
  await shot(page, 'explorer');
  await page.goto(`${net.url('clinic')}/explorer`);
  await page.getByText('live', { exact: true }).waitFor({ timeout: 20_000 });
  await page.screenshot({ path: join(OUT, 'explorer-live.png') });
  console.log('saved docs/screenshots/explorer-live.png');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await ensureWebBuilt();
  const net = await startUp();
  const browser = await launchChromium();
  try {
    const patientId = await patientAndClinician(browser, net);
    await emergencyAndPrivacy(browser, net, patientId);
    await supply(browser, net);
    await explorer(browser, net);
  } finally {
    await browser.close();
    await net.stop();
  }
}

await main();
