// Governance on real processes (issue 15): four organisations run a network; a fifth (a lab whose
// address the peers files list before the vote, key not yet admitted) is proposed, voted in and signs
// commits from its activation on, and cosigns checkpoints in the witness policy's validators group; the
// clinic's validator key is rotated (its node restarts with the new key) and the insurer is removed (its
// node is cut off, and the witness policy drops it). `carechain verify` accepts the chain from
// genesis, and so does the explorer's in-browser verifier, following the three set changes the node
// serves; a block announcing a set no vote made is refused by the ledger the nodes run, and a commit
// signed by the replaced set is refused by verify. One network for the whole file.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { signVote, commitFromPrecommits } from '../../src/core/vote.ts';
import { ADMIN_KEY_FILE, initNodeDir, type PeerEntry } from '../../src/node/config.ts';
import { generateKeyPair, readKeyFile, writeKeyFile, type KeyPair } from '../../src/node/keys.ts';
import { Ledger } from '../../src/node/ledger.ts';
import { scheduleAtHeight } from '../../src/node/consensus/driver.ts';
import { proposerOf } from '../../src/consensus/index.ts';
import { verifyDataDir } from '../../src/node/verify.ts';
import { verifyTxProof } from '../../web/src/lib/verify-proof.ts';
import { tempDir } from '../harness/chain.ts';
import { freePorts, getJson, waitFor } from '../harness/http.ts';
import { makeNetwork, readGenesis, commitTx, type TestNetwork } from '../harness/network.ts';
import { spawnCarechain, startNodeProcess, stopProcesses, type NodeProcess } from '../harness/process.ts';

const WAIT_MS = 120_000;
/** Five nodes start at once here: tsx's start-up alone has taken minutes on the shared machine. */
const START_MS = 300_000;
const root = tempDir('carechain-governance-');
let net: TestNetwork;
let labDir: string;
let labUrl: string;
const nodes = new Map<string, NodeProcess>();
/** The clinic's next node key, listed in the peers files at the clinic's address before the vote. */
const rotated = generateKeyPair();

const keyOf = (dir: string, file = 'node-key.json'): KeyPair => readKeyFile(join(dir, file));
const dirOf = (name: string): string => (name === 'lab' ? labDir : net.dir(name));
const admin = (name: string): KeyPair => keyOf(dirOf(name), ADMIN_KEY_FILE);
const status = (url: string) => getJson(`${url}/api/v1/status`);
const ORIGIN = 'carechain.local/carechain-governance';

/** Waits until `url`'s GET /checkpoint satisfies `holds` (cosignatures gather over a few pulls). */
async function checkpointWhere(url: string, holds: (note: string) => boolean): Promise<void> {
  let note = '';
  const ok = await waitFor(async () => {
    const response = await fetch(`${url}/checkpoint`);
    note = await response.text();
    return response.status === 200 && holds(note);
  }, WAIT_MS);
  assert.ok(ok, `GET /checkpoint at ${url} never did: ${note}`);
}
const cosignedBy = (note: string, orgId: string) => note.includes(`\u2014 ${orgId}.${ORIGIN} `);

