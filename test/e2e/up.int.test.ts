// What `npm start` runs: `carechain up` brings up eight organisations as separate processes, four
// validators (hospital, clinic, pharmacy, insurer) and four non-voting members (manufacturer,
// distributor, research sponsor, regulator); blocks advance on all eight; Ctrl-C stops them all
// cleanly; the next start resumes the stored chains, and a data directory of the older four-validator
// demo resumes with its four nodes. On first start it registers demo staff at every organisation and
// demo patients, and writes their seeds and ready bearer tokens to credentials.json, with which the
// hospital's FHIR endpoint takes a Patient and the patient reads it back. Three demo patients have a
// genome at the hospital, with research consent; the demo lab's five HL7 v2 messages are in the
// hospital's message log, acknowledged AA. The research sponsor's demo
// trial (NCT02513394) is registered, enrolled, amended, unblinded and has results, with a verdict the
// regulator's node serves.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { PRACTITIONER_ROLES } from '../../src/app/membership/types.ts';
import { fromHex } from '../../src/core/bytes.ts';
import { buildGenesis, initNodeDir } from '../../src/node/config.ts';
import { keyPairFromSeed } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import { freeBasePort } from '../harness/ports.ts';
import { startCli, type RunningNode } from '../harness/process.ts';
import { getJson, http, waitFor } from '../harness/http.ts';

const dir = tempDir('carechain-up-');
let running: RunningNode | undefined;
after(async () => {
  if (running && running.child.exitCode === null) await running.stop();
  dir.remove();
});

const VALIDATORS = ['hospital', 'clinic', 'pharmacy', 'insurer'];
const MEMBERS = ['manufacturer', 'distributor', 'research-sponsor', 'regulator'];
const ORGANISATIONS = [...VALIDATORS, ...MEMBERS];

