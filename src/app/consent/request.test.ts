import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signTx, txHash } from '../../core/tx.ts';
import { lastNonce } from '../executor.ts';
import { chainId, hospitalAdmin, party } from '../test-support.ts';
import { evaluateAccess } from './evaluate.ts';
import { consentRecord, consentRequest, consentRequestsOf, consentsOf } from './store.ts';
import { alice, doctor, grantPayload, guardian, id, nurse, pseudonym, setup } from './test-fixtures.ts';
import { requestPayload } from './test-fixtures.ts';

function doctorReadsObservation(chain: ReturnType<typeof setup>): string {
  return evaluateAccess(consentsOf(chain.state, pseudonym), {
    patientPseudonym: pseudonym,
    requester: { key: doctor.key, orgId: 'st-mary', role: 'physician' },
    resourceType: 'Observation',
    purpose: 'TREAT',
    action: 'read',
    atMs: chain.timeMs,
    atHeight: chain.height,
  }).reason;
}

test('a practitioner asks, the patient approves, and the approval is a grant to that practitioner', () => {
  const chain = setup();
  assert.equal(chain.submit(doctor, 'consent.request', requestPayload()), 'ok');
  const pending = consentRequest(chain.state, pseudonym, id(7));
  assert.equal(pending?.status, 'pending');
  assert.deepEqual(pending?.requester, { key: doctor.key, orgId: 'st-mary', role: 'physician' });
  assert.equal(pending?.reasonCode, 'referral');
  assert.equal(doctorReadsObservation(chain), 'consent.none'); // asking is not having
  chain.commit();

  assert.equal(chain.submit(alice, 'consent.respond', { requestId: id(7), decision: 'approve' }), 'ok');
  const answered = consentRequest(chain.state, pseudonym, id(7));
  assert.equal(answered?.status, 'approved');
  assert.equal(answered?.consentId, chain.lastTxHash);
  assert.equal(answered?.respondedAtHeight, chain.height);
  const grant = consentRecord(chain.state, pseudonym, chain.lastTxHash);
  assert.deepEqual(grant?.grantee, { kind: 'practitioner', key: doctor.key });
  assert.equal(grant?.provision, 'permit');
  assert.equal(grant?.requestId, id(7));
  assert.deepEqual(grant?.resourceTypes, ['Observation']);
  assert.equal(doctorReadsObservation(chain), 'consent.permit');
  assert.equal(
    chain.submit(alice, 'consent.respond', { requestId: id(7), decision: 'decline' }),
    'tx.rejected:consent.request_closed',
  );
});

test('a declined request grants nothing; a proxy may answer', () => {
  const chain = setup();
  assert.equal(chain.submit(doctor, 'consent.request', requestPayload()), 'ok');
  assert.equal(chain.submit(guardian, 'consent.respond', { requestId: id(7), decision: 'decline' }), 'ok');
  assert.equal(consentRequest(chain.state, pseudonym, id(7))?.status, 'declined');
  assert.equal(consentRequest(chain.state, pseudonym, id(7))?.respondedBy, guardian.key);
  assert.deepEqual(consentsOf(chain.state, pseudonym), []);
});

test('only an active practitioner may ask, and only a registered patient', () => {
  const chain = setup();
  for (const signer of [alice, hospitalAdmin, party('stranger')]) {
    assert.equal(
      chain.submit(signer, 'consent.request', requestPayload()),
      'tx.rejected:consent.not_practitioner',
    );
  }
  assert.equal(
    chain.submit(doctor, 'consent.request', requestPayload({ patientPseudonym: id(99) })),
    'tx.rejected:consent.unknown_patient',
  );
  assert.equal(
    chain.submit(hospitalAdmin, 'membership.suspendPractitioner', { practitionerKey: doctor.key }),
    'ok',
  );
  assert.equal(
    chain.submit(doctor, 'consent.request', requestPayload()),
    'tx.rejected:consent.practitioner_suspended',
  );
  assert.equal(chain.submit(nurse, 'consent.request', requestPayload()), 'ok');
  assert.equal(
    chain.submit(nurse, 'consent.request', requestPayload()),
    'tx.rejected:consent.duplicate_request',
  );
});

test('requests carry codes, never free text', () => {
  const chain = setup();
  const cases: object[] = [
    { reasonCode: 'patient has chest pain' },
    { reasonCode: 'I20.9' },
    { note: 'please' },
    { requestId: 'req-1' },
    { resourceTypes: ['Labs'] },
  ];
  for (const overrides of cases) {
    assert.equal(chain.submit(doctor, 'consent.request', requestPayload(overrides)), 'tx.invalid_payload');
  }
  const { reasonCode: _omitted, ...withoutReason } = requestPayload() as Record<string, unknown>;
  assert.equal(chain.submit(doctor, 'consent.request', withoutReason), 'ok');
  assert.equal(consentRequest(chain.state, pseudonym, id(7))?.reasonCode, null);
});

test('only the patient or a proxy answers, and only their own requests', () => {
  const chain = setup();
  assert.equal(chain.submit(doctor, 'consent.request', requestPayload()), 'ok');
  const respond = (signer = alice, payload: object = { requestId: id(7), decision: 'approve' }) =>
    chain.submit(signer, 'consent.respond', payload);
  assert.equal(respond(doctor), 'tx.rejected:consent.not_patient');
  assert.equal(
    respond(alice, { requestId: id(8), decision: 'approve' }),
    'tx.rejected:consent.unknown_request',
  );
  assert.equal(respond(alice, { requestId: id(7), decision: 'maybe' }), 'tx.invalid_payload');
  const bob = party('bob');
  assert.equal(chain.submit(bob, 'membership.registerPatient', {}), 'ok');
  assert.equal(respond(bob), 'tx.rejected:consent.unknown_request');
});

test('an approval that cannot be recorded fails whole and leaves the request pending', () => {
  const chain = setup();
  assert.equal(chain.submit(doctor, 'consent.request', requestPayload()), 'ok');
  // Foresee the approval's tx hash (its consent id) and take that id first with a grant.
  const approve = { requestId: id(7), decision: 'approve' };
  const nonce = lastNonce(chain.state, alice.key) + 2;
  const approvalHash = txHash(
    signTx(alice.seed, { chainId, type: 'consent.respond', payload: approve, nonce }),
  );
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload({ consentId: approvalHash })), 'ok');
  assert.equal(chain.submit(alice, 'consent.respond', approve), 'tx.rejected:consent.duplicate_id');
  assert.equal(consentRequest(chain.state, pseudonym, id(7))?.status, 'pending');
  assert.equal(consentsOf(chain.state, pseudonym).length, 1);
});

test('requests are listed per patient, oldest first, in pages', () => {
  const chain = setup();
  for (let n = 1; n <= 5; n++) {
    assert.equal(chain.submit(doctor, 'consent.request', requestPayload({ requestId: id(n) })), 'ok');
  }
  const page = consentRequestsOf(chain.state, pseudonym, { offset: 1, limit: 2 });
  assert.equal(page.total, 5);
  assert.deepEqual(
    page.requests.map((r) => r.requestId),
    [id(2), id(3)],
  );
  assert.equal(consentRequestsOf(chain.state, pseudonym, { offset: 4, limit: 10 }).requests.length, 1);
  assert.equal(consentRequestsOf(chain.state, id(99), { offset: 0, limit: 10 }).total, 0);
});
