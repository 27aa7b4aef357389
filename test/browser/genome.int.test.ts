// The patient's "My genome" tab in real Chromium against a running `carechain up` network (issue 19
// "Browser tests"): the hospital's staff upload the demo patient's VCF; the patient signs research consent
// in the portal and reads it back in plain words from the DUO codes; a researcher's Beacon query counts
// the genome, which the tab then shows; the same researcher asks on the web app's research page and sees
// the answer and the budget it spends; the patient withdraws and the next query no longer counts them.
// Then the hospital's staff open "Genomes we hold" (the dataset owner's view) and see how many queries
// counted that genome, next to the demo's genomes (demo-genomes.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { DESKTOP, newPage, PHONE, seriousViolations, signInWithSeed, staffSeed } from '../harness/browser.ts';
import { http } from '../harness/http.ts';
import { RS7412_QUERY, rs7412Vcf } from '../harness/vcf.ts';
import { webAppForTests } from '../harness/web-app.ts';

let page: Page;
const app = webAppForTests(async ({ browser }) => {
  page = await newPage(browser);
});

const hospital = () => app.net.url('hospital');
const staffToken = () => app.net.credentials.organisations.hospital!.practitioner.token;
const patient = () => app.net.credentials.patients[0]!;
const rs7412 = `${RS7412_QUERY}&requestedGranularity=count`;
/** The genome the first test uploads for the demo patient. */
let datasetId = '';

async function researcherCount(): Promise<number> {
  const answer = await http(`${hospital()}/beacon/v2/g_variants?${rs7412}`, {
    headers: { authorization: `Bearer ${staffToken()}` },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.responseSummary.numTotalResults as number;
}

/** The hospital's practitioner, as a researcher, asks about rs7412 on the research page (its own browser). */
async function researcherAsksInTheWebApp(): Promise<void> {
  const researcher = await newPage(app.browser);
  try {
    await signInWithSeed(researcher, hospital(), 'research', await staffSeed(app.net, 'hospital'));
    await researcher.getByRole('heading', { name: 'Genomic research' }).waitFor();
    await researcher.getByLabel('Chromosome').fill('19');
    await researcher.getByLabel('Position (0-based start)').fill('44908821');
    await researcher.getByLabel('Reference bases').fill('C');
    await researcher.getByLabel('Alternate bases').fill('T');
    await researcher.getByLabel('Answer').selectOption('count');
    await researcher.getByRole('button', { name: 'Ask' }).click();
    const answer = researcher.getByTestId('beacon-answer');
    await answer.waitFor({ timeout: 30_000 });
    assert.equal(await answer.textContent(), 'Yes: 1 person carries it.');
    assert.match((await researcher.getByTestId('research-budget').textContent()) ?? '', /of 3 bits used/);
    assert.deepEqual(await seriousViolations(researcher, DESKTOP), []);
    assert.deepEqual(await seriousViolations(researcher, PHONE), []);
  } finally {
    await researcher.close();
  }
}

test('the patient consents in plain words, sees the query that counted them, and withdraws', async () => {
  const vcf = rs7412Vcf(true);
  const uploaded = await http(`${hospital()}/api/v1/genomics/genomes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${staffToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      patient: patient().pseudonym,
      vcf,
      dataUse: { permission: { code: 'GRU' }, modifiers: [] },
    }),
  });
  assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
  datasetId = uploaded.body.datasetId as string;

  await signInWithSeed(page, hospital(), 'patient', patient().seed);
  await page.getByRole('tab', { name: 'My genome' }).click();
  await page.getByTestId('genome').waitFor();
  await page.getByTestId('no-research-consent').waitFor();
  await page.getByLabel('Health research only').check();
  await page.getByRole('button', { name: 'Sign my research consent' }).click();
  const words = page.getByTestId('research-consent-words');
  await words.waitFor({ timeout: 30_000 });
  assert.match((await words.textContent()) ?? '', /Health, medical or biomedical research only\./);
  assert.deepEqual(await seriousViolations(page, DESKTOP), []);
  assert.deepEqual(await seriousViolations(page, PHONE), []);

  assert.equal(await researcherCount(), 1);
  // Back to the tab (a reload would ask for the key's passphrase again): it loads the usage afresh.
  await page.getByRole('tab', { name: 'My records' }).click();
  await page.getByRole('tab', { name: 'My genome' }).click();
  await page.getByText('counted in 1 research query').waitFor({ timeout: 30_000 });

  await researcherAsksInTheWebApp();

  await page.getByRole('button', { name: 'Withdraw my research consent' }).click();
  await page.getByTestId('no-research-consent').waitFor({ timeout: 30_000 });
  assert.equal(await researcherCount(), 0);
});

test('the custodian’s staff see on “Genomes we hold” how many queries counted the genome', async () => {
  assert.notEqual(datasetId, '', 'the first test uploaded the genome');
  const staff = await newPage(app.browser);
  try {
    await signInWithSeed(staff, hospital(), 'genomes', await staffSeed(app.net, 'hospital'));
    await staff.getByRole('heading', { name: 'Genomes we hold' }).waitFor();
    // Counted by the first researcher query and the research page's, not by the one after withdrawal.
    const row = staff.locator(`[data-testid="owned-genome"][data-dataset="${datasetId}"]`);
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.getByTestId('owned-queries').textContent(), '2 queries');
    assert.match((await row.textContent()) ?? '', /None: never counted/);
    // The demo's genomes (demo-genomes.ts) are listed beside it, their people's consent given.
    assert.ok((await staff.getByTestId('owned-genome').count()) > 1);
    await staff.getByTestId('usage-chart').locator('svg .recharts-bar-rectangle').first().waitFor();
    assert.ok(!(await staff.content()).includes(patient().pseudonym), 'no pseudonym on the page');
    assert.deepEqual(await seriousViolations(staff, DESKTOP), []);
    assert.deepEqual(await seriousViolations(staff, PHONE), []);
  } finally {
    await staff.close();
  }
});
