import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeTx, signTx } from '../../core/tx.ts';
import { TX_BYTES_MAX } from '../../core/limits.ts';
import { chainId } from '../test-support.ts';
import { accessLog, breakGlassEvents } from './queries.ts';
import { accessEvent } from './store.ts';
import {
  accessPayload as accessPayloadOf,
  alice,
  bobPseudonym,
  breakGlass,
  clinicAdmin,
  clinicNode,
  consentId,
  doctor,
  eventId,
  granted,
  grantPayload,
  hospitalNode,
  nurse,
  pseudonym,
  recordId,
  registerRecord,
  setup,
  stranger,
  submitAccess,
  withRecord,
} from './test-fixtures.ts';

const page = { offset: 0, limit: 100 };

test('without consent a granted event is refused, and the matching denial is committed and logged', () => {
  const chain = withRecord();
  assert.equal(submitAccess(chain, 1, granted([])), 'tx.rejected:records.decision_mismatch');
  assert.equal(submitAccess(chain, 1, granted([consentId(1)])), 'tx.rejected:records.decision_mismatch');
  // A denial must say why truthfully too.
  assert.equal(
    submitAccess(chain, 1, { reasonCode: 'consent.denied' }),
    'tx.rejected:records.decision_mismatch',
  );
  assert.equal(submitAccess(chain, 1), 'ok');
  const log = accessLog(chain.state, pseudonym, page);
  assert.equal(log.total, 1);
  const [entry] = log.items;
  assert.equal(entry?.outcome, 'denied');
  assert.equal(entry?.reasonCode, 'consent.none');
  assert.equal(entry?.isBreakGlass, false);
  assert.equal(entry?.custodianOrgId, 'st-mary');
  assert.equal(entry?.requesterRole, 'nurse');
  assert.deepEqual(entry?.records, [{ recordId: recordId(1), version: 1, resourceType: 'Observation' }]);
  assert.equal(entry?.height, chain.height);
  assert.equal(breakGlassEvents(chain.state, 'st-mary', page).total, 0);
});

test('with a grant the granted event is accepted, naming the consent; a denial is then refused', () => {
  const chain = withRecord();
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload(1)), 'ok');
  // The grant is in force from its own block, so an event in the same block may already rely on it.
  assert.equal(submitAccess(chain, 1), 'tx.rejected:records.decision_mismatch');
  assert.equal(submitAccess(chain, 1, granted([])), 'tx.rejected:records.decision_mismatch'); // must cite it
  assert.equal(submitAccess(chain, 1, granted([consentId(1)])), 'ok');
  assert.deepEqual(accessEvent(chain.state, 'st-mary', eventId(1))?.consentIds, [consentId(1)]);
  // The grant covers reads of Observations for treatment by Riverside, and nothing else.
  assert.equal(submitAccess(chain, 2, { purpose: 'HRESCH' }), 'ok');
  assert.equal(submitAccess(chain, 3, { action: 'write' }), 'ok');
  assert.equal(submitAccess(chain, 4, { requester: doctor.key, requesterOrgId: 'st-mary' }), 'ok');
  assert.equal(accessLog(chain.state, pseudonym, page).total, 4);
});

test('from the block that commits a revocation, granted is refused again', () => {
  const chain = withRecord();
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload(1)), 'ok');
  chain.commit();
  assert.equal(submitAccess(chain, 1, granted([consentId(1)])), 'ok');
  chain.commit();
  assert.equal(chain.submit(alice, 'consent.revoke', { consentId: consentId(1) }), 'ok');
  assert.equal(submitAccess(chain, 2, granted([consentId(1)])), 'tx.rejected:records.decision_mismatch');
  assert.equal(submitAccess(chain, 2), 'ok');
  chain.commit();
  assert.equal(submitAccess(chain, 3, granted([consentId(1)])), 'tx.rejected:records.decision_mismatch');
  const log = accessLog(chain.state, pseudonym, page).items;
  assert.deepEqual(
    log.map((e) => [e.eventId, e.outcome]),
    [
      [eventId(2), 'denied'],
      [eventId(1), 'granted'],
    ],
  ); // newest first
});

