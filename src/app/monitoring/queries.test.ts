// An organisation's monitoring lists over state the real executor wrote: the devices it registered
// (oldest first, each as it is now) and the escalations it opened (newest first); another organisation's
// are not in them, and a refused registration adds nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alicePseudonym, clinicAdmin, hospitalNode } from '../test-support.ts';
import { orgDevices, orgEscalations } from './queries.ts';
import { chainWithBoundDevice, oximeter, registerPayload, testDevice } from './test-fixtures.ts';

test('an organisation lists the devices it registered and the escalations it opened, and only those', () => {
  const chain = chainWithBoundDevice();
  const second = testDevice(2);
  assert.equal(chain.submit(hospitalNode, 'monitoring.registerDevice', registerPayload(second)), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'monitoring.registerDevice', registerPayload(second)),
    'tx.rejected:monitoring.device_exists',
  );
  assert.equal(chain.submit(clinicAdmin, 'monitoring.registerDevice', registerPayload(testDevice(3))), 'ok');
  const open = (n: number, score: number, risk: string) =>
    chain.submit(hospitalNode, 'monitoring.openEscalation', {
      escalationId: n.toString(16).padStart(64, '0'),
      systemId: oximeter.systemId,
      score,
      risk,
    });
  assert.equal(open(1, 5, 'medium'), 'ok');
  chain.commit();
  assert.equal(open(2, 8, 'high'), 'ok');
  chain.commit();

  const page = { offset: 0, limit: 10 };
  const devices = orgDevices(chain.state, 'st-mary', page);
  assert.deepEqual(
    [devices.total, devices.items.map((d) => [d.systemId, d.patient])],
    [
      2,
      [
        [oximeter.systemId, alicePseudonym],
        [second.systemId, null],
      ],
    ],
  );
  assert.deepEqual(
    orgDevices(chain.state, 'riverside', page).items.map((d) => d.systemId),
    [testDevice(3).systemId],
  );
  const escalations = orgEscalations(chain.state, 'st-mary', page);
  assert.deepEqual(
    escalations.items.map((e) => [e.escalationId.slice(-1), e.risk, e.patient]),
    [
      ['2', 'high', alicePseudonym],
      ['1', 'medium', alicePseudonym],
    ],
  );
  assert.equal(orgEscalations(chain.state, 'riverside', page).total, 0);
  assert.deepEqual(orgDevices(chain.state, 'st-mary', { offset: 1, limit: 1 }).items.length, 1);
});
