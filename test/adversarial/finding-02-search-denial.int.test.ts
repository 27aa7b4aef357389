// Finding 2 (issue 10): search matched before it decided consent, and the committed denial listed the
// records that matched. Two searches without consent, one for a code the patient has and one for a code
// they do not, both answered 403, but the public ledger told them apart. On a real two-node network (a
// hospital holding an imported Synthea patient, a clinic whose physician searches through the clinic's
// node), both denials must now be the same committed payload but for the event id, naming the patient
// and the type and no record. Before the fix the first listed the matching Observations and the second
// every Observation of the patient, so this test failed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { toHex } from '../../src/core/bytes.ts';
import { observationReadGrant } from '../harness/fhir-client.ts';
import {
  accessLogOf,
  CLINIC,
  committedTx,
  fhirCall,
  HOSPITAL,
  recordsNetworkForTests,
} from '../harness/records-network.ts';

const records = recordsNetworkForTests('carechain-finding02-', [HOSPITAL, CLINIC], {
  hospital: ['physician'],
  clinic: ['physician'],
});

/** A code one of the imported Observations carries, as a search token `system|code`. */
function presentCode(): string {
  const observation = records.bundle.entry
    .map((e: any) => e.resource)
    .find((r: any) => r.resourceType === 'Observation' && r.code?.coding?.[0]?.code !== undefined);
  const coding = observation.code.coding[0];
  return `${coding.system}|${coding.code}`;
}
const ABSENT_CODE = 'http://loinc.org|0000-0';

const clinicSearch = (code: string) => {
  const clinician = records.staff[1]!;
  const query = new URLSearchParams({ subject: `Patient/${records.patientId}`, code });
  return fhirCall(clinician.apiUrl, clinician.token).get(`/fhir/R4/Observation?${query.toString()}`);
};

test('two refused searches, a code present and a code absent, leave the same committed denial', async () => {
  const before = (await accessLogOf(records)).length;
  const present = await clinicSearch(presentCode());
  const absent = await clinicSearch(ABSENT_CODE);
  assert.equal(present.status, 403, JSON.stringify(present.body));
  assert.equal(absent.status, 403, JSON.stringify(absent.body));

  const log = await accessLogOf(records);
  assert.equal(log.length, before + 2, 'one committed denial per search');
  const [second, first] = log;
  const payloads = await Promise.all(
    [first, second].map(async (entry) => {
      const tx = await committedTx(records.network.url('clinic'), entry.txHash);
      assert.equal(tx.type, 'records.access');
      const { eventId, ...rest } = tx.payload;
      assert.match(eventId, /^[0-9a-f]{64}$/);
      return rest;
    }),
  );
  // Byte for byte the same but for the fresh event id: the ledger cannot tell the two queries apart.
  assert.equal(JSON.stringify(payloads[0]), JSON.stringify(payloads[1]));
  assert.deepEqual(payloads[0].records, []);
  assert.deepEqual(payloads[0].resourceTypes, ['Observation']);
  assert.equal(payloads[0].patientPseudonym, records.pseudonym);
  assert.equal(payloads[0].outcome, 'denied');
  assert.equal(payloads[0].reasonCode, 'consent.none');
});

test('with consent, the same two searches differ in what they release, and only the hits are logged', async () => {
  const grant = observationReadGrant(toHex(new Uint8Array(randomBytes(32))));
  await records.network.commit(records.network.url('hospital'), records.patient, 'consent.grant', grant);
  const present = await clinicSearch(presentCode());
  assert.equal(present.status, 200, JSON.stringify(present.body).slice(0, 300));
  assert.ok(present.body.entry.length > 0, 'the present code matches');
  const absent = await clinicSearch(ABSENT_CODE);
  assert.equal(absent.status, 200);
  assert.equal(absent.body.entry?.length ?? 0, 0);
  const [latest] = await accessLogOf(records);
  assert.equal(latest.outcome, 'granted');
  assert.deepEqual(
    latest.records.map((r: any) => r.recordId).sort(),
    present.body.entry.map((e: any) => e.resource.id).sort(),
  );
});