before(async () => {
  net = await makeNetwork(root.path, ['hospital', 'clinic', 'pharmacy', 'insurer'], 'carechain-governance');
  const [apiPort, p2pPort] = await freePorts(2);
  labDir = join(root.path, 'lab');
  initNodeDir(labDir, {
    name: 'lab',
    type: 'lab',
    power: 10,
    api: { host: '127.0.0.1', port: apiPort! },
    p2p: { host: '127.0.0.1', port: p2pPort! },
  });
  labUrl = `http://127.0.0.1:${apiPort}`;
  // The address book knows the lab and the clinic's next key; the chain admits neither yet.
  const peers = JSON.parse(readFileSync(join(net.dirs[0]!, 'peers.json'), 'utf8')) as PeerEntry[];
  const clinic = peers.find((p) => p.name === 'clinic')!;
  peers.push({ name: 'lab', publicKey: keyOf(labDir).publicKey, host: '127.0.0.1', port: p2pPort! });
  peers.push({ ...clinic, name: 'clinic-rotated', publicKey: rotated.publicKey });
  for (const dir of [...net.dirs, labDir]) writeFileSync(join(dir, 'peers.json'), JSON.stringify(peers));
  writeFileSync(join(labDir, 'genesis.json'), JSON.stringify(readGenesis(net.dirs[0]!)));
  const names = [...net.names, 'lab'];
  const started = await Promise.allSettled(
    [...net.dirs, labDir].map((dir) => startNodeProcess(dir, START_MS)),
  );
  started.forEach((p, i) => p.status === 'fulfilled' && nodes.set(names[i]!, p.value));
  const failed = started.find((p) => p.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
});
after(async () => {
  await stopProcesses([...nodes.values()]);
  root.remove();
});

/** Proposes as the hospital and has `voters` vote yes at the hospital's node; returns the activation height. */
async function pass(action: object, voters: readonly string[]): Promise<number> {
  const url = net.url('hospital');
  const proposed = await commitTx(url, net.chainId, admin('hospital'), 'governance.propose', {
    action,
    reason: 'governance e2e',
  } as never);
  for (const voter of voters) {
    const payload = { proposalId: proposed.hash, choice: 'yes', reason: '' };
    await commitTx(url, net.chainId, admin(voter), 'governance.vote', payload);
  }
  const shown = await getJson(`${url}/api/v1/governance/proposals/${proposed.hash}`);
  assert.equal(shown.proposal.status, 'passed', JSON.stringify(shown.proposal));
  return shown.proposal.activationHeight as number;
}

/** Waits until a block at or after `from`, as `url` sees it, was signed by `key`. */
async function signs(url: string, key: string, from: number): Promise<boolean> {
  return waitFor(async () => {
    const s = await status(url);
    return s.height > from && (s.lastCommitSigners as string[]).includes(key);
  }, WAIT_MS);
}

test('a fifth organisation is voted in, connects, and its signature appears in a later commit', async () => {
  const lab = keyOf(labDir);
  assert.equal((await status(labUrl)).height, 0, 'not admitted: no member serves it blocks');
  const activation = await pass(
    {
      kind: 'add-member',
      orgId: 'lab',
      name: 'lab',
      type: 'lab',
      adminKey: keyOf(labDir, ADMIN_KEY_FILE).publicKey,
      nodeKey: lab.publicKey,
      power: 10,
    },
    ['hospital', 'clinic', 'pharmacy'],
  );
  assert.ok(await signs(net.url('pharmacy'), lab.publicKey, activation), 'the lab signs a commit');
  assert.ok(await waitFor(async () => (await status(labUrl)).height >= activation, WAIT_MS), 'the lab syncs');
  // The witness policy follows the set: the lab is one of the validators' group, and cosigns checkpoints.
  const policy = await (await fetch(`${net.url('hospital')}/api/v1/witness/policy`)).text();
  assert.match(policy, /^group validators 4 .*\blab\b/m, policy);
  await checkpointWhere(net.url('hospital'), (note) => cosignedBy(note, 'lab'));
});

test('the clinic’s validator key is rotated: its node restarts with the new key and signs with it', async () => {
  const activation = await pass(
    {
      kind: 'rotate-validator-key',
      publicKey: keyOf(net.dir('clinic')).publicKey,
      newKey: rotated.publicKey,
    },
    ['hospital', 'clinic', 'pharmacy', 'lab'],
  );
  // Four of five validators carry on while the clinic's operator swaps the key file and restarts.
  assert.ok(await waitFor(async () => (await status(net.url('hospital'))).height >= activation, WAIT_MS));
  await stopProcesses([nodes.get('clinic')], 'SIGTERM');
  cpSync(join(net.dir('clinic'), 'node-key.json'), join(root.path, 'clinic-old-key.json'));
  rmSync(join(net.dir('clinic'), 'node-key.json'));
  writeKeyFile(join(net.dir('clinic'), 'node-key.json'), rotated);
  nodes.set('clinic', await startNodeProcess(net.dir('clinic'), START_MS));
  assert.ok(await signs(net.url('hospital'), rotated.publicKey, activation), 'the rotated key signs');
});

test('a removed member’s validator stops signing and its node is cut off from the network', async () => {
  const insurer = keyOf(net.dir('insurer')).publicKey;
  const activation = await pass({ kind: 'remove-member', orgId: 'insurer' }, [
    'hospital',
    'clinic',
    'pharmacy',
    'lab',
  ]);
  const hospital = net.url('hospital');
  assert.ok(await waitFor(async () => (await status(hospital)).height >= activation + 3, WAIT_MS));
  const s = await status(hospital);
  assert.ok(!(s.lastCommitSigners as string[]).includes(insurer));
  assert.ok(!(s.validators as { publicKey: string }[]).some((v) => v.publicKey === insurer));
  // Cut off: the others close its sessions, so it falls behind while they go on.
  const stalled = (await status(net.url('insurer'))).height;
  assert.ok(await waitFor(async () => (await status(hospital)).height >= stalled + 3, WAIT_MS));
  assert.ok((await status(net.url('insurer'))).height <= stalled + 1, 'the insurer no longer gets blocks');
  // Nor does it count for checkpoints: the witness policy no longer names it.
  const policy = await (await fetch(`${hospital}/api/v1/witness/policy`)).text();
  assert.doesNotMatch(policy, /\binsurer\b/, policy);
});

test('the browser verifier follows the three set changes from genesis to a tx under the fourth set', async () => {
  const url = net.url('hospital');
  const { hash } = await commitTx(url, net.chainId, admin('pharmacy'), 'governance.propose', {
    action: { kind: 'set-parameter', name: 'voting-period-blocks', value: 500 },
    reason: 'a tx after every change',
  });
  const [stored, proof, sets] = await Promise.all([
    getJson(`${url}/api/v1/txs/${hash}`),
    getJson(`${url}/api/v1/proofs/inclusion/${hash}`),
    getJson(`${url}/api/v1/governance/validator-sets`),
  ]);
  assert.equal(sets.changes.length, 3, 'the lab joined, the clinic rotated, the insurer left');
  const input = { genesis: readGenesis(net.dir('hospital')), txHash: hash, tx: stored.tx, proof };
  const steps = verifyTxProof({ ...input, setChanges: sets.changes });
  assert.deepEqual(
    steps.filter((s) => !s.ok),
    [],
    JSON.stringify(steps),
  );
  // Trusting genesis' set alone, the block's signers are not the ones it knows.
  const genesisOnly = verifyTxProof(input).filter((s) => !s.ok);
  assert.deepEqual(
    genesisOnly.map((s) => s.id),
    ['validators', 'commit'],
  );
});

test('verify accepts the chain from genesis; a set change without a vote, or a commit by the replaced set, is refused', async () => {
  await stopProcesses([...nodes.values()], 'SIGTERM');
  const data = join(net.dir('hospital'), 'data');
  const verified = await spawnCarechain(['verify', '--data', data], {
    ready: /verify: OK/,
    timeoutMs: START_MS,
  });
  assert.equal(await verified.exited, 0, verified.output());

  const copy = join(root.path, 'forged');
  cpSync(data, copy, { recursive: true });
  const ledger = Ledger.open(copy, readGenesis(net.dir('hospital')));
  const height = ledger.tip().height + 1;
  const proposer = proposerOf(scheduleAtHeight(ledger, height), 0);
  const { prepared } = ledger.buildBlock([], proposer, ledger.commit(height - 1)!);
  // The nodes' ledger refuses a header that announces a set no vote made.
  const forgedHeader = { ...prepared.block.header, nextValidatorSetHash: '00'.repeat(32) };
  assert.throws(
    () => ledger.prepareBlock({ ...prepared.block, header: forgedHeader }),
    /nextValidatorSetHash/,
  );
  // A commit by the genesis set, which no longer signs here: stored behind consensus' back, verify refuses it.
  const genesisSigners = ['hospital', 'clinic', 'pharmacy', 'insurer'].map((n) =>
    n === 'clinic' ? readKeyFile(join(root.path, 'clinic-old-key.json')) : keyOf(net.dir(n)),
  );
  const { header } = prepared.block;
  const commit = commitFromPrecommits(
    genesisSigners.map((k, i) =>
      signVote(net.chainId, k.seed, {
        type: 'precommit',
        height,
        round: 0,
        blockHash: prepared.hash,
        timeMs: header.timeMs + 1000 * (i + 1),
        validator: k.publicKey,
      }),
    ),
  );
  ledger.commitBlock(prepared, commit);
  ledger.close();
  const verdict = verifyDataDir(copy);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.ok ? 0 : verdict.height, height);
  assert.match(verdict.ok ? '' : verdict.problem, /^commit: /);
});
