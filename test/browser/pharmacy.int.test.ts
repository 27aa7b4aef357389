// The pharmacy counter in real Chromium against a running `carechain up` network: a genuine pack
// (commissioned by the manufacturer, shipped to and received by the pharmacy) verifies and is
// dispensed; the same pack scanned again is "already dispensed"; a pack whose serial was never
// commissioned is not verified ("unknown serial").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { seedSupply, signInWithSeed, staffSeed, type DemoPack } from '../harness/browser.ts';
import { webAppForTests } from '../harness/web-app.ts';

let page: Page;
let pack: DemoPack;

webAppForTests(async ({ net, browser }) => {
  pack = await seedSupply(net);
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await signInWithSeed(page, net.url('pharmacy'), 'pharmacy', await staffSeed(net, 'pharmacy', 'pharmacist'));
});

async function verify(code: string): Promise<{ verified: string | null; text: string }> {
  await page.getByLabel('GS1 code (barcode text or Digital Link)').fill(code);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  const verdict = page.getByRole('region', { name: /Genuine|Not verified/ });
  await verdict.waitFor({ timeout: 20_000 });
  return { verified: await verdict.getAttribute('data-verified'), text: (await verdict.textContent()) ?? '' };
}

test('a pharmacy verifies a genuine pack, dispenses it, and a second scan says it was dispensed', async () => {
  // The code is read in the browser before it is sent.
  await page.getByLabel('GS1 code (barcode text or Digital Link)').fill(pack.code);
  await page
    .getByText(`Read: GTIN ${pack.gtin}, serial ${pack.serial}, lot ${pack.lot}, expiry ${pack.expiry}`)
    .waitFor();
  const genuine = await verify(pack.code);
  assert.equal(genuine.verified, 'true');
  assert.match(genuine.text, /Genuine: verified/);
  assert.match(genuine.text, /Amoxicillin 500 mg/);
  await page.getByRole('button', { name: 'Dispense this pack' }).click();
  await page
    .getByRole('dialog', { name: 'Dispense this pack to the patient?' })
    .getByRole('button', { name: 'Yes, dispense' })
    .click();
  await page.getByText(/^Dispensed \(block \d+\)/).waitFor({ timeout: 30_000 });
  const again = await verify(pack.code);
  assert.equal(again.verified, 'false');
  assert.match(again.text, /already dispensed/);
});

test('a pack whose serial was never commissioned is not verified', async () => {
  const fake = await verify(pack.counterfeitCode);
  assert.equal(fake.verified, 'false');
  assert.match(fake.text, /unknown serial: this pack was never commissioned/);
});
