// Screenshots of the web app's main screens for the README, taken in real Chromium against a fresh
// `carechain up` network with a little demo data: docs/screenshots/{patient,clinician,pharmacy,supply,
// explorer}.png. Run: node --import tsx scripts/screenshots.ts
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ensureWebBuilt,
  fhirCreate,
  launchChromium,
  patientCode,
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
  await fhirCreate(net, 'hospital', token, {
    resourceType: 'Condition',
    subject,
    code: { text: 'Seasonal allergic rhinitis' },
    onsetDateTime: '2024-04-02',
  });
  await fhirCreate(net, 'hospital', token, {
    resourceType: 'Immunization',
    status: 'completed',
    patient: subject,
    vaccineCode: { text: 'Influenza vaccine' },
    occurrenceDateTime: '2025-10-14',
  });
  await fhirCreate(net, 'hospital', token, {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'Blood pressure (systolic)' },
    subject,
    effectiveDateTime: '2026-02-11T10:00:00Z',
    valueQuantity: { value: 118, unit: 'mm[Hg]' },
  });
}

async function patientAndClinician(browser: Browser, net: UpNetwork): Promise<void> {
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
  await page.getByRole('tab', { name: 'Who may see my data' }).click();
  await page.getByRole('heading', { name: 'Requests waiting for your answer' }).waitFor();
  await page.screenshot({ path: join(OUT, 'patient-consent.png') });
  console.log('saved docs/screenshots/patient-consent.png');
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
    await patientAndClinician(browser, net);
    await supply(browser, net);
    await explorer(browser, net);
  } finally {
    await browser.close();
    await net.stop();
  }
}

await main();
