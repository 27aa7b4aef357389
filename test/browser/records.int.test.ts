// The web app's patient portal and clinician workspace in real Chromium against a running `carechain up`
// network, across two organisations: the patient's records are at the hospital, the clinician works at
// the clinic and uses the app served by the clinic's node (reads are forwarded to the hospital). The
// clinician's read is refused without consent and allowed after the patient grants the clinic in the
// browser; the patient revokes it (after confirming), the clinician is refused again, uses break-glass, and the patient
// sees every access (granted, refused, break-glass flagged) in "Who looked at my data".
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  findPatient,
  newPage,
  DESKTOP,
  patientCode,
  PHONE,
  seedPatientRecords,
  seriousViolations,
  signInWithSeed,
  staffSeed,
} from '../harness/browser.ts';
import { webAppForTests } from '../harness/web-app.ts';

let patientId: string;
let patientPage: Page;
let clinicianPage: Page;
const contexts: BrowserContext[] = [];

const app = webAppForTests(async ({ net, browser }) => {
  patientId = await seedPatientRecords(net);
  for (let i = 0; i < 2; i++)
    contexts.push(await browser.newContext({ viewport: { width: 1100, height: 900 } }));
  patientPage = await contexts[0]!.newPage();
  clinicianPage = await contexts[1]!.newPage();
});

const hospital = () => app.net.url('hospital');
const clinic = () => app.net.url('clinic');
const patient = () => app.net.credentials.patients[0]!;

/** The clinician reads Observations and returns what the page then says (granted or the refusal). */
async function clinicianReads(page: Page): Promise<string> {
  const form = page.getByRole('form', { name: 'Read records' });
  await form.getByLabel('Kind of record').selectOption('Observation');
  await form.getByRole('button', { name: 'Read' }).click();
  const outcome = form.getByRole('alert').or(form.getByText(/Access granted/));
  await outcome.first().waitFor({ timeout: 30_000 });
  return (await outcome.first().textContent()) ?? '';
}

