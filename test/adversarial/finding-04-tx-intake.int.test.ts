// Finding 4 (issue 10): tx intake was unauthenticated and unbounded. Anyone could fill the mempool with
// txs from fresh keys (notary anchors, patient enrolments), and then every clinical read answered 503,
// because each read waits for its access-event tx; garbage signatures were checked at any rate.
// Here, on a real three-process network (the hospital and the pharmacy validate; the clinic is a member
// node that follows), the hospital's mempool is made small in its node.json so that a test-sized flood
// fills it. A hundred client addresses (127.0.0.x, all loopback) send anchors and enrolments from fresh
// keys, and a clinic physician's consented reads, forwarded to the hospital, must still commit their
// access events. One client's garbage signatures are checked only a few times.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_TX_INTAKE_LIMITS } from '../../src/node/intake/tx-intake.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { toHex } from '../../src/core/bytes.ts';
import { signTx, type SignedTx } from '../../src/core/tx.ts';
import { generateKeyPair } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import { observationReadGrant } from '../harness/fhir-client.ts';
import { http, waitFor } from '../harness/http.ts';
import {
  commitTx,
  makeNetwork,
  registerPatient,
  registerPractitioner,
  type TestNetwork,
} from '../harness/network.ts';
import { startNodeProcess, stopProcesses, type NodeProcess } from '../harness/process.ts';

/** The hospital's mempool: small, so that a flood of a few hundred txs a second keeps it full. */
const MEMPOOL = {
  txsMax: 60,
  bytesMax: 4 * 1024 * 1024,
  priorityReservedTxs: 20,
  priorityReservedBytes: 1024 * 1024,
};
const CLIENT_ADDRESSES = 100;
const FLOODERS = 8;
const READS = 3;

const root = tempDir('carechain-adv-intake-');
const procs: NodeProcess[] = [];
const agents = Array.from(
  { length: CLIENT_ADDRESSES },
  (_, i) => new Agent({ keepAlive: true, maxSockets: 2, localAddress: `127.0.0.${i + 2}` }),
);
let net: TestNetwork;
const doctor = generateKeyPair();
const physician = generateKeyPair();
const patient = generateKeyPair();
const tokens = { doctor: '', physician: '' };
let observationId = '';

before(async () => {
  net = await makeNetwork(root.path, ['hospital', 'pharmacy', { name: 'clinic', power: 0 }]);
  const config = join(net.dir('hospital'), 'node.json');
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), mempool: MEMPOOL }));
  for (const dir of net.dirs) procs.push(await startNodeProcess(dir));
  tokens.doctor = await registerPractitioner(net, 'hospital', doctor, 'physician');
  tokens.physician = await registerPractitioner(net, 'clinic', physician, 'physician');
  await registerPatient(net, 'hospital', patient);
  const create = (resource: object) =>
    http(`${net.url('hospital')}/fhir/R4/${(resource as { resourceType: string }).resourceType}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.doctor}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify(resource),
    });
  const pseudonym = patientPseudonym(patient.publicKey);
  const patientRecord = await create({
    resourceType: 'Patient',
    identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
    gender: 'female',
  });
  assert.equal(patientRecord.status, 201, JSON.stringify(patientRecord.body));
  const created = await create({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${patientRecord.body.id as string}` },
    valueQuantity: { value: 72, unit: '/min' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  observationId = created.body.id as string;
  const consentId = toHex(new Uint8Array(randomBytes(32)));
  await commitTx(net.url('hospital'), net.chainId, patient, 'consent.grant', observationReadGrant(consentId));
});

after(async () => {
  for (const agent of agents) agent.destroy();
  await stopProcesses(procs);
  root.remove();
});

