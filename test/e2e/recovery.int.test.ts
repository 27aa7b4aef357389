// Recovery on real processes (issue 15, Done when "Recovery"): four organisations validate with equal
// power; the pharmacy's and the insurer's nodes are destroyed (SIGKILL, data deleted), so the two
// survivors hold half the power and can commit nothing. The hospital, clinic and pharmacy administrators
// (3 of 4 organisations) sign a certificate naming the survivors from the next height with
// `carechain recover sign`; `carechain recover` refuses a certificate only two signed, and applies the
// good one at both survivors. Restarted, they go on committing; the block after the lost set's last
// carries the certificate as its first tx; the browser verifier follows the recovery from genesis (and
// refuses it under quorum); `carechain verify` accepts both survivors' chains from genesis.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RecoveryCertificate } from '../../src/core/recovery.ts';
import { ADMIN_KEY_FILE } from '../../src/node/config.ts';
import { readKeyFile } from '../../src/node/keys.ts';
import { verifyTxProof } from '../../web/src/lib/verify-proof.ts';
import { tempDir } from '../harness/chain.ts';
import { getJson, heightOf, waitFor } from '../harness/http.ts';
import { makeNetwork, readGenesis, type TestNetwork } from '../harness/network.ts';
import { runCarechain, startNodeProcess, stopProcesses, type NodeProcess } from '../harness/process.ts';

const WAIT_MS = 120_000;
const START_MS = 300_000;
const SURVIVORS = ['hospital', 'clinic'] as const;
const root = tempDir('carechain-recovery-');
let net: TestNetwork;
const nodes = new Map<string, NodeProcess>();
/** The last height the lost set committed: the certificate's, the new set signs from H + 1. */
let lastHeight = 0;

const nodeKey = (name: string): string => readKeyFile(join(net.dir(name), 'node-key.json')).publicKey;
const certificateFile = join(root.path, 'recovery.json');
const underQuorumFile = join(root.path, 'recovery-two.json');

async function sign(file: string, org: string): Promise<void> {
  const run = await runCarechain([
    'recover',
    'sign',
    file,
    '--key',
    join(net.dir(org), ADMIN_KEY_FILE),
    '--org',
    org,
    '--chain-id',
    net.chainId,
    '--height',
    String(lastHeight),
    ...SURVIVORS.flatMap((name) => ['--validator', `${name}:${nodeKey(name)}:10`]),
    '--reason',
    'the pharmacy and insurer validators were destroyed',
  ]);
  assert.equal(run.code, 0, run.stderr + run.stdout);
}

/** Both survivors report one height twice in a row: the lost set can commit nothing more. */
async function survivorsStalled(): Promise<number> {
  let seen = -1;
  let same = 0;
  const ok = await waitFor(async () => {
    const [a, b] = await Promise.all(SURVIVORS.map((name) => heightOf(net.url(name))));
    if (a !== b) {
      same = 0;
      return false;
    }
    same = a === seen ? same + 1 : 1;
    seen = a!;
    return same >= 3;
  }, WAIT_MS);
  assert.ok(ok, 'the survivors never agreed on their last height');
  return seen;
}

