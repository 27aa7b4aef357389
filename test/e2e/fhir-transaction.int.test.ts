// FHIR writes beyond create, driven by a real FHIR client (fhir-kit-client) over HTTP (issue 4): the
// Synthea bundles in ../shared/testdata load as transaction Bundles (organisations and practitioners
// first, then a patient's whole record in one tx); a transaction with one bad entry writes nothing;
// update makes a new on-chain version guarded by If-Match; a batch reports each entry on its own; and after
// all five Synthea patients are imported, no byte of the ledger's files holds any of their PHI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'fhir-kit-client';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import { accessLog, recordsOfPatient } from '../../src/app/records/index.ts';
import { keyPairFromSeed } from '../../src/node/keys.ts';
import { seedOf } from '../harness/chain.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { SERVED_RESOURCE_TYPES } from '../../src/services/fhir/capability.ts';
import { patientLinkReferences } from '../../src/services/fhir/patient-compartment.ts';
import { DIRECTORY_RESOURCE_TYPES } from '../../src/services/fhir/search-params.ts';
import { hl7Examples, syntheaBundles } from '../../src/services/fhir/fhir-testdata.ts';
import { fhirTestNodeForTests, patientPseudonymOfTest as pseudonym } from '../harness/fhir-node.ts';
import { refused } from '../harness/fhir-client.ts';
import { phiOfBundles, scanStores, stringsOf } from '../harness/phi-scan.ts';

type Json = any; // a FHIR client test reads arbitrary resources
const synthea = (prefix: string): Json => {
  const found = syntheaBundles().find((b) => b.file.startsWith(prefix));
  assert.ok(found, `no Synthea bundle ${prefix}*`);
  return found.json;
};

const testNode = fhirTestNodeForTests({ chainId: 'carechain-fhir-transaction-test', listen: true });
const client = (who: 'doctor' | 'nurse' | 'patient') =>
  new Client({ baseUrl: `${testNode.url}/fhir/R4`, bearerToken: testNode.tokens[who] });
/** A transaction or batch Bundle of these entries (bundle.html#transaction). */
const bundleOf = (type: 'transaction' | 'batch', entry: Json[]): Json => ({
  resourceType: 'Bundle',
  type,
  entry,
});
const recordCount = () => recordsOfPatient(testNode.state(), pseudonym, { offset: 0, limit: 1 }).total;

let patientId = '';
let observationId = '';

test('Synthea organisations, practitioners and a whole patient load as transaction Bundles', async () => {
  const doctor = client('doctor');
  for (const prefix of ['hospitalInformation', 'practitionerInformation']) {
    const bundle = synthea(prefix);
    const response = (await doctor.transaction({ body: bundle })) as Json;
    assert.equal(response.type, 'transaction-response');
    assert.equal(response.entry.length, bundle.entry.length);
    assert.ok(response.entry.every((e: Json) => e.response.status === '201 Created'));
  }
  const patientBundle = synthea('Buster_Hoeger');
  // The importer names the on-chain patient: the pseudonym of the key the patient holds.
  const patient = patientBundle.entry.find((e: Json) => e.resource.resourceType === 'Patient').resource;
  patient.identifier = [
    ...(patient.identifier ?? []),
    { system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym },
  ];
  const response = (await doctor.transaction({ body: patientBundle })) as Json;
  assert.equal(response.entry.length, patientBundle.entry.length);
  // Its Organization and Practitioner are directory entries; everything else is the patient's record.
  const directory = patientBundle.entry.filter((e: Json) =>
    ['Organization', 'Practitioner'].includes(e.resource.resourceType),
  ).length;
  assert.equal(recordCount(), patientBundle.entry.length - directory);
  const patientEntry = response.entry.find((e: Json) => e.response.location.startsWith('Patient/'));
  patientId = patientEntry.response.location.split('/')[1];
  observationId = response.entry
    .find((e: Json) => e.response.location.startsWith('Observation/'))
    .response.location.split('/')[1];

  // urn:uuid references were rewritten to the new ids, and the patient reads their record back.
  const observation = (await client('patient').read({
    resourceType: 'Observation',
    id: observationId,
  })) as Json;
  assert.equal(observation.subject.reference, `Patient/${patientId}`);
  // A directory resource is served to any caller allowed the type.
  const organisationId = response.entry
    .find((e: Json) => e.response.location.startsWith('Claim/'))
    .response.location.split('/')[1];
  assert.ok(organisationId);
  const hospital = synthea('hospitalInformation');
  const org = (await doctor.transaction({
    body: bundleOf('transaction', [
      { resource: hospital.entry[0].resource, request: { method: 'POST', url: 'Organization' } },
    ]),
  })) as Json;
  const orgId = org.entry[0].response.location.split('/')[1];
  const read = (await client('nurse').read({ resourceType: 'Organization', id: orgId })) as Json;
  assert.equal(read.name, hospital.entry[0].resource.name);
});

