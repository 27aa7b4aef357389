import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from '../../core/crypto/index.ts';
import { toHex, utf8 } from '../../core/bytes.ts';
import {
  clinicAdmin,
  hospitalAdmin,
  hospitalNode,
  party,
  receiptSignature,
  TestChain,
  type Party,
} from '../test-support.ts';
import { grantPayload } from '../consent/test-fixtures.ts';
import { custodialClaimMessage, custodialPseudonym, keyRotationMessage } from './pseudonym.ts';
import { actorOf, currentPatientKey, isUnclaimedCustodial, patientRecord } from './queries.ts';

// The custodian's salted commitment to its own identifier for the patient (the salt stays with it).
const commitment = toHex(sha256(utf8('st-mary salt|MRN 000123')));
const pseudonym = custodialPseudonym('st-mary', commitment);
const alice = party('alice, claiming her hospital records');
const mallory = party('mallory');

function preRegistered(): TestChain {
  const chain = new TestChain();
  assert.equal(chain.submit(hospitalNode, 'membership.registerCustodialPatient', { commitment }), 'ok');
  chain.commit();
  return chain;
}

/** `claimant` claims the custodial identity with an attestation `attester` signed for `attestedKey`. */
function claim(
  chain: TestChain,
  claimant: Party,
  attester: Party,
  attestedKey = claimant.key,
  onChain?: string,
) {
  const attestation = receiptSignature(attester, custodialClaimMessage(pseudonym, attestedKey), onChain);
  return chain.submit(claimant, 'membership.claimPatient', {
    pseudonym,
    attestedBy: attester.key,
    attestation,
  });
}

test('a custodian’s node pre-registers a patient with no key: a pseudonym from its commitment, nothing else', () => {
  const chain = preRegistered();
  assert.deepEqual(patientRecord(chain.state, pseudonym), {
    currentKey: null,
    custodianOrgId: 'st-mary',
    registeredAtHeight: 1,
    keyRotatedAtHeight: null,
    custodialOrgId: 'st-mary',
    claimedAtHeight: null,
  });
  assert.equal(isUnclaimedCustodial(chain.state, pseudonym), true);
  assert.equal(currentPatientKey(chain.state, pseudonym), undefined);
  // Once per commitment; only a node speaks for a custodian here; no field but the commitment.
  assert.equal(
    chain.submit(hospitalNode, 'membership.registerCustodialPatient', { commitment }),
    'tx.rejected:membership.patient_exists',
  );
  const other = toHex(sha256(utf8('another')));
  assert.equal(
    chain.submit(hospitalAdmin, 'membership.registerCustodialPatient', { commitment: other }),
    'tx.rejected:membership.not_org_node',
  );
  assert.equal(
    chain.submit(hospitalNode, 'membership.registerCustodialPatient', { commitment: other, name: 'Amy' }),
    'tx.invalid_payload',
  );
});

test('until it is claimed nobody signs for the patient: not even the custodian’s node', () => {
  const chain = preRegistered();
  assert.deepEqual(actorOf(chain.state, hospitalNode.key), { kind: 'node', orgId: 'st-mary' });
  // The custodian's node is not the patient: a consent it signs is nobody's.
  assert.match(chain.submit(hospitalNode, 'consent.grant', grantPayload()), /^tx\.rejected:consent\./);
});

test('the patient claims it with their own key and the custodian’s attestation; then it is theirs', () => {
  const chain = preRegistered();
  assert.equal(claim(chain, alice, hospitalNode), 'ok');
  chain.commit();
  const record = patientRecord(chain.state, pseudonym)!;
  assert.equal(record.currentKey, alice.key);
  assert.equal(record.claimedAtHeight, 2);
  assert.equal(record.custodianOrgId, 'st-mary');
  assert.equal(isUnclaimedCustodial(chain.state, pseudonym), false);
  assert.deepEqual(actorOf(chain.state, alice.key), { kind: 'patient', pseudonym });
  // An ordinary patient from now on: she rotates her key like anyone.
  const next = party('alice, next key');
  const newKeySignature = receiptSignature(next, keyRotationMessage(pseudonym, alice.key, next.key));
  assert.equal(
    chain.submit(alice, 'membership.rotatePatientKey', { newKey: next.key, newKeySignature }),
    'ok',
  );
  // An attestation by the custodian's admin key is as good as its node's.
  const chain2 = preRegistered();
  assert.equal(claim(chain2, alice, hospitalAdmin), 'ok');
});

test('a second party cannot claim someone else’s custodial identity', () => {
  const chain = preRegistered();
  // Alice's attestation names Alice's key: Mallory signing with hers gets nothing from it.
  assert.equal(claim(chain, mallory, hospitalNode, alice.key), 'tx.rejected:membership.bad_attestation');
  // Without the custodian: her own "attestation", another organisation's, or one made on another chain.
  assert.equal(claim(chain, mallory, mallory), 'tx.rejected:membership.bad_attestation');
  assert.equal(claim(chain, mallory, clinicAdmin), 'tx.rejected:membership.bad_attestation');
  assert.equal(
    claim(chain, mallory, hospitalNode, mallory.key, 'another-chain'),
    'tx.rejected:membership.bad_attestation',
  );
  assert.equal(patientRecord(chain.state, pseudonym)?.currentKey, null);
  // Once claimed, it is claimed: even a true attestation for another key no longer moves it.
  assert.equal(claim(chain, alice, hospitalNode), 'ok');
  assert.equal(claim(chain, mallory, hospitalNode), 'tx.rejected:membership.already_claimed');
  // A key that already means something cannot become this patient, and only custodial identities are claimed.
  const fresh = preRegisteredWith(toHex(sha256(utf8('st-mary salt|MRN 000124'))));
  assert.equal(
    fresh.chain.submit(hospitalAdmin, 'membership.claimPatient', {
      pseudonym: fresh.pseudonym,
      attestedBy: hospitalNode.key,
      attestation: receiptSignature(hospitalNode, custodialClaimMessage(fresh.pseudonym, hospitalAdmin.key)),
    }),
    'tx.rejected:membership.key_in_use',
  );
  const bob = party('bob, self-registered');
  assert.equal(fresh.chain.submit(bob, 'membership.registerPatient', {}), 'ok');
  const bobs = patientRecordOf(fresh.chain, bob);
  assert.equal(
    fresh.chain.submit(mallory, 'membership.claimPatient', {
      pseudonym: bobs,
      attestedBy: hospitalNode.key,
      attestation: receiptSignature(hospitalNode, custodialClaimMessage(bobs, mallory.key)),
    }),
    'tx.rejected:membership.not_custodial',
  );
});

function preRegisteredWith(other: string): { chain: TestChain; pseudonym: string } {
  const chain = new TestChain();
  assert.equal(
    chain.submit(hospitalNode, 'membership.registerCustodialPatient', { commitment: other }),
    'ok',
  );
  chain.commit();
  return { chain, pseudonym: custodialPseudonym('st-mary', other) };
}

function patientRecordOf(chain: TestChain, who: Party): string {
  const actor = actorOf(chain.state, who.key);
  assert.equal(actor.kind, 'patient');
  return (actor as { pseudonym: string }).pseudonym;
}
