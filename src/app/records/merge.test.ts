// records.merge (HL7 ADT^A40): the custodian merges a prior Patient record into a surviving one; the
// chain keeps which replaced which, when and on whose word, and refuses anything but two live Patient
// records of the custodian, each merged once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergedInto } from './merge.ts';
import {
  alice,
  bob,
  bobPseudonym,
  clinicNode,
  consentId,
  grantPayload,
  doctor,
  hospitalNode,
  nurse,
  privacyOfficer,
  pseudonym,
  recordId,
  registerPayload,
  registerRecord,
  setup,
} from './test-fixtures.ts';

/** Two Patient records at St Mary (1 and 2) and an Observation (3). */
function withPatients() {
  const chain = setup();
  registerRecord(chain, 1, { resourceType: 'Patient' });
  registerRecord(chain, 2, { resourceType: 'Patient', patient: bobPseudonym });
  registerRecord(chain, 3);
  return chain;
}

const merge = (from: number, into: number, o: object = {}) => ({
  custodianOrgId: 'st-mary',
  practitioner: doctor.key,
  fromRecordId: recordId(from),
  intoRecordId: recordId(into),
  ...o,
});

test('the custodian’s node merges a prior Patient record into a surviving one, on its physician’s word', () => {
  const chain = withPatients();
  assert.equal(mergedInto(chain.state, recordId(1)), undefined);
  assert.equal(chain.submit(hospitalNode, 'records.merge', merge(1, 2)), 'ok');
  assert.deepEqual(mergedInto(chain.state, recordId(1)), {
    intoRecordId: recordId(2),
    practitioner: doctor.key,
    height: 2,
    timeMs: mergedInto(chain.state, recordId(1))!.timeMs,
    txHash: chain.lastTxHash,
  });
  assert.equal(mergedInto(chain.state, recordId(2)), undefined);
  // Merged once: not again, not as a survivor, and nothing into it.
  assert.equal(chain.submit(hospitalNode, 'records.merge', merge(1, 2)), 'tx.rejected:records.not_mergeable');
  assert.equal(chain.submit(hospitalNode, 'records.merge', merge(2, 1)), 'tx.rejected:records.not_mergeable');
});

test('refused: another custodian’s node, an unknown or non-Patient record, itself, a non-clinical word', () => {
  const chain = withPatients();
  const cases: [typeof hospitalNode, string, object][] = [
    [clinicNode, 'tx.rejected:records.not_custodian', merge(1, 2)],
    [hospitalNode, 'tx.rejected:records.unknown_record', merge(1, 9)],
    [hospitalNode, 'tx.rejected:records.not_mergeable', merge(1, 3)],
    [hospitalNode, 'tx.invalid_payload', merge(1, 1)],
    [hospitalNode, 'tx.rejected:records.not_clinical', merge(1, 2, { practitioner: privacyOfficer.key })],
    [hospitalNode, 'tx.rejected:records.not_custodian', merge(1, 2, { practitioner: nurse.key })],
    [hospitalNode, 'tx.invalid_payload', { ...merge(1, 2), note: 'Alice Example' }],
  ];
  for (const [signer, outcome, payload] of cases) {
    assert.equal(chain.submit(signer, 'records.merge', payload), outcome, JSON.stringify(payload));
  }
  assert.equal(mergedInto(chain.state, recordId(1)), undefined);
});

test('the writer must be able to write both patients: a revoked write consent bars merging the prior one away', () => {
  const chain = setup();
  // Riverside holds a Patient record each for Alice (1) and Bob (2), under their write consents.
  const writePatient = (n: number) =>
    grantPayload(n, { resourceTypes: ['Patient'], actions: ['write'], purposes: ['TREAT'] });
  assert.equal(chain.submit(alice, 'consent.grant', writePatient(1)), 'ok');
  assert.equal(chain.submit(bob, 'consent.grant', writePatient(2)), 'ok');
  const atRiverside = (n: number, patientPseudonym: string) =>
    registerPayload(n, 1, {
      resourceType: 'Patient',
      patientPseudonym,
      custodianOrgId: 'riverside',
      practitioner: nurse.key,
    });
  assert.equal(chain.submit(clinicNode, 'records.register', atRiverside(1, pseudonym)), 'ok');
  assert.equal(chain.submit(clinicNode, 'records.register', atRiverside(2, bobPseudonym)), 'ok');
  // Alice withdraws Riverside's right to write about her: her record may not be folded into Bob's
  // (the surviving patient's consent alone is not enough), nor Bob's into hers.
  assert.equal(chain.submit(alice, 'consent.revoke', { consentId: consentId(1) }), 'ok');
  const byNurse = (from: number, into: number) =>
    merge(from, into, { custodianOrgId: 'riverside', practitioner: nurse.key });
  assert.equal(
    chain.submit(clinicNode, 'records.merge', byNurse(1, 2)),
    'tx.rejected:records.no_write_consent',
  );
  assert.equal(
    chain.submit(clinicNode, 'records.merge', byNurse(2, 1)),
    'tx.rejected:records.no_write_consent',
  );
  assert.equal(mergedInto(chain.state, recordId(1)), undefined);
  // With both consents in force the same merge goes through.
  assert.equal(chain.submit(alice, 'consent.grant', writePatient(3)), 'ok');
  assert.equal(chain.submit(clinicNode, 'records.merge', byNurse(1, 2)), 'ok');
  assert.equal(mergedInto(chain.state, recordId(1))?.intoRecordId, recordId(2));
});
