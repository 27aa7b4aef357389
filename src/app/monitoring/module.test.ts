// The monitoring module through the real BlockExecutor: device registration, binding under the
// patient's consent, batch commitments (signed, bound, never replayed), escalation clocks, and the
// billing fact with its codes, proofs and cross-organisation flag, and the access events of reads of
// readings. Every refusal writes nothing (TestChain checks it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patientPseudonym } from '../membership/pseudonym.ts';
import {
  alice,
  alicePseudonym,
  clinicAdmin,
  doctor,
  hospitalAdmin,
  hospitalNode,
  nurse,
  party,
  registerPractitioner,
  type Party,
  TestChain,
} from '../test-support.ts';
import { monitoringAccessLog } from './access.ts';
import { batchSummary, readingProof, verifyReadingProof } from './batch.ts';
import { DAY_MS, dayEvidence, utcDay, verifyBillingDecision } from './billing.ts';
import { committedDays } from './billing-facts.ts';
import { readStateValue } from '../state.ts';
import {
  batchKey,
  billingKey,
  readDevice,
  readEscalation,
  type BatchRecord,
  type BillingRecord,
} from './keys.ts';
import {
  chainWithBoundDevice,
  commitBatch,
  minute,
  oximeter,
  registerPayload,
  testDevice,
  transmit,
  type TestDevice,
} from './test-fixtures.ts';

test('a care organisation registers a device; only the patient binds it, and only organisations register', () => {
  const chain = new TestChain();
  assert.equal(chain.submit(alice, 'membership.registerPatient', {}), 'ok');
  assert.equal(
    chain.submit(alice, 'monitoring.registerDevice', registerPayload(oximeter)),
    'tx.rejected:monitoring.not_org',
  );
  assert.equal(chain.submit(hospitalNode, 'monitoring.registerDevice', registerPayload(oximeter)), 'ok');
  assert.equal(
    chain.submit(hospitalAdmin, 'monitoring.registerDevice', registerPayload(oximeter)),
    'tx.rejected:monitoring.device_exists',
  );
  const badId = { ...registerPayload(testDevice(2)), systemId: '74E8FFFEFF051C02' };
  assert.equal(chain.submit(hospitalNode, 'monitoring.registerDevice', badId), 'tx.invalid_payload');
  assert.equal(
    chain.submit(hospitalNode, 'monitoring.bindDevice', { systemId: oximeter.systemId }),
    'tx.rejected:monitoring.not_patient',
  );
  assert.equal(chain.submit(alice, 'monitoring.bindDevice', { systemId: oximeter.systemId }), 'ok');
  assert.equal(
    chain.submit(alice, 'monitoring.bindDevice', { systemId: oximeter.systemId }),
    'tx.rejected:monitoring.device_bound',
  );
  const device = readDevice(chain.state, oximeter.systemId)!;
  assert.deepEqual([device.orgId, device.patient, device.status], ['st-mary', alicePseudonym, 'active']);
  assert.equal(
    chain.submit(clinicAdmin, 'monitoring.revokeDevice', { systemId: oximeter.systemId }),
    'tx.rejected:monitoring.not_device_org',
  );
  assert.equal(
    chain.submit(party('stranger'), 'monitoring.unbindDevice', { systemId: oximeter.systemId }),
    'tx.rejected:monitoring.not_bound_patient',
  );
  assert.equal(chain.submit(alice, 'monitoring.unbindDevice', { systemId: oximeter.systemId }), 'ok');
  assert.equal(readDevice(chain.state, oximeter.systemId)!.patient, null);
});

