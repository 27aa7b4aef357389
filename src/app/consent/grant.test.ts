import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hospitalAdmin, party } from '../test-support.ts';
import {
  activeConsents,
  consentRecord,
  consentsOf,
  CONSENTS_PER_PATIENT_MAX,
  unrevokedConsents,
} from './store.ts';
import {
  alice,
  doctor,
  grantPayload,
  guardian,
  id,
  nurse,
  nurseReads,
  pseudonym,
  setup,
} from './test-fixtures.ts';

test('the patient grants an organisation access, recorded with its height', () => {
  const chain = setup();
  assert.equal(nurseReads(chain), 'consent.none');
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload()), 'ok');
  const record = consentRecord(chain.state, pseudonym, id(1));
  assert.equal(record?.height, 2);
  assert.equal(record?.grantedBy, alice.key);
  assert.equal(record?.revokedAtHeight, null);
  assert.deepEqual(record?.resourceTypes, ['Condition', 'Observation']); // sorted: one set, one encoding
  assert.equal(nurseReads(chain), 'consent.permit');
  assert.equal(nurseReads(chain, 1), 'consent.none'); // not in force before the block that committed it
  assert.equal(nurseReads(chain, chain.height, 'MedicationRequest'), 'consent.none');
  assert.equal(activeConsents(chain.state, pseudonym).length, 1);
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload()), 'tx.rejected:consent.duplicate_id');
});

test('an appointed proxy may grant and revoke; nobody else may', () => {
  const chain = setup();
  assert.equal(chain.submit(guardian, 'consent.grant', grantPayload()), 'ok');
  assert.equal(consentRecord(chain.state, pseudonym, id(1))?.grantedBy, guardian.key);
  for (const signer of [doctor, nurse, hospitalAdmin, party('stranger')]) {
    assert.equal(
      chain.submit(signer, 'consent.grant', grantPayload({ consentId: id(2) })),
      'tx.rejected:consent.not_patient',
    );
    assert.equal(
      chain.submit(signer, 'consent.revoke', { consentId: id(1) }),
      'tx.rejected:consent.not_patient',
    );
  }
  assert.equal(chain.submit(alice, 'membership.revokeProxy', { proxyKey: guardian.key }), 'ok');
  assert.equal(
    chain.submit(guardian, 'consent.grant', grantPayload({ consentId: id(2) })),
    'tx.rejected:consent.not_patient',
  );
});

test('consent ids are per patient, so another patient cannot take or touch one', () => {
  const chain = setup();
  const bob = party('bob');
  assert.equal(chain.submit(bob, 'membership.registerPatient', {}), 'ok');
  assert.equal(chain.submit(bob, 'consent.grant', grantPayload()), 'ok');
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload()), 'ok');
  assert.equal(chain.submit(bob, 'consent.revoke', { consentId: id(1) }), 'ok');
  assert.equal(consentRecord(chain.state, pseudonym, id(1))?.revokedAtHeight, null);
});

test('grantees must exist', () => {
  const chain = setup();
  const grant = (grantee: object) => chain.submit(alice, 'consent.grant', grantPayload({ grantee }));
  assert.equal(grant({ kind: 'organisation', orgId: 'nowhere' }), 'tx.rejected:consent.unknown_org');
  assert.equal(grant({ kind: 'role', orgId: 'nowhere', role: 'nurse' }), 'tx.rejected:consent.unknown_org');
  assert.equal(
    grant({ kind: 'practitioner', key: party('ghost').key }),
    'tx.rejected:consent.unknown_practitioner',
  );
  assert.equal(grant({ kind: 'practitioner', key: doctor.key }), 'ok');
});

test('malformed grants are refused as invalid payloads and write nothing', () => {
  const chain = setup();
  const cases: object[] = [
    { consentId: 'consent-for-my-hiv-test' },
    { grantee: { kind: 'everyone' } },
    { grantee: { kind: 'organisation', orgId: 'riverside', note: 'x' } },
    { grantee: { kind: 'role', orgId: 'riverside', role: 'janitor' } },
    { resourceTypes: [] },
    { resourceTypes: ['Observation', 'Observation'] },
    { resourceTypes: ['observation'] },
    { resourceTypes: ['*', 'Observation'] },
    { resourceTypes: ['Resource'] },
    { purposes: ['MARKETING'] },
    { purposes: ['TREAT', 'TREAT'] },
    { actions: [] },
    { actions: ['delete'] },
    { period: { startMs: 10, endMs: 9 } },
    { period: { startMs: -1, endMs: null } },
    { period: { startMs: 0 } },
    { provision: 'maybe' },
    { comment: 'patient is worried about her diagnosis' },
  ];
  for (const overrides of cases) {
    assert.equal(
      chain.submit(alice, 'consent.grant', grantPayload(overrides)),
      'tx.invalid_payload',
      JSON.stringify(overrides),
    );
  }
  assert.equal(chain.submit(alice, 'consent.grant', ['not', 'an', 'object']), 'tx.invalid_payload');
  assert.deepEqual(consentsOf(chain.state, pseudonym), []);
});