test('a clinician’s read is refused without consent, and allowed once the patient grants it', async () => {
  // The clinician signs in with their own key and finds the patient by the code the patient shows.
  await signInWithSeed(clinicianPage, clinic(), 'clinician', await staffSeed(app.net, 'clinic'));
  await findPatient(clinicianPage, patient().pseudonym, patientId);
  const allowed = clinicianPage.getByRole('list', { name: 'Consent per kind of record' });
  await allowed.waitFor();
  assert.equal(await allowed.locator('[data-type="Observation"]').getAttribute('data-decision'), 'deny');
  // A refused read shows a sentence for the clinician, next to the Read button, and no code.
  const refused = await clinicianReads(clinicianPage);
  assert.match(refused, /^The patient has not allowed you to see these records\. Ask them for consent/);
  assert.doesNotMatch(refused, /consent\.none|access denied|\(/);

  // The patient imports their key at their hospital's app and allows the clinic to see their records.
  await signInWithSeed(patientPage, hospital(), 'patient', patient().seed);
  await patientPage.getByRole('heading', { name: 'Your health records' }).waitFor();
  await patientPage
    .getByRole('list', { name: 'Your records, newest first' })
    .getByText('Body temperature 37.2 °C')
    .waitFor();
  await patientPage.getByRole('tab', { name: 'Who may see my data' }).click();
  const grant = patientPage.getByRole('form', { name: 'Allow someone to see your records' });
  await grant.getByLabel('Organisation', { exact: true }).selectOption('clinic');
  await grant.getByRole('button', { name: 'Sign this permission' }).click();
  await patientPage
    .getByText(/^Done: Everyone at clinic may see all of your records for treating you/)
    .waitFor({
      timeout: 30_000,
    });
  const active = patientPage.getByRole('list', { name: 'Active permissions' });
  await active.getByRole('listitem').first().waitFor({ timeout: 20_000 });
  assert.equal(await active.getByRole('listitem').count(), 1);

  // The clinician's consent panel follows the grant live (their event stream), without "Check again".
  await allowed.locator('[data-type="Observation"][data-decision="permit"]').waitFor({ timeout: 30_000 });
  // Now the same read is allowed.
  assert.match(await clinicianReads(clinicianPage), /Access granted: 1 record/);
  await clinicianPage
    .getByRole('list', { name: 'Records read' })
    .getByText(/Body temperature 37\.2 °C/)
    .waitFor();
});

test('a patient revokes consent, and sees every access, break-glass highlighted', async () => {
  const active = patientPage.getByRole('list', { name: 'Active permissions' });
  // Revoke asks for confirmation first; cancelling changes nothing.
  await active.getByRole('button', { name: 'Revoke' }).click();
  const confirm = patientPage.getByRole('dialog', { name: 'Revoke this permission?' });
  await confirm.waitFor();
  assert.match((await confirm.textContent()) ?? '', /Everyone at clinic may see all of your records/);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'hidden' });
  assert.equal(await active.getByRole('listitem').count(), 1);
  await active.getByRole('button', { name: 'Revoke' }).click();
  await confirm.getByRole('button', { name: 'Yes, revoke' }).click();
  await patientPage
    .getByText(/^Revoked\. This no longer counts: Everyone at clinic/)
    .waitFor({ timeout: 30_000 });
  await patientPage.getByText('You have not allowed anyone yet.').waitFor();

  // Refused again after the revocation; then the clinician breaks the glass with a reason.
  assert.match(await clinicianReads(clinicianPage), /^The patient has not allowed you/);
  const glass = clinicianPage.getByRole('form', { name: 'Emergency access (break-glass)' });
  await glass.getByLabel('Reason (required)').fill('Unconscious on arrival; need allergies and history');
  await glass.getByRole('button', { name: /^Break the glass/ }).click();
  await clinicianPage.getByText(/Patient: Personal details: Ada Lovelace/).waitFor({ timeout: 30_000 });

  // The patient's log: refused, allowed, refused, and the flagged emergency access, newest first.
  await patientPage.getByRole('tab', { name: 'Who looked at my data' }).click();
  const log = patientPage.getByRole('list', { name: 'Accesses, newest first' });
  const entries = log.getByRole('listitem');
  await entries.nth(3).waitFor({ timeout: 20_000 });
  assert.equal(await entries.count(), 4);
  const outcomes = await entries.evaluateAll((items) => items.map((i) => i.getAttribute('data-outcome')));
  assert.deepEqual(outcomes, ['granted', 'denied', 'granted', 'denied']);
  const flagged = log.locator('li.flagged');
  assert.equal(await flagged.count(), 1);
  assert.match((await flagged.textContent()) ?? '', /Emergency access \(break-glass\)/);
  assert.match((await entries.nth(1).textContent()) ?? '', /Refused.*you had not allowed it/);
  assert.match(
    (await entries.nth(2).textContent()) ?? '',
    /Allowed.*test results and measurements.*treating you/,
  );
});

test('the patient’s key is kept in the browser sealed, and unlocks only with its passphrase', async () => {
  const stored = await patientPage.evaluate('JSON.stringify(localStorage)');
  assert.ok(!String(stored).includes(patient().seed), 'the seed is never stored in the clear');
  assert.match(String(stored), /carechain-sealed-key\/v1/);
  await patientPage.getByRole('button', { name: 'Sign out' }).click();
  await patientPage.goto(`${hospital()}/signin/patient`);
  const unlock = patientPage.getByRole('form', { name: 'Use a key kept in this browser' });
  await unlock.getByLabel('Passphrase').fill('not the passphrase');
  await unlock.getByRole('button', { name: 'Unlock and sign in' }).click();
  await patientPage
    .getByRole('alert')
    .getByText(/wrong passphrase/)
    .waitFor({ timeout: 20_000 });
  await unlock.getByLabel('Passphrase').fill('demo passphrase');
  await unlock.getByRole('button', { name: 'Unlock and sign in' }).click();
  await patientPage.getByRole('heading', { name: 'Your health records' }).waitFor({ timeout: 20_000 });
  assert.match(
    (await patientPage.getByText(/Your carechain ID/).textContent()) ?? '',
    new RegExp(patient().pseudonym.slice(0, 16)),
  );
  // The code a clinician finds the patient by, as text and as a QR image: exactly what the clinician pasted.
  await patientPage.getByRole('tab', { name: 'Share, download or erase' }).click();
  await patientPage.getByRole('img', { name: 'QR code of your patient code' }).locator('svg').waitFor();
  const shown = patientPage.getByLabel('Patient code', { exact: true });
  await shown.getByText(/"patientId":"[0-9a-f]{64}"/).waitFor({ timeout: 20_000 });
  assert.equal(await shown.textContent(), patientCode(patient().pseudonym, patientId));
});

