// FHIR R4 as real EHRs send it (issue 13, item 4), through a real FHIR client (fhir-kit-client) over
// HTTP: bundles whose entries PUT client-assigned ids (update-as-create) load and keep those ids; every
// fullUrl form (absolute, urn:uuid, urn:oid, relative) resolves; and a 2,000-resource transaction
// generated from the Synthea bundles of ../shared/testdata commits whole, or, with one bad entry, not at all.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from 'fhir-kit-client';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import { patientRecord } from '../../src/app/membership/queries.ts';
import { accessLog, recordHead, recordsOfPatient } from '../../src/app/records/index.ts';
import { http } from '../harness/http.ts';
import { keyPairFromSeed } from '../../src/node/keys.ts';
import { seedOf } from '../harness/chain.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { syntheaBundles } from '../../src/services/fhir/fhir-testdata.ts';
import {
  fhirKeys,
  patientPseudonymOfTest,
  startFhirTestNode,
  type FhirTestNode,
} from '../harness/fhir-node.ts';
import { organisationGrant, refused } from '../harness/fhir-client.ts';

type Json = any; // a FHIR client test reads arbitrary resources

let testNode: FhirTestNode;
const client = (who: 'doctor' | 'nurse' | 'patient') =>
  new Client({ baseUrl: `${testNode.url}/fhir/R4`, bearerToken: testNode.tokens[who] });
const recordCount = (pseudonym: string) =>
  recordsOfPatient(testNode.state(), pseudonym, { offset: 0, limit: 1 }).total;
const withPseudonym = (patient: Json, pseudonym: string): Json => ({
  ...patient,
  identifier: [...(patient.identifier ?? []), { system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
});

before(async () => {
  testNode = await startFhirTestNode({
    chainId: 'carechain-fhir-import-test',
    dirPrefix: 'carechain-fhir-import-',
    listen: true,
    recordsAdmin: true,
  });
});
after(async () => {
  await testNode?.close();
});

const EHR = 'http://ehr.example.org/fhir';
const observation = (id: string | undefined, subject: string, text: string): Json => ({
  resourceType: 'Observation',
  ...(id === undefined ? {} : { id }),
  status: 'final',
  code: { text },
  subject: { reference: subject },
});

test('a bundle of PUTs with client ids loads (update-as-create), every fullUrl form resolving', async () => {
  const doctor = client('doctor');
  const patient = withPseudonym(
    {
      resourceType: 'Patient',
      id: '907',
      name: [{ family: 'Shaw', given: ['Amy', 'V.'] }],
      birthDate: '1987-02-20',
    },
    patientPseudonymOfTest,
  );
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: `${EHR}/Patient/907`, resource: patient, request: { method: 'PUT', url: 'Patient/907' } },
      // A relative fullUrl, PUT under its own id, referring to the patient relatively.
      {
        fullUrl: 'Observation/obs015-hco3',
        resource: observation('obs015-hco3', 'Patient/907', 'bicarbonate'),
        request: { method: 'PUT', url: 'Observation/obs015-hco3' },
      },
      // POSTed entries get new ids; references to their fullUrl follow, in whichever form.
      {
        fullUrl: `${EHR}/Observation/tmp-1`,
        resource: observation(undefined, `${EHR}/Patient/907`, 'pulse'),
        request: { method: 'POST', url: 'Observation' },
      },
      {
        fullUrl: 'urn:oid:1.2.840.113619.20.1',
        resource: {
          ...observation(undefined, 'Patient/907', 'panel'),
          hasMember: [{ reference: 'Observation/tmp-1' }],
        },
        request: { method: 'POST', url: 'Observation' },
      },
      {
        fullUrl: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0',
        resource: {
          ...observation(undefined, 'Patient/907', 'derived'),
          derivedFrom: [{ reference: 'urn:oid:1.2.840.113619.20.1' }],
        },
        request: { method: 'POST', url: 'Observation' },
      },
    ],
  };
  const response = (await doctor.transaction({ body: bundle })) as Json;
  assert.deepEqual(
    response.entry.map((e: Json) => e.response.status),
    ['201 Created', '201 Created', '201 Created', '201 Created', '201 Created'],
  );
  assert.equal(response.entry[0].response.location, 'Patient/907/_history/1');
  const newIds = response.entry.slice(2).map((e: Json) => e.response.location.split('/')[1]);

  // The patient reads them back under the ids the EHR chose, references resolved.
  const reader = client('patient');
  const read = (type: string, id: string) => reader.read({ resourceType: type, id }) as Promise<Json>;
  assert.equal((await read('Patient', '907')).name[0].family, 'Shaw');
  assert.equal((await read('Observation', 'obs015-hco3')).subject.reference, 'Patient/907');
  assert.equal((await read('Observation', newIds[0])).subject.reference, 'Patient/907');
  assert.equal((await read('Observation', newIds[1])).hasMember[0].reference, `Observation/${newIds[0]}`);
  assert.equal((await read('Observation', newIds[2])).derivedFrom[0].reference, `Observation/${newIds[1]}`);

  // A second PUT of the same id is an update (200, version 2); a PUT of a new id alone creates (201).
  const v2 = (await doctor.update({
    resourceType: 'Patient',
    id: '907',
    body: { ...patient, gender: 'female' },
  })) as Json;
  assert.equal(v2.meta.versionId, '2');
  const created = (await doctor.update({
    resourceType: 'Observation',
    id: 'bp-1',
    body: observation('bp-1', 'Patient/907', 'blood pressure'),
  })) as Json;
  assert.equal(created.meta.versionId, '1');
  assert.equal((await read('Observation', 'bp-1')).code.text, 'blood pressure');

  // _summary=count and _sort (search.html#summary, #sort) over what the EHR loaded.
  const count = (await reader.search({
    resourceType: 'Observation',
    searchParams: { patient: '907', _summary: 'count' },
  })) as Json;
  assert.equal(count.total, 5);
  assert.equal(count.entry?.length ?? 0, 0);
  const newest = (await reader.search({
    resourceType: 'Observation',
    searchParams: { patient: 'Patient/907', _sort: '-_lastUpdated', _count: '1' },
  })) as Json;
  assert.equal(newest.entry[0].resource.id, 'bp-1');

  // Another organisation's practitioner may not create here, and a server-assigned id of another
  // organisation's record is not taken over.
  assert.equal(
    (
      await refused(
        client('nurse').update({
          resourceType: 'Observation',
          id: 'nurse-1',
          body: observation('nurse-1', 'Patient/907', 'x'),
        }),
      )
    ).status,
    403,
  );
});

