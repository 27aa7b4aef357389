// Clinical trials in real Chromium against `carechain up`, whose research sponsor registered, amended,
// unblinded and reported the demo trial NCT02513394 (src/cli/demo-trials.ts): the public registry page
// at the regulator's node shows every protocol version and the verdict table, each proof checked in the
// browser; the demo patient left to re-consent after the material amendment does so from "My trials",
// after which the node says their data flows again; and the sponsor's staff run a second trial from
// registration to results in the sponsor console, each step checked on the chain.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  allocatedArm,
  opensCommitment,
  verifyOutcomeProof,
  type OutcomeVerdictEntry,
} from '../../src/app/trials/index.ts';
import { secondaryMadePrimary } from '../../src/app/trials/test-fixtures.ts';
import { PatientClient } from '../../src/client/patient-client.ts';
import { fromHex, toHex } from '../../src/core/bytes.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import { newPage, noSeriousViolations, signInWithSeed, staffSeed } from '../harness/browser.ts';
import { tempDir } from '../harness/chain.ts';
import { getJson, waitFor } from '../harness/http.ts';
import { pallasStudy } from '../harness/trials.ts';
import { webAppForTests } from '../harness/web-app.ts';

const app = webAppForTests();

function demoTrial(): { id: string; nct: string } {
  const { trial } = app.net.credentials;
  assert.ok(trial !== undefined, 'carechain up registered the demo trial (the shared study file was found)');
  return trial;
}