test('a batch signed by the bound device or its gateway is committed once; replayed, forged, unbound and revoked are refused', () => {
  const chain = chainWithBoundDevice();
  const start = minute(chain);
  const batch = { periodStartMs: start, patient: alicePseudonym };
  assert.equal(
    commitBatch(chain, hospitalNode, oximeter, { ...batch, signer: party('forger') }),
    'tx.rejected:monitoring.bad_batch_signature',
  );
  assert.equal(
    commitBatch(chain, hospitalNode, oximeter, { ...batch, patient: patientPseudonym(party('bob').key) }),
    'tx.rejected:monitoring.bad_batch_signature',
  );
  assert.equal(commitBatch(chain, clinicAdmin, oximeter, batch), 'tx.rejected:monitoring.not_device_org');
  assert.equal(commitBatch(chain, hospitalNode, oximeter, batch), 'ok');
  assert.equal(commitBatch(chain, hospitalNode, oximeter, batch), 'tx.rejected:monitoring.batch_replayed');
  assert.equal(
    commitBatch(chain, hospitalNode, oximeter, { ...batch, periodStartMs: start - 60_000 }),
    'tx.rejected:monitoring.batch_replayed',
  );
  assert.equal(
    readStateValue<BatchRecord>(chain.state, batchKey(oximeter.systemId, start))?.patient,
    alicePseudonym,
  );
  chain.advance(60_000);
  const next = { periodStartMs: minute(chain), patient: alicePseudonym, signedBy: 'gateway' as const };
  assert.equal(
    commitBatch(chain, hospitalNode, oximeter, { ...next, periodStartMs: minute(chain) + 60_000 }),
    'tx.rejected:monitoring.period_out_of_binding',
  );
  assert.equal(commitBatch(chain, hospitalNode, oximeter, { ...next, periodMs: 7000 }), 'tx.invalid_payload');
  assert.equal(chain.submit(alice, 'monitoring.unbindDevice', { systemId: oximeter.systemId }), 'ok');
  assert.equal(commitBatch(chain, hospitalNode, oximeter, next), 'tx.rejected:monitoring.device_unbound');
  assert.equal(chain.submit(alice, 'monitoring.bindDevice', { systemId: oximeter.systemId }), 'ok');
  assert.equal(chain.submit(hospitalNode, 'monitoring.revokeDevice', { systemId: oximeter.systemId }), 'ok');
  assert.equal(commitBatch(chain, hospitalNode, oximeter, next), 'tx.rejected:monitoring.device_revoked');
  assert.equal(
    readStateValue<BatchRecord>(chain.state, batchKey(oximeter.systemId, next.periodStartMs)),
    undefined,
  );
});

test('a reading is proved included in the batch committed on chain, and a changed reading is not', () => {
  const chain = chainWithBoundDevice();
  const start = minute(chain);
  const readings = Array.from({ length: 12 }, (_, i) => ({
    id: `spo2-${i}`,
    code: '150456',
    value: `${95 + (i % 4)}`,
    unit: '%',
    timeMs: start + i * 5000,
  }));
  const summary = batchSummary(readings, start);
  const batch = { periodStartMs: start, patient: alicePseudonym, root: summary.root, count: summary.count };
  assert.equal(commitBatch(chain, hospitalNode, oximeter, batch), 'ok');
  chain.commit();
  const committed = readStateValue<BatchRecord>(chain.state, batchKey(oximeter.systemId, start))!;
  const onChain = {
    periodStartMs: start,
    periodMs: committed.periodMs,
    root: committed.root,
    count: committed.count,
  };
  const proof = readingProof(readings, readings[7]!, start);
  assert.ok(verifyReadingProof(readings[7]!, proof, onChain));
  assert.equal(verifyReadingProof({ ...readings[7]!, value: '80' }, proof, onChain), false);
});

