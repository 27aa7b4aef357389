// The billing-fact answer over state the real executor wrote (issue 18 §5, Done-when "Billing facts"): a
// scripted month with 16 days of data answers CPT 99454 with 16 day proofs, one with 15 days 99445 with
// all 30, both verifying against the committed root, and neither holding anything of a reading; a
// patient sees only their own facts, and an unknown period is the same 'unknown' as someone else's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY_MS, utcDay, verifyBillingDecision } from '../../app/monitoring/billing.ts';
import {
  chainWithBoundDevice,
  oximeter,
  registerPayload,
  testDevice,
  transmit,
} from '../../app/monitoring/test-fixtures.ts';
import { patientPseudonym } from '../../app/membership/pseudonym.ts';
import { alice, alicePseudonym, clinicAdmin, hospitalNode, party } from '../../app/test-support.ts';
import type { Caller } from '../auth/caller.ts';
import { billingFactAnswer } from './billing.ts';

const staff = (orgId: string): Caller => ({
  kind: 'practitioner',
  publicKey: party(`staff of ${orgId}`).key,
  orgId,
  role: 'physician',
  scopes: [],
  context: 'user',
});
const patient = (pseudonym: string): Caller => ({
  kind: 'patient',
  publicKey: party(pseudonym).key,
  pseudonym,
  scopes: [],
  context: 'patient',
});

test('billing facts: 16 days prove 99454 with 16 day proofs, 15 days prove 99445 with all 30; for staff and the patient only', () => {
  const chain = chainWithBoundDevice();
  const clinicDevice = testDevice(2);
  assert.equal(chain.submit(clinicAdmin, 'monitoring.registerDevice', registerPayload(clinicDevice)), 'ok');
  assert.equal(chain.submit(alice, 'monitoring.bindDevice', { systemId: clinicDevice.systemId }), 'ok');
  const periodStartMs = (utcDay(chain.timeMs) + 1) * DAY_MS;
  const days = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
  transmit(chain, periodStartMs, [
    { custodian: hospitalNode, device: oximeter, days: days(16, 7) },
    { custodian: clinicAdmin, device: clinicDevice, days: days(15) },
  ]);
  chain.advance(periodStartMs + 30 * DAY_MS - chain.timeMs);
  for (const [custodian, d] of [
    [hospitalNode, oximeter],
    [clinicAdmin, clinicDevice],
  ] as const) {
    const payload = { systemId: d.systemId, patient: alicePseudonym, periodStartMs };
    assert.equal(chain.submit(custodian, 'monitoring.recordBilling', payload), 'ok');
  }
  chain.commit();

  const full = billingFactAnswer(chain.state, staff('riverside'), oximeter.systemId, periodStartMs);
  assert.deepEqual(
    [full.fact.decision, full.fact.daysWithTransmission, full.evidence.length],
    ['99454', 16, 16],
  );
  assert.ok(full.evidence.every((e) => e.day.batches > 0));
  assert.ok(verifyBillingDecision(full.fact, full.evidence));
  // Fifteen of the sixteen days do not prove the code: the proof can fail.
  assert.equal(verifyBillingDecision(full.fact, full.evidence.slice(1)), false);

  const short = billingFactAnswer(chain.state, patient(alicePseudonym), clinicDevice.systemId, periodStartMs);
  assert.deepEqual(
    [short.fact.decision, short.fact.daysWithTransmission, short.fact.flags, short.evidence.length],
    ['99445', 15, ['another-organisation'], 30],
  );
  assert.ok(verifyBillingDecision(short.fact, short.evidence));
  const claimedFull = { ...short.fact, decision: '99454' as const, daysWithTransmission: 16 };
  assert.equal(verifyBillingDecision(claimedFull, short.evidence), false);

  // Nothing of a reading: each day is a count and a digest of batch roots.
  for (const { day } of [...full.evidence, ...short.evidence]) {
    assert.deepEqual(Object.keys(day).sort(), ['batchRootsDigest', 'batches', 'day']);
  }
  const unknown = (who: Caller, start = periodStartMs) => {
    assert.throws(() => billingFactAnswer(chain.state, who, oximeter.systemId, start), {
      code: 'monitoring.unknown_billing',
    });
  };
  unknown(patient(patientPseudonym(party('bob').key)));
  unknown(staff('st-mary'), periodStartMs + DAY_MS);
});
