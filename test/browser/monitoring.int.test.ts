// The clinician's remote-monitoring dashboard in real Chromium (issue 18, Done when "Browser tests"), on
// one `carechain up`: the hospital registers a pulse oximeter, the first demo patient binds it with her own
// key, and its gateway sends a signed batch of readings. Signed in as the hospital's physician, the
// dashboard lists the monitored patient; a deteriorating vital-signs set sent after the page loaded
// appears as a high-risk escalation without a reload; the vitals and NEWS2 charts render with their
// points; one click acknowledges it with the physician's own key, and the chain says who and when. The
// readings shown were logged as a read in the patient's access log.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Reading } from '../../src/app/monitoring/batch.ts';
import { fromHex } from '../../src/core/bytes.ts';
import { ACCESS_LOG_PATH, BATCHES_PATH } from '../../src/contract/monitoring.ts';
import { ADMIN_KEY_FILE } from '../../src/node/config.ts';
import { keyPairFromSeed, readKeyFile } from '../../src/node/keys.ts';
import { newPage, signInWithSeed, staffSeed } from '../harness/browser.ts';
import { http, postJson, waitFor } from '../harness/http.ts';
import {
  closedPeriod,
  DETERIORATING_VITALS,
  oximeter,
  registrationOf,
  signedBatch,
} from '../harness/monitoring.ts';
import { commitTx } from '../harness/network.ts';
import { webAppForTests } from '../harness/web-app.ts';

/** Ten seconds divides a day; the gateway sends the period once the chain's clock has closed it. */
const PERIOD_MS = 10_000;
const SPO2_VALUES = ['96', '95', '93', '91', '89'];
let page: Page;

/** A falling SpO2 and a rising pulse, every two seconds of one period. */
function deterioratingReadings(startMs: number): Reading[] {
  return SPO2_VALUES.flatMap((spo2, i) => [
    { id: `spo2-${i}`, code: '150456', value: spo2, unit: '%', timeMs: startMs + i * 2000 },
    { id: `pulse-${i}`, code: '149530', value: `${88 + i * 6}`, unit: '/min', timeMs: startMs + i * 2000 },
  ]);
}

const app = webAppForTests(async ({ net, browser }) => {
  const hospital = net.url('hospital');
  const { chainId } = net.credentials;
  const admin = readKeyFile(join(net.dataDir, 'hospital', ADMIN_KEY_FILE));
  await commitTx(hospital, chainId, admin, 'monitoring.registerDevice', registrationOf(oximeter));
  const patient = net.credentials.patients[0]!;
  const patientKey = keyPairFromSeed(fromHex(patient.seed));
  const bound = await commitTx(hospital, chainId, patientKey, 'monitoring.bindDevice', {
    systemId: oximeter.systemId,
  });
  const boundAtMs = (await http(`${hospital}/api/v1/blocks/${bound.height}`)).body.header.timeMs as number;
  const start = await closedPeriod({ apiUrl: hospital }, boundAtMs - (boundAtMs % PERIOD_MS), PERIOD_MS);
  const context = { chainId, patient: patient.pseudonym };
  const batch = signedBatch(
    context,
    oximeter,
    { startMs: start, ms: PERIOD_MS },
    deterioratingReadings(start),
  );
  const sent = await postJson(`${hospital}${BATCHES_PATH}`, batch);
  assert.equal(sent.status, 200, JSON.stringify(sent.body));

  page = await newPage(browser);
  await signInWithSeed(page, hospital, 'clinician', await staffSeed(net, 'hospital'));
});

const dashboard = () => page.getByRole('region', { name: 'Remote monitoring' });

test('the monitored patient is listed; a deteriorating set appears live as a high-risk escalation', async () => {
  const { net } = app;
  const patient = net.credentials.patients[0]!;
  await dashboard().getByText('No open escalations.').waitFor({ timeout: 30_000 });
  const row = dashboard().getByRole('row', { name: new RegExp(oximeter.systemId) });
  await row.waitFor({ timeout: 30_000 });
  assert.match((await row.textContent()) ?? '', new RegExp(patient.pseudonym.slice(0, 12)));

  // Sent after the page loaded: the escalation reaches the screen without a reload.
  const token = net.credentials.organisations.hospital!.practitioner.token;
  const vitals = `${net.url('hospital')}/api/v1/monitoring/devices/${oximeter.systemId}/vitals`;
  const assessed = await postJson(vitals, DETERIORATING_VITALS, token);
  assert.equal(assessed.status, 200, JSON.stringify(assessed.body));
  assert.equal(assessed.body.escalation.risk, 'high');
  const open = dashboard().locator('li.escalation[data-risk="high"]');
  await open.waitFor({ timeout: 60_000 });
  assert.match((await open.textContent()) ?? '', /High risk \(NEWS2 10\).*response due in/);
});

test('the vitals and NEWS2 charts render with their points', async () => {
  await dashboard().getByRole('button', { name: 'Show vitals' }).click();
  const spo2 = dashboard().locator('figure.trend[data-series="150456"]');
  // The node answers once the read's access event is committed: on a loaded machine that takes a while.
  const drawn = await spo2
    .locator('svg .recharts-line-dot')
    .first()
    .waitFor({ timeout: 120_000 })
    .then(() => true)
    .catch(() => false);
  const vitals = page.getByRole('region', { name: /Vitals from device/ });
  assert.ok(drawn, `no SpO2 chart; the vitals section says: ${await vitals.textContent().catch(() => '')}`);
  assert.equal(await spo2.locator('svg .recharts-line-dot').count(), SPO2_VALUES.length);
  assert.match((await spo2.locator('figcaption').textContent()) ?? '', /5 measurements, from 96 .* to 89 /);
  const pulse = dashboard().locator('figure.trend[data-series="149530"] svg .recharts-line-dot');
  assert.equal(await pulse.count(), SPO2_VALUES.length);
  const news2 = dashboard().locator('figure.trend[data-series="news2"] svg .recharts-line-dot');
  await news2.first().waitFor({ timeout: 30_000 });
  assert.equal(await news2.count(), 1);

  // Opening the readings was a read of health data: it is in the patient's access log.
  const { net } = app;
  const patientToken = net.credentials.patients[0]!.token;
  const staffKey = net.credentials.organisations.hospital!.practitioner.publicKey;
  const logged = async () => {
    const log = await http(`${net.url('hospital')}${ACCESS_LOG_PATH}`, {
      headers: { authorization: `Bearer ${patientToken}` },
    });
    return log.status === 200 && log.body.items.some((e: { requester: string }) => e.requester === staffKey);
  };
  assert.ok(await waitFor(logged, 30_000), 'the clinician’s read is in the patient’s access log');
});

test('one click acknowledges the escalation with the clinician’s key; the chain records who and when', async () => {
  const { net } = app;
  await dashboard().locator('li.escalation').getByRole('button', { name: 'Acknowledge' }).click();
  await dashboard()
    .getByText(/acknowledged after \d+ min, in time\./)
    .waitFor({ timeout: 60_000 });
  await dashboard().getByText('No open escalations.').waitFor({ timeout: 30_000 });
  const token = net.credentials.organisations.hospital!.practitioner.token;
  const listed = await http(`${net.url('hospital')}/api/v1/monitoring/escalations`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  const [escalation] = listed.body.items;
  const staffKey = net.credentials.organisations.hospital!.practitioner.publicKey;
  assert.deepEqual(
    [escalation.ackedBy, escalation.responseMs, escalation.late],
    [staffKey, escalation.ackedAtMs - escalation.openedAtMs, false],
  );
});
