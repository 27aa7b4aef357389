// `carechain patient` (issue 4 "Identities"): the patient's key is made on the patient's side by the
// CLI, and everything the patient says is signed with it there. Against a listening custodian node: make
// a key, register it, log in; the hospital writes a record; the clinic is refused; the patient grants
// the clinic from the CLI, the clinic reads, the patient sees that read in the access log from the CLI,
// revokes, the clinic is refused again; the patient rotates to a new key and appoints, then revokes, a
// guardian; and the patient erases. Bad input exits non-zero and says why.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { tempDir } from '../harness/chain.ts';
import { FHIR_BASE, startFhirTestNode, type FhirTestNode } from '../harness/fhir-node.ts';

let testNode: FhirTestNode;
const dir = tempDir('carechain-patient-cli-');
const keyFile = join(dir.path, 'me.json');

/** Runs the CLI as a child process without blocking this process, which serves the node. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/carechain.mjs', 'patient', ...args], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

async function fhir(method: 'GET' | 'POST', path: string, token: string, body?: unknown) {
  const response = await fetch(`${testNode.url}/fhir/R4/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

before(async () => {
  testNode = await startFhirTestNode({
    chainId: 'carechain-patient-cli-test',
    listen: true,
    recordsAdmin: true,
  });
});
after(async () => {
  await testNode?.close();
  dir.remove();
});

/** The patient's current key file: the first one, then the one `rotate` writes. */
let currentKey = keyFile;
// The test node names itself https://hospital.test while it listens on loopback.
const api = () => ['--api', testNode.url, '--key', currentKey, '--audience', FHIR_BASE];
let observationId = '';
let consentId = '';

test('keygen makes a key only the patient holds; register and login work with it', async () => {
  const made = await cli('keygen', '--out', keyFile);
  assert.equal(made.code, 0, made.stderr);
  const pseudonym = /pseudonym\s+([0-9a-f]{64})/.exec(made.stdout)?.[1];
  assert.ok(pseudonym, made.stdout);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const again = await cli('keygen', '--out', keyFile);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /exists already/);

  const registered = await cli('register', ...api(), '--custodian', 'hospital');
  assert.equal(registered.code, 0, registered.stderr);
  assert.match(registered.stdout, new RegExp(`registered ${pseudonym}`));
  const login = await cli('login', ...api());
  assert.equal(login.code, 0, login.stderr);
  const token = login.stdout.trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);

  const doctor = testNode.tokens.doctor;
  const patient = await fhir('POST', 'Patient', doctor, {
    resourceType: 'Patient',
    identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
  });
  assert.equal(patient.status, 201, JSON.stringify(patient.body));
  const observation = await fhir('POST', 'Observation', doctor, {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'pulse' },
    subject: { reference: `Patient/${String(patient.body.id)}` },
  });
  observationId = String(observation.body.id);
  // The token the CLI printed is the patient's own: it reads the record.
  assert.equal((await fhir('GET', `Observation/${observationId}`, token)).status, 200);
});

test('grant, access log and revoke from the CLI decide what the clinic may read', async () => {
  const nurse = testNode.tokens.nurse;
  assert.equal((await fhir('GET', `Observation/${observationId}`, nurse)).status, 403);
  const granted = await cli('grant', ...api(), '--org', 'clinic', '--types', 'Observation', '--days', '30');
  assert.equal(granted.code, 0, granted.stderr);
  consentId = granted.stdout.trim();
  assert.match(consentId, /^[0-9a-f]{64}$/);
  assert.equal((await fhir('GET', `Observation/${observationId}`, nurse)).status, 200);

  const log = await cli('access-log', ...api());
  assert.equal(log.code, 0, log.stderr);
  const entries = JSON.parse(log.stdout) as { outcome: string; requesterOrgId: string }[];
  assert.deepEqual(
    entries.map((e) => [e.outcome, e.requesterOrgId]),
    [
      ['granted', 'clinic'],
      ['denied', 'clinic'],
    ],
  );

  const revoked = await cli('revoke', ...api(), '--consent', consentId);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal((await fhir('GET', `Observation/${observationId}`, nurse)).status, 403);
});

test('the patient rotates to a new key, and appoints then revokes a guardian who acts with their own key', async () => {
  const read = async (token: string) => (await fhir('GET', `Observation/${observationId}`, token)).status;
  const newKey = join(dir.path, 'me-2.json');
  const rotated = await cli('rotate', ...api(), '--new-key', newKey);
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.equal(statSync(newKey).mode & 0o777, 0o600);
  const oldLogin = await cli('login', ...api());
  assert.notEqual(oldLogin.code, 0, 'the old key is void');
  currentKey = newKey;
  const login = await cli('login', ...api());
  assert.equal(login.code, 0, login.stderr);
  assert.equal(await read(login.stdout.trim()), 200);

  const guardianKey = join(dir.path, 'guardian.json');
  assert.equal((await cli('keygen', '--out', guardianKey)).code, 0);
  const pseudonym = /rotated: ([0-9a-f]{64})/.exec(rotated.stdout)![1]!;
  const accepted = await cli(
    'accept-proxy',
    '--api',
    testNode.url,
    '--key',
    guardianKey,
    '--patient',
    pseudonym,
    '--relationship',
    'guardian',
  );
  assert.equal(accepted.code, 0, accepted.stderr);
  const proxyArgs = accepted.stdout.trim().split(/\s+/);
  const appointed = await cli('appoint-proxy', ...api(), ...proxyArgs, '--relationship', 'guardian');
  assert.equal(appointed.code, 0, appointed.stderr);
  const guardian = ['--api', testNode.url, '--key', guardianKey, '--audience', FHIR_BASE];
  const guardianLogin = await cli('login', ...guardian);
  assert.equal(guardianLogin.code, 0, guardianLogin.stderr);
  assert.equal(await read(guardianLogin.stdout.trim()), 200, 'the guardian reads the patient’s record');

  const revoked = await cli('revoke-proxy', ...api(), proxyArgs[0]!, proxyArgs[1]!);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.notEqual((await cli('login', ...guardian)).code, 0, 'a revoked proxy cannot log in');
});

test('bad input exits non-zero with a clear message; erase needs --yes, then shreds', async () => {
  const badPurpose = await cli(
    'grant',
    ...api(),
    '--org',
    'clinic',
    '--types',
    'Observation',
    '--purposes',
    'SPY',
  );
  assert.notEqual(badPurpose.code, 0);
  assert.match(badPurpose.stderr, /purposes are TREAT/);
  const unknownOrg = await cli(
    'register',
    '--api',
    testNode.url,
    '--key',
    join(dir.path, 'missing.json'),
    '--custodian',
    'x',
  );
  assert.notEqual(unknownOrg.code, 0);
  const unconfirmed = await cli('erase', ...api());
  assert.notEqual(unconfirmed.code, 0);
  assert.match(unconfirmed.stderr, /--yes/);
  const erased = await cli('erase', ...api(), '--yes');
  assert.equal(erased.code, 0, erased.stderr);
  const status = await cli('erasure-status', ...api());
  assert.equal(status.code, 0, status.stderr);
  const custodians = (JSON.parse(status.stdout) as { custodians: { pending: number; erased: number }[] })
    .custodians;
  assert.ok(custodians.length > 0 && custodians.every((c) => c.pending === 0 && c.erased > 0), status.stdout);
  assert.equal((await fhir('GET', `Observation/${observationId}`, testNode.tokens.doctor)).status, 410);
});