before(async () => {
  net = await makeNetwork(root.path, ['hospital', 'clinic', 'pharmacy', 'insurer'], 'carechain-recovery');
  const started = await Promise.allSettled(net.dirs.map((dir) => startNodeProcess(dir, START_MS)));
  started.forEach((p, i) => p.status === 'fulfilled' && nodes.set(net.names[i]!, p.value));
  const failed = started.find((p) => p.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const ok = await waitFor(async () => (await heightOf(net.url('hospital'))) >= 3, WAIT_MS);
  assert.ok(ok, 'the network never committed three blocks');
});

after(async () => {
  await stopProcesses([...nodes.values()]);
  root.remove();
});

test('two of four validators are destroyed; a certificate of 3 of 4 organisations is applied at the survivors, and the chain goes on with it on chain', async () => {
  await stopProcesses([nodes.get('pharmacy'), nodes.get('insurer')], 'SIGKILL');
  for (const name of ['pharmacy', 'insurer']) rmSync(join(net.dir(name), 'data'), { recursive: true });
  lastHeight = await survivorsStalled();
  await stopProcesses(
    SURVIVORS.map((name) => nodes.get(name)),
    'SIGTERM',
  );

  // The administrators sign; the admin keys live on their machines, not in the destroyed data.
  await sign(certificateFile, 'hospital');
  await sign(certificateFile, 'clinic');
  writeFileSync(underQuorumFile, readFileSync(certificateFile));
  await sign(certificateFile, 'pharmacy');

  const refused = await runCarechain([
    'recover',
    '--certificate',
    underQuorumFile,
    '--dir',
    net.dir('hospital'),
  ]);
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stderr, /more than 2\/3 of the member organisations/);
  for (const name of SURVIVORS) {
    const run = await runCarechain(['recover', '--certificate', certificateFile, '--dir', net.dir(name)]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, new RegExp(`block ${lastHeight + 1} will be signed by`));
  }

  for (const name of SURVIVORS) nodes.set(name, await startNodeProcess(net.dir(name), START_MS));
  for (const name of SURVIVORS) {
    const ok = await waitFor(async () => (await heightOf(net.url(name))) >= lastHeight + 3, WAIT_MS);
    assert.ok(ok, `${name} never committed past the recovery`);
  }
  const url = net.url('hospital');
  const block = await getJson(`${url}/api/v1/blocks/${lastHeight + 1}`);
  const first = await getJson(`${url}/api/v1/txs/${block.txHashes[0]}`);
  assert.equal(first.tx.type, 'governance.recover', 'the certificate is the first tx after the restart');
  const onChain = first.tx.payload.certificate as RecoveryCertificate;
  assert.deepEqual(onChain.signatures.map((s) => s.orgId).sort(), ['clinic', 'hospital', 'pharmacy']);
  const status = await getJson(`${url}/api/v1/status`);
  const survivorKeys = SURVIVORS.map(nodeKey).sort();
  assert.deepEqual(
    (status.validators as { publicKey: string }[]).map((v) => v.publicKey).sort(),
    survivorKeys,
  );
});

test('the browser verifier follows the recovery from genesis by its certificate, and refuses it under quorum', async () => {
  const url = net.url('clinic');
  const block = await getJson(`${url}/api/v1/blocks/${lastHeight + 1}`);
  const hash = block.txHashes[0] as string;
  const [stored, proof, sets] = await Promise.all([
    getJson(`${url}/api/v1/txs/${hash}`),
    getJson(`${url}/api/v1/proofs/inclusion/${hash}`),
    getJson(`${url}/api/v1/governance/validator-sets`),
  ]);
  assert.equal(sets.changes.length, 1);
  assert.equal(sets.changes[0].recovery.height, lastHeight);
  const input = { genesis: readGenesis(net.dir('clinic')), txHash: hash, tx: stored.tx, proof };
  const steps = verifyTxProof({ ...input, setChanges: sets.changes });
  assert.deepEqual(
    steps.filter((s) => !s.ok),
    [],
    JSON.stringify(steps),
  );
  const twoOnly = JSON.parse(readFileSync(underQuorumFile, 'utf8')) as RecoveryCertificate;
  const forged = [{ ...sets.changes[0], recovery: twoOnly }];
  const refused = verifyTxProof({ ...input, setChanges: forged }).filter((s) => !s.ok);
  assert.deepEqual(
    refused.map((s) => s.id),
    ['validators', 'commit'],
  );
});

test('verify accepts both survivors’ chains from genesis, recovery included', async () => {
  await stopProcesses(
    SURVIVORS.map((name) => nodes.get(name)),
    'SIGTERM',
  );
  for (const name of SURVIVORS) {
    const run = await runCarechain(['verify', '--data', join(net.dir(name), 'data'), '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /verify: OK/);
  }
});