test('a revocation takes effect from the block that commits it', () => {
  const chain = setup();
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload()), 'ok');
  chain.commit();
  chain.commit();
  const revokeHeight = chain.height;
  assert.equal(chain.submit(alice, 'consent.revoke', { consentId: id(1) }), 'ok');
  const record = consentRecord(chain.state, pseudonym, id(1));
  assert.equal(record?.revokedAtHeight, revokeHeight);
  assert.equal(record?.revokedBy, alice.key);
  assert.equal(nurseReads(chain, revokeHeight - 1), 'consent.permit');
  assert.equal(nurseReads(chain, revokeHeight), 'consent.none');
  assert.deepEqual(activeConsents(chain.state, pseudonym), []);
  assert.equal(consentsOf(chain.state, pseudonym).length, 1); // kept, for past heights and the history
  assert.equal(
    chain.submit(alice, 'consent.revoke', { consentId: id(1) }),
    'tx.rejected:consent.already_revoked',
  );
  assert.equal(chain.submit(alice, 'consent.revoke', { consentId: id(2) }), 'tx.rejected:consent.unknown');
  assert.equal(chain.submit(alice, 'consent.revoke', { consentId: id(1), extra: 1 }), 'tx.invalid_payload');
});

test('a deny provision overrides a permit for the same grantee', () => {
  const chain = setup();
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload()), 'ok');
  const deny = grantPayload({
    consentId: id(2),
    grantee: { kind: 'role', orgId: 'riverside', role: 'nurse' },
    resourceTypes: ['*'],
    provision: 'deny',
  });
  assert.equal(chain.submit(alice, 'consent.grant', deny), 'ok');
  assert.equal(nurseReads(chain), 'consent.denied');
  assert.equal(chain.submit(alice, 'consent.revoke', { consentId: id(2) }), 'ok');
  chain.commit();
  assert.equal(nurseReads(chain), 'consent.permit');
});

test('activeConsents filters by period when given a time', () => {
  const chain = setup();
  assert.equal(
    chain.submit(alice, 'consent.grant', grantPayload({ period: { startMs: 100, endMs: 200 } })),
    'ok',
  );
  assert.equal(activeConsents(chain.state, pseudonym).length, 1);
  assert.equal(activeConsents(chain.state, pseudonym, 200).length, 1);
  assert.equal(activeConsents(chain.state, pseudonym, 201).length, 0);
  assert.equal(activeConsents(chain.state, pseudonym, 99).length, 0);
});

test('a patient holds at most CONSENTS_PER_PATIENT_MAX unrevoked consents', () => {
  const chain = setup();
  for (let n = 0; n < CONSENTS_PER_PATIENT_MAX; n++) {
    assert.equal(chain.submit(alice, 'consent.grant', grantPayload({ consentId: id(n + 1) })), 'ok');
    if (n % 50 === 0) chain.commit(); // keeps each block's pending writes small
  }
  assert.equal(
    chain.submit(alice, 'consent.grant', grantPayload({ consentId: id(CONSENTS_PER_PATIENT_MAX + 1) })),
    'tx.rejected:consent.too_many',
  );
  assert.equal(consentsOf(chain.state, pseudonym).length, CONSENTS_PER_PATIENT_MAX);
});

test('the unrevoked list follows grants and revocations in any order; the history keeps every consent', () => {
  const chain = setup();
  for (let n = 1; n <= 5; n++) {
    assert.equal(chain.submit(alice, 'consent.grant', grantPayload({ consentId: id(n) })), 'ok');
  }
  chain.commit();
  const unrevoked = () =>
    unrevokedConsents(chain.state, pseudonym)
      .map((c) => c.consentId)
      .sort();
  // The middle, the last, then the first: each revocation moves the last one into the freed slot.
  for (const [n, left] of [
    [3, [1, 2, 4, 5]],
    [5, [1, 2, 4]],
    [1, [2, 4]],
  ] as const) {
    assert.equal(chain.submit(alice, 'consent.revoke', { consentId: id(n) }), 'ok');
    assert.deepEqual(unrevoked(), left.map(id));
    chain.commit();
  }
  assert.equal(chain.submit(guardian, 'consent.grant', grantPayload({ consentId: id(6) })), 'ok');
  assert.deepEqual(unrevoked(), [2, 4, 6].map(id));
  assert.equal(consentsOf(chain.state, pseudonym).length, 6);
  assert.equal(
    chain.submit(alice, 'consent.revoke', { consentId: id(3) }),
    'tx.rejected:consent.already_revoked',
  );
  assert.deepEqual(unrevoked(), [2, 4, 6].map(id));
});
