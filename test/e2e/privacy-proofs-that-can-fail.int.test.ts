// Issue 10, "Privacy proofs that can fail". The PHI scan (test/harness/phi-scan.ts) must find a name, a
// birth date and an identifier planted in a deliberately leaking store, in each encoding it claims to
// read; and on a real four-organisation network, after the demo's Synthea import, a forwarded read and
// a break-glass, it must read every store of every node and find none of the imported patients' names,
// displays, birth dates, identifiers, addresses or telecoms there.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { importSynthea, syntheaDir } from '../../src/cli/demo-records.ts';
import { syntheaBundles } from '../../src/services/fhir/fhir-testdata.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { STORE_FILES } from '../../src/node/storage/sqlite/sqlite-storage.ts';
import { generateKeyPair } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import { observationReadGrant } from '../harness/fhir-client.ts';
import { http, postJson } from '../harness/http.ts';
import { startNetwork, type RunningNetwork } from '../harness/network.ts';
import { phiOfBundles, scanStores, stringsOf } from '../harness/phi-scan.ts';

const STORES = Object.keys(STORE_FILES) as (keyof typeof STORE_FILES)[];

test('positive control: a name, a birth date and an identifier planted in a leaking store are found in every encoding', () => {
  const dir = tempDir('carechain-phi-control-');
  try {
    // A short name (the old scan skipped names under 5 characters), a birth date and an identifier.
    const [name, birthDate, identifier] = ['Liz', '1987-03-14', '999-12-3456'];
    const plant = (store: keyof typeof STORE_FILES, value: Buffer) => {
      const db = new Database(join(dir.path, STORE_FILES[store]));
      db.exec('CREATE TABLE IF NOT EXISTS leak (v BLOB)');
      db.prepare('INSERT INTO leak (v) VALUES (?)').run(value);
      db.close();
    };
    plant('ledger', Buffer.from(JSON.stringify({ given: name, note: 'x'.repeat(100) }), 'utf8'));
    plant('mempool', Buffer.from(`born ${birthDate}`, 'utf16le'));
    plant('vault', Buffer.from(Buffer.from(`{"id":"${identifier}","pad":"zz"}`).toString('base64')));
    plant('directory', Buffer.from(`identifier ${identifier}`, 'utf16le').swap16());
    plant('break-glass', Buffer.from(`reason: patient born ${birthDate}`, 'utf8'));
    plant('witness', Buffer.from(`{"given":"${name}"}`, 'utf8'));
    plant('monitoring', Buffer.from(`{"device":"x","note":"${identifier}"}`, 'utf8'));
    plant('hl7', Buffer.from(`MSA|AA|1\rERR|||207^x|E||||${name}\r`, 'utf8'));
    plant('genomics', Buffer.from(`##fileDate=x\n#sample born ${birthDate}`, 'utf8'));
    plant('claims', Buffer.from(`{"resourceType":"ExplanationOfBenefit","patient":"${name}"}`, 'utf8'));
    plant('ai', Buffer.from(`{"card":"trained on ${name}"}`, 'utf8'));

    const report = scanStores(dir.path, [name, birthDate, identifier, 'Never Planted Anywhere']);
    const planted = [
      `ai utf-8 ${name}`,
      `break-glass utf-8 ${birthDate}`,
      `claims utf-8 ${name}`,
      `directory utf-16be ${identifier}`,
      `genomics utf-8 ${birthDate}`,
      `ledger utf-8 ${name}`,
      `mempool utf-16le ${birthDate}`,
      `monitoring utf-8 ${identifier}`,
      `hl7 utf-8 ${name}`,
      `vault base64 ${identifier}`,
      `witness utf-8 ${name}`,
    ];
    const found = report.leaks.map((l) => `${l.store} ${l.encoding} ${l.phi}`);
    for (const leak of planted) assert.ok(found.includes(leak), `the scan finds ${leak}`);
    // Nothing else: UTF-16LE and UTF-16BE text overlap by a byte, so either may also report the other.
    const where = (leak: string) => leak.replace(/ \S+ /, ' ');
    assert.deepEqual([...new Set(found.map(where))].sort(), [...new Set(planted.map(where))].sort());
    for (const store of STORES) assert.ok(report.bytesRead[store] > 0, `${store} was read`);
  } finally {
    dir.remove();
  }
});