test('a deny provision decides as consent.denied and is cited', () => {
  const chain = withRecord();
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload(1)), 'ok');
  const deny = grantPayload(2, { provision: 'deny', grantee: { kind: 'practitioner', key: nurse.key } });
  assert.equal(chain.submit(alice, 'consent.grant', deny), 'ok');
  assert.equal(submitAccess(chain, 1, granted([consentId(1)])), 'tx.rejected:records.decision_mismatch');
  assert.equal(submitAccess(chain, 1), 'tx.rejected:records.decision_mismatch');
  assert.equal(submitAccess(chain, 1, { reasonCode: 'consent.denied', consentIds: [consentId(2)] }), 'ok');
});

test('one event covers many records; consent must decide all their types alike', () => {
  const chain = setup();
  registerRecord(chain, 1);
  registerRecord(chain, 2, { versions: 2 });
  registerRecord(chain, 3, { resourceType: 'Condition' });
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload(1)), 'ok');
  chain.commit();
  const observations = [
    { recordId: recordId(2), version: 1 },
    { recordId: recordId(1), version: 1 },
    { recordId: recordId(2), version: 2 },
  ];
  assert.equal(submitAccess(chain, 1, { records: observations, ...granted([consentId(1)]) }), 'ok');
  // Stored sorted by (recordId, version).
  assert.deepEqual(
    accessEvent(chain.state, 'st-mary', eventId(1))?.records.map((r) => [r.recordId, r.version]),
    [
      [recordId(1), 1],
      [recordId(2), 1],
      [recordId(2), 2],
    ],
  );
  const mixed = [...observations, { recordId: recordId(3), version: 1 }];
  const both = { records: mixed, resourceTypes: ['Condition', 'Observation'] };
  assert.equal(
    submitAccess(chain, 2, { ...both, ...granted([consentId(1)]) }),
    'tx.rejected:records.mixed_decision',
  );
  assert.equal(submitAccess(chain, 2, both), 'tx.rejected:records.mixed_decision');
  // The types must be exactly the listed records' types.
  assert.equal(submitAccess(chain, 2, { records: mixed }), 'tx.rejected:records.resource_types_mismatch');
  const condition = { records: [{ recordId: recordId(3), version: 1 }] };
  assert.equal(submitAccess(chain, 2, condition), 'tx.rejected:records.resource_types_mismatch');
  assert.equal(submitAccess(chain, 2, { ...condition, resourceTypes: ['Condition'] }), 'ok');
  const repeat = [observations[0], observations[0]];
  assert.equal(submitAccess(chain, 3, { records: repeat }), 'tx.invalid_payload');
  assert.equal(submitAccess(chain, 3, { resourceTypes: [] }), 'tx.invalid_payload');
  assert.equal(
    submitAccess(chain, 3, { resourceTypes: ['Observation', 'Observation'] }),
    'tx.invalid_payload',
  );
  assert.equal(submitAccess(chain, 3, { resourceTypes: ['NotAType'] }), 'tx.invalid_payload');
});

test('decided before looking: a denial may name the patient and the types without any record', () => {
  const chain = withRecord();
  const typesOnly = { records: [], resourceTypes: ['Condition', 'Observation'] };
  assert.equal(submitAccess(chain, 1, typesOnly), 'ok');
  const event = accessEvent(chain.state, 'st-mary', eventId(1));
  assert.deepEqual(event?.records, []);
  assert.deepEqual(event?.resourceTypes, ['Condition', 'Observation']);
  assert.equal(event?.reasonCode, 'consent.none');
  // A grant releases records, so it must list them; break-glass must name the record it opens.
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload(1)), 'ok');
  chain.commit();
  const observations = { records: [], resourceTypes: ['Observation'] };
  assert.equal(submitAccess(chain, 2, observations), 'tx.rejected:records.decision_mismatch');
  assert.equal(
    submitAccess(chain, 2, { ...observations, ...granted([consentId(1)]) }),
    'tx.rejected:records.grant_without_records',
  );
  const glass = {
    purpose: 'ETREAT',
    breakGlass: breakGlass(),
    outcome: 'granted',
    reasonCode: 'break-glass',
  };
  assert.equal(submitAccess(chain, 3, { ...observations, ...glass }), 'tx.invalid_payload');
});