test('an escalation opened at medium or high risk is acknowledged once by the care team, with its response time', () => {
  const chain = chainWithBoundDevice();
  registerPractitioner(chain, hospitalAdmin, doctor, 'st-mary', 'physician');
  registerPractitioner(chain, clinicAdmin, nurse, 'riverside', 'nurse');
  const id = 'e1'.repeat(32);
  const open = (score: number, risk: string) =>
    chain.submit(hospitalNode, 'monitoring.openEscalation', {
      escalationId: id,
      systemId: oximeter.systemId,
      score,
      risk,
    });
  assert.equal(open(4, 'medium'), 'tx.invalid_payload', 'a score below 5 is not medium');
  assert.equal(open(6, 'high'), 'tx.invalid_payload', 'a score below 7 is not high');
  assert.equal(open(7, 'high'), 'ok');
  assert.equal(open(7, 'high'), 'tx.rejected:monitoring.escalation_exists');
  const openedAtMs = chain.timeMs;
  chain.advance(40 * 60_000);
  assert.equal(
    chain.submit(nurse, 'monitoring.ackEscalation', { escalationId: id }),
    'tx.rejected:monitoring.not_care_team',
  );
  assert.equal(chain.submit(doctor, 'monitoring.ackEscalation', { escalationId: id }), 'ok');
  assert.equal(
    chain.submit(doctor, 'monitoring.ackEscalation', { escalationId: id }),
    'tx.rejected:monitoring.escalation_acked',
  );
  const record = readEscalation(chain.state, id)!;
  assert.deepEqual(
    [record.patient, record.ackedBy, record.responseMs, record.late],
    [alicePseudonym, doctor.key, chain.timeMs - openedAtMs, true],
  );
});

test('billing: 16 days give 99454 and 15 give 99445 with verifying proofs; a second organisation and a second device are flagged', () => {
  const chain = chainWithBoundDevice();
  const clinicDevice = testDevice(2);
  const secondDevice = testDevice(3);
  assert.equal(chain.submit(clinicAdmin, 'monitoring.registerDevice', registerPayload(clinicDevice)), 'ok');
  assert.equal(chain.submit(hospitalNode, 'monitoring.registerDevice', registerPayload(secondDevice)), 'ok');
  assert.equal(chain.submit(alice, 'monitoring.bindDevice', { systemId: clinicDevice.systemId }), 'ok');
  assert.equal(chain.submit(alice, 'monitoring.bindDevice', { systemId: secondDevice.systemId }), 'ok');
  const periodStartMs = (utcDay(chain.timeMs) + 1) * DAY_MS;
  const everyOther = (n: number) => Array.from({ length: n }, (_, i) => 2 * i);
  transmit(chain, periodStartMs, [
    { custodian: hospitalNode, device: oximeter, days: [...everyOther(15), 29] }, // 16 days, spread out
    { custodian: clinicAdmin, device: clinicDevice, days: everyOther(15) }, // 15 days
    { custodian: hospitalNode, device: secondDevice, days: [3, 4] },
  ]);
  const record = (custodian: Party, d: TestDevice) =>
    chain.submit(custodian, 'monitoring.recordBilling', {
      systemId: d.systemId,
      patient: alicePseudonym,
      periodStartMs,
    });
  assert.equal(record(hospitalNode, oximeter), 'tx.rejected:monitoring.period_open');
  chain.advance(periodStartMs + 30 * DAY_MS - chain.timeMs);
  assert.equal(record(hospitalNode, oximeter), 'ok');
  assert.equal(record(hospitalNode, oximeter), 'tx.rejected:monitoring.billing_exists');
  assert.equal(record(clinicAdmin, oximeter), 'tx.rejected:monitoring.not_device_org');
  assert.equal(record(clinicAdmin, clinicDevice), 'ok');
  assert.equal(record(hospitalNode, secondDevice), 'ok');
  const expected = [
    [oximeter, 16, '99454', []],
    [clinicDevice, 15, '99445', ['another-organisation']],
    [secondDevice, 2, '99445', ['another-organisation', 'second-device']],
  ] as const;
  for (const [d, daysWithData, decision, flags] of expected) {
    const fact = readStateValue<BillingRecord>(chain.state, billingKey(d.systemId, periodStartMs))!;
    assert.deepEqual([fact.daysWithTransmission, fact.decision, fact.flags], [daysWithData, decision, flags]);
    const days = committedDays(chain.state, d.systemId, alicePseudonym, periodStartMs);
    const evidence = days.map((day) => dayEvidence(periodStartMs, days, day.day));
    const claimed = { ...fact, periodStartMs };
    assert.ok(verifyBillingDecision(claimed, evidence), `${d.systemId} proves ${decision}`);
    assert.equal(
      verifyBillingDecision({ ...claimed, decision: '99454', daysWithTransmission: 16 }, evidence),
      decision === '99454',
    );
  }
});

