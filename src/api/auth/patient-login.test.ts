import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hospitalAdmin, party } from '../../app/test-support.ts';
import { AuthError } from './errors.ts';
import { issuePatientToken, loginWithChallenge } from './patient-login.ts';
import {
  alice,
  aliceNext,
  alicePseudonym as pseudonym,
  chainWithAlice,
  guardian,
  loginNode,
  loginOnceOnly,
  rotateAliceKey,
} from './test-support.ts';

const node = () => loginNode('c');

test('a patient logs in by signing a challenge and gets a patient token for their pseudonym', async () => {
  const token = await loginOnceOnly(loginWithChallenge, chainWithAlice(), alice, 'c');
  assert.equal(token.kind, 'patient');
  assert.equal(token.subject, alice.key);
  assert.equal(token.patient, pseudonym);
  assert.equal(token.claims.scope, 'patient/*.rs');
});

test('a proxy logs in as a proxy of the patient; narrower scopes are honoured', async () => {
  const chain = chainWithAlice();
  const { challenges, answer, issuer, verifier } = await node();
  const response = answer(guardian);
  const issued = await loginWithChallenge(chain.state, challenges, issuer, response, {
    scopes: 'patient/Observation.read launch/patient',
    ttlMs: 600_000,
  });
  const token = await verifier.verify(issued.accessToken);
  assert.equal(token.kind, 'proxy');
  assert.equal(token.patient, pseudonym);
  assert.equal(token.claims.scope, 'patient/Observation.rs launch/patient');
  assert.equal(issued.expiresInS, 600);
});

test('keys that may not act for a patient get no token', async () => {
  const chain = chainWithAlice();
  const { issuer } = await node();
  const refused = (publicKey: string) =>
    assert.rejects(issuePatientToken(chain.state, issuer, { publicKey }), (err: unknown) => {
      return (
        err instanceof AuthError && err.code === 'auth.not_registered' && !err.message.includes(publicKey)
      );
    });
  await refused(party('stranger').key);
  await refused(hospitalAdmin.key);
  // After rotation the old key is void and the new one works.
  rotateAliceKey(chain);
  await refused(alice.key);
  assert.equal(
    (await issuePatientToken(chain.state, issuer, { publicKey: aliceNext.key })).claims.cc_patient,
    pseudonym,
  );
});

test('patient tokens carry patient/ scopes only; a bad scope request does not spend the challenge', async () => {
  const chain = chainWithAlice();
  const { challenges, answer, issuer } = await node();
  const response = answer(alice);
  await assert.rejects(
    loginWithChallenge(chain.state, challenges, issuer, response, { scopes: 'patient/*.rs user/*.cruds' }),
    { code: 'auth.scope_not_allowed' },
  );
  await assert.rejects(
    loginWithChallenge(chain.state, challenges, issuer, response, { scopes: 'patient/*.all' }),
    {
      code: 'auth.scope_malformed',
    },
  );
  await assert.rejects(
    issuePatientToken(chain.state, issuer, { publicKey: alice.key, scopes: 'system/*.rs' }),
    {
      code: 'auth.scope_not_allowed',
    },
  );
  assert.equal((await loginWithChallenge(chain.state, challenges, issuer, response)).claims.sub, alice.key);
});