test('the Synthea bundles import without a key made first, and a patient claims theirs', async () => {
  const bundles = syntheaBundles().filter((b) => !/^(hospital|practitioner)/.test(b.file));
  const imported: { pseudonym: string; records: number }[] = [];
  for (const { json } of bundles) {
    // As Synthea wrote them: no patient has registered, no pseudonym is named.
    const response = (await client('doctor').transaction({ body: structuredClone(json) as Json })) as Json;
    const locations: string[] = response.entry.map((e: Json) => e.response.location);
    const patientId = locations.find((l) => l.startsWith('Patient/'))!.split('/')[1]!;
    const pseudonym = recordHead(testNode.state(), patientId)!.patientPseudonym;
    const directory = locations.filter((l) => /^(Organization|Practitioner)\//.test(l)).length;
    imported.push({ pseudonym, records: locations.length - directory });
  }
  for (const { pseudonym, records } of imported) {
    // A custodial identity of the hospital with no key, holding every clinical resource of the bundle.
    const record = patientRecord(testNode.state(), pseudonym)!;
    assert.equal(record.custodialOrgId, 'hospital');
    assert.equal(record.currentKey, null);
    assert.equal(recordCount(pseudonym), records);
  }

  // The first patient makes a key; until the claim it is nobody on chain and cannot sign in.
  const { pseudonym } = imported[0]!;
  const key = keyPairFromSeed(seedOf('synthea patient claiming'));
  assert.equal((await testNode.patientLogin(key)).status, 403);
  // The hospital's physician, having identified her, has the node attest her key for that identity.
  const attest = (patientKey: string) =>
    http(`${testNode.url}/api/v1/records/custodial-claims`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testNode.tokens.doctor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pseudonym, patientKey }),
    });
  const attested = await attest(key.publicKey);
  assert.equal(attested.status, 200, JSON.stringify(attested.body));
  // Another party's key with her attestation is refused; hers is accepted.
  const other = keyPairFromSeed(seedOf('someone else'));
  const claim = (claimant: typeof key) =>
    testNode.submit(claimant, 'membership.claimPatient', {
      pseudonym,
      attestedBy: attested.body.attestedBy,
      attestation: attested.body.attestation,
    });
  await assert.rejects(claim(other), (err: Json) => err.details?.reason === 'membership.bad_attestation');
  await claim(key);
  assert.equal(patientRecord(testNode.state(), pseudonym)!.currentKey, key.publicKey);
  // Claimed: she signs in with her key and reads her imported records; no second claim is attested.
  const login = await testNode.patientLogin(key);
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const mine = new Client({ baseUrl: `${testNode.url}/fhir/R4`, bearerToken: login.body.access_token });
  const observations = (await mine.search({ resourceType: 'Observation', searchParams: {} })) as Json;
  assert.ok(observations.total > 0);
  assert.equal((await attest(other.publicKey)).status, 422);
});

