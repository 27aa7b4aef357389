// The explorer in real Chromium against a running `carechain up` network: blocks arrive live over SSE,
// the validators are listed with their health, and "Verify" checks a tx's inclusion proof and its
// checkpoint's signatures in the browser against the genesis keys, every step ✓; a proof or a
// checkpoint altered in flight (page.route) is shown ✗ at the step it breaks; a fork a witness refused
// is listed under "Fork evidence".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { fromHex } from '../../src/core/bytes.ts';
import {
  formatCheckpoint,
  formatNote,
  parseCheckpoint,
  parseNote,
  SIG_ED25519,
  signNoteLine,
  verifier,
} from '../../src/core/c2sp/index.ts';
import { generateKeyPair, readKeyFile } from '../../src/node/keys.ts';
import { waitFor } from '../harness/http.ts';
import { commitTx } from '../harness/network.ts';
import { webAppForTests } from '../harness/web-app.ts';

let page: Page;
let txHash: string;

const app = webAppForTests(async ({ net, browser }) => {
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  // The demo registrations are committed txs; take the newest one.
  const status = (await (await fetch(`${net.url('clinic')}/api/v1/status`)).json()) as { height: number };
  for (let h = status.height; h >= 1 && txHash === undefined; h--) {
    const block = (await (await fetch(`${net.url('clinic')}/api/v1/blocks/${h}`)).json()) as {
      txHashes: string[];
    };
    txHash = block.txHashes[0]!;
  }
  assert.ok(txHash, 'the demo network has committed txs');
});

/** Clicks Verify and returns each step's id and verdict, in order. */
async function verifySteps(): Promise<{ id: string; ok: boolean }[]> {
  await page.getByRole('button', { name: 'Verify' }).click();
  const steps = page.getByRole('list', { name: 'Verification steps' });
  await steps.waitFor({ timeout: 20_000 });
  return steps
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map((i) => ({ id: i.getAttribute('data-step')!, ok: i.getAttribute('data-ok') === 'true' })),
    );
}

test('the explorer shows live blocks and the validators with their health', async () => {
  await page.goto(`${app.net.url('clinic')}/explorer`);
  await page.getByText('live', { exact: true }).waitFor({ timeout: 20_000 });
  await page.getByRole('list', { name: 'Latest blocks' }).getByRole('listitem').first().waitFor();
  const rows = page.getByRole('table').getByRole('row');
  await rows.nth(1).waitFor();
  // Four validators (plus the header row); this node is one of them.
  assert.equal(await rows.count(), 5);
  await page.getByRole('cell', { name: 'this node' }).waitFor();
  // A block committed while the page is open arrives over SSE (a tx makes one).
  const before = await page
    .getByRole('list', { name: 'Latest blocks' })
    .getByRole('listitem')
    .first()
    .textContent();
  // A patient enrolling: the one tx a key the network does not know yet may send.
  const anchored = await commitTx(
    app.net.url('clinic'),
    app.net.credentials.chainId,
    generateKeyPair(),
    'membership.registerPatient',
    {},
  );
  const newest = page.getByRole('list', { name: 'Latest blocks' }).getByRole('listitem').first();
  const deadline = Date.now() + 30_000;
  while ((await newest.textContent()) === before) {
    assert.ok(Date.now() < deadline, 'no new block arrived over SSE');
    await new Promise((done) => setTimeout(done, 200));
  }
  // …and its tx is listed, linked to its own page.
  await page
    .getByRole('list', { name: 'Latest transactions' })
    .getByRole('link', { name: new RegExp(`^${anchored.hash.slice(0, 16)}`) })
    .waitFor({ timeout: 20_000 });
});

test('Verify checks a tx’s proof and checkpoint in the browser: every step ✓', async () => {
  // A deep link: the node answers any app path with the app (SPA fallback).
  await page.goto(`${app.net.url('pharmacy')}/explorer/tx/${txHash}`);
  const steps = await verifySteps();
  assert.deepEqual(
    steps.map((s) => s.id),
    ['genesis', 'tx', 'signature', 'header', 'validators', 'commit', 'inclusion'],
  );
  assert.ok(
    steps.every((s) => s.ok),
    JSON.stringify(steps),
  );
  await page.getByRole('heading', { name: '✓ Verified in your browser' }).waitFor();
});

