// One patient, two custodians (issue 13), on real node processes: the hospital imports a Synthea patient
// and the clinic writes its own records about the same pseudonym. Patient/$everything, asked through
// fhir-kit-client at either node, fans out to the other custodian, which decides by its own consent check
// and commits its own access event; the patient's own $everything (their timeline) shows both
// institutions. The fan-out carries the caller's own signed delegation: without one, the other custodian
// refuses and the answer says whose records are missing. Erasure by the patient shreds both copies.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Client } from 'fhir-kit-client';
import { toHex } from '../../src/core/bytes.ts';
import { PRACTITIONER_SCOPES_DEFAULT } from '../../src/api/auth/practitioner-login.ts';
import { scopesOf } from '../../src/services/auth/scopes.ts';
import { organisationGrant } from '../harness/fhir-client.ts';
import { waitFor } from '../harness/http.ts';
import { issuerOf, patientToken, requestErasureOfAll, type Staff } from '../harness/network.ts';
import {
  accessLogOf,
  CLINIC,
  fhirCall,
  HOSPITAL,
  recordsNetworkForTests,
  writeAsSecondCustodian,
} from '../harness/records-network.ts';

type Json = any; // FHIR Bundles as the client returns them

let physician: Staff;
let nurse: Staff;
/** `Type/id` of what the clinic wrote. */
let clinicWrote: string[];

const records = recordsNetworkForTests(
  'carechain-custodians-',
  [HOSPITAL, CLINIC],
  { hospital: ['physician'], clinic: ['nurse'] },
  { basePolicy: 'treatment-relationship' },
  async (started) => {
    [physician, nurse] = started.staff as [Staff, Staff];
    // The clinic becomes the patient's second custodian: its own Patient and an Observation about them.
    clinicWrote = await writeAsSecondCustodian(started, nurse);
  },
);

const fhirAt = (org: string, token: string) =>
  new Client({ baseUrl: `${records.network.url(org)}/fhir/R4`, bearerToken: token });

/** Patient/{id}/$everything through fhir-kit-client; the Bundle's resources as `Type/id`, and its outcome. */
async function everything(org: string, token: string, id?: string) {
  const bundle = (await fhirAt(org, token).operation({
    name: '$everything',
    resourceType: 'Patient',
    ...(id === undefined ? {} : { id }),
    method: 'GET',
  })) as Json;
  assert.equal(bundle.type, 'searchset');
  const matches = bundle.entry.filter((e: Json) => e.search.mode === 'match');
  const outcome = bundle.entry.find((e: Json) => e.search.mode === 'outcome')?.resource;
  return { locations: matches.map((e: Json) => `${e.resource.resourceType}/${e.resource.id}`), outcome };
}

