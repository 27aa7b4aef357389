// The ledger API of a real `carechain up` process over real HTTP: submit, read, checkpoints, and
// proofs that verify under carechain's verifier and under an independent RFC 9162 verifier.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { blockHash } from '../../src/core/block.ts';
import { fromHex, toHex } from '../../src/core/bytes.ts';
import { parseGenesis } from '../../src/core/genesis.ts';
import { verifyConsistency, verifyInclusion } from '../../src/core/merkle/index.ts';
import { signTx, type SignedTx } from '../../src/core/tx.ts';
import { signVote, verifyCommit } from '../../src/core/vote.ts';
import { generateKeyPair, readKeyFile } from '../../src/node/keys.ts';
import { duplicateVoteEvidence } from '../../src/consensus/index.ts';
import { tempDir } from '../harness/chain.ts';
import { independentlyVerify } from '../harness/independent-verifier.ts';
import { startCli, type RunningNode } from '../harness/process.ts';

const dir = tempDir('carechain-api-');
let node: RunningNode;
let chainId: string;

/** The single-validator dev chain in this test's data directory, on a free port. */
function startDev(demoTxsPerSecond: number, blockIntervalMs?: number): Promise<RunningNode> {
  const interval = blockIntervalMs === undefined ? [] : ['--block-interval', String(blockIntervalMs)];
  return startCli([
    'dev',
    '--data-dir',
    dir.path,
    '--port',
    '0',
    '--demo-rate',
    String(demoTxsPerSecond),
    ...interval,
  ]);
}

before(async () => {
  node = await startDev(50, 50);
  chainId = ((await (await fetch(`${node.baseUrl}/api/v1/status`)).json()) as { chainId: string }).chainId;
});
after(async () => {
  if (node.child.exitCode === null) await node.stop();
  dir.remove();
});

async function api(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(`${node.baseUrl}${path}`, init);
  return { status: response.status, body: await response.json() };
}