/** A Bundle entry that POSTs a pulse Observation about `subject`. */
const pulseEntry = (subject: string) => ({
  resource: {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'pulse' },
    subject: { reference: subject },
  },
  request: { method: 'POST', url: 'Observation' },
});

test('a transaction with one bad entry is refused whole and writes nothing', async () => {
  const before = recordCount();
  const body = bundleOf('transaction', [
    { fullUrl: 'urn:uuid:5b1a4a1e-0f1c-4f6e-9c3e-7d2b1a0e9f11', ...pulseEntry(`Patient/${patientId}`) },
    pulseEntry('Patient/not-held-here'),
  ]);
  const { status, data } = await refused(client('doctor').transaction({ body }));
  assert.equal(status, 422, JSON.stringify(data));
  assert.equal(data.resourceType, 'OperationOutcome');
  assert.equal(recordCount(), before);
});

test('update writes a new on-chain version; a stale If-Match is 412; vread and history show both', async () => {
  const doctor = client('doctor');
  const v1 = (await client('patient').read({ resourceType: 'Observation', id: observationId })) as Json;
  const changed = { ...v1, status: 'amended' };
  const v2 = (await doctor.update({
    resourceType: 'Observation',
    id: observationId,
    body: changed,
    options: { headers: { 'if-match': 'W/"1"' } },
  })) as Json;
  assert.equal(v2.meta.versionId, '2');
  assert.equal(v2.status, 'amended');
  const stale = await refused(
    doctor.update({
      resourceType: 'Observation',
      id: observationId,
      body: changed,
      options: { headers: { 'if-match': 'W/"1"' } },
    }),
  );
  assert.equal(stale.status, 412);
  const patient = client('patient');
  const first = (await patient.vread({
    resourceType: 'Observation',
    id: observationId,
    version: '1',
  })) as Json;
  assert.equal(first.status, v1.status);
  const history = (await patient.history({ resourceType: 'Observation', id: observationId })) as Json;
  assert.deepEqual(
    history.entry.map((e: Json) => e.resource.meta.versionId),
    ['2', '1'],
  );
  // Another organisation cannot write here; an id not held here is created under it (update-as-create).
  assert.equal(
    (await refused(client('nurse').update({ resourceType: 'Observation', id: observationId, body: changed })))
      .status,
    403,
  );
  const upserted = (await doctor.update({
    resourceType: 'Observation',
    id: 'a'.repeat(64),
    body: { ...changed, id: 'a'.repeat(64) },
  })) as Json;
  assert.equal(upserted.meta.versionId, '1');
});

test('a batch answers each entry on its own', async () => {
  const before = recordCount();
  const body = bundleOf('batch', [
    pulseEntry(`Patient/${patientId}`),
    {
      resource: { resourceType: 'Observation', status: 'not-a-status', code: { text: 'x' } },
      request: { method: 'POST', url: 'Observation' },
    },
  ]);
  const response = (await client('doctor').batch({ body })) as Json;
  assert.equal(response.type, 'batch-response');
  assert.equal(response.entry[0].response.status, '201 Created');
  assert.match(response.entry[1].response.status, /^4\d\d/);
  assert.equal(response.entry[1].response.outcome.resourceType, 'OperationOutcome');
  assert.equal(recordCount(), before + 1);
});

test('a batch’s GETs are answered as the same GETs would be, each deciding and logging its own access', async () => {
  const reads = bundleOf('batch', [
    { request: { method: 'GET', url: `Observation/${observationId}` } },
    { request: { method: 'GET', url: `Observation?subject=Patient/${patientId}&_count=2` } },
    { request: { method: 'GET', url: `Observation/${observationId}/_history` } },
    { request: { method: 'GET', url: 'Observation/no-such-record' } },
    { request: { method: 'GET', url: 'https://elsewhere.example/fhir/Observation/1' } },
  ]);
  const mine = (await client('patient').batch({ body: reads })) as Json;
  assert.deepEqual(
    mine.entry.map((e: Json) => e.response.status.slice(0, 3)),
    ['200', '200', '200', '404', '400'],
  );
  assert.equal(mine.entry[0].resource.id, observationId);
  assert.equal(mine.entry[0].response.etag, `W/"${mine.entry[0].resource.meta.versionId}"`);
  assert.equal(mine.entry[1].resource.type, 'searchset');
  assert.equal(mine.entry[1].resource.entry.length, 2);
  assert.equal(mine.entry[2].resource.type, 'history');

  // The clinic's nurse has no consent: each read is refused as the direct read is.
  const direct = await refused(client('nurse').read({ resourceType: 'Observation', id: observationId }));
  const logged = accessLog(testNode.state(), pseudonym, { offset: 0, limit: 1 }).total;
  const theirs = (await client('nurse').batch({ body: reads })) as Json;
  assert.ok(
    accessLog(testNode.state(), pseudonym, { offset: 0, limit: 1 }).total > logged,
    'the refused reads are in the patient’s access log, as a direct read’s refusal is',
  );
  assert.equal(theirs.entry[0].response.status.slice(0, 3), String(direct.status));
  assert.equal(theirs.entry[0].resource, undefined);
  assert.equal(theirs.entry[0].response.outcome.resourceType, 'OperationOutcome');

  // A transaction does not read.
  const inTransaction = await refused(
    client('patient').transaction({ body: { ...reads, type: 'transaction' } }),
  );
  assert.equal(inTransaction.status, 400);
  assert.match(JSON.stringify(inTransaction.data.issue), /GET is supported in a batch Bundle/);
});

