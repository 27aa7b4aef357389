import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alice,
  aliceNextKey,
  alicePseudonym as pseudonym,
  appointProxy,
  guardian,
  hospitalAdmin,
  party,
  receiptSignature,
  TestChain,
  type Party,
} from '../test-support.ts';
import { actorOf, currentPatientKey, isProxy, patientByKey, patientRecord } from './queries.ts';
import { keyRotationMessage, patientPseudonym } from './pseudonym.ts';

function registered(): TestChain {
  const chain = new TestChain();
  assert.equal(chain.submit(alice, 'membership.registerPatient', {}), 'ok');
  chain.commit();
  return chain;
}

function rotate(chain: TestChain, from: Party, to: Party, proofBy: Party = to, onChain?: string): string {
  const signature = receiptSignature(proofBy, keyRotationMessage(pseudonym, from.key, to.key), onChain);
  return chain.submit(from, 'membership.rotatePatientKey', { newKey: to.key, newKeySignature: signature });
}

/** `signer` appoints `proxy` for Alice. */
const appoint = (
  chain: TestChain,
  proxy: Party,
  relationship = 'guardian',
  signer = alice,
  proofBy = proxy,
) => appointProxy(chain, signer, proxy, { relationship, proofBy, pseudonym });

test('a patient registers with their own key and gets a pseudonym derived from it', () => {
  const chain = registered();
  assert.match(pseudonym, /^[0-9a-f]{64}$/);
  assert.notEqual(pseudonym, alice.key);
  assert.equal(patientByKey(chain.state, alice.key), pseudonym);
  assert.equal(currentPatientKey(chain.state, pseudonym), alice.key);
  assert.deepEqual(actorOf(chain.state, alice.key), { kind: 'patient', pseudonym });
  assert.deepEqual(patientRecord(chain.state, pseudonym), {
    currentKey: alice.key,
    custodianOrgId: null,
    registeredAtHeight: 1,
    keyRotatedAtHeight: null,
  });
  assert.equal(chain.submit(alice, 'membership.registerPatient', {}), 'tx.rejected:membership.key_in_use');
  assert.equal(
    chain.submit(hospitalAdmin, 'membership.registerPatient', {}),
    'tx.rejected:membership.key_in_use',
  );
});

test('registration may name a custodian organisation and nothing else', () => {
  const chain = new TestChain();
  const bob = party('bob');
  assert.equal(
    chain.submit(bob, 'membership.registerPatient', { custodianOrgId: 'nowhere' }),
    'tx.rejected:membership.unknown_org',
  );
  // No demographics, ever: any field but custodianOrgId is refused rather than stored.
  for (const extra of [{ name: 'Bob Smith' }, { birthDate: '1970-01-01' }, { note: 'diabetic' }]) {
    assert.equal(chain.submit(bob, 'membership.registerPatient', extra), 'tx.invalid_payload');
  }
  assert.equal(chain.submit(bob, 'membership.registerPatient', { custodianOrgId: 'st-mary' }), 'ok');
  assert.equal(patientRecord(chain.state, patientPseudonym(bob.key))?.custodianOrgId, 'st-mary');
});

test('key rotation keeps the pseudonym and voids the old key', () => {
  const chain = registered();
  assert.equal(rotate(chain, alice, aliceNextKey), 'ok');
  chain.commit();
  assert.equal(currentPatientKey(chain.state, pseudonym), aliceNextKey.key);
  assert.equal(patientByKey(chain.state, aliceNextKey.key), pseudonym);
  assert.equal(patientByKey(chain.state, alice.key), undefined);
  assert.deepEqual(actorOf(chain.state, alice.key), { kind: 'unknown' });
  assert.deepEqual(actorOf(chain.state, aliceNextKey.key), { kind: 'patient', pseudonym });
  assert.equal(patientRecord(chain.state, pseudonym)?.keyRotatedAtHeight, 2);
  // The old key can no longer act, nor come back as a new identity.
  assert.equal(appoint(chain, guardian, 'guardian', alice), 'tx.rejected:membership.not_patient');
  assert.equal(chain.submit(alice, 'membership.registerPatient', {}), 'tx.rejected:membership.key_in_use');
  assert.equal(
    chain.submit(aliceNextKey, 'membership.registerPatient', {}),
    'tx.rejected:membership.key_in_use',
  );
  assert.equal(rotate(chain, aliceNextKey, alice), 'tx.rejected:membership.key_in_use');
});

