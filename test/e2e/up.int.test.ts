// What `npm start` runs: `carechain up` brings up the four-validator consortium (hospital, clinic,
// pharmacy, insurer) as separate processes; blocks advance on all four; Ctrl-C stops them all cleanly;
// the next start resumes the stored chains. On first start it registers demo practitioners and patients
// and writes their ready bearer tokens to credentials.json, with which the hospital's FHIR endpoint
// takes a Patient and the patient reads it back.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/api/records-gateway.ts';
import { tempDir } from '../helpers/chain.ts';
import { startCli, type RunningNode } from '../helpers/process.ts';
import { getJson, waitFor } from '../helpers/network.ts';

const dir = tempDir('carechain-up-');
let running: RunningNode | undefined;
after(async () => {
  if (running && running.child.exitCode === null) await running.stop();
  dir.remove();
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with the four API ports and the four P2P ports (1000 higher) all free. */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = [0, 1, 2, 3].flatMap((i) => [base + i, base + 1000 + i]);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

interface Credentials {
  organisations: Record<string, { fhirBaseUrl: string; practitioner: { token: string } }>;
  patients: { pseudonym: string; token: string }[];
}

async function fhir(method: 'GET' | 'POST', url: string, token: string, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

test('carechain up runs four validators that all commit blocks, serves FHIR with demo credentials, stops on Ctrl-C and resumes', async () => {
  const base = await freeBasePort();
  const args = ['up', '--data-dir', dir.path, '--base-port', String(base), '--demo-rate', '10'];
  running = await startCli(args, 60_000);
  assert.match(running.output(), /Created a 4-validator consortium/);
  const current = running;
  // startCli returns at the first node's API line; the summary comes once all four listen.
  assert.ok(await waitFor(() => /consortium is up/.test(current.output()), 60_000), 'all four nodes start');
  const urls = [0, 1, 2, 3].map((i) => `http://127.0.0.1:${base + i}`);
  for (const name of ['hospital', 'clinic', 'pharmacy', 'insurer']) {
    assert.ok(
      existsSync(join(dir.path, name, 'data', 'ledger.sqlite')),
      `${name} has its own data directory`,
    );
  }
  const allAtLeast = async (h: number) =>
    (await Promise.all(urls.map(async (u) => (await getJson(`${u}/api/v1/status`)).height as number))).every(
      (height) => height >= h,
    );
  assert.ok(await waitFor(() => allAtLeast(5), 60_000), 'blocks advance on all four nodes');
  const status = await getJson(`${urls[0]}/api/v1/status`);
  assert.equal(status.validators.length, 4);
  assert.equal(status.role, 'validator');
  assert.equal(status.peers.length, 3);
  const reached = status.height as number;

  const credentialsPath = join(dir.path, 'credentials.json');
  assert.ok(await waitFor(() => existsSync(credentialsPath), 60_000), 'credentials.json is written');
  assert.match(running.output(), /credentials\.json/);
  assert.equal(statSync(credentialsPath).mode & 0o777, 0o600);
  const credentials = JSON.parse(readFileSync(credentialsPath, 'utf8')) as Credentials;
  assert.deepEqual(Object.keys(credentials.organisations).sort(), [
    'clinic',
    'hospital',
    'insurer',
    'pharmacy',
  ]);
  assert.equal(credentials.patients.length, 2);
  const hospital = credentials.organisations.hospital!;
  assert.equal(hospital.fhirBaseUrl, `${urls[0]}/fhir/R4`);
  const patient = credentials.patients[0]!;
  const created = await fhir('POST', `${hospital.fhirBaseUrl}/Patient`, hospital.practitioner.token, {
    resourceType: 'Patient',
    identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: patient.pseudonym }],
    name: [{ family: 'Chalmers', given: ['Peter'] }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const read = await fhir('GET', `${hospital.fhirBaseUrl}/Patient/${String(created.body.id)}`, patient.token);
  assert.equal(read.status, 200, JSON.stringify(read.body));
  assert.deepEqual(read.body, created.body);

  assert.equal(await running.stop(), 0, 'Ctrl-C stops the consortium cleanly');
  running = await startCli(args, 60_000);
  assert.match(running.output(), /Resuming the consortium/);
  assert.deepEqual(
    JSON.parse(readFileSync(credentialsPath, 'utf8')),
    credentials,
    'the demo identities are kept on resume',
  );
  assert.ok(
    await waitFor(() => allAtLeast(reached + 2), 60_000),
    'the restarted consortium goes on from its chain',
  );
});

test('Ctrl-C while the consortium is still starting stops every node it started', async () => {
  const startDir = tempDir('carechain-up-start-');
  try {
    const base = await freeBasePort();
    const child = spawn(
      process.execPath,
      [
        'bin/carechain.mjs',
        'up',
        '--data-dir',
        startDir.path,
        '--base-port',
        String(base),
        '--demo-rate',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // After the first node is listening and before all four are: the classic orphaning window.
    assert.ok(await waitFor(() => /API listening/.test(out), 30_000), 'the first node started');
    child.kill('SIGINT');
    await exited;
    const leftovers = () =>
      spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((line) => line.includes(startDir.path));
    assert.ok(
      await waitFor(() => leftovers().length === 0, 15_000),
      `orphaned nodes: ${leftovers().join('; ')}`,
    );
  } finally {
    startDir.remove();
  }
});