test('only the custodian’s node commits events, about its own records of that patient', () => {
  const chain = withRecord();
  registerRecord(chain, 2, { patient: bobPseudonym });
  for (const signer of [doctor, nurse, clinicAdmin, alice]) {
    assert.equal(submitAccess(chain, 1, {}, signer), 'tx.rejected:records.not_node');
  }
  assert.equal(submitAccess(chain, 1, {}, clinicNode), 'tx.rejected:records.other_custodian');
  assert.equal(
    submitAccess(chain, 1, { records: [{ recordId: recordId(2), version: 1 }] }),
    'tx.rejected:records.other_patient',
  );
  assert.equal(
    submitAccess(chain, 1, { records: [{ recordId: recordId(9), version: 1 }] }),
    'tx.rejected:records.unknown_record',
  );
  assert.equal(
    submitAccess(chain, 1, { records: [{ recordId: recordId(1), version: 2 }] }),
    'tx.rejected:records.unknown_version',
  );
  assert.equal(submitAccess(chain, 1), 'ok');
  assert.equal(submitAccess(chain, 1), 'tx.rejected:records.duplicate_event');
});

test('a requester who is not an active practitioner can only be logged as denied', () => {
  const chain = withRecord();
  assert.equal(
    chain.submit(
      alice,
      'consent.grant',
      grantPayload(1, { grantee: { kind: 'practitioner', key: nurse.key } }),
    ),
    'ok',
  );
  const asStranger = { requester: stranger.key };
  assert.equal(
    submitAccess(chain, 1, { ...asStranger, ...granted([consentId(1)]) }),
    'tx.rejected:records.decision_mismatch',
  );
  assert.equal(submitAccess(chain, 1, asStranger), 'tx.rejected:records.decision_mismatch');
  assert.equal(submitAccess(chain, 1, { ...asStranger, reasonCode: 'requester.not_practitioner' }), 'ok');
  assert.equal(
    submitAccess(chain, 2, {
      ...asStranger,
      requesterOrgId: 'nowhere',
      reasonCode: 'requester.not_practitioner',
    }),
    'tx.rejected:records.unknown_org',
  );
  // A practitioner's organisation is on chain and must be the one named.
  assert.equal(
    submitAccess(chain, 2, { requesterOrgId: 'st-mary' }),
    'tx.rejected:records.requester_org_mismatch',
  );
  assert.equal(
    chain.submit(clinicAdmin, 'membership.suspendPractitioner', { practitionerKey: nurse.key }),
    'ok',
  );
  assert.equal(submitAccess(chain, 2, granted([consentId(1)])), 'tx.rejected:records.decision_mismatch');
  assert.equal(submitAccess(chain, 2, { reasonCode: 'requester.suspended' }), 'ok');
  assert.equal(accessLog(chain.state, pseudonym, page).items[0]?.requesterRole, 'nurse');
});

test('malformed events are invalid payloads', () => {
  const chain = withRecord();
  const cases: object[] = [
    { eventId: 'search-123' },
    { purpose: 'MARKETING' },
    { action: 'delete' },
    { outcome: 'maybe' },
    { reasonCode: 'because the doctor said so' },
    { consentIds: [consentId(1), consentId(1)] },
    { breakGlass: { reasonCommitment: consentId(1), reason: 'unconscious in ER' } },
    { breakGlass: 'unconscious' },
    { records: [{ recordId: recordId(1), version: 1, display: 'HbA1c' }] },
    { query: 'Observation?code=4548-4' },
  ];
  for (const overrides of cases) {
    assert.equal(submitAccess(chain, 1, overrides), 'tx.invalid_payload', JSON.stringify(overrides));
  }
  assert.equal(accessLog(chain.state, pseudonym, page).total, 0);
});

test('an event listing 600 records fits in one tx (TX_BYTES_MAX is the tighter bound)', () => {
  const records = Array.from({ length: 600 }, (_, i) => ({ recordId: recordId(i + 1), version: 999 }));
  const payload = accessPayloadOf(1, { records, consentIds: [consentId(1), consentId(2)] });
  const tx = signTx(hospitalNode.seed, {
    chainId,
    type: 'records.access',
    payload: payload as never,
    nonce: 1,
  });
  assert.ok(encodeTx(tx).length <= TX_BYTES_MAX, `${encodeTx(tx).length} bytes`);
});