test('rotation needs proof that the new key is held', () => {
  const chain = registered();
  const mallory = party('mallory');
  assert.equal(rotate(chain, alice, aliceNextKey, mallory), 'tx.rejected:membership.bad_key_proof');
  assert.equal(
    rotate(chain, alice, aliceNextKey, aliceNextKey, 'other-chain'),
    'tx.rejected:membership.bad_key_proof',
  );
  // A proof for another rotation (another previous key) does not transfer.
  const wrong = receiptSignature(aliceNextKey, keyRotationMessage(pseudonym, mallory.key, aliceNextKey.key));
  assert.equal(
    chain.submit(alice, 'membership.rotatePatientKey', { newKey: aliceNextKey.key, newKeySignature: wrong }),
    'tx.rejected:membership.bad_key_proof',
  );
  assert.equal(rotate(chain, mallory, aliceNextKey), 'tx.rejected:membership.not_patient');
  assert.equal(rotate(chain, alice, hospitalAdmin), 'tx.rejected:membership.key_in_use');
  assert.equal(
    chain.submit(alice, 'membership.rotatePatientKey', { newKey: aliceNextKey.key }),
    'tx.invalid_payload',
  );
  assert.equal(currentPatientKey(chain.state, pseudonym), alice.key);
});

test('a patient appoints and revokes a proxy who proved they hold the key', () => {
  const chain = registered();
  assert.equal(appoint(chain, guardian, 'parent'), 'tx.invalid_payload');
  assert.equal(
    appoint(chain, guardian, 'guardian', alice, party('someone else')),
    'tx.rejected:membership.bad_key_proof',
  );
  assert.equal(appoint(chain, guardian), 'ok');
  assert.equal(isProxy(chain.state, pseudonym, guardian.key), true);
  assert.deepEqual(actorOf(chain.state, guardian.key), {
    kind: 'proxy',
    pseudonym,
    relationship: 'guardian',
  });
  // A proxy acts on consents, not on the identity: it cannot appoint others or rotate the key.
  assert.equal(appoint(chain, party('carer'), 'caregiver', guardian), 'tx.rejected:membership.not_patient');
  assert.equal(rotate(chain, guardian, aliceNextKey), 'tx.rejected:membership.not_patient');
  chain.commit();

  const revoke = (key: string) => chain.submit(alice, 'membership.revokeProxy', { proxyKey: key });
  assert.equal(revoke(party('carer').key), 'tx.rejected:membership.unknown_proxy');
  assert.equal(revoke(guardian.key), 'ok');
  assert.equal(isProxy(chain.state, pseudonym, guardian.key), false);
  assert.deepEqual(actorOf(chain.state, guardian.key), { kind: 'unknown' });
  assert.equal(revoke(guardian.key), 'tx.rejected:membership.proxy_revoked');
  // Keys are single-use: a new appointment needs a new key.
  assert.equal(appoint(chain, guardian), 'tx.rejected:membership.key_in_use');
});

test('a patient cannot claim another key as proxy without its holder, so cannot block its registration', () => {
  const chain = registered();
  const bob = party('bob');
  // Alice saw Bob's registration in the mempool and tries to take his key first.
  assert.equal(appoint(chain, bob, 'caregiver', alice, alice), 'tx.rejected:membership.bad_key_proof');
  assert.equal(chain.submit(bob, 'membership.registerPatient', {}), 'ok');
  // And no other patient's proxy: one key, one patient.
  assert.equal(appoint(chain, guardian), 'ok');
  assert.equal(appointProxy(chain, bob, guardian), 'tx.rejected:membership.key_in_use');
});

test('patient and proxy state holds only hex, org ids and codes: no room for personal data', () => {
  const chain = registered();
  assert.equal(
    chain.submit(party('carol'), 'membership.registerPatient', { custodianOrgId: 'st-mary' }),
    'ok',
  );
  assert.equal(appoint(chain, guardian), 'ok');
  chain.commit();
  const codes = ['st-mary', 'patient', 'proxy', 'guardian'];
  const leaves = (v: unknown): unknown[] =>
    typeof v === 'object' && v !== null ? Object.values(v).flatMap(leaves) : [v];
  const entries = chain
    .committedEntries()
    .map(([key, value]) => [key, JSON.parse(value)] as const)
    .filter(
      ([key, value]) =>
        /^membership\/(patient|proxy)\//.test(key) || ['patient', 'proxy'].includes(value.kind),
    );
  assert.equal(entries.length, 6); // two patients and one proxy: a record and a key entry each
  for (const [key, value] of entries) {
    for (const leaf of leaves(value)) {
      const ok = typeof leaf !== 'string' || /^[0-9a-f]{64}$/.test(leaf) || codes.includes(leaf);
      assert.ok(ok, `${key} holds ${String(leaf)}`);
    }
  }
});