function post(body: unknown, query = ''): Promise<{ status: number; body: any }> {
  return api(`/api/v1/txs${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const client = generateKeyPair();
let committedTx: SignedTx;

/**
 * Enrols a fresh key as a patient (nonce 1): a key the network does not know may send nothing else
 * (docs/ARCHITECTURE.md, "Tx intake"). With wait=none it is pending, which is enough to be known.
 */
async function enrol(key: { seed: Uint8Array }, wait = ''): Promise<void> {
  const tx = signTx(key.seed, { chainId, type: 'membership.registerPatient', payload: {}, nonce: 1 });
  const { status, body } = await post(tx, wait);
  assert.ok(status === 200 || status === 202, JSON.stringify(body));
}
let committedHash: string;

test('status names the chain, the node, its validators and the log', async () => {
  const { status, body } = await api('/api/v1/status');
  assert.equal(status, 200);
  assert.equal(body.chainId, 'carechain-dev');
  assert.match(body.nodeId, /^[0-9a-f]{64}$/);
  assert.equal(body.validators.length, 1);
  assert.ok(Number.isSafeInteger(body.height) && body.height >= 0, `height ${body.height}`);
  if (body.height > 0) {
    const tip = await api(`/api/v1/blocks/${body.height}`);
    assert.equal(tip.status, 200, 'the status height is a stored block');
  }
  assert.match(body.logRoot, /^[0-9a-f]{64}$/);
});

test('a signed tx is committed and answered with its hash and block', async () => {
  await enrol(client);
  committedTx = signTx(client.seed, {
    chainId,
    type: 'notary.anchor',
    payload: { digest: toHex(fromHex('11'.repeat(32))), kind: 'dataset' },
    nonce: 2,
  });
  const { status, body } = await post(committedTx);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.status, 'committed');
  assert.match(body.hash, /^[0-9a-f]{64}$/);
  committedHash = body.hash;
  const block = await api(`/api/v1/blocks/${body.height}`);
  assert.equal(block.status, 200);
  assert.equal(block.body.hash, body.blockHash);
  assert.ok(block.body.txHashes.includes(body.hash));
  const tx = await api(`/api/v1/txs/${body.hash}`);
  assert.deepEqual(tx.body.tx, committedTx);
});

test('bad input gets a clear error in the one error format and changes nothing', async () => {
  const before = (await api('/api/v1/status')).body;
  const replay = await post(committedTx);
  assert.equal(replay.status, 409);
  assert.equal(replay.body.error.code, 'tx.nonce_replayed');
  const forged = await post({ ...committedTx, nonce: 3 });
  assert.equal(forged.body.error.code, 'tx.bad_signature');
  assert.equal(forged.status, 400);
  const notJson = await post('{"chainId":');
  assert.equal(notJson.status, 400);
  assert.equal(typeof notJson.body.error.code, 'string');
  assert.equal(typeof notJson.body.error.message, 'string');
  const wrongChain = await post(
    signTx(client.seed, { chainId: 'other-chain', type: 'notary.anchor', payload: {}, nonce: 3 }),
  );
  assert.equal(wrongChain.body.error.code, 'tx.wrong_chain');
  const unknownType = await post(
    signTx(client.seed, { chainId, type: 'nosuch.thing', payload: {}, nonce: 3 }),
  );
  assert.equal(unknownType.body.error.code, 'tx.unknown_type');
  const badPayload = await post(
    signTx(client.seed, { chainId, type: 'notary.anchor', payload: { digest: 'xyz' }, nonce: 3 }),
  );
  assert.equal(badPayload.status, 422);
  assert.equal(badPayload.body.error.code, 'tx.invalid_payload');
  const missingBlock = await api('/api/v1/blocks/99999999');
  assert.equal(missingBlock.status, 404);
  assert.equal(missingBlock.body.error.code, 'block.not_found');
  const badHash = await api('/api/v1/txs/not-a-hash');
  assert.equal(badHash.status, 400);
  assert.equal(badHash.body.error.code, 'request.invalid');
  const after = (await api(`/api/v1/txs/${committedHash}`)).body;
  assert.equal(after.tx.nonce, 2);
  assert.ok((await api('/api/v1/status')).body.height >= before.height);
});

test('an inclusion proof from the API verifies under both verifiers against a validator-signed checkpoint', async () => {
  const { status, body: proof } = await api(`/api/v1/proofs/inclusion/${committedHash}`);
  assert.equal(status, 200);
  const { genesis, validatorSet } = parseGenesis(
    JSON.parse(readFileSync(join(dir.path, 'genesis.json'), 'utf8')),
  );
  const cp = proof.checkpoint;
  // The checkpoint is trusted only through genesis: its header hashes to the committed block hash,
  // the commit carries > 2/3 of the genesis validators' power, and the header binds the log root.
  assert.equal(blockHash(cp.header), cp.blockHash);
  assert.equal(cp.commit.blockHash, cp.blockHash);
  verifyCommit(genesis.chainId, validatorSet, cp.commit);
  assert.equal(cp.header.logRoot, cp.logRoot);
  assert.equal(cp.header.logSize, proof.treeSize);
  const path = proof.auditPath as string[];
  assert.ok(
    verifyInclusion(
      fromHex(proof.leafHash),
      proof.leafIndex,
      proof.treeSize,
      path.map(fromHex),
      fromHex(cp.logRoot),
    ),
  );
  const [independent, independentTampered] = await independentlyVerify([
    {
      kind: 'inclusion',
      leafHash: proof.leafHash,
      leafIndex: proof.leafIndex,
      treeSize: proof.treeSize,
      path,
      root: cp.logRoot,
    },
    {
      kind: 'inclusion',
      leafHash: proof.leafHash,
      leafIndex: proof.leafIndex ^ 1,
      treeSize: proof.treeSize,
      path,
      root: cp.logRoot,
    },
  ]);
  assert.equal(independent, true);
  assert.equal(independentTampered, false);
});

test('a consistency proof between two checkpoints verifies under both verifiers', async () => {
  const early = (await api('/api/v1/checkpoints/2')).body;
  // Wait until the log has grown past the early checkpoint.
  let latest = (await api('/api/v1/checkpoints/latest')).body;
  for (let i = 0; i < 100 && latest.logSize <= early.logSize; i++) {
    await new Promise((r) => setTimeout(r, 100));
    latest = (await api('/api/v1/checkpoints/latest')).body;
  }
  const { status, body } = await api(`/api/v1/proofs/consistency?from=${early.logSize}&to=${latest.logSize}`);
  assert.equal(status, 200);
  assert.equal(body.fromRoot, early.logRoot);
  assert.equal(body.toRoot, latest.logRoot);
  const proof = body.proof as string[];
  assert.ok(
    verifyConsistency(
      early.logSize,
      latest.logSize,
      fromHex(early.logRoot),
      fromHex(latest.logRoot),
      proof.map(fromHex),
    ),
  );
  const [independent, swapped] = await independentlyVerify([
    {
      kind: 'consistency',
      fromSize: early.logSize,
      toSize: latest.logSize,
      fromRoot: early.logRoot,
      toRoot: latest.logRoot,
      path: proof,
    },
    {
      kind: 'consistency',
      fromSize: early.logSize,
      toSize: latest.logSize,
      fromRoot: latest.logRoot,
      toRoot: early.logRoot,
      path: proof,
    },
  ]);
  assert.equal(independent, true);
  assert.equal(swapped, false);
  const bad = await api(
    `/api/v1/proofs/consistency?from=${latest.logSize + 1000}&to=${latest.logSize + 2000}`,
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'proof.out_of_range');
});

test('equivocation evidence is committed on chain and listed for operators; bogus evidence is refused', async () => {
  const validator = readKeyFile(join(dir.path, 'node-key.json'));
  const vote = (blockHash: string) =>
    signVote(chainId, validator.seed, {
      type: 'prevote',
      height: 3,
      round: 0,
      blockHash,
      timeMs: 1,
      validator: validator.publicKey,
    });
  const evidence = duplicateVoteEvidence(vote('aa'.repeat(32)), vote('bb'.repeat(32)));
  const reporter = generateKeyPair();
  await enrol(reporter);
  const submitEvidence = (e: unknown, nonce: number) =>
    post(
      signTx(reporter.seed, {
        chainId,
        type: 'consensus.evidence',
        payload: { evidence: e } as never,
        nonce,
      }),
    );
  const accepted = await submitEvidence(evidence, 2);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  const listed = (await api('/api/v1/evidence')).body.evidence;
  assert.equal(listed.length, 1);
  assert.equal(listed[0].offender, validator.publicKey);
  assert.equal(listed[0].kind, 'duplicate-vote');
  assert.equal(listed[0].txHash, accepted.body.hash);
  const again = await submitEvidence(evidence, 3);
  assert.equal(again.body.error.code, 'tx.rejected');
  const framed = duplicateVoteEvidence(vote('aa'.repeat(32)), {
    ...vote('bb'.repeat(32)),
    blockHash: 'cc'.repeat(32),
  });
  assert.equal((await submitEvidence(framed, 3)).body.error.code, 'tx.invalid_payload');
  assert.equal((await api('/api/v1/evidence')).body.evidence.length, 1);
});

test('Prometheus metrics and the Server-Sent Events stream report new blocks', async () => {
  const metrics = await (await fetch(`${node.baseUrl}/metrics`)).text();
  assert.match(metrics, /^carechain_height \d+$/m);
  assert.match(metrics, /^carechain_log_size \d+$/m);
  assert.match(metrics, /^carechain_mempool_txs \d+$/m);
  assert.match(metrics, /carechain_block_interval_seconds_bucket/);
  const controller = new AbortController();
  const response = await fetch(`${node.baseUrl}/api/v1/events`, { signal: controller.signal });
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = response.body!.getReader();
  let text = '';
  while (!/event: block\ndata: \{"height":\d+,"hash":"[0-9a-f]{64}","txCount":\d+\}/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  controller.abort();
  assert.match(text, /event: hello/);
  assert.match(text, /event: block/);
});

test('Ctrl-C stops the node cleanly and a restart resumes the stored chain', async () => {
  const heightBefore = (await api('/api/v1/status')).body.height as number;
  assert.equal(await node.stop(), 0);
  node = await startDev(0);
  assert.match(node.output(), /Resuming chain carechain-dev/);
  const status = (await api('/api/v1/status')).body;
  assert.ok(status.height >= heightBefore);
  assert.equal((await api(`/api/v1/txs/${committedHash}`)).status, 200);
});

test('a tx accepted but not yet committed survives kill -9 of the node and is committed after restart', async () => {
  if (node.child.exitCode === null) await node.stop();
  // A block interval far beyond the test: nothing commits while the node is up the first time.
  node = await startDev(0, 60000);
  const client2 = generateKeyPair();
  await enrol(client2, '?wait=none');
  const tx = signTx(client2.seed, {
    chainId,
    type: 'notary.anchor',
    payload: { digest: '22'.repeat(32), kind: 'document' },
    nonce: 2,
  });
  const accepted = await post(tx, '?wait=none');
  assert.equal(accepted.status, 202);
  node.child.kill('SIGKILL');
  await new Promise((r) => node.child.once('exit', r));
  node = await startDev(0, 50);
  let found = 0;
  for (let i = 0; i < 100 && found !== 200; i++) {
    found = (await api(`/api/v1/txs/${accepted.body.hash}`)).status;
    if (found !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(found, 200, 'the accepted tx was lost with the crash');
});
