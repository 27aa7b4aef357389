// Finding 12 (issue 10): any practitioner of the custodian, in any role, could create or overwrite any
// patient's records; the writer was not on chain (the node key signs); consent's `write` action was
// never checked. On a real network (a hospital holding an imported Synthea patient and a clinic, each
// its own node process), through the FHIR API:
//   - the hospital's privacy officer may neither create nor overwrite the patient's records (403);
//   - the hospital physician's write commits a registration that names the physician;
//   - the clinic, which is not the patient's custodian, writes about the patient only once the patient
//     grants it `write`, and its registration names its physician.
// Before the fix the privacy officer's create was answered 201 and no registration named a writer, so
// this test failed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { toHex } from '../../src/core/bytes.ts';
import { heartRateObservation, organisationGrant } from '../harness/fhir-client.ts';
import { waitFor } from '../harness/http.ts';
import {
  CLINIC,
  fhirCall,
  HOSPITAL,
  recordsNetworkForTests,
  registrationOf,
} from '../harness/records-network.ts';

const records = recordsNetworkForTests('carechain-finding12-', [HOSPITAL, CLINIC], {
  hospital: ['physician', 'privacy-officer'],
  clinic: ['physician'],
});

const hospitalPhysician = () => records.staff[0]!;
const privacyOfficer = () => records.staff[1]!;
const clinicPhysician = () => records.staff[2]!;

const observation = heartRateObservation;

test('the custodian’s privacy officer may neither create nor overwrite a patient’s records', async () => {
  const officer = privacyOfficer();
  const fhir = fhirCall(officer.apiUrl, officer.token);
  const created = await fhir.post('/fhir/R4/Observation', observation(records.patientId));
  assert.equal(created.status, 403, JSON.stringify(created.body).slice(0, 300));
  assert.match(JSON.stringify(created.body), /records\.not_clinical/);
  const id = records.locations.find((l) => l.startsWith('Observation/'))!.split('/')[1]!;
  const overwrite = await fhir.put(`/fhir/R4/Observation/${id}`, { ...observation(records.patientId), id });
  assert.equal(overwrite.status, 403, JSON.stringify(overwrite.body).slice(0, 300));
});

test('a physician’s write is registered naming the physician who wrote it', async () => {
  const physician = hospitalPhysician();
  const created = await fhirCall(physician.apiUrl, physician.token).post(
    '/fhir/R4/Observation',
    observation(records.patientId),
  );
  assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 300));
  const tx = await registrationOf(physician.apiUrl, created.body.id);
  assert.equal(tx.payload.practitioner, physician.key.publicKey);
});

test('another custodian writes about the patient only under the patient’s write consent', async () => {
  const clinician = clinicPhysician();
  const fhir = fhirCall(clinician.apiUrl, clinician.token);
  // The clinic's own Patient resource for the patient, which its later records refer to.
  const patient = {
    resourceType: 'Patient',
    identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: records.pseudonym }],
  };
  const refused = await fhir.post('/fhir/R4/Patient', patient);
  assert.equal(refused.status, 403, JSON.stringify(refused.body).slice(0, 300));
  assert.match(JSON.stringify(refused.body), /records\.no_write_consent/);

  const grant = organisationGrant(
    toHex(new Uint8Array(randomBytes(32))),
    'clinic',
    ['Observation', 'Patient'],
    ['write'],
  );
  await records.network.commit(records.network.url('hospital'), records.patient, 'consent.grant', grant);
  // The clinic's node may be a block behind the grant: retry while it still refuses.
  let created = refused;
  await waitFor(async () => {
    created = await fhir.post('/fhir/R4/Patient', patient);
    return created.status !== 403;
  }, 10_000);
  assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 300));
  const heart = await fhir.post('/fhir/R4/Observation', observation(created.body.id));
  assert.equal(heart.status, 201, JSON.stringify(heart.body).slice(0, 300));
  const tx = await registrationOf(clinician.apiUrl, heart.body.id);
  assert.equal(tx.payload.practitioner, clinician.key.publicKey);
  assert.equal(tx.payload.custodianOrgId, 'clinic');
});
