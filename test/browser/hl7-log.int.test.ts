// The HL7 message log page in real Chromium against `carechain up` (issue 21 §6): besides the demo lab's own
// messages, the demo hospital's MLLP listener takes a lab result from the demo sending facility (AA once
// final) and a message of a type it does not take (AR); the hospital's administrator, signed in as integration staff, sees both with their
// status and ACK, filters by status, opens the final one (its ACK and the tx that made it final), and
// the page shows nothing of the patient.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_HL7_FACILITY } from '../../src/cli/demo-hl7.ts';
import { demoHl7Messages } from '../../src/cli/demo-hl7-messages.ts';
import { newPage, newStaffSeed, noSeriousViolations, signInWithSeed } from '../harness/browser.ts';
import { ackCodes, mllpExchange } from '../harness/mllp.ts';
import { webAppForTests } from '../harness/web-app.ts';

const FAMILY = 'Thistlewaite';
const seeded = { adminSeed: '' };

const message = (controlId: string, type: string) =>
  [
    `MSH|^~\\&|LIS|${DEMO_HL7_FACILITY}|CARECHAIN|HOSPITAL|20261207120000+0000||${type}|${controlId}|P|2.5.1`,
    `PID|1||MRN-WEB-77^^^DEMO LAB&2.16.840.1.113883.19.77&ISO^MR||${FAMILY}^Wren||19810203|F`,
    'OBR|1|ORD-W1^PAS|FIL-W1^LIS|58410-2^CBC panel^LN|||20261207100000+0000||||||||||||||||||F',
    'OBX|1|NM|718-7^Hemoglobin^LN||12.8|g/dL^^UCUM|12.0-15.5|N|||F',
  ].join('\r');

const app = webAppForTests(async ({ net }) => {
  // `up` prints the port its demo hospital listens on for HL7 (base port + 2000 in tests).
  const port = Number(/HL7 v2 over MLLP: 127\.0\.0\.1:(\d+)/.exec(net.output())?.[1]);
  assert.ok(port > 0, 'up prints its HL7 port');
  const final = await mllpExchange(port, message('WEB-HL7-1', 'ORU^R01^ORU_R01'), 120_000);
  assert.equal(ackCodes(final).msa, 'AA', final);
  const refused = await mllpExchange(port, message('WEB-HL7-2', 'ORU^R30^ORU_R30'), 120_000);
  assert.equal(ackCodes(refused).msa, 'AR', refused);
  seeded.adminSeed = await newStaffSeed(net, 'hospital', 'admin');
});

test('integration staff see the messages with their status and ACK, filter them and open one', async () => {
  const page = await newPage(app.browser);
  try {
    await signInWithSeed(page, app.net.url('hospital'), 'integration', seeded.adminSeed);
    const finalRow = page.locator('tr[data-control-id="WEB-HL7-1"]');
    await finalRow.waitFor({ timeout: 30_000 });
    assert.match((await finalRow.textContent()) ?? '', /ORU\^R01.*Final on the ledger.*AA/);
    const refusedRow = page.locator('tr[data-control-id="WEB-HL7-2"]');
    assert.match((await refusedRow.textContent()) ?? '', /ORU\^R30.*Refused.*AR · ERR 201/);
    const summary = page.getByRole('table', { name: 'Messages by status' });
    // This test's lab result and the messages the demo lab sent when `up` started (all AA).
    const finalSummary = summary.locator('tr[data-status="final"] td');
    assert.equal(await finalSummary.nth(0).textContent(), 'Final on the ledger');
    assert.equal(await finalSummary.nth(1).textContent(), String(1 + demoHl7Messages(0).length));
    await noSeriousViolations(page, '/integration');

    // The filter: refused messages only.
    await page.getByLabel('Status', { exact: true }).selectOption('refused');
    await page.getByRole('button', { name: 'Apply' }).click();
    await finalRow.waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await refusedRow.count(), 1);
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await finalRow.waitFor({ timeout: 30_000 });

    // One message: its ACK and the tx that made it final.
    await finalRow.getByRole('button', { name: 'Details' }).click();
    const acks = page.getByRole('table', { name: 'Acknowledgements sent' });
    await acks.waitFor({ timeout: 30_000 });
    assert.match((await acks.getByRole('row').nth(1).textContent()) ?? '', /AA Application accept——$/);
    await page.getByRole('link', { name: /^tx [0-9a-f]{12}…$/ }).waitFor();
    await noSeriousViolations(page, '/integration message');

    // Nothing of the patient on the page.
    assert.doesNotMatch((await page.content()) ?? '', new RegExp(`${FAMILY}|MRN-WEB-77|19810203`));
  } finally {
    await page.close();
  }
});
