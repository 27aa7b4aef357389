// Conditional creates and references (http.html#ccreate, #trules) as today's Synthea writes its bundles,
// over real HTTP with a real FHIR client: the hospital and practitioner bundles carry
// `request.ifNoneExist`, and a patient's bundle names its hospital and clinician by a search
// (`Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|…`) instead of including them. The shared
// Synthea files predate that; each test rewrites them into that form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'fhir-kit-client';
import { recordsOfPatient } from '../../src/app/records/index.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { syntheaBundles } from '../../src/services/fhir/fhir-testdata.ts';
import { fhirTestNodeForTests, patientPseudonymOfTest as pseudonym } from '../harness/fhir-node.ts';
import { refused } from '../harness/fhir-client.ts';

type Json = any; // a FHIR client test reads arbitrary resources

const testNode = fhirTestNodeForTests({ chainId: 'carechain-fhir-conditional-test', listen: true });
const client = (who: 'doctor' | 'nurse' | 'patient') =>
  new Client({ baseUrl: `${testNode.url}/fhir/R4`, bearerToken: testNode.tokens[who] });
const recordCount = () => recordsOfPatient(testNode.state(), pseudonym, { offset: 0, limit: 1 }).total;

function synthea(prefix: string): Json {
  return structuredClone(syntheaBundles().find((b) => b.file.startsWith(prefix))!.json);
}

/** `system|value` of a resource's first identifier, as a token search names it. */
const tokenOf = (resource: Json): string =>
  `${resource.identifier[0].system}|${resource.identifier[0].value}`;

/** A directory bundle as Synthea 3 writes it: each entry is created only if its identifier is new. */
function withIfNoneExist(prefix: string): Json {
  const bundle = synthea(prefix);
  for (const e of bundle.entry) e.request.ifNoneExist = `identifier=${tokenOf(e.resource)}`;
  return bundle;
}

/**
 * Buster's bundle as Synthea 3 writes it: its Organization and Practitioner entries are gone, and every
 * reference to them is a conditional reference by identifier. Returns the bundle and those searches.
 */
function patientBundleByConditionalReferences(): { bundle: Json; searches: Map<string, string> } {
  const bundle = synthea('Buster_Hoeger');
  const searches = new Map<string, string>();
  for (const e of bundle.entry) {
    const r = e.resource;
    if (r.resourceType === 'Organization' || r.resourceType === 'Practitioner') {
      searches.set(e.fullUrl, `${r.resourceType}?identifier=${tokenOf(r)}`);
    }
  }
  bundle.entry = bundle.entry.filter((e: Json) => !searches.has(e.fullUrl));
  let text = JSON.stringify(bundle);
  for (const [urn, search] of searches) text = text.split(`"${urn}"`).join(JSON.stringify(search));
  const rewritten = JSON.parse(text);
  const patient = rewritten.entry.find((e: Json) => e.resource.resourceType === 'Patient').resource;
  patient.identifier.push({ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym });
  return { bundle: rewritten, searches };
}

async function directoryCount(type: string): Promise<number> {
  const answer = (await client('doctor').search({
    resourceType: type,
    searchParams: { _summary: 'count' },
  })) as Json;
  return answer.total;
}

let organisationIds = new Map<string, string>();

test('a directory bundle with ifNoneExist creates each resource once, and matches them when sent again', async () => {
  const doctor = client('doctor');
  const hospital = withIfNoneExist('hospitalInformation');
  const first = (await doctor.transaction({ body: hospital })) as Json;
  assert.ok(first.entry.every((e: Json) => e.response.status === '201 Created'));
  const organisations = await directoryCount('Organization');
  assert.ok(organisations > 0);

  const second = withIfNoneExist('hospitalInformation');
  // Not only by identifier: a search of two parameters is matched by the search matcher over the type.
  const named = second.entry[0];
  named.request.ifNoneExist += `&name=${encodeURIComponent(named.resource.name)}`;
  const again = (await doctor.transaction({ body: second })) as Json;
  assert.equal(again.entry.length, hospital.entry.length);
  assert.ok(
    again.entry.every((e: Json) => e.response.status === '200 OK'),
    'every entry matched the resource stored by the first send',
  );
  // Each match names the resource the first send created, at its stored version.
  assert.deepEqual(
    again.entry.map((e: Json) => e.response.location),
    first.entry.map((e: Json) => e.response.location),
  );
  assert.equal(await directoryCount('Organization'), organisations, 'nothing was created twice');
  organisationIds = new Map(
    hospital.entry.map((e: Json, i: number) => [
      e.resource.id,
      first.entry[i].response.location.split('/')[1],
    ]),
  );

  const practitioners = (await doctor.transaction({
    body: withIfNoneExist('practitionerInformation'),
  })) as Json;
  assert.ok(practitioners.entry.every((e: Json) => e.response.status === '201 Created'));
});

