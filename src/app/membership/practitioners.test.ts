import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clinicAdmin, hospitalAdmin, hospitalNode, party, TestChain } from '../test-support.ts';
import { actorOf, practitioner } from './queries.ts';

const doctor = party('dr who');
const register = (chain: TestChain, signer = hospitalAdmin, payload: object = {}) =>
  chain.submit(signer, 'membership.registerPractitioner', {
    orgId: 'st-mary',
    practitionerKey: doctor.key,
    role: 'physician',
    ...payload,
  });

test('an organisation admin registers a practitioner with a role', () => {
  const chain = new TestChain();
  assert.equal(register(chain), 'ok');
  assert.deepEqual(practitioner(chain.state, doctor.key), {
    orgId: 'st-mary',
    role: 'physician',
    status: 'active',
  });
  assert.deepEqual(actorOf(chain.state, doctor.key), {
    kind: 'practitioner',
    orgId: 'st-mary',
    role: 'physician',
    status: 'active',
  });
  assert.equal(register(chain), 'tx.rejected:membership.key_in_use');
  // One key, one purpose: an admin or node key cannot also be a practitioner.
  assert.equal(
    register(chain, hospitalAdmin, { practitionerKey: hospitalNode.key }),
    'tx.rejected:membership.key_in_use',
  );
});

test('only the admin of that organisation may register, with a known role and a usable key', () => {
  const chain = new TestChain();
  assert.equal(register(chain, clinicAdmin), 'tx.rejected:membership.not_admin');
  assert.equal(register(chain, hospitalNode), 'tx.rejected:membership.not_admin');
  assert.equal(register(chain, party('stranger')), 'tx.rejected:membership.not_admin');
  assert.equal(register(chain, hospitalAdmin, { orgId: 'nowhere' }), 'tx.rejected:membership.unknown_org');
  assert.equal(register(chain, hospitalAdmin, { role: 'surgeon-general' }), 'tx.invalid_payload');
  assert.equal(register(chain, hospitalAdmin, { practitionerKey: 'AB'.repeat(32) }), 'tx.invalid_payload');
  // The identity point: a key nobody can sign with would name a practitioner who can never act.
  assert.equal(
    register(chain, hospitalAdmin, { practitionerKey: '01' + '00'.repeat(31) }),
    'tx.invalid_payload',
  );
  assert.equal(register(chain, hospitalAdmin, { name: 'Dr Who' }), 'tx.invalid_payload');
  assert.equal(chain.submit(hospitalAdmin, 'membership.registerPractitioner', null), 'tx.invalid_payload');
  assert.equal(practitioner(chain.state, doctor.key), undefined);
});

test('the admin suspends and reinstates a practitioner, once each way', () => {
  const chain = new TestChain();
  assert.equal(register(chain), 'ok');
  chain.commit();
  const suspend = (signer = hospitalAdmin, key = doctor.key) =>
    chain.submit(signer, 'membership.suspendPractitioner', { practitionerKey: key });
  const reinstate = (signer = hospitalAdmin) =>
    chain.submit(signer, 'membership.reinstatePractitioner', { practitionerKey: doctor.key });

  assert.equal(suspend(clinicAdmin), 'tx.rejected:membership.not_admin');
  assert.equal(suspend(doctor), 'tx.rejected:membership.not_admin');
  assert.equal(suspend(hospitalAdmin, party('ghost').key), 'tx.rejected:membership.unknown_practitioner');
  assert.equal(reinstate(), 'tx.rejected:membership.not_suspended');
  assert.equal(suspend(), 'ok');
  assert.equal(practitioner(chain.state, doctor.key)?.status, 'suspended');
  assert.equal(suspend(), 'tx.rejected:membership.already_suspended');
  assert.equal(reinstate(clinicAdmin), 'tx.rejected:membership.not_admin');
  chain.commit();
  assert.equal(reinstate(), 'ok');
  assert.equal(practitioner(chain.state, doctor.key)?.status, 'active');
});
