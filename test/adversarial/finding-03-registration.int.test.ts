// Finding 3 (issue 10): anyone could register records about anyone. Any active practitioner of any
// organisation could sign record heads and versions for any patient: about 26 junk batches made that
// patient's search fail at every custodian (the scan cap counted the patient's records network-wide),
// and a junk next version of a real record broke its reads. On a real network (a hospital holding an
// imported Synthea patient, a clinic and a distributor, each its own node process), signed txs sent to
// the public tx intake:
//   - a distributor admin's junk batch about the patient is refused at commit, as sent before the fix
//     and in today's format (records.not_clinical);
//   - a clinic physician's batch about a patient in the hospital's care, without the patient's write
//     consent, is refused (records.no_write_consent);
//   - a junk next version of a real record by the hospital's own privacy officer is refused;
//   - the patient's records, search and reads are as the import left them.
// Before the fix the distributor's batch and the privacy officer's version were committed, so this test
// failed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { KeyPair } from '../../src/node/keys.ts';
import type { Staff } from '../harness/network.ts';
import {
  CLINIC,
  DISTRIBUTOR,
  fhirCall,
  HOSPITAL,
  recordsNetworkForTests,
} from '../harness/records-network.ts';

const records = recordsNetworkForTests('carechain-finding03-', [HOSPITAL, CLINIC, DISTRIBUTOR], {
  hospital: ['physician', 'privacy-officer'],
  clinic: ['physician'],
  distributor: ['admin'],
});

const privacyOfficer = () => records.staff[1]!;
const clinicPhysician = () => records.staff[2]!;
const distributorAdmin = () => records.staff[3]!;
const hex32 = () => randomBytes(32).toString('hex');

/** Registrations of fresh junk records about the patient, held by `custodian`. */
const junk = (custodian: string, count: number) =>
  Array.from({ length: count }, () => ({
    recordId: hex32(),
    version: 1,
    resourceType: 'Observation',
    patientPseudonym: records.pseudonym,
    custodianOrgId: custodian,
    commitment: hex32(),
  }));

/** Signs with the staff member's own key and sends it to their node's public tx intake. */
async function refusal(who: Staff | KeyPair, type: string, payload: object): Promise<string> {
  const key = 'key' in who ? who.key : who;
  const at = 'apiUrl' in who ? who.apiUrl : records.network.url('hospital');
  try {
    await records.network.commit(at, key, type, payload as never);
  } catch (err) {
    return String((err as Error).message);
  }
  assert.fail(`${type} was committed`);
}

async function patientSearch(): Promise<any> {
  const query = `subject=Patient/${records.patientId}&_count=100`;
  const answer = await fhirCall(records.network.url('hospital'), records.patientToken).get(
    `/fhir/R4/Observation?${query}`,
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
  return answer.body;
}

test('another organisation’s junk registrations about the patient are refused at commit', async () => {
  const before = (await patientSearch()).total;
  const admin = distributorAdmin();
  // As the finding's attack was sent: a batch signed by the distributor's admin, custodian itself.
  const asBefore = await refusal(admin, 'records.registerBatch', { registrations: junk('distributor', 100) });
  assert.match(asBefore, /refused \(4\d\d\)/);
  // In today's format, naming the admin as the writer: not clinical staff.
  const named = { practitioner: admin.key.publicKey, registrations: junk('distributor', 100) };
  assert.match(await refusal(admin, 'records.registerBatch', named), /records\.not_clinical/);
  // A clinician of another custodian needs the patient's write consent.
  const clinician = clinicPhysician();
  const atClinic = { practitioner: clinician.key.publicKey, registrations: junk('clinic', 100) };
  assert.match(await refusal(clinician, 'records.registerBatch', atClinic), /records\.no_write_consent/);
  // The patient's own search at the custodian is as the import left it.
  assert.equal((await patientSearch()).total, before);
});

test('a junk next version of a real record is refused, and the record still reads', async () => {
  const id = records.locations.find((l) => l.startsWith('Observation/'))!.split('/')[1]!;
  const officer = privacyOfficer();
  const next = {
    recordId: id,
    version: 2,
    resourceType: 'Observation',
    patientPseudonym: records.pseudonym,
    custodianOrgId: 'hospital',
    commitment: hex32(),
  };
  assert.match(await refusal(officer, 'records.register', next), /refused \(4\d\d\)/);
  const named = { practitioner: officer.key.publicKey, ...next };
  assert.match(await refusal(officer, 'records.register', named), /records\.not_clinical/);
  const read = await fhirCall(records.network.url('hospital'), records.patientToken).get(
    `/fhir/R4/Observation/${id}`,
  );
  assert.equal(read.status, 200, JSON.stringify(read.body).slice(0, 300));
  assert.equal(read.body.meta.versionId, '1');
});