test('a clinician’s consent request appears on the patient’s screen without a reload, and the answer on theirs', async () => {
  // The patient's consent tab is open before the request is made; nothing is clicked or reloaded after.
  await patientPage.getByRole('tab', { name: 'Who may see my data' }).click();
  await patientPage.getByRole('heading', { name: 'Who may see your data' }).waitFor();
  assert.equal(await patientPage.getByTestId('requests-waiting').count(), 0);
  const ask = clinicianPage.getByRole('form', { name: 'Ask the patient for consent' });
  await ask.getByLabel('Records').selectOption('Observation');
  await ask.getByLabel('Reason').selectOption('second-opinion');
  await ask.getByRole('button', { name: 'Send request' }).click();
  await ask.getByText(/^Request sent \(block \d+\)/).waitFor({ timeout: 30_000 });

  // The badge on the tab counts it, and the request is listed, both from the patient's event stream.
  await patientPage
    .getByTestId('requests-waiting')
    .getByText('1 request waiting')
    .waitFor({ timeout: 30_000 });
  const requests = patientPage.getByRole('region', { name: 'Requests waiting for your answer' });
  await requests
    .getByText(
      'A physician at clinic asks to see test results and measurements for treating you, for a second opinion',
      { exact: false },
    )
    .waitFor({ timeout: 20_000 });
  await requests.getByRole('button', { name: 'Approve' }).click();
  await patientPage.getByText(/^Approved: the practitioner may now see/).waitFor({ timeout: 30_000 });
  const active = patientPage.getByRole('list', { name: 'Active permissions' });
  assert.match(
    (await active.textContent()) ?? '',
    /The practitioner with key [0-9a-f]{12}… may see test results/,
  );
  // The clinician's screen says the patient answered, without a reload; the badge is gone.
  await ask.getByText(/^The patient has answered your request/).waitFor({ timeout: 30_000 });
  await patientPage.getByTestId('requests-waiting').waitFor({ state: 'detached', timeout: 30_000 });
  assert.match(await clinicianReads(clinicianPage), /Access granted: 1 record/);
});

test('a hospital patient who signs in at the pharmacy’s node sees the hospital’s records and a correct code', async () => {
  // The pharmacy keeps nothing of this patient: records and code come from the ledger and $everything.
  const page = await app.browser.newPage({ viewport: { width: 1100, height: 900 } });
  await signInWithSeed(page, app.net.url('pharmacy'), 'patient', patient().seed);
  await page.getByRole('tab', { name: 'My records' }).click();
  const records = page.getByRole('list', { name: 'Your records, newest first' });
  await records
    .getByText(/Body temperature/)
    .first()
    .waitFor({ timeout: 30_000 });
  assert.match((await page.getByText(/^Records kept for you by /).textContent()) ?? '', /hospital/i);
  await page.getByRole('tab', { name: 'Share, download or erase' }).click();
  const shown = page.getByLabel('Patient code', { exact: true });
  await shown.getByText(/"patientId":"[0-9a-f]{64}"/).waitFor({ timeout: 30_000 });
  assert.equal(await shown.textContent(), patientCode(patient().pseudonym, patientId));
  // "Download all your data" gives the hospital's records, not an empty Bundle.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download as FHIR Bundle' }).click();
  const saved = await (await download).path();
  const bundle = JSON.parse(readFileSync(saved, 'utf8')) as {
    entry: { resource: { resourceType: string } }[];
  };
  const types = bundle.entry.map((e) => e.resource.resourceType).sort();
  assert.deepEqual([...new Set(types)], ['Observation', 'Patient']);
  await page.context().close();
});

