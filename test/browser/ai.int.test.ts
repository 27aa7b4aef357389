// The AI pages in real Chromium against a running `carechain up` network (issue 20 "Browser tests"): the
// demo patient, whose Patient and an Observation the hospital holds, consents to research and treatment; the
// hospital's staff commit a cohort that includes them, register a model with a complete card and run it
// on the patient. The public registry page lists the model, its page shows the versions and the card,
// whose hash the browser checks against the ledger; the patient's "AI and my data" tab names the model
// their data trained and the AI-asserted result about them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { DIABETES_QUERY, demoModelBody } from '../../src/app/ai/test-fixtures.ts';
import { grantPayload } from '../../src/app/consent/test-fixtures.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import { fromHex } from '../../src/core/bytes.ts';
import { keyPairFromSeed } from '../../src/node/keys.ts';
import { newPage, noSeriousViolations, seedPatientRecords, signInWithSeed } from '../harness/browser.ts';
import { postJson } from '../harness/http.ts';
import { commitTx } from '../harness/network.ts';
import { webAppForTests } from '../harness/web-app.ts';

let modelId = '';
let riskAssessmentId = '';

const app = webAppForTests(async ({ net }) => {
  const hospital = net.url('hospital');
  const staff = net.credentials.organisations.hospital!.practitioner.token;
  const patient = net.credentials.patients[0]!;
  const patientId = await seedPatientRecords(net, 0);
  const key = keyPairFromSeed(fromHex(patient.seed));
  for (const purpose of ['HRESCH', 'TREAT']) {
    const grant = grantPayload({
      consentId: randomBytes(32).toString('hex'),
      grantee: { kind: 'organisation', orgId: 'hospital' },
      purposes: [purpose],
    });
    await commitTx(hospital, net.credentials.chainId, key, 'consent.grant', grant as CanonicalValue);
  }
  const cohort = await postJson(`${hospital}/api/v1/ai/cohorts`, { query: DIABETES_QUERY }, staff);
  assert.equal(cohort.status, 201, JSON.stringify(cohort.body));
  assert.ok(cohort.body.included >= 1, 'the consenting demo patient is in the cohort');
  const model = await postJson(`${hospital}/api/v1/ai/models`, demoModelBody(cohort.body.cohortId), staff);
  assert.equal(model.status, 201, JSON.stringify(model.body));
  modelId = model.body.modelId;
  const inference = await postJson(
    `${hospital}/api/v1/ai/inferences`,
    { modelId, version: 1, patient: patientId },
    staff,
  );
  assert.equal(inference.status, 201, JSON.stringify(inference.body));
  riskAssessmentId = inference.body.riskAssessment.id;
});

test('the registry lists the model; its page shows the versions and the card, checked against the ledger', async () => {
  const page = await newPage(app.browser);
  await page.goto(`${app.net.url('hospital')}/ai/models`);
  await page.getByRole('heading', { name: 'AI model registry' }).waitFor({ timeout: 30_000 });
  const row = page.getByTestId('ai-model-row').filter({ hasText: 'hospital' });
  await row.waitFor({ timeout: 30_000 });
  await noSeriousViolations(page, 'registry');
  await row.getByRole('link').click();
  await page.waitForURL(`${app.net.url('hospital')}/ai/models/${modelId}`);
  assert.equal(await page.getByTestId('model-version').count(), 1);
  const check = page.getByTestId('card-check');
  await check.waitFor({ timeout: 30_000 });
  assert.equal(await check.textContent(), 'This card is the one registered: its hash matches the ledger.');
  await page.getByText('stated: intendedUse', { exact: true }).waitFor();
  await page.getByText('No federated rounds are recorded for this model.').waitFor();
  await noSeriousViolations(page, 'model');
  await page.close();
});

test('the patient sees the model their data trained and the AI-asserted result about them', async () => {
  const page = await newPage(app.browser);
  await signInWithSeed(page, app.net.url('hospital'), 'patient', app.net.credentials.patients[0]!.seed);
  await page.getByRole('tab', { name: 'AI and my data' }).click();
  await page.getByTestId('my-ai').waitFor({ timeout: 30_000 });
  const trained = page.getByTestId('ai-training');
  await trained.first().waitFor({ timeout: 30_000 });
  assert.match(
    (await trained.first().textContent()) ?? '',
    new RegExp(`trained model ${modelId.slice(0, 12)}…, version 1`),
  );
  const results = page.getByTestId('ai-inference');
  assert.equal(await results.count(), 1, riskAssessmentId);
  assert.match((await results.first().textContent()) ?? '', /^AI-asserted risk of \d+% from model/);
  await noSeriousViolations(page, 'AI and my data');
  await page.close();
});
