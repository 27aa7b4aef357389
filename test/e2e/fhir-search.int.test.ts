// Search, vread and history over FHIR R4 on one custodian node (issue 4), driven by a real FHIR client
// (fhir-kit-client) against a listening server. A hospital practitioner writes a Patient and two
// Observations; the patient searches, vreads and lists history of their own records without an access
// event; a clinic practitioner's search is refused with the denial on chain, then answered once the
// patient's consent is committed, with one granted event listing exactly the records released.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'fhir-kit-client';
import { accessLog } from '../../src/app/records/index.ts';
import { toHex } from '../../src/core/bytes.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { seedOf } from '../harness/chain.ts';
import {
  FHIR_BASE as BASE,
  fhirKeys,
  fhirTestNodeForTests,
  patientPseudonymOfTest as pseudonym,
  type FhirTestNode,
} from '../harness/fhir-node.ts';
import { observationReadGrant, refused } from '../harness/fhir-client.ts';

const CHAIN_ID = 'carechain-fhir-search-test';
const { nurse, patient } = fhirKeys;

const testNode = fhirTestNodeForTests({ chainId: CHAIN_ID, listen: true });

type Json = Record<string, unknown> & { resourceType: string; id?: string };
interface BundleJson {
  resourceType: string;
  type: string;
  total?: number;
  link?: Array<{ relation: string; url: string }>;
  entry?: Array<{ fullUrl?: string; resource: Json; search?: { mode: string } }>;
}

const log = () => accessLog(testNode.state(), pseudonym, { offset: 0, limit: 100 });

/** A FHIR client acting as one of the callers, against the listening server. */
function client(who: keyof FhirTestNode['tokens']): Client {
  return new Client({ baseUrl: `${testNode.url}/fhir/R4`, bearerToken: testNode.tokens[who] });
}

/** The HTTP status and OperationOutcome of a call fhir-kit-client rejected. */

const LOINC = 'http://loinc.org';
const observation = (patientId: string, code: string, when: string) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code }] },
  subject: { reference: `Patient/${patientId}` },
  effectiveDateTime: when,
  valueQuantity: { value: 72, unit: 'unit', system: 'http://unitsofmeasure.org', code: '1' },
});

let patientId = '';
let heartRate: Json = { resourceType: 'Observation' };
let temperature: Json = { resourceType: 'Observation' };
const ids = (bundle: BundleJson): string[] => (bundle.entry ?? []).map((e) => String(e.resource.id));

test('a hospital practitioner writes a Patient and two Observations through the FHIR client', async () => {
  const doctorClient = client('doctor');
  const created = (await doctorClient.create({
    resourceType: 'Patient',
    body: {
      resourceType: 'Patient',
      identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
      name: [{ family: 'Chalmers', given: ['Peter'] }],
    },
  })) as Json;
  patientId = String(created.id);
  heartRate = await doctorClient.create({
    resourceType: 'Observation',
    body: observation(patientId, '8867-4', '2024-03-01T10:00:00Z'),
  });
  temperature = await doctorClient.create({
    resourceType: 'Observation',
    body: observation(patientId, '8310-5', '2025-06-15T08:30:00Z'),
  });
  assert.match(String(temperature.id), /^[0-9a-f]{64}$/);
});

test('the patient searches their own records by code and by date prefix, without an access event', async () => {
  const alice = client('patient');
  const byCode = (await alice.search({
    resourceType: 'Observation',
    searchParams: { code: `${LOINC}|8867-4` },
  })) as unknown as BundleJson;
  assert.equal(byCode.resourceType, 'Bundle');
  assert.equal(byCode.type, 'searchset');
  assert.equal(byCode.total, 1);
  assert.deepEqual(byCode.entry?.[0]?.resource, heartRate);
  assert.equal(byCode.entry?.[0]?.search?.mode, 'match');
  assert.equal(byCode.entry?.[0]?.fullUrl, `${BASE}/Observation/${String(heartRate.id)}`);

  const recent = (await alice.search({
    resourceType: 'Observation',
    searchParams: { date: 'ge2025' },
  })) as unknown as BundleJson;
  assert.deepEqual(ids(recent), [temperature.id]);
  const older = (await alice.search({
    resourceType: 'Observation',
    searchParams: { date: 'lt2025-01-01' },
  })) as unknown as BundleJson;
  assert.deepEqual(ids(older), [heartRate.id]);
  const none = (await alice.search({
    resourceType: 'Observation',
    searchParams: { code: `${LOINC}|0000-0` },
  })) as unknown as BundleJson;
  assert.equal(none.total, 0);
  assert.deepEqual(none.entry ?? [], []);
  const patients = (await alice.search({
    resourceType: 'Patient',
    searchParams: {},
  })) as unknown as BundleJson;
  assert.deepEqual(ids(patients), [patientId]);

  const unknown = await refused(alice.search({ resourceType: 'Observation', searchParams: { colour: 'x' } }));
  assert.equal(unknown.status, 400);
  assert.equal(unknown.data.resourceType, 'OperationOutcome');
  assert.equal(log().total, 0);
});

test('search pages with _count and a next link', async () => {
  const first = (await client('patient').search({
    resourceType: 'Observation',
    searchParams: { _count: 1 },
  })) as unknown as BundleJson;
  assert.equal(first.total, 2);
  assert.deepEqual(ids(first), [heartRate.id]);
  const self = first.link?.find((l) => l.relation === 'self')?.url;
  assert.equal(self, `${BASE}/Observation?_count=1`);
  const next = first.link?.find((l) => l.relation === 'next')?.url;
  assert.ok(next !== undefined && next.startsWith(BASE), String(next));
  const response = await fetch(`${testNode.url}/fhir/R4${next.slice(BASE.length)}`, {
    headers: { authorization: `Bearer ${testNode.tokens.patient}` },
  });
  assert.equal(response.status, 200);
  const second = (await response.json()) as BundleJson;
  assert.equal(second.total, 2);
  assert.deepEqual(ids(second), [temperature.id]);
  assert.equal(
    second.link?.find((l) => l.relation === 'next'),
    undefined,
  );
});

