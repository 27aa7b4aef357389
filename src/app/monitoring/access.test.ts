// monitoring.logAccess through the real BlockExecutor: the custodian's node logs a practitioner's read of
// a device's readings, naming committed batches of the patient; the patient's log lists it newest first.
// Every refusal writes nothing (TestChain checks it): another signer than the device's node, a requester
// who is not active staff of the device's organisation, a range whose ends are not that patient's
// batches, and an event id used twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patientPseudonym } from '../membership/pseudonym.ts';
import {
  alicePseudonym,
  clinicAdmin,
  doctor,
  hospitalAdmin,
  hospitalNode,
  nurse,
  party,
  registerPractitioner,
} from '../test-support.ts';
import { monitoringAccessLog } from './access.ts';
import { chainWithBoundDevice, commitBatch, minute, oximeter } from './test-fixtures.ts';

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
  assert.deepEqual(
    listed.items.map((e) => [
      e.eventId,
      e.orgId,
      e.requester,
      e.requesterRole,
      e.firstPeriodStartMs,
      e.lastPeriodStartMs,
    ]),
    [
      [event(2).eventId, 'st-mary', doctor.key, 'physician', first, first],
      [event(1).eventId, 'st-mary', doctor.key, 'physician', first, second],
    ],
  );
  assert.equal(
    monitoringAccessLog(chain.state, patientPseudonym(party('bob').key), { offset: 0, limit: 10 }).total,
    0,
  );
});
