// `npm run bench:fhir`: FHIR R4 on the running 4-validator network (real processes, mutual TLS,
// SQLite, real HTTP). Three closed-loop loads, each answered only after its tx is final:
//   1. create: hospital practitioners POST Observations (seal in the vault + records.register commit);
//   2. consented read, cross-organisation: a clinic practitioner reads a hospital record through the
//      clinic's node (forwarded to the hospital, access event committed, answer re-encrypted to the clinic
//      node and checked against the chain);
//   3. the same-run baseline: the patient reading their own record at the custodian (no access event);
//   4. transaction Bundles of `--bundle` Observations (default 20), registered in one tx each: the
//      issue's create target counts a Bundle's resources (`bundleCreate.resourcesPerSec`).
// Prints each rate with p50/p99 latency and the read ratios, then one JSON line.
import { cpus } from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import { toHex } from '../src/core/bytes.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../src/services/records/gateway.ts';
import { patientPseudonym } from '../src/app/membership/index.ts';
import { generateKeyPair, type KeyPair } from '../src/node/keys.ts';
import { startNetwork } from '../test/harness/network.ts';
import { closedLoop, loadOptions, numberOption, textOption, type LoadResult } from './lib/load.ts';
import { observationReadGrant } from '../test/harness/fhir-client.ts';

const { concurrency, durationMs, warmupMs } = loadOptions({ concurrency: 64, seconds: 15, warmup: 3 });
const patients = numberOption('patients', 16);
const bundleSize = numberOption('bundle', 20);
// `--loads bundle` runs one load alone, e.g. to profile the nodes under it (CARECHAIN_NODE_FLAGS).
const loads = new Set(textOption('loads', 'create,consented,own,bundle').split(','));
const EMPTY: LoadResult = { completed: 0, failed: 0, seconds: 0, perSecond: 0, p50Ms: NaN, p99Ms: NaN };
/** Runs a load when --loads names it; a skipped one reports as empty. */
async function load(name: string, label: string, send: (c: number, i: number) => Promise<boolean>) {
  if (!loads.has(name)) return EMPTY;
  const result = await closedLoop(concurrency, warmupMs, durationMs, send);
  report(label, result);
  return result;
}

function report(label: string, r: LoadResult): void {
  console.log(
    `${label.padEnd(44)} ${r.perSecond.toFixed(0).padStart(6)} /s   p50 ${r.p50Ms.toFixed(0)} ms   p99 ${r.p99Ms.toFixed(0)} ms   (${r.completed} ok, ${r.failed} failed)`,
  );
}

console.log(`carechain FHIR bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`);
console.log(
  `4 validators on loopback, ${concurrency} closed-loop clients, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up, ${patients} patients\n`,
);
process.stdout.write('starting 4 validators and registering staff and patients… ');
const network = await startNetwork('carechain-bench-fhir-');
const doctor = generateKeyPair();
const physician = generateKeyPair();
const doctorToken = await network.registerPractitioner('hospital', doctor, 'physician');
const physicianToken = await network.registerPractitioner('clinic', physician, 'physician');
const people: { key: KeyPair; token: string; patientId: string; observationId: string }[] = [];
const hospital = `${network.url('hospital')}/fhir/R4`;
const clinic = `${network.url('clinic')}/fhir/R4`;

async function fhirCall(
  method: 'GET' | 'POST',
  target: string,
  token: string,
  body?: unknown,
): Promise<Response> {
  return fetch(target, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const observation = (patientId: string, i: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: `Patient/${patientId}` },
  effectiveDateTime: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
  valueQuantity: { value: 60 + (i % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});

await Promise.all(
  Array.from({ length: patients }, async () => {
    const key = generateKeyPair();
    const token = await network.registerPatient('hospital', key);
    const created = await fhirCall('POST', `${hospital}/Patient`, doctorToken, {
      resourceType: 'Patient',
      identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: patientPseudonym(key.publicKey) }],
    });
    const patientId = ((await created.json()) as { id: string }).id;
    const obs = await fhirCall('POST', `${hospital}/Observation`, doctorToken, observation(patientId, 0));
    const observationId = ((await obs.json()) as { id: string }).id;
    await network.commit(
      network.url('hospital'),
      key,
      'consent.grant',
      observationReadGrant(toHex(new Uint8Array(randomBytes(32)))),
    );
    people.push({ key, token, patientId, observationId });
  }),
);
console.log('done');

const create = await load('create', 'FHIR create (committed)', async (c, i) => {
  const person = people[c % people.length]!;
  const response = await fhirCall(
    'POST',
    `${hospital}/Observation`,
    doctorToken,
    observation(person.patientId, i),
  );
  await response.arrayBuffer();
  return response.status === 201;
});

const consented = await load('consented', 'consented read, clinic via own node (logged)', async (c) => {
  const person = people[c % people.length]!;
  const response = await fhirCall('GET', `${clinic}/Observation/${person.observationId}`, physicianToken);
  await response.arrayBuffer();
  return response.status === 200;
});

const own = await load('own', 'patient reads own record at custodian', async (c) => {
  const person = people[c % people.length]!;
  const response = await fhirCall('GET', `${hospital}/Observation/${person.observationId}`, person.token);
  await response.arrayBuffer();
  return response.status === 200;
});

// A transaction Bundle of observations about one patient, each entry a POST with a urn:uuid fullUrl.
const bundleOf = (patientId: string, i: number) => ({
  resourceType: 'Bundle',
  type: 'transaction',
  entry: Array.from({ length: bundleSize }, (_, k) => ({
    fullUrl: `urn:uuid:${randomUUID()}`,
    resource: observation(patientId, i * bundleSize + k),
    request: { method: 'POST', url: 'Observation' },
  })),
});
const bundles = await load('bundle', `transaction Bundles of ${bundleSize} (committed)`, async (c, i) => {
  const person = people[c % people.length]!;
  const response = await fhirCall('POST', hospital, doctorToken, bundleOf(person.patientId, i));
  await response.arrayBuffer();
  return response.status === 200;
});
console.log(`  = ${(bundles.perSecond * bundleSize).toFixed(0)} resources/s`);

const finalHeight = (
  (await (await fetch(`${network.url('hospital')}/api/v1/status`)).json()) as { height: number }
).height;
await network.stop();

console.log(`\nratio consented read ÷ own read: ${(consented.perSecond / own.perSecond).toFixed(3)}`);
console.log(`ratio consented read ÷ create: ${(consented.perSecond / create.perSecond).toFixed(3)}`);
const rounded = (r: LoadResult) => ({
  perSec: Math.round(r.perSecond),
  p50Ms: Math.round(r.p50Ms),
  p99Ms: Math.round(r.p99Ms),
  failed: r.failed,
});
console.log(
  JSON.stringify({
    bench: 'fhir',
    node: process.version,
    validators: 4,
    concurrency,
    seconds: durationMs / 1000,
    patients,
    create: rounded(create),
    consentedRead: rounded(consented),
    ownRead: rounded(own),
    bundleCreate: {
      ...rounded(bundles),
      bundleSize,
      resourcesPerSec: Math.round(bundles.perSecond * bundleSize),
    },
    consentedToOwn: +(consented.perSecond / own.perSecond).toFixed(3),
    finalHeight,
  }),
);
