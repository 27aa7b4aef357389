// Finding 15 (issue 10): the per-patient consent cap counted revoked consents, so a patient who had
// granted and revoked CONSENTS_PER_PATIENT_MAX consents over the years could never grant another: locked
// out for good. The cap now counts unrevoked consents only (app/consent/store.ts): revoking makes room,
// and access is decided from the unrevoked ones, so the new consent works and the revoked ones do not.
// Before the fix the grant after the revocations was refused with consent.too_many.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONSENTS_PER_PATIENT_MAX, consentsOf } from '../../src/app/consent/store.ts';
import {
  alice,
  grantPayload,
  id,
  nurseReads,
  pseudonym,
  setup,
} from '../../src/app/consent/test-fixtures.ts';

test('a patient who granted and revoked the most consents allowed can still grant one, and it decides access', () => {
  const chain = setup();
  // Each consent is for Condition only, so the nurse's Observation read stays undecided by them.
  const old = (n: number) => grantPayload({ consentId: id(n), resourceTypes: ['Condition'] });
  for (let n = 1; n <= CONSENTS_PER_PATIENT_MAX; n++) {
    assert.equal(chain.submit(alice, 'consent.grant', old(n)), 'ok');
    if (n % 50 === 0) chain.commit(); // keeps each block's pending writes small
  }
  chain.commit();
  const full = chain.submit(alice, 'consent.grant', grantPayload({ consentId: id(5000) }));
  assert.equal(full, 'tx.rejected:consent.too_many', 'the cap still holds for unrevoked consents');
  for (let n = 1; n <= CONSENTS_PER_PATIENT_MAX; n++) {
    assert.equal(chain.submit(alice, 'consent.revoke', { consentId: id(n) }), 'ok');
    if (n % 50 === 0) chain.commit();
  }
  chain.commit();
  assert.equal(nurseReads(chain), 'consent.none');
  const fresh = chain.submit(alice, 'consent.grant', grantPayload({ consentId: id(5001) }));
  assert.equal(fresh, 'ok', 'locked out for good by revoked consents');
  chain.commit();
  assert.equal(nurseReads(chain), 'consent.permit');
  // The history still holds every consent, revoked ones included.
  assert.equal(consentsOf(chain.state, pseudonym).length, CONSENTS_PER_PATIENT_MAX + 1);
});
