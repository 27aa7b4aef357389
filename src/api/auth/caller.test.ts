import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hospitalAdmin, party, registerPractitioner, TestChain } from '../../app/test-support.ts';
import { authenticate, bearerToken } from './caller.ts';
import { authorize } from '../../services/auth/caller.ts';
import { AuthError } from './errors.ts';
import { issuePatientToken } from './patient-login.ts';
import { issuePractitionerToken } from './practitioner-login.ts';
import { alice, chainWithAlice, guardian, loginNode, rotateAliceKey } from './test-support.ts';

const doctor = party('dr who');

/** A chain with the doctor at st-mary and alice with guardian as her caregiver; the doctor's token. */
async function doctorSignedIn(scopes?: string) {
  const state: TestChain = chainWithAlice('caregiver', (c) =>
    registerPractitioner(c, hospitalAdmin, doctor, 'st-mary', 'physician'),
  );
  const { issuer, verifier } = await loginNode('caller');
  const request = { practitionerKey: doctor.key, orgId: 'st-mary', ...(scopes ? { scopes } : {}) };
  const doc = await issuePractitionerToken(state.state, issuer, request);
  return { state, issuer, verifier, doc };
}

const code = (expected: string) => (err: unknown) => err instanceof AuthError && err.code === expected;

test('bearerToken reads "Bearer <token>" (RFC 6750 §2.1) and nothing else', () => {
  assert.equal(bearerToken('Bearer abc.def-_~+/ghi=='), 'abc.def-_~+/ghi==');
  assert.equal(bearerToken('bearer   abc'), 'abc');
  assert.throws(() => bearerToken(undefined), code('auth.missing'));
  assert.throws(() => bearerToken(''), code('auth.missing'));
  assert.throws(() => bearerToken('Basic dXNlcjpwYXNz'), code('auth.missing'));
  assert.throws(() => bearerToken('Bearer'), code('auth.invalid_request'));
  assert.throws(() => bearerToken('Bearer a b'), code('auth.invalid_request'));
  assert.throws(() => bearerToken('Bearer a"b'), code('auth.invalid_request'));
  assert.throws(() => bearerToken(['Bearer a', 'Bearer b']), code('auth.invalid_request'));
  assert.throws(() => bearerToken(`Bearer ${'a'.repeat(5000)}`), code('auth.invalid_request'));
});

test('authenticate turns a header into the caller the state knows, in its scope context', async () => {
  const { state, issuer, verifier, doc } = await doctorSignedIn('user/Observation.rs');
  const caller = await authenticate(`Bearer ${doc.accessToken}`, verifier, state.state);
  assert.deepEqual(
    { ...caller, scopes: undefined },
    {
      kind: 'practitioner',
      publicKey: doctor.key,
      orgId: 'st-mary',
      role: 'physician',
      scopes: undefined,
      context: 'user',
    },
  );
  authorize(caller, 'Observation', 'r');
  assert.throws(() => authorize(caller, 'Observation', 'u'), code('auth.insufficient_scope'));
  assert.throws(() => authorize(caller, 'Condition', 'r'), code('auth.insufficient_scope'));

  const patient = await issuePatientToken(state.state, issuer, { publicKey: alice.key });
  const me = await authenticate(`Bearer ${patient.accessToken}`, verifier, state.state);
  assert.equal(me.kind, 'patient');
  assert.equal(me.context, 'patient');
  authorize(me, 'Condition', 's');
  assert.throws(() => authorize(me, 'Condition', 'c'), code('auth.insufficient_scope'));

  const proxy = await issuePatientToken(state.state, issuer, { publicKey: guardian.key });
  const carer = await authenticate(`Bearer ${proxy.accessToken}`, verifier, state.state);
  assert.equal(carer.kind === 'proxy' && carer.relationship, 'caregiver');
  await assert.rejects(authenticate(undefined, verifier, state.state), code('auth.missing'));
  await assert.rejects(authenticate('Bearer x.y.z', verifier, state.state), code('auth.invalid_token'));
});

test('a token outlives no change of membership: suspension and proxy revocation revoke it', async () => {
  const { state, issuer, verifier, doc } = await doctorSignedIn();
  const proxy = await issuePatientToken(state.state, issuer, { publicKey: guardian.key });
  assert.equal(
    state.submit(hospitalAdmin, 'membership.suspendPractitioner', { practitionerKey: doctor.key }),
    'ok',
  );
  assert.equal(state.submit(alice, 'membership.revokeProxy', { proxyKey: guardian.key }), 'ok');
  await assert.rejects(
    authenticate(`Bearer ${doc.accessToken}`, verifier, state.state),
    code('auth.revoked'),
  );
  await assert.rejects(
    authenticate(`Bearer ${proxy.accessToken}`, verifier, state.state),
    code('auth.revoked'),
  );
  // A patient who rotates their key voids the old key's tokens.
  const patient = await issuePatientToken(state.state, issuer, { publicKey: alice.key });
  assert.equal((await authenticate(`Bearer ${patient.accessToken}`, verifier, state.state)).kind, 'patient');
  rotateAliceKey(state);
  await assert.rejects(
    authenticate(`Bearer ${patient.accessToken}`, verifier, state.state),
    code('auth.revoked'),
  );
});