/** Clicks a "download proof" button until the file comes (a fresh tx waits for the next cosigned checkpoint). */
async function downloadedProof(page: Page, button: ReturnType<Page['getByRole']>): Promise<string> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const download = page.waitForEvent('download', { timeout: 5_000 }).catch(() => undefined);
    await button.click();
    const saved = await (await download)?.path();
    if (saved !== undefined) return readFileSync(saved, 'utf8');
  }
  throw new Error('no proof file within 40 tries');
}

test('the patient downloads proofs of an access and a consent, and the verifier page checks them', async () => {
  // An access event's proof, from "Who looked at my data".
  await patientPage.getByRole('tab', { name: 'Who looked at my data' }).click();
  const log = patientPage.getByRole('list', { name: 'Accesses, newest first' });
  const access = await downloadedProof(
    patientPage,
    log.getByRole('button', { name: /^Download proof of this access/ }).last(),
  );
  assert.match(access, /^c2sp\.org\/tlog-proof@v1\nextra [A-Za-z0-9+/=]+\nindex \d+\n/);
  // A consent's proof (the permission the patient approved), and one of the revoked permission.
  await patientPage.getByRole('tab', { name: 'Who may see my data' }).click();
  const consent = await downloadedProof(
    patientPage,
    patientPage.getByRole('button', { name: 'Download proof of this permission' }).first(),
  );
  const revocation = await downloadedProof(
    patientPage,
    patientPage.getByRole('button', { name: 'Download proof of this revocation' }).first(),
  );

  // The verifier page opens each file and checks it in the browser against the node's witness policy.
  const verifier = await newPage(app.browser);
  await verifier.goto(`${clinic()}/explorer/verify`);
  await verifier.waitForFunction(
    "document.querySelector('#witness-policy')?.value.includes('log ')",
    undefined,
    { timeout: 20_000 },
  );
  const check = async (name: string, text: string) => {
    await verifier.getByLabel('Proof file').setInputFiles({
      name,
      mimeType: 'text/plain',
      buffer: Buffer.from(text),
    });
    await verifier.getByRole('button', { name: 'Verify' }).click();
    const outcome = verifier.getByRole('heading', { name: /Verified in your browser|Verification failed/ });
    await outcome.waitFor({ timeout: 20_000 });
    const steps = verifier.getByRole('list', { name: 'Verification steps' }).getByRole('listitem');
    const result = {
      heading: (await outcome.textContent()) ?? '',
      failed: await steps.evaluateAll((items) =>
        items.filter((i) => i.getAttribute('data-ok') !== 'true').map((i) => i.getAttribute('data-step')),
      ),
      text: (await verifier.getByRole('list', { name: 'Verification steps' }).textContent()) ?? '',
    };
    await verifier.reload();
    await verifier.waitForFunction("document.querySelector('#witness-policy')?.value.includes('log ')");
    return result;
  };
  const good = await check('access.tlog-proof', access);
  assert.equal(good.heading, '✓ Verified in your browser', good.text);
  assert.deepEqual(good.failed, []);
  assert.match(good.text, /records\.[a-zA-Z]+, tx [0-9a-f]{64}/);
  assert.deepEqual((await check('consent.tlog-proof', consent)).failed, []);
  const revoked = await check('revocation.tlog-proof', revocation);
  assert.deepEqual(revoked.failed, []);
  assert.match(revoked.text, /consent\.revoke/);
  // A file whose inclusion path was altered fails the ledger step (and only it).
  const lines = access.split('\n');
  const at = lines.findIndex((l) => l.startsWith('index ')) + 1;
  lines[at] = (lines[at]![0] === 'A' ? 'B' : 'A') + lines[at]!.slice(1);
  const forged = await check('forged.tlog-proof', lines.join('\n'));
  assert.equal(forged.heading, '✗ Verification failed');
  assert.deepEqual(forged.failed, ['proof']);
  // The page holds at both widths.
  for (const viewport of [DESKTOP, PHONE]) assert.deepEqual(await seriousViolations(verifier, viewport), []);
  assert.equal(await verifier.title(), 'Verify a proof file · Explorer · carechain');
  await verifier.context().close();
});