let network: RunningNetwork | undefined;
after(() => network?.stop('SIGKILL'));

test('after the demo import, a forwarded read and a break-glass, no store of any node holds PHI', async () => {
  const dir = syntheaDir();
  assert.ok(dir !== undefined, 'the Synthea test data (../shared/testdata/fhir/synthea) is present');
  network = await startNetwork('carechain-phi-');
  const net = network;
  const doctor = await net.registerPractitioner('hospital', generateKeyPair(), 'physician');
  const physician = await net.registerPractitioner('clinic', generateKeyPair(), 'physician');
  const patientTokens = new Map<string, string>();
  const patients = await importSynthea({
    dir,
    fhirBaseUrl: `${net.url('hospital')}/fhir/R4`,
    practitionerToken: doctor,
    registerPatient: async (key) => {
      patientTokens.set(key.publicKey, await net.registerPatient('hospital', key));
    },
    progress: () => {},
  });
  assert.ok(patients.length >= 5, `${patients.length} patients imported`);

  // Records pass through the other nodes too: the patient lets the clinic read, the clinic reads
  // through its own node (a forwarded read), and a flagged break-glass read from the clinic leaves
  // its reason in the custodian's break-glass store.
  const first = patients[0]!;
  const search = await http(
    `${net.url('hospital')}/fhir/R4/Observation?patient=${first.patientId}&_count=1`,
    {
      headers: { authorization: `Bearer ${patientTokens.get(first.key.publicKey)}` },
    },
  );
  assert.equal(search.status, 200, JSON.stringify(search.body));
  const observation = search.body.entry[0].resource;
  await net.commit(
    net.url('hospital'),
    first.key,
    'consent.grant',
    observationReadGrant('5c'.repeat(32), 'clinic'),
  );
  const forwarded = await http(`${net.url('clinic')}/fhir/R4/Observation/${observation.id}`, {
    headers: { authorization: `Bearer ${physician}` },
  });
  assert.equal(forwarded.status, 200, JSON.stringify(forwarded.body));
  const glass = await postJson(
    `${net.url('clinic')}/api/v1/records/break-glass`,
    {
      resourceType: 'Observation',
      id: observation.id,
      purpose: 'ETREAT',
      reason: 'Unconscious patient in the emergency department; allergy history needed',
    },
    physician,
  );
  assert.equal(glass.status, 200, JSON.stringify(glass.body));

  const phi = phiOfBundles(
    syntheaBundles()
      .filter((b) => !/^(hospital|practitioner)/.test(b.file))
      .map((b) => b.json),
    PATIENT_PSEUDONYM_SYSTEM,
  );
  assert.ok(phi.length > 100, `${phi.length} PHI strings`);
  assert.ok(
    phi.some((s) => s.length < 5),
    'short names are covered too',
  );

  // The directory publishes the institution's staff and organisations on purpose; a practitioner
  // who shares a patient's surname (Synthea's Hoeger) is not a leak of the patient's.
  const directory = stringsOf(
    syntheaBundles()
      .filter((b) => /^(hospital|practitioner)/.test(b.file))
      .map((b) => b.json),
  );
  await net.halt('SIGTERM'); // every store flushed and closed before it is read
  for (const [i, nodeDir] of net.dirs.entries()) {
    const report = scanStores(join(nodeDir, 'data'), phi, { directory });
    for (const store of STORES) {
      assert.ok(report.bytesRead[store] > 0, `${net.names[i]}: the ${store} store was read`);
    }
    assert.deepEqual(report.leaks, [], `${net.names[i]} holds PHI`);
  }
});
