// Clinical trials in real Chromium against `carechain up`, whose research sponsor registered, amended,
// unblinded and reported the demo trial NCT02513394 (src/cli/demo-trials.ts): the public registry page
// at the regulator's node shows every protocol version and the verdict table, each proof checked in the
// browser; and the demo patient left to re-consent after the material amendment does so from "My trials",
// after which the node says their data flows again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newPage, noSeriousViolations, signInWithSeed } from '../harness/browser.ts';
import { webAppForTests } from '../harness/web-app.ts';

const app = webAppForTests();

function demoTrial(): { id: string; nct: string } {
  const { trial } = app.net.credentials;
  assert.ok(trial !== undefined, 'carechain up registered the demo trial (the shared study file was found)');
  return trial;
}

test('the registry page shows every protocol version and the verdict table, proofs checked in the browser', async () => {
  const { id, nct } = demoTrial();
  const page = await newPage(app.browser);
  await page.goto(`${app.net.url('regulator')}/trials`);
  const row = page.getByRole('row').filter({ hasText: nct });
  await row.waitFor({ timeout: 30_000 });
  await row.getByRole('link').click();
  await page.waitForURL(`${app.net.url('regulator')}/trials/${id}`);

  const versions = page.getByRole('table', { name: 'Protocol versions' });
  await versions.waitFor({ timeout: 30_000 });
  assert.equal(await versions.getByRole('row').count(), 1 + 2, 'a header and both versions');
  assert.match(
    (await versions.getByRole('row').nth(2).textContent()) ?? '',
    /primary outcome.*1 primary↔secondary \(participants re-consent\)/,
  );
  await page
    .getByTestId('verdict-root')
    .getByText(/^Checked in your browser/)
    .waitFor({ timeout: 30_000 });
  const verdict = page.getByRole('table', { name: 'Reported outcomes against the registered ones' });
  const rows = verdict.getByRole('row');
  assert.equal(await rows.count(), 1 + 5, 'a verdict for each of the five registered outcomes');
  for (let i = 1; i <= 5; i++) {
    const text = (await rows.nth(i).textContent()) ?? '';
    assert.match(text, /^Reported as pre-specified/, text);
    assert.match(text, /✓ verified$/, text);
  }
  await noSeriousViolations(page, `/trials/${id}`);
  await page.context().close();
});

test('the patient re-consents to the amended protocol from My trials, and their data flows again', async () => {
  const { id } = demoTrial();
  const patient = app.net.credentials.patients[1]!;
  const page = await newPage(app.browser);
  await signInWithSeed(page, app.net.url('hospital'), 'patient', patient.seed);
  await page.getByRole('tab', { name: 'My trials' }).click();
  const trial = page.getByTestId('my-trial');
  await trial.getByText(/The protocol changed \(version 2\)/).waitFor({ timeout: 30_000 });
  await noSeriousViolations(page, '/patient My trials');
  await trial.getByRole('button', { name: 'Consent to version 2' }).click();
  await page.getByText(/^You consent to version 2 \(block \d+\)\.$/).waitFor({ timeout: 60_000 });
  await trial.getByText(/^You consent to version 2; your data flows/).waitFor({ timeout: 30_000 });

  const mine = await fetch(`${app.net.url('hospital')}/api/v1/patients/me/trials`, {
    headers: { authorization: `Bearer ${patient.token}` },
  });
  const { trials } = (await mine.json()) as {
    trials: { trialId: string; consentedVersion: number; dataFlows: boolean }[];
  };
  assert.deepEqual(
    trials.map((t) => [t.trialId, t.consentedVersion, t.dataFlows]),
    [[id, 2, true]],
  );
  await page.context().close();
});
