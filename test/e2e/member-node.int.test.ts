// A non-voting member (power 0 in its member file) beside three validators, all real processes: it is
// admitted by the others' P2P layer (its node key is in genesis membership), follows the chain without
// ever voting, and a tx submitted at its API is gossiped to the validators, committed, and answered
// "committed" by the member itself (its waitForCommit sees the block arrive).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { getJson, heightOf, waitFor } from '../harness/http.ts';
import { enrolNewPatient, startNetwork, type RunningNetwork } from '../harness/network.ts';

let running: RunningNetwork | undefined;
after(() => running?.stop('SIGKILL'));

test('a non-voting member follows the chain, and a tx submitted at it commits', async () => {
  const net = await startNetwork('carechain-member-', [
    'hospital',
    'clinic',
    'pharmacy',
    { name: 'distributor', power: 0 },
  ]);
  running = net;
  const memberUrl = net.apiUrls[3]!;
  const memberStatus = await getJson(`${memberUrl}/api/v1/status`);
  assert.equal(memberStatus.role, 'non-validator');
  assert.equal(memberStatus.validators.length, 3);
  assert.ok(
    !memberStatus.validators.some((v: { publicKey: string }) => v.publicKey === memberStatus.nodeId),
    'the member is not in the validator set',
  );
  const validatorStatus = await getJson(`${net.apiUrls[0]}/api/v1/status`);
  assert.equal(validatorStatus.role, 'validator');
  assert.deepEqual(validatorStatus.validators, memberStatus.validators);

  assert.ok(
    await waitFor(async () => (await heightOf(memberUrl)) >= 3, 60_000),
    "the member's height advances",
  );

  const response = await enrolNewPatient(memberUrl, memberStatus.chainId as string, 30_000);
  const body = response.body as { hash: string; status: string; height: number };
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.equal(body.status, 'committed');
  // The validators built the block that holds it: the member only gossiped it. A validator may store
  // the block a few milliseconds after the member saw its commit, so wait for it to be there.
  let atValidator: { height?: number } = {};
  assert.ok(
    await waitFor(async () => {
      atValidator = await getJson(`${net.apiUrls[0]}/api/v1/txs/${body.hash}`);
      return atValidator.height !== undefined;
    }, 15_000),
    'the validator stores the block that holds the tx',
  );
  assert.equal(atValidator.height, body.height);
  const block = await getJson(`${memberUrl}/api/v1/blocks/${body.height}`);
  assert.notEqual(block.header.proposer, memberStatus.nodeId, 'the member never proposes');
  assert.ok(
    !(block.commit?.signatures ?? []).some((s: { validator: string }) => s.validator === memberStatus.nodeId),
    'the member never signs a commit',
  );

  // What the member stored passes the same checks as a validator's chain.
  await net.halt();
  const verified = spawnSync(
    process.execPath,
    ['bin/carechain.mjs', 'verify', '--data', join(net.dirs[3]!, 'data'), '--quiet'],
    { encoding: 'utf8' },
  );
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
});