test('a tampered proof or checkpoint is shown ✗ at the step it breaks', async () => {
  const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
  const tamper = async (edit: (proof: any) => void) => {
    await page.unroute('**/api/v1/proofs/inclusion/**');
    await page.route('**/api/v1/proofs/inclusion/**', async (route) => {
      const response = await route.fetch();
      const proof = await response.json();
      edit(proof);
      await route.fulfill({ response, json: proof });
    });
  };
  await page.goto(`${app.net.url('hospital')}/explorer/tx/${txHash}`);

  // One byte of the audit path flipped: the path no longer leads to the signed root.
  await tamper((proof) => {
    if (proof.auditPath.length > 0) proof.auditPath[0] = flip(proof.auditPath[0]);
    else proof.checkpoint.header.logRoot = flip(proof.checkpoint.header.logRoot);
  });
  const real: any = await (
    await fetch(`${app.net.url('hospital')}/api/v1/proofs/inclusion/${txHash}`)
  ).json();
  let steps = await verifySteps();
  assert.deepEqual(
    steps.filter((s) => !s.ok).map((s) => s.id),
    real.auditPath.length > 0 ? ['inclusion'] : ['header', 'inclusion'],
  );
  await page.getByRole('heading', { name: '✗ Verification failed' }).waitFor();

  // A validator's precommit signature altered: the checkpoint is no longer signed by a quorum.
  await tamper((proof) => {
    for (const sig of proof.checkpoint.commit.signatures) sig.signature = flip(sig.signature);
  });
  steps = await verifySteps();
  assert.deepEqual(
    steps.filter((s) => !s.ok).map((s) => s.id),
    ['commit'],
  );

  // A forged log root in the header (with the block hash left alone): the header no longer hashes to it.
  await tamper((proof) => {
    proof.checkpoint.header.logRoot = flip(proof.checkpoint.header.logRoot);
    proof.checkpoint.logRoot = proof.checkpoint.header.logRoot;
  });
  steps = await verifySteps();
  assert.ok(steps.find((s) => s.id === 'header')?.ok === false);
  assert.ok(steps.find((s) => s.id === 'inclusion')?.ok === false);
  await page.unroute('**/api/v1/proofs/inclusion/**');
});

test('a fork a witness refused shows in the explorer as evidence, with its signer and its tx', async () => {
  // A second history, as a witness reports it (test/e2e/checkpoint-witness.int.test.ts has the
  // standalone witness refuse one and report it this way): another root at the log's size, signed as
  // the log by a member's node key.
  const url = app.net.url('hospital');
  let note = '';
  const cosigned = await waitFor(async () => {
    const response = await fetch(`${url}/checkpoint`);
    note = await response.text();
    return response.status === 200;
  }, 120_000);
  assert.ok(cosigned, `GET /checkpoint never answered 200: ${note}`);
  const served = parseCheckpoint(parseNote(note).text);
  const signer = readKeyFile(join(app.net.dataDir, 'pharmacy', 'node-key.json'));
  const { origin, size } = served;
  const forkText = formatCheckpoint({ origin, size, rootHash: new Uint8Array(32).fill(7) });
  const forkNote = formatNote(forkText, [
    signNoteLine(signer.seed, verifier(origin, SIG_ED25519, fromHex(signer.publicKey)), forkText),
  ]);
  const reported = await fetch(`${url}/api/v1/witness/evidence`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'same-size-other-root', checkpoint: forkNote }),
  });
  assert.equal(reported.status, 200, await reported.clone().text());
  const { txHash: evidenceTx } = (await reported.json()) as { txHash: string };

  await page.goto(`${app.net.url('clinic')}/explorer`);
  const item = page
    .getByRole('list', { name: 'Fork evidence' })
    .getByRole('listitem')
    .filter({ hasText: `size ${size}:` });
  await item.first().waitFor({ timeout: 120_000 });
  const shown = (await item.first().textContent()) ?? '';
  assert.match(shown, /another root at a size already cosigned/);
  assert.ok(shown.includes(signer.publicKey.slice(0, 10)), shown);
  await item.first().getByRole('link', { name: 'evidence tx' }).click();
  await page.waitForURL(`**/explorer/tx/${evidenceTx}`);
});
