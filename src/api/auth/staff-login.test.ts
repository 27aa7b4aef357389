import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainId, clinicAdmin, hospitalAdmin, party, TestChain } from '../../app/test-support.ts';
import { signChallenge } from './challenge.ts';
import { AuthError } from './errors.ts';
import { loginStaffWithChallenge } from './staff-login.ts';
import { loginNode, loginOnceOnly } from './test-support.ts';
import { signDelegation } from '../../contract/delegation.ts';

const doctor = party('dr staff');
const otherDoctor = party('dr elsewhere');
const patient = party('patient staff-test');

function chainWithStaff(): TestChain {
  const chain = new TestChain();
  const ok = (signer: typeof hospitalAdmin, type: string, payload: object) =>
    assert.equal(chain.submit(signer, type, payload as never), 'ok');
  ok(hospitalAdmin, 'membership.registerPractitioner', {
    orgId: 'st-mary',
    practitionerKey: doctor.key,
    role: 'physician',
  });
  ok(clinicAdmin, 'membership.registerPractitioner', {
    orgId: 'riverside',
    practitionerKey: otherDoctor.key,
    role: 'physician',
  });
  ok(patient, 'membership.registerPatient', {});
  chain.commit();
  return chain;
}

const node = () => loginNode('staff');

const refused = (code: string, reason?: string) => (err: unknown) =>
  err instanceof AuthError && err.code === code && (reason === undefined || err.details.reason === reason);

test("a practitioner signs the node's challenge and gets a user/ token of the node's organisation", async () => {
  const token = await loginOnceOnly(loginStaffWithChallenge, chainWithStaff(), doctor, 'staff');
  assert.equal(token.kind, 'practitioner');
  assert.equal(token.subject, doctor.key);
  assert.equal(token.orgId, 'st-mary');
  assert.equal(token.claims.scope, 'user/*.cruds');
});

test('no staff token for another organisation’s practitioner, a patient, or a stranger', async () => {
  const chain = chainWithStaff();
  const { challenges, answer, issuer } = await node();
  for (const [who, reason] of [
    [otherDoctor, 'other_org'],
    [patient, 'unknown'],
    [party('stranger'), 'unknown'],
  ] as const) {
    const response = answer(who);
    await assert.rejects(
      loginStaffWithChallenge(chain.state, challenges, issuer, response),
      refused('auth.not_practitioner', reason),
    );
  }
});

test('a signature by another key, or patient scopes, get no staff token', async () => {
  const chain = chainWithStaff();
  const { challenges, issuer } = await node();
  const challenge = challenges.issue();
  const forged = { ...signChallenge(otherDoctor.seed, chainId, challenge), publicKey: doctor.key };
  await assert.rejects(
    loginStaffWithChallenge(chain.state, challenges, issuer, forged),
    refused('auth.challenge_bad_signature'),
  );
  const response = signChallenge(doctor.seed, chainId, challenge);
  await assert.rejects(
    loginStaffWithChallenge(chain.state, challenges, issuer, response, { scopes: 'patient/*.rs' }),
    refused('auth.scope_not_allowed'),
  );
  // Neither failure spent the challenge.
  const issued = await loginStaffWithChallenge(chain.state, challenges, issuer, response, {
    scopes: 'user/Observation.rs',
  });
  assert.equal(issued.claims.scope, 'user/Observation.rs');
});

test('a practitioner’s signed delegation to this node rides in the token; a bad one spends no challenge', async () => {
  const chain = chainWithStaff();
  const { challenges, answer, issuer, verifier, clock } = await node();
  const toThisNode = { nodeKey: issuer.publicKey, orgId: 'st-mary' };
  const delegation = signDelegation(doctor.seed, chainId, toThisNode, { nowMs: clock.nowMs() });
  const response = answer(doctor);
  // Signed by the practitioner, but for another node, or by a key other than the one logging in.
  const toAnotherNode = signDelegation(
    doctor.seed,
    chainId,
    { ...toThisNode, nodeKey: otherDoctor.key },
    {
      nowMs: clock.nowMs(),
    },
  );
  const byAnother = signDelegation(otherDoctor.seed, chainId, toThisNode, { nowMs: clock.nowMs() });
  for (const [bad, reason] of [
    [toAnotherNode, 'other_node'],
    [byAnother, 'other_practitioner'],
  ] as const) {
    await assert.rejects(
      loginStaffWithChallenge(chain.state, challenges, issuer, response, { delegation: bad }),
      refused('auth.delegation_invalid', reason),
    );
  }
  const issued = await loginStaffWithChallenge(chain.state, challenges, issuer, response, { delegation });
  const token = await verifier.verify(issued.accessToken);
  assert.deepEqual(token.delegation, delegation);
  assert.deepEqual(token.claims.cc_dlg, delegation);
});

test('without a delegation the staff token carries none (good at this node only)', async () => {
  const chain = chainWithStaff();
  const { challenges, answer, issuer, verifier } = await node();
  const response = answer(doctor);
  const issued = await loginStaffWithChallenge(chain.state, challenges, issuer, response);
  assert.equal((await verifier.verify(issued.accessToken)).delegation, undefined);
});