test('the registry page shows every protocol version and the verdict table, proofs checked in the browser', async () => {
  const { id, nct } = demoTrial();
  // The sponsor's node answered the demo's results once it committed them; the regulator's node follows
  // and may apply that block later, and the page reads the verdict once, so wait for the regulator first.
  const verdictAt = `${app.net.url('regulator')}/api/v1/trials/${id}/verdict`;
  assert.ok(
    await waitFor(async () => (await fetch(verdictAt)).status === 200, 60_000),
    'results at the regulator',
  );
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

/** The files a sponsor's staff would choose: the PALLAS study under a registry number of its own (the demo
 * registered its real one), the same amended, and stand-ins for the protocol, the SAP and the database. */
function sponsorFiles(dir: string) {
  const study = pallasStudy();
  study.protocolSection.identificationModule.nctId = 'NCT09990016';
  const files = {
    study: join(dir, 'study.json'),
    amended: join(dir, 'amended.json'),
    protocol: join(dir, 'protocol.txt'),
    sap: join(dir, 'sap.txt'),
    database: join(dir, 'database.sql'),
    sae: join(dir, 'sae-report.pdf'),
    seed: join(dir, 'seed.json'),
  };
  writeFileSync(files.study, JSON.stringify(study));
  writeFileSync(files.amended, JSON.stringify(secondaryMadePrimary(study)));
  writeFileSync(files.protocol, 'protocol v1: palbociclib with endocrine therapy\n');
  writeFileSync(files.sap, 'statistical analysis plan v1\n');
  writeFileSync(files.database, 'insert into visits values (1);\n');
  writeFileSync(files.sae, 'serious adverse event report 1\n');
  return files;
}

/** The console's notice after a step, e.g. "Database locked (block 42)."; commits can be slow under load. */
async function notice(page: Page, text: RegExp): Promise<void> {
  await page.getByRole('status').getByText(text).waitFor({ timeout: 90_000 });
}

test('the sponsor console runs a trial: register, seed, allocate, report an SAE, amend, lock, unblind, post results', async () => {
  const dir = tempDir('carechain-sponsor-');
  const files = sponsorFiles(dir.path);
  const sponsorUrl = app.net.url('research-sponsor');
  const hospitalUrl = app.net.url('hospital');
  const trialAt = async (url: string, id: string) => (await getJson(`${url}/api/v1/trials/${id}`)).trial;
  const page = await newPage(app.browser);
  try {
    await signInWithSeed(
      page,
      sponsorUrl,
      'sponsor',
      await staffSeed(app.net, 'research-sponsor', 'researcher'),
    );

    // Register: the commitments are made in the browser, and the downloaded salts open them.
    const register = page.getByRole('form', { name: 'Register a trial' });
    await register.getByLabel('Study (ClinicalTrials.gov v2 JSON)').setInputFiles(files.study);
    await register.getByLabel('Protocol document').setInputFiles(files.protocol);
    await register.getByLabel('Statistical analysis plan').setInputFiles(files.sap);
    const saltsDownload = page.waitForEvent('download');
    await register.getByRole('button', { name: 'Register', exact: true }).click();
    const salts = JSON.parse(readFileSync(await (await saltsDownload).path(), 'utf8'));
    await notice(page, /^Registered as version 1 \(block \d+\)\./);
    const { trials } = await getJson(`${sponsorUrl}/api/v1/trials?nct=NCT09990016`);
    assert.equal(trials.length, 1, 'the console registered the study under its registry number');
    const id: string = trials[0].id;
    const v1 = (await getJson(`${sponsorUrl}/api/v1/trials/${id}`)).versions[0].registration;
    for (const [name, file] of [
      ['protocol', files.protocol],
      ['sap', files.sap],
    ] as const) {
      assert.equal(v1[`${name}Commitment`], salts[name].commitment, `the ${name} commitment on chain`);
      assert.ok(opensCommitment(salts[name].commitment, readFileSync(file), fromHex(salts[name].salt)));
    }
    await noSeriousViolations(page, '/sponsor');

    // The seed: made in the browser and downloaded; only its hash is on chain until unblinding.
    const seedDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Make and commit the seed' }).click();
    await (await seedDownload).saveAs(files.seed);
    await notice(page, /^Seed committed; enrolment may begin \(block \d+\)\.$/);
    const seed: string = JSON.parse(readFileSync(files.seed, 'utf8')).seed;

    // A patient enrols with their own key at the hospital, once the hospital's node has the seed's block.
    assert.ok(await waitFor(async () => (await trialAt(hospitalUrl, id)).seedCommitment !== null, 60_000));
    const patient = new PatientClient(hospitalUrl, fromHex(app.net.credentials.patients[0]!.seed));
    const { txHash: enrolTx } = await patient.enrolInTrial(id, 'hospital', 1);
    assert.ok(await waitFor(async () => (await trialAt(sponsorUrl, id)).enrolments === 1, 60_000));
    await page.getByRole('button', { name: 'Reload', exact: true }).click();
    await page.getByRole('button', { name: 'Allocate 1 waiting enrolment' }).click();
    await notice(page, /^Allocated 1 enrolment \(block \d+\)\.$/);
    const sites = page.getByRole('table', { name: /^Participants per site/ });
    assert.deepEqual(await sites.getByRole('row').nth(1).getByRole('cell').allTextContents(), [
      'hospital',
      '1',
      '0',
      '0',
    ]);

    // A fatal or life-threatening SAE the sponsor learned of 20 days ago: its 7-day deadline has passed.
    const sae = page.getByRole('form', { name: 'Report a serious adverse event' });
    await sae.getByLabel('Report (it stays with you; its digest is recorded)').setInputFiles(files.sae);
    await sae.getByLabel('Severity').selectOption('fatal_or_life_threatening');
    const awareDay = new Date(Date.now() - 20 * 24 * 3600_000).toISOString().slice(0, 10);
    await sae.getByLabel('Day the sponsor learned of it').fill(awareDay);
    await sae.getByRole('button', { name: 'Report', exact: true }).click();
    await notice(page, /^Adverse event report recorded \(block \d+\)\.$/);
    const [reported] = (await getJson(`${sponsorUrl}/api/v1/trials/${id}`)).saes;
    assert.deepEqual(
      [reported.digest, reported.severity, reported.awareAtMs, reported.late],
      [toHex(sha256(readFileSync(files.sae))), 'fatal_or_life_threatening', Date.parse(awareDay), true],
    );

    // A secondary outcome made primary: version 2, and the participant must re-consent.
    const amend = page.getByRole('form', { name: 'Amend the protocol' });
    await amend.getByLabel('Amended study (ClinicalTrials.gov v2 JSON)').setInputFiles(files.amended);
    await amend.getByLabel('Reason for the amendment').fill('A secondary outcome made primary');
    await amend.getByRole('button', { name: 'Amend', exact: true }).click();
    await notice(page, /^Version 2: (.+, )?1 primary↔secondary \(participants re-consent\) \(block \d+\)\.$/);
    assert.equal((await trialAt(sponsorUrl, id)).materialVersion, 2);

    // Lock with the database's digest, then unblind with the seed file: both asked first.
    await page.getByLabel('Database export').setInputFiles(files.database);
    await page.getByRole('button', { name: 'Lock the database' }).click();
    await page
      .getByRole('dialog', { name: 'Lock this trial’s database?' })
      .getByRole('button', { name: 'Yes, lock' })
      .click();
    await notice(page, /^Database locked \(block \d+\)\.$/);
    const locked = await trialAt(sponsorUrl, id);
    assert.equal(locked.lock.databaseDigest, toHex(sha256(readFileSync(files.database))));
    await page.getByLabel('Seed file').setInputFiles(files.seed);
    await page.getByRole('button', { name: 'Unblind', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Unblind this trial?' })
      .getByRole('button', { name: 'Yes, unblind' })
      .click();
    await notice(page, /^Unblinded \(block \d+\)\.$/);
    const { allocations, seed: revealed } = await getJson(`${sponsorUrl}/api/v1/trials/${id}/allocations`);
    assert.equal(revealed, seed, 'the seed revealed is the one the console downloaded');
    const arm = v1.arms[allocatedArm(seed, enrolTx, v1.arms.length)].label;
    assert.equal(allocations[0].arm, arm, 'the allocation recomputes from the revealed seed');
    const allocationRow = page
      .getByRole('table', { name: 'Enrolments and their allocation' })
      .getByRole('row')
      .nth(1);
    await allocationRow.getByRole('cell', { name: arm, exact: true }).waitFor({ timeout: 30_000 });

    // Results from the file's resultsSection: a verdict for every registered outcome, each proven.
    await page
      .getByLabel('Results (ClinicalTrials.gov v2 JSON with its resultsSection)')
      .setInputFiles(files.study);
    await page.getByRole('button', { name: 'Post results' }).click();
    await notice(page, /^Results posted; the public page shows each outcome’s verdict \(block \d+\)\.$/);
    const verdict = await getJson(`${sponsorUrl}/api/v1/trials/${id}/verdict`);
    assert.deepEqual(
      verdict.outcomes.map((o: OutcomeVerdictEntry) => o.verdict),
      Array(v1.outcomes.length).fill('prespecified'),
    );
    for (const o of verdict.outcomes as OutcomeVerdictEntry[])
      assert.ok(verifyOutcomeProof(o.registered!, o.proof!, verdict.outcomesRoot));
    await page.getByRole('link', { name: 'Public page of this trial' }).click();
    await page
      .getByTestId('verdict-root')
      .getByText(/^Checked in your browser/)
      .waitFor({ timeout: 30_000 });
    const saes = page.getByRole('table', { name: /^Serious adverse event reports/ });
    assert.match(
      (await saes.getByRole('row').nth(1).textContent()) ?? '',
      /Fatal or life-threatening.*Late, on/,
    );
  } finally {
    await page.context().close();
    dir.remove();
  }
});