test('the CapabilityStatement says updateCreate', async () => {
  const statement = (await client('doctor').capabilityStatement()) as Json;
  assert.ok(statement.rest[0].resource.every((r: Json) => r.updateCreate === true));
});

/**
 * A transaction of `size` entries about one patient, from the Synthea patient bundles: their clinical
 * entries copied as often as needed, each copy's urn:uuids renamed so that its references stay within
 * the copy, every patient reference pointing at one Patient, and the organisations and practitioners
 * kept once.
 */
function generatedTransaction(size: number, pseudonym: string): Json {
  const patientUrn = 'urn:uuid:70000000-0000-4000-8000-000000000001';
  const bundles = syntheaBundles()
    .filter((b) => !/^(hospital|practitioner)/.test(b.file))
    .map((b) => b.json);
  const shared: Json[] = [];
  const clinical: Json[] = [];
  for (const bundle of bundles) {
    const own = bundle.entry.find((e: Json) => e.resource.resourceType === 'Patient').fullUrl;
    for (const entry of bundle.entry) {
      const type = entry.resource.resourceType;
      if (type === 'Patient') continue;
      const json = JSON.stringify(entry).replaceAll(own, patientUrn);
      (type === 'Organization' || type === 'Practitioner' ? shared : clinical).push(json);
    }
  }
  const sharedUrns = new Set(shared.map((e) => JSON.parse(e).fullUrl));
  const patient = bundles[0]!.entry.find((e: Json) => e.resource.resourceType === 'Patient');
  const entry: Json[] = [
    { ...patient, fullUrl: patientUrn, resource: withPseudonym(patient.resource, pseudonym) },
    ...shared.map((e) => JSON.parse(e)),
  ];
  for (let copy = 0; entry.length + clinical.length <= size; copy++) {
    const prefix = copy.toString(16).padStart(8, '0');
    for (const json of clinical) {
      const renamed = json.replace(/urn:uuid:[0-9a-f]{8}(-[0-9a-f-]{27})/g, (urn: string, rest: string) =>
        urn === patientUrn || sharedUrns.has(urn) ? urn : `urn:uuid:${prefix}${rest}`,
      );
      entry.push(JSON.parse(renamed));
    }
  }
  while (entry.length < size) {
    entry.push({
      resource: observation(undefined, patientUrn, 'pad'),
      request: { method: 'POST', url: 'Observation' },
    });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

test('a 2,000-resource transaction from the Synthea bundles is all or nothing', async () => {
  const key = keyPairFromSeed(seedOf('import-2000-patient'));
  await testNode.submit(key, 'membership.registerPatient', { custodianOrgId: 'hospital' });
  const pseudonym = patientPseudonym(key.publicKey);
  const bundle = generatedTransaction(2000, pseudonym);
  assert.equal(bundle.entry.length, 2000);
  const directory = bundle.entry.filter((e: Json) =>
    ['Organization', 'Practitioner'].includes(e.resource.resourceType),
  ).length;

  // One bad entry, the last, and nothing of the other 1,999 is written.
  const spoilt = structuredClone(bundle);
  spoilt.entry[1999].resource.subject = { reference: 'Patient/not-held-here' };
  const refusal = await refused(client('doctor').transaction({ body: spoilt }));
  assert.equal(refusal.status, 422, JSON.stringify(refusal.data).slice(0, 500));
  assert.equal(recordCount(pseudonym), 0);

  const height = testNode.node.ledger.tip().height;
  const response = (await client('doctor').transaction({ body: bundle })) as Json;
  assert.equal(response.entry.length, 2000);
  assert.ok(response.entry.every((e: Json) => e.response.status === '201 Created'));
  assert.equal(recordCount(pseudonym), 2000 - directory);
  // All of them in one tx of one block: on chain whole.
  const registered = recordsOfPatient(testNode.state(), pseudonym, { offset: 0, limit: 100 }).items;
  assert.ok(registered.every((r) => r.createdAtHeight === registered[0]!.createdAtHeight));
  assert.ok(registered[0]!.createdAtHeight > height);
});

test('a hospital practitioner finds the hospital’s patient by family and birth date, each release logged', async () => {
  const doctor = client('doctor');
  const search = async (searchParams: Record<string, string>): Promise<string[]> => {
    const bundle = (await doctor.search({ resourceType: 'Patient', searchParams })) as Json;
    return (bundle.entry ?? []).map((e: Json) => `${e.resource.resourceType}/${e.resource.id}`);
  };
  const events = (outcome: 'granted' | 'denied') =>
    accessLog(testNode.state(), patientPseudonymOfTest, { offset: 0, limit: 100 }).items.filter(
      (e) => e.outcome === outcome && e.requester === fhirKeys.doctor.publicKey,
    );
  // Without the patient's consent (opt-in) the match is not released, and the denial is in their log.
  assert.deepEqual(await search({ family: 'Shaw', birthdate: '1987-02-20' }), []);
  assert.equal(events('denied').length, 1);

  await testNode.submit(
    fhirKeys.patient,
    'consent.grant',
    organisationGrant('c'.repeat(64), 'hospital', ['Patient'], ['read']),
  );
  assert.deepEqual(await search({ family: 'Shaw', birthdate: '1987-02-20' }), ['Patient/907']);
  assert.equal(events('granted').length, 1);
  assert.deepEqual(events('granted')[0]!.resourceTypes, ['Patient']);
  // Every US Core Patient parameter finds her; a wrong birth date or family does not.
  assert.deepEqual(await search({ given: 'amy', gender: 'female' }), ['Patient/907']);
  assert.deepEqual(await search({ name: 'sha', birthdate: 'ge1987' }), ['Patient/907']);
  assert.deepEqual(
    await search({ identifier: `${PATIENT_PSEUDONYM_SYSTEM}|${patientPseudonymOfTest}`, family: 'Shaw' }),
    ['Patient/907'],
  );
  assert.deepEqual(await search({ family: 'Shaw', birthdate: '1990' }), []);
  const cut = (await doctor.search({
    resourceType: 'Patient',
    searchParams: { family: 'Shaw', _elements: 'birthDate' },
  })) as Json;
  assert.deepEqual(Object.keys(cut.entry[0].resource).sort(), ['birthDate', 'id', 'meta', 'resourceType']);
  assert.equal(cut.entry[0].resource.meta.tag.at(-1).code, 'SUBSETTED');
  // A count of a demographic search would count the patients a decision refuses.
  const counted = await refused(
    doctor.search({ resourceType: 'Patient', searchParams: { family: 'Shaw', _summary: 'count' } }),
  );
  assert.equal(counted.status, 400);
  assert.deepEqual(await search({ family: 'Shawcross' }), []);

  // A search naming nothing is refused; another organisation's staff may not look patients up here.
  assert.equal((await refused(doctor.search({ resourceType: 'Patient', searchParams: {} }))).status, 400);
  const nurse = await refused(
    client('nurse').search({ resourceType: 'Patient', searchParams: { family: 'Shaw' } }),
  );
  assert.equal(nurse.status, 403);
});

test('the directory is searched by US Core parameters without naming a patient', async () => {
  // A practitioner the 2,000-resource transaction brought along from a Synthea patient bundle.
  const patientBundle = syntheaBundles().find((b) => b.file.startsWith('Buster'))!.json;
  const first = patientBundle.entry.find((e: Json) => e.resource.resourceType === 'Practitioner').resource;
  const bundle = (await client('nurse').search({
    resourceType: 'Practitioner',
    searchParams: { family: first.name[0].family, given: first.name[0].given[0] },
  })) as Json;
  assert.ok(bundle.entry.length >= 1);
  assert.ok(bundle.entry.every((e: Json) => e.resource.name[0].family === first.name[0].family));
});