test('every Synthea patient imports, and no stored block, tx or state row holds any of their PHI', async () => {
  const doctor = client('doctor');
  const bundles = syntheaBundles().filter((b) => !/^(hospital|practitioner)/.test(b.file));
  for (const [i, { json }] of bundles.entries()) {
    const bundle: Json = structuredClone(json);
    const key = keyPairFromSeed(seedOf(`synthea-patient-${i}`));
    await testNode.submit(key, 'membership.registerPatient', { custodianOrgId: 'hospital' });
    const patient = bundle.entry.find((e: Json) => e.resource.resourceType === 'Patient').resource;
    patient.identifier = [
      ...(patient.identifier ?? []),
      { system: PATIENT_PSEUDONYM_SYSTEM, value: patientPseudonym(key.publicKey) },
    ];
    const response = (await doctor.transaction({ body: bundle })) as Json;
    assert.equal(response.entry.length, bundle.entry.length);
  }
  // The same scan as test/e2e/privacy-proofs-that-can-fail.int.test.ts, on this node's every store.
  const phi = phiOfBundles(
    bundles.map((b) => b.json),
    PATIENT_PSEUDONYM_SYSTEM,
  );
  assert.ok(phi.length > 100, `${phi.length} PHI strings`);
  const directory = stringsOf(
    syntheaBundles()
      .filter((b) => /^(hospital|practitioner)/.test(b.file))
      .map((b) => b.json),
  );
  const report = scanStores(testNode.dir.path, phi, { directory });
  assert.ok(report.bytesRead.ledger > 0 && report.bytesRead.vault > 0, JSON.stringify(report.bytesRead));
  assert.deepEqual(report.leaks, [], 'no store holds PHI');
});

test('every HL7 example of a served type about a patient or the institution round-trips over HTTP', async () => {
  const doctor = client('doctor');
  const patient = client('patient');
  const served = hl7Examples().filter(({ json }) => SERVED_RESOURCE_TYPES.includes(json.resourceType));
  const roundTripped: string[] = [];
  for (const { file, json } of served) {
    // The example's patient ("Patient/example", "Patient/f001", …) is the patient this custodian holds.
    const resource: Json = JSON.parse(
      JSON.stringify(json).replace(
        /"reference":"Patient\/[A-Za-z0-9\-.]+"/g,
        `"reference":"Patient/${patientId}"`,
      ),
    );
    delete resource.id;
    delete resource.meta;
    if (resource.resourceType === 'Patient') {
      resource.identifier = [
        ...(resource.identifier ?? []),
        { system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym },
      ];
    }
    const aboutPatient = resource.resourceType === 'Patient' || hasPatientLinkTo(resource, patientId);
    const isDirectory = !aboutPatient && DIRECTORY_RESOURCE_TYPES.has(resource.resourceType);
    if (!aboutPatient && !isDirectory) {
      // No patient of its own (an AuditEvent, a Provenance of other records, a Schedule of a practitioner).
      const answer = await refused(doctor.create({ resourceType: resource.resourceType, body: resource }));
      assert.equal(answer.status, 422, file);
      continue;
    }
    const created: Json = await doctor.create({ resourceType: resource.resourceType, body: resource });
    const read: Json = await (isDirectory ? doctor : patient).read({
      resourceType: resource.resourceType,
      id: created.id,
    });
    assert.deepEqual(read, created, file);
    const { id, meta, ...content } = read;
    assert.ok(id && meta.versionId === '1', file);
    assert.deepEqual(content, resource, file);
    roundTripped.push(file);
  }
  assert.ok(roundTripped.length >= 35, `${roundTripped.length}: ${roundTripped.join(', ')}`);
});

/** Whether the resource's Patient-compartment link names this Patient. */
function hasPatientLinkTo(resource: Json, id: string): boolean {
  return patientLinkReferences(resource).references.includes(`Patient/${id}`);
}
