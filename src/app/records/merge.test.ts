// records.merge (HL7 ADT^A40): the custodian merges a prior Patient record into a surviving one; the
// chain keeps which replaced which, when and on whose word, and refuses anything but two live Patient
// records of the custodian, each merged once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergedInto } from './merge.ts';
import {
  bobPseudonym,
  clinicNode,
  doctor,
  hospitalNode,
  nurse,
  privacyOfficer,
  recordId,
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