/** POSTs a tx from one of the client addresses; resolves with the status and Retry-After. */
function postTx(client: number, tx: unknown): Promise<{ status: number; retryAfter?: string }> {
  const target = new URL(`${net.url('hospital')}/api/v1/txs?wait=none`);
  const body = JSON.stringify(tx);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        agent: agents[client % CLIENT_ADDRESSES],
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, ...(retryAfter === undefined ? {} : { retryAfter }) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A tx from a fresh key: a notary anchor or a patient enrolment, the two an outsider could send. */
function anonymousTx(n: number): SignedTx {
  const key = generateKeyPair();
  return n % 2 === 0
    ? signTx(key.seed, {
        chainId: net.chainId,
        type: 'notary.anchor',
        payload: { digest: toHex(new Uint8Array(randomBytes(32))), kind: 'document' },
        nonce: 1,
      })
    : signTx(key.seed, { chainId: net.chainId, type: 'membership.registerPatient', payload: {}, nonce: 1 });
}

async function mempoolTxs(): Promise<number> {
  return (await http(`${net.url('hospital')}/api/v1/status`)).body.mempoolTxs as number;
}

const clinicRead = () =>
  http(`${net.url('clinic')}/fhir/R4/Observation/${observationId}`, {
    headers: { authorization: `Bearer ${tokens.physician}` },
  });

test('finding 4: a mempool flooded by txs from fresh keys still commits consented reads', async () => {
  const first = await clinicRead();
  assert.equal(first.status, 200, `before the flood: ${JSON.stringify(first.body)}`);

  // The second validator pauses, so no block drains the hospital's mempool: once the flood has filled
  // it (the node answers "full", 503), it stays full, whatever the machine's speed.
  const pharmacy = procs[net.names.indexOf('pharmacy')]!;
  pharmacy.child.kill('SIGSTOP');
  const statuses = new Map<number, number>();
  let resumed = false;
  try {
    let sent = 0;
    const flooders = Array.from({ length: FLOODERS }, async () => {
      while ((statuses.get(503) ?? 0) < FLOODERS) {
        const n = sent++;
        const { status } = await postTx(n, anonymousTx(n));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    });
    await Promise.all(flooders);
    const flooded = await mempoolTxs();
    assert.ok(flooded >= MEMPOOL.txsMax - MEMPOOL.priorityReservedTxs, `${flooded} txs pending`);

    // Consented reads while it is full: each needs its access event admitted at the hospital.
    const settled = new Set<number>();
    const reads = Array.from({ length: READS }, (_, i) => clinicRead().finally(() => settled.add(i)));
    // Resume the chain once every read's access event is pending (or the read was already refused).
    const admitted = await waitFor(
      async () => (await mempoolTxs()) >= flooded + READS - settled.size || settled.size === READS,
      60_000,
      20,
    );
    pharmacy.child.kill('SIGCONT');
    resumed = true;
    assert.ok(admitted, 'the reads never reached the hospital');
    const answers = await Promise.all(reads);
    const summary = `flood answers ${JSON.stringify([...statuses])}; reads ${JSON.stringify(answers)}`;
    for (const read of answers) assert.equal(read.status, 200, summary);
  } finally {
    if (!resumed) pharmacy.child.kill('SIGCONT');
  }
});

test('finding 4: garbage signatures from one client are checked only a few times, then refused with 429', async () => {
  const key = generateKeyPair();
  const client = CLIENT_ADDRESSES - 1; // an address the flood above used least
  const answers: { status: number; retryAfter?: string }[] = [];
  const startedMs = performance.now();
  for (let i = 0; i < 200; i++) {
    const tx = signTx(key.seed, {
      chainId: net.chainId,
      type: 'membership.registerPatient',
      payload: {},
      nonce: 1,
    });
    const forged = { ...tx, signature: toHex(new Uint8Array(randomBytes(64))) };
    answers.push(await postTx(client, forged));
  }
  const elapsedSeconds = (performance.now() - startedMs) / 1000;
  const checked = answers.filter((a) => a.status === 400).length;
  const limited = answers.filter((a) => a.status === 429);
  // At most the burst, plus what the bucket earned back while the loop ran: measured, not assumed (CI
  // once took 2.4 s for the 200 requests and the bucket rightly checked 43, past a fixed bound of 40).
  const { burst, perSecond } = DEFAULT_TX_INTAKE_LIMITS.clientBadTxs;
  const bound = burst + Math.ceil(perSecond * elapsedSeconds);
  assert.ok(checked <= bound, `${checked} garbage signatures were checked (bound ${bound})`);
  assert.ok(limited.length >= 200 - bound, `${limited.length} answers were 429`);
  assert.ok(
    limited.every((a) => Number(a.retryAfter) >= 1),
    'every 429 carries Retry-After',
  );
});