test('the patient reads, vreads version 1 and lists history', async () => {
  const alice = client('patient');
  const id = String(heartRate.id);
  assert.deepEqual(await alice.read({ resourceType: 'Observation', id }), heartRate);
  assert.deepEqual(await alice.vread({ resourceType: 'Observation', id, version: '1' }), heartRate);
  const missing = await refused(alice.vread({ resourceType: 'Observation', id, version: '2' }));
  assert.equal(missing.status, 404);
  assert.equal(missing.data.resourceType, 'OperationOutcome');
  // There is no update yet, so the history has the one version; it lists newest first.
  const history = (await alice.history({ resourceType: 'Observation', id })) as unknown as BundleJson & {
    entry: Array<{ request: { method: string }; response: { status: string; etag: string } }>;
  };
  assert.equal(history.type, 'history');
  assert.equal(history.total, 1);
  assert.deepEqual(history.entry[0]?.resource, heartRate);
  assert.equal(history.entry[0]?.request.method, 'POST');
  assert.equal(history.entry[0]?.response.etag, 'W/"1"');
  assert.equal(log().total, 0);
});

test('a practitioner search must name one Patient held here', async () => {
  const clinic = client('nurse');
  const unnamed = await refused(clinic.search({ resourceType: 'Observation', searchParams: {} }));
  assert.equal(unnamed.status, 400);
  assert.equal(unnamed.data.resourceType, 'OperationOutcome');
  const elsewhere = await refused(
    clinic.search({ resourceType: 'Observation', searchParams: { patient: 'ab'.repeat(32) } }),
  );
  assert.equal(elsewhere.status, 400);
  assert.equal(log().total, 0);
});

test('the clinic’s search without consent is 403, with one denial on chain naming the type, not the hits', async () => {
  const denied = await refused(
    client('nurse').search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: `${LOINC}|8867-4` },
    }),
  );
  assert.equal(denied.status, 403);
  assert.equal(denied.data.resourceType, 'OperationOutcome');
  assert.equal(log().total, 1);
  const event = log().items[0]!;
  assert.equal(event.outcome, 'denied');
  assert.equal(event.reasonCode, 'consent.none');
  assert.equal(event.requester, nurse.publicKey);
  // Decided before looking (issue 10, finding 2): the denial cannot tell what the query matched.
  assert.deepEqual(event.records, []);
  assert.deepEqual(event.resourceTypes, ['Observation']);
});

test('with consent the clinic’s search is answered, with one granted event listing exactly the released', async () => {
  const consentId = toHex(seedOf('consent search'));
  await testNode.submit(patient, 'consent.grant', observationReadGrant(consentId));
  const clinic = client('nurse');
  const found = (await clinic.search({
    resourceType: 'Observation',
    searchParams: { subject: `Patient/${patientId}` },
  })) as unknown as BundleJson;
  assert.equal(found.total, 2);
  assert.deepEqual(ids(found), [heartRate.id, temperature.id]);
  assert.deepEqual(found.entry?.[1]?.resource, temperature);
  assert.equal(log().total, 2);
  const event = log().items[0]!;
  assert.equal(event.outcome, 'granted');
  assert.equal(event.reasonCode, 'consent.permit');
  assert.deepEqual(event.consentIds, [consentId]);
  const released = [heartRate, temperature]
    .map((r) => ({ recordId: String(r.id), version: 1, resourceType: 'Observation' }))
    .sort((a, b) => (a.recordId < b.recordId ? -1 : 1));
  assert.deepEqual(event.records, released);

  // A page with no hits releases nothing: a 200 when consent permits, and no event.
  const empty = (await clinic.search({
    resourceType: 'Observation',
    searchParams: { patient: patientId, date: 'gt2030' },
  })) as unknown as BundleJson;
  assert.equal(empty.total, 0);
  assert.equal(log().total, 2);
});

test('the clinic vreads and lists history under consent, one event each', async () => {
  const clinic = client('nurse');
  const id = String(temperature.id);
  assert.deepEqual(await clinic.vread({ resourceType: 'Observation', id, version: '1' }), temperature);
  const history = (await clinic.history({ resourceType: 'Observation', id })) as unknown as BundleJson;
  assert.deepEqual(ids(history), [id]);
  const [historyEvent, vreadEvent] = log().items;
  assert.equal(log().total, 4);
  for (const event of [historyEvent!, vreadEvent!]) {
    assert.equal(event.outcome, 'granted');
    assert.deepEqual(event.records, [{ recordId: id, version: 1, resourceType: 'Observation' }]);
  }
});

test('consent for Observation does not open Patient: 403 with the denial on chain', async () => {
  const denied = await refused(
    client('nurse').search({ resourceType: 'Patient', searchParams: { _id: patientId } }),
  );
  assert.equal(denied.status, 403);
  const event = log().items[0]!;
  assert.equal(log().total, 5);
  assert.equal(event.outcome, 'denied');
  assert.deepEqual(event.records, []);
  assert.deepEqual(event.resourceTypes, ['Patient']);
  const history = await refused(client('nurse').history({ resourceType: 'Patient', id: patientId }));
  assert.equal(history.status, 403);
  assert.equal(log().total, 6);
});