test('a patient bundle naming its hospital and clinician by conditional references is stored, resolved', async () => {
  const { bundle, searches } = patientBundleByConditionalReferences();
  assert.equal(searches.size, 2, 'Buster names one organisation and one practitioner');
  const before = recordCount();
  const response = (await client('doctor').transaction({ body: bundle })) as Json;
  assert.equal(response.entry.length, bundle.entry.length);
  assert.equal(recordCount() - before, bundle.entry.length);

  const encounterAt = response.entry.find((e: Json) => e.response.location.startsWith('Encounter/'));
  // The patient reads their own record back (the doctor would need their consent).
  const encounter = (await client('patient').read({
    resourceType: 'Encounter',
    id: encounterAt.response.location.split('/')[1],
  })) as Json;
  const [organisationSearch] = [...searches.values()].filter((s) => s.startsWith('Organization?'));
  const syntheaOrganisationId = organisationSearch!.split('|')[1]!;
  assert.equal(
    encounter.serviceProvider.reference,
    `Organization/${organisationIds.get(syntheaOrganisationId)}`,
    'the search was replaced by the id this server gave the hospital',
  );
  const individual = encounter.participant[0].individual.reference as string;
  assert.match(individual, /^Practitioner\/[A-Za-z0-9\-.]+$/);
});

test('a conditional reference that matches nothing fails the whole transaction, and nothing is stored', async () => {
  const { bundle } = patientBundleByConditionalReferences();
  const text = JSON.stringify(bundle).replace(
    /Practitioner\?identifier=http:\/\/hl7\.org\/fhir\/sid\/us-npi\|\d+/g,
    'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|no-such-npi',
  );
  const before = recordCount();
  const { status, data } = await refused(client('doctor').transaction({ body: JSON.parse(text) }));
  assert.equal(status, 404);
  assert.equal(data.resourceType, 'OperationOutcome');
  assert.match(JSON.stringify(data.issue), /conditional reference matches no resource/);
  assert.equal(recordCount(), before);
});

test('conditional searches over patients, empty searches and callers who may not write are refused', async () => {
  const observation = {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'heart rate' },
    subject: { reference: 'Patient?identifier=urn:mrn|123' },
  };
  const byPatient = await refused(
    client('doctor').transaction({
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: observation, request: { method: 'POST', url: 'Observation' } }],
      },
    }),
  );
  assert.equal(byPatient.status, 400);
  assert.match(JSON.stringify(byPatient.data.issue), /not supported for Patient/);

  const everything = await refused(
    client('doctor').transaction({
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Organization', name: 'Any' },
            request: { method: 'POST', url: 'Organization', ifNoneExist: '_count=5' },
          },
        ],
      },
    }),
  );
  assert.equal(everything.status, 400);
  assert.match(JSON.stringify(everything.data.issue), /at least one search parameter/);

  // The clinic's nurse writes nothing at the hospital, so she looks nothing up there either.
  const organisations = await directoryCount('Organization');
  const outsider = await refused(
    client('nurse').transaction({ body: withIfNoneExist('hospitalInformation') }),
  );
  assert.equal(outsider.status, 403);
  assert.equal(await directoryCount('Organization'), organisations);
});

test('a single create with If-None-Exist answers the match with 200, and creates nothing', async () => {
  const hospital = synthea('hospitalInformation').entry[0].resource;
  const before = await directoryCount('Organization');
  const response = await fetch(`${testNode.url}/fhir/R4/Organization`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${testNode.tokens.doctor}`,
      'content-type': 'application/fhir+json',
      'if-none-exist': `identifier=${tokenOf(hospital)}`,
    },
    body: JSON.stringify(hospital),
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as Json;
  assert.equal(body.id, organisationIds.get(hospital.id));
  assert.equal(await directoryCount('Organization'), before);

  const fresh = await fetch(`${testNode.url}/fhir/R4/Organization`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${testNode.tokens.doctor}`,
      'content-type': 'application/fhir+json',
      'if-none-exist': 'identifier=urn:example:org|new-one',
    },
    body: JSON.stringify({
      resourceType: 'Organization',
      identifier: [{ system: 'urn:example:org', value: 'new-one' }],
      name: 'New clinic',
    }),
  });
  assert.equal(fresh.status, 201);
  assert.equal(await directoryCount('Organization'), before + 1);
});