test('the device’s node logs a staff read of committed batches; the patient lists it; every other event is refused', () => {
  const chain = chainWithBoundDevice();
  registerPractitioner(chain, hospitalAdmin, doctor, 'st-mary', 'physician');
  registerPractitioner(chain, clinicAdmin, nurse, 'riverside', 'nurse');
  const first = minute(chain);
  assert.equal(
    commitBatch(chain, hospitalNode, oximeter, { periodStartMs: first, patient: alicePseudonym }),
    'ok',
  );
  chain.advance(60_000);
  const second = minute(chain);
  assert.equal(
    commitBatch(chain, hospitalNode, oximeter, { periodStartMs: second, patient: alicePseudonym }),
    'ok',
  );
  chain.commit();

  const event = (n: number, changes: Record<string, unknown> = {}) => ({
    eventId: n.toString(16).padStart(64, '0'),
    requester: doctor.key,
    systemId: oximeter.systemId,
    patient: alicePseudonym,
    firstPeriodStartMs: first,
    lastPeriodStartMs: second,
    ...changes,
  });
  const log = (signer = hospitalNode, payload = event(1)) =>
    chain.submit(signer, 'monitoring.logAccess', payload);

  const refused: [string, string][] = [
    [log(hospitalAdmin), 'tx.rejected:monitoring.not_org'],
    [log(clinicAdmin), 'tx.rejected:monitoring.not_org'],
    [log(hospitalNode, event(1, { requester: nurse.key })), 'tx.rejected:monitoring.not_staff'],
    [log(hospitalNode, event(1, { requester: party('stranger').key })), 'tx.rejected:monitoring.not_staff'],
    [
      log(hospitalNode, event(1, { patient: patientPseudonym(party('bob').key) })),
      'tx.rejected:monitoring.unknown_batch',
    ],
    [
      log(hospitalNode, event(1, { lastPeriodStartMs: second + 60_000 })),
      'tx.rejected:monitoring.unknown_batch',
    ],
    [
      log(hospitalNode, event(1, { firstPeriodStartMs: second, lastPeriodStartMs: first })),
      'tx.rejected:monitoring.unknown_batch',
    ],
    [log(hospitalNode, event(1, { systemId: '74e8fffeff051cff' })), 'tx.rejected:monitoring.unknown_device'],
    [log(hospitalNode, event(1, { requester: 'zz' })), 'tx.invalid_payload'],
  ];
  for (const [outcome, expected] of refused) assert.equal(outcome, expected);
  assert.equal(monitoringAccessLog(chain.state, alicePseudonym, { offset: 0, limit: 10 }).total, 0);

  assert.equal(log(), 'ok');
  assert.equal(log(), 'tx.rejected:monitoring.access_exists');
  chain.commit();
  assert.equal(log(hospitalNode, event(2, { lastPeriodStartMs: first })), 'ok');
  // A suspended practitioner is no longer released anything, so no event may name them.
  assert.equal(
    chain.submit(hospitalAdmin, 'membership.suspendPractitioner', { practitionerKey: doctor.key }),
    'ok',
  );
  assert.equal(log(hospitalNode, event(3)), 'tx.rejected:monitoring.not_staff');
  chain.commit();

  const listed = monitoringAccessLog(chain.state, alicePseudonym, { offset: 0, limit: 10 });
  assert.equal(listed.total, 2);
  const [newest, oldest] = listed.items;
  assert.deepEqual([newest!.eventId, newest!.lastPeriodStartMs], [event(2).eventId, first]);
  assert.deepEqual([oldest!.eventId, oldest!.lastPeriodStartMs], [event(1).eventId, second]);
  for (const e of listed.items) {
    assert.deepEqual(
      [e.orgId, e.requester, e.requesterRole, e.firstPeriodStartMs],
      ['st-mary', doctor.key, 'physician', first],
    );
  }
  assert.equal(
    monitoringAccessLog(chain.state, patientPseudonym(party('bob').key), { offset: 0, limit: 10 }).total,
    0,
  );
});