interface Credentials {
  organisations: Record<
    string,
    { fhirBaseUrl: string; practitioner: { publicKey: string; seed: string; role: string; token: string } }
  >;
  patients: { pseudonym: string; token: string }[];
  syntheaPatients: { patientId: string; token: string }[];
  supply: { packs: { genuine: string; recalled: string; counterfeit: string } };
  trial: { id: string; nct: string };
  integration: { orgId: string; role: string; token: string };
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

test('carechain up runs four validators and four members that all follow the chain, serves FHIR with demo credentials, stops on Ctrl-C and resumes', async () => {
  const base = await freeBasePort(ORGANISATIONS.length);
  const args = ['up', '--data-dir', dir.path, '--base-port', String(base), '--demo-rate', '10'];
  // Bounds on a hang, not timings: eight nodes start at once on a shared 2-core machine (a load of 43 kept
  // the first one from listening within 60 s).
  running = await startCli(args, 240_000);
  assert.match(running.output(), /Created a consortium of 4 validators and 4 non-voting members/);
  const current = running;
  // startCli returns at the first node's API line; the summary comes once all eight listen.
  assert.ok(await waitFor(() => /consortium is up/.test(current.output()), 240_000), 'all eight nodes start');
  assert.match(running.output(), /manufacturer +member +http/);
  assert.match(running.output(), /insurer +validator +http/);
  const urls = ORGANISATIONS.map((_, i) => `http://127.0.0.1:${base + i}`);
  for (const name of ORGANISATIONS) {
    assert.ok(
      existsSync(join(dir.path, name, 'data', 'ledger.sqlite')),
      `${name} has its own data directory`,
    );
  }
  const allAtLeast = async (h: number) =>
    (await Promise.all(urls.map(async (u) => (await getJson(`${u}/api/v1/status`)).height as number))).every(
      (height) => height >= h,
    );
  assert.ok(await waitFor(() => allAtLeast(5), 120_000), 'blocks advance on all eight nodes');
  const status = await getJson(`${urls[0]}/api/v1/status`);
  assert.deepEqual(status.validators.map((v: { name: string }) => v.name).sort(), [...VALIDATORS].sort());
  assert.equal(status.role, 'validator');
  assert.equal(status.peers.length, ORGANISATIONS.length - 1);
  for (const url of urls.slice(VALIDATORS.length)) {
    const member = await getJson(`${url}/api/v1/status`);
    assert.equal(member.role, 'non-validator');
    assert.deepEqual(member.validators, status.validators);
    assert.ok(!member.validators.some((v: { publicKey: string }) => v.publicKey === member.nodeId));
  }
  const reached = status.height as number;

  const credentialsPath = join(dir.path, 'credentials.json');
  // Written after the Synthea import and the demo supply chain, which take a while on a busy machine.
  assert.ok(await waitFor(() => existsSync(credentialsPath), 480_000), 'credentials.json is written');
  assert.match(running.output(), /credentials\.json/);
  // Printed once the demo identities are written.
  assert.ok(await waitFor(() => /Ctrl-C to stop all 8 nodes/.test(current.output()), 10_000));
  assert.equal(statSync(credentialsPath).mode & 0o777, 0o600);
  const credentials = JSON.parse(readFileSync(credentialsPath, 'utf8')) as Credentials;
  assert.deepEqual(Object.keys(credentials.organisations).sort(), [...ORGANISATIONS].sort());
  for (const [orgId, org] of Object.entries(credentials.organisations)) {
    // The seed is the practitioner's own key, so the web app can import it.
    assert.equal(
      keyPairFromSeed(fromHex(org.practitioner.seed)).publicKey,
      org.practitioner.publicKey,
      orgId,
    );
    assert.ok((PRACTITIONER_ROLES as readonly string[]).includes(org.practitioner.role), orgId);
  }
  assert.equal(credentials.organisations.hospital!.practitioner.role, 'physician');
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

  // The Synthea patients' records are at the hospital, each readable by its own patient.
  assert.equal(credentials.syntheaPatients.length, 5);
  const synthea = credentials.syntheaPatients[0]!;
  const observations = await fhir('GET', `${hospital.fhirBaseUrl}/Observation?_count=1`, synthea.token);
  assert.equal(observations.status, 200, JSON.stringify(observations.body));
  assert.ok(observations.body.total > 10);
  // Demo genomes: the second demo patient and two Synthea patients have one at the hospital, with their
  // research consent, which the hospital's staff see on their dataset owner's view.
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const owned = await http(`${urls[0]}/api/v1/genomics/datasets`, bearer(hospital.practitioner.token));
  assert.equal(owned.status, 200, JSON.stringify(owned.body));
  assert.equal(owned.body.datasets.length, 3, JSON.stringify(owned.body));
  for (const dataset of owned.body.datasets) assert.equal(dataset.consentAllowsCounting, true);
  const genomesOf = async (token: string) =>
    (await http(`${urls[0]}/api/v1/genomics/genomes/mine`, bearer(token))).body.genomes.length;
  assert.equal(await genomesOf(credentials.patients[1]!.token), 1);
  assert.equal(await genomesOf(credentials.patients[0]!.token), 0, 'the first demo patient has none yet');
  // The demo lab's HL7 v2 messages came in over MLLP: the integration staff's log lists them, all AA.
  assert.equal(credentials.integration.orgId, 'hospital');
  assert.equal(credentials.integration.role, 'lab-technician');
  const hl7Log = await http(`${urls[0]}/api/v1/hl7/messages`, bearer(credentials.integration.token));
  assert.equal(hl7Log.status, 200, JSON.stringify(hl7Log.body));
  assert.deepEqual(
    hl7Log.body.messages
      .map((m: { messageType: string; ackCode: string }) => `${m.messageType} ${m.ackCode}`)
      .sort(),
    ['ADT^A04 AA', 'ADT^A04 AA', 'ORU^R01 AA', 'ORU^R01 AA', 'VXU^V04 AA'],
  );
  // Demo lots are in circulation: a genuine pack verifies at the pharmacy, the others say why not.
  const pharmacy = credentials.organisations.pharmacy!;
  const verify = async (code: string) => {
    const response = await fetch(`${urls[2]}/api/v1/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pharmacy.practitioner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    return (await response.json()) as { verified: boolean; reason?: string };
  };
  const { packs } = credentials.supply;
  assert.deepEqual(await verify(packs.genuine).then((v) => v.verified), true);
  assert.equal((await verify(packs.recalled)).reason, 'recalled');
  assert.equal((await verify(packs.counterfeit)).reason, 'unknown_serial');
  // The demo trial: a verdict for each of its five registered outcomes at the regulator's node, and the
  // first demo patient re-consented to the amendment while the second still has to.
  const { trial } = credentials;
  assert.equal(trial.nct, 'NCT02513394');
  const verdict = await getJson(
    `${urls[ORGANISATIONS.indexOf('regulator')]}/api/v1/trials/${trial.id}/verdict`,
  );
  assert.deepEqual(
    verdict.outcomes.map((o: { verdict: string }) => o.verdict),
    Array(5).fill('prespecified'),
  );
  const myTrials = async (token: string) => {
    const mine = await fetch(`${urls[0]}/api/v1/patients/me/trials`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { trials } = (await mine.json()) as {
      trials: { consentedVersion: number; needsReconsent: boolean }[];
    };
    return trials.map((t) => [t.consentedVersion, t.needsReconsent]);
  };
  assert.deepEqual(await myTrials(credentials.patients[0]!.token), [[2, false]]);
  assert.deepEqual(await myTrials(credentials.patients[1]!.token), [[1, true]]);

  assert.equal(await running.stop(), 0, 'Ctrl-C stops the consortium cleanly');
  running = await startCli(args, 240_000);
  assert.match(running.output(), /Resuming the consortium/);
  assert.deepEqual(
    JSON.parse(readFileSync(credentialsPath, 'utf8')),
    credentials,
    'the demo identities are kept on resume',
  );
  assert.ok(
    await waitFor(() => allAtLeast(reached + 2), 120_000),
    'the restarted consortium goes on from its chain',
  );
});

test('Ctrl-C while the consortium is still starting stops every node it started', async () => {
  const startDir = tempDir('carechain-up-start-');
  try {
    const base = await freeBasePort(ORGANISATIONS.length);
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
    // After the first node is listening and before all eight are: the classic orphaning window.
    // A bound on a hang, not a timing: eight nodes' start-up shares two cores with the rest of the suite.
    assert.ok(await waitFor(() => /API listening/.test(out), 120_000), 'the first node started');
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

test('a data directory of the older four-validator demo resumes with its four nodes', async () => {
  const oldDir = tempDir('carechain-up-old-');
  let old: RunningNode | undefined;
  try {
    const base = await freeBasePort(ORGANISATIONS.length);
    // What the four-validator `carechain up` left behind: four node folders and their shared genesis.
    const members = VALIDATORS.map(
      (name, i) =>
        initNodeDir(join(oldDir.path, name), {
          name,
          type: name as 'hospital',
          power: 10,
          api: { host: '127.0.0.1', port: base + i },
          p2p: { host: '127.0.0.1', port: base + 1000 + i },
        }).member,
    );
    const { genesis } = buildGenesis('carechain-local', Date.now(), members);
    for (const name of VALIDATORS) {
      writeFileSync(join(oldDir.path, name, 'genesis.json'), JSON.stringify(genesis, null, 2) + '\n');
    }
    old = await startCli(
      ['up', '--data-dir', oldDir.path, '--base-port', String(base), '--demo-rate', '0'],
      240_000,
    );
    const started = old;
    assert.ok(
      await waitFor(() => /consortium is up/.test(started.output()), 240_000),
      'all four nodes start',
    );
    assert.match(old.output(), /Resuming the consortium/);
    assert.match(old.output(), /older 4-node demo; a fresh --data-dir gets the 8-organisation demo/);
    const summary = old.output().slice(old.output().indexOf('consortium is up'));
    assert.deepEqual(
      [...summary.matchAll(/^ {2}(\w+) +validator http/gm)].map((m) => m[1]),
      VALIDATORS,
      'the four stored validators, and no member',
    );
    assert.doesNotMatch(summary, /manufacturer|distributor/);
    assert.ok(!existsSync(join(oldDir.path, 'manufacturer')), 'no member folder is added to an old chain');
    const url = `http://127.0.0.1:${base}`;
    assert.ok(
      await waitFor(async () => (await getJson(`${url}/api/v1/status`)).height >= 2, 120_000),
      'the old consortium commits blocks',
    );
    const credentialsPath = join(oldDir.path, 'credentials.json');
    assert.ok(await waitFor(() => existsSync(credentialsPath), 120_000), 'credentials.json is written');
    const credentials = JSON.parse(readFileSync(credentialsPath, 'utf8')) as Credentials;
    assert.deepEqual(Object.keys(credentials.organisations).sort(), [...VALIDATORS].sort());
    assert.ok(await waitFor(() => /Ctrl-C to stop all 4 nodes/.test(started.output()), 10_000));
    assert.equal(await old.stop(), 0);
  } finally {
    if (old && old.child.exitCode === null) await old.stop();
    oldDir.remove();
  }
});