const hospitalHolds = () => records.locations.filter((l) => !/^(Organization|Practitioner)\//.test(l));
const sorted = (list: readonly string[]) => [...list].sort();

test('each custodian decides its own share of $everything, then both are returned at either node', async () => {
  // Under treatment-relationship each institution's clinician gets its own records; the other
  // custodian has no consent to go by, so it refuses its share (and logs the refusal).
  const before = await everything('hospital', physician.token, records.patientId);
  assert.deepEqual(sorted(before.locations), sorted(hospitalHolds()));
  assert.match(before.outcome.issue[0].diagnostics, /clinic/);
  const fromClinic = await everything('clinic', nurse.token, clinicWrote[0]!.split('/')[1]);
  assert.deepEqual(sorted(fromClinic.locations), sorted(clinicWrote));
  assert.match(fromClinic.outcome.issue[0].diagnostics, /hospital/);

  // The patient consents to both institutions reading everything for treatment.
  for (const orgId of ['hospital', 'clinic']) {
    const grant = organisationGrant(toHex(new Uint8Array(randomBytes(32))), orgId, ['*'], ['read']);
    await records.network.commit(records.network.url('hospital'), records.patient, 'consent.grant', grant);
  }
  const both = sorted([...hospitalHolds(), ...clinicWrote]);
  // A node a block behind the consent answers as before it: wait for both to have it.
  for (const [org, who] of [
    ['hospital', physician],
    ['clinic', nurse],
  ] as const) {
    let answer: Awaited<ReturnType<typeof everything>> | undefined;
    await waitFor(async () => {
      answer = await everything(org, who.token, records.patientId);
      return answer.outcome === undefined;
    }, 30_000);
    assert.deepEqual(sorted(answer!.locations), both, `$everything at ${org}`);
  }

  // Every share was logged by the custodian that released it, under the patient's pseudonym.
  const log = await accessLogOf(records);
  const granted = (requester: string, custodian: string) =>
    log.some((e) => e.requester === requester && e.custodianOrgId === custodian && e.outcome === 'granted');
  for (const custodian of ['hospital', 'clinic']) {
    assert.ok(granted(physician.key.publicKey, custodian), `physician at ${custodian}`);
    assert.ok(granted(nurse.key.publicKey, custodian), `nurse at ${custodian}`);
  }
  assert.ok(
    log.some(
      (e) =>
        e.requester === physician.key.publicKey &&
        e.custodianOrgId === 'clinic' &&
        e.outcome === 'denied' &&
        e.records.length === 0,
    ),
    'the clinic logged its refusal before the consent, naming no record',
  );
});

test('the patient’s own $everything (their timeline) shows both institutions, with their signed delegation', async () => {
  const both = sorted([...hospitalHolds(), ...clinicWrote]);
  const mine = await everything('hospital', records.patientToken);
  assert.equal(mine.outcome, undefined);
  assert.deepEqual(sorted(mine.locations), both);
  // Named by either custodian's Patient id, the same.
  assert.deepEqual(
    sorted((await everything('hospital', records.patientToken, clinicWrote[0]!.split('/')[1])).locations),
    both,
  );

  // A token without the patient's own delegation reads what its node holds; the clinic refuses the rest.
  const undelegated = await patientToken(records.network, 'hospital', records.patient, false);
  const partial = await everything('hospital', undelegated);
  assert.deepEqual(sorted(partial.locations), sorted(hospitalHolds()));
  assert.match(partial.outcome.issue[0].diagnostics, /clinic.*403/);
  // A practitioner token the node issued without their signed delegation: the clinic refuses its share.
  const issuer = await issuerOf(records.network.dir('hospital'), records.network.url('hospital'));
  const undelegatedStaff = (
    await issuer.issue({
      subject: physician.key.publicKey,
      kind: 'practitioner',
      orgId: 'hospital',
      scopes: scopesOf(PRACTITIONER_SCOPES_DEFAULT),
    })
  ).accessToken;
  const noProof = await everything('hospital', undelegatedStaff, records.patientId);
  assert.deepEqual(sorted(noProof.locations), sorted(hospitalHolds()));
  assert.match(noProof.outcome.issue[0].diagnostics, /clinic.*403/);
});

test('erasure by the patient shreds both custodians’ copies: reads fail at both afterwards', async () => {
  const erasure = await requestErasureOfAll(
    records.network,
    records.network.url('hospital'),
    records.patient,
    records.patientToken,
  );
  assert.ok(erasure.status < 300, JSON.stringify(erasure.body));
  const observation = hospitalHolds().find((l) => l.startsWith('Observation/'))!;
  for (const [org, who, location] of [
    ['hospital', physician, observation],
    ['clinic', nurse, clinicWrote[1]!],
  ] as const) {
    await waitFor(
      async () =>
        (await fhirCall(records.network.url(org), who.token).get(`/fhir/R4/${location}`)).status === 410,
      60_000,
    );
  }
  // Read across nodes too: neither custodian releases a shredded record to anyone.
  const crossHospital = await fhirCall(records.network.url('clinic'), nurse.token).get(
    `/fhir/R4/${observation}`,
  );
  const crossClinic = await fhirCall(records.network.url('hospital'), physician.token).get(
    `/fhir/R4/${clinicWrote[1]!}`,
  );
  assert.equal(crossHospital.status, 410, JSON.stringify(crossHospital.body));
  assert.equal(crossClinic.status, 410, JSON.stringify(crossClinic.body));
  const after = await everything('hospital', records.patientToken);
  assert.deepEqual(after.locations, []);
});
