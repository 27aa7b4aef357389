import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clinicAdmin, hospitalAdmin, hospitalNode, party, TestChain } from '../../app/test-support.ts';
import { AuthError } from './errors.ts';
import { issuePractitionerToken, type PractitionerTokenRequest } from './practitioner-login.ts';
import { TestClock, testIssuer, testVerifier } from './test-support.ts';

const doctor = party('dr who');
const nurse = party('nurse joy');
const riversideDoctor = party('dr riverside');

function chainWithStaff(): TestChain {
  const chain = new TestChain();
  const register = (admin: typeof hospitalAdmin, orgId: string, key: string, role: string) =>
    assert.equal(
      chain.submit(admin, 'membership.registerPractitioner', { orgId, practitionerKey: key, role }),
      'ok',
    );
  register(hospitalAdmin, 'st-mary', doctor.key, 'physician');
  register(hospitalAdmin, 'st-mary', nurse.key, 'nurse');
  register(clinicAdmin, 'riverside', riversideDoctor.key, 'physician');
  chain.commit();
  return chain;
}

const request = (over: Partial<PractitionerTokenRequest> = {}): PractitionerTokenRequest => ({
  practitionerKey: doctor.key,
  orgId: 'st-mary',
  ...over,
});

function refusedWith(code: string, reason?: string) {
  return (err: unknown) =>
    err instanceof AuthError && err.code === code && (reason === undefined || err.details.reason === reason);
}

test("an organisation's node issues a user/ token to its active practitioner", async () => {
  const chain = chainWithStaff();
  const clock = new TestClock();
  const issued = await issuePractitionerToken(
    chain.state,
    await testIssuer(clock),
    request({ role: 'physician' }),
  );
  const token = await (await testVerifier(clock)).verify(issued.accessToken);
  assert.equal(token.kind, 'practitioner');
  assert.equal(token.subject, doctor.key);
  assert.equal(token.orgId, 'st-mary');
  assert.equal(token.claims.scope, 'user/*.cruds');
  const narrow = await issuePractitionerToken(
    chain.state,
    await testIssuer(clock),
    request({ practitionerKey: nurse.key, scopes: 'user/Observation.rs openid fhirUser', ttlMs: 300_000 }),
  );
  assert.equal(narrow.claims.scope, 'user/Observation.rs openid fhirUser');
  assert.equal(narrow.expiresInS, 300);
});

test('no token for a key that is not an active practitioner of that organisation with that role', async () => {
  const chain = chainWithStaff();
  const issuer = await testIssuer(new TestClock());
  const issue = (over: Partial<PractitionerTokenRequest>) =>
    issuePractitionerToken(chain.state, issuer, request(over));
  await assert.rejects(
    issue({ practitionerKey: party('stranger').key }),
    refusedWith('auth.not_practitioner', 'unknown'),
  );
  await assert.rejects(
    issue({ practitionerKey: hospitalAdmin.key }),
    refusedWith('auth.not_practitioner', 'unknown'),
  );
  await assert.rejects(
    issue({ practitionerKey: riversideDoctor.key }),
    refusedWith('auth.not_practitioner', 'other_org'),
  );
  await assert.rejects(issue({ role: 'nurse' }), refusedWith('auth.not_practitioner', 'role_mismatch'));
  assert.equal(
    chain.submit(hospitalAdmin, 'membership.suspendPractitioner', { practitionerKey: doctor.key }),
    'ok',
  );
  await assert.rejects(issue({}), refusedWith('auth.not_practitioner', 'suspended'));
});

test('a node issues for its own organisation only', async () => {
  const chain = chainWithStaff();
  const clock = new TestClock();
  await assert.rejects(
    issuePractitionerToken(
      chain.state,
      await testIssuer(clock),
      request({ practitionerKey: riversideDoctor.key, orgId: 'riverside' }),
    ),
    refusedWith('auth.issuer_not_org_node'),
  );
  // An admin key is not a node key: tokens come from nodes.
  await assert.rejects(
    issuePractitionerToken(chain.state, await testIssuer(clock, hospitalAdmin), request()),
    refusedWith('auth.issuer_not_org_node'),
  );
  assert.equal(
    (await issuePractitionerToken(chain.state, await testIssuer(clock, hospitalNode), request())).claims
      .cc_org,
    'st-mary',
  );
});

test('practitioner tokens carry user/ scopes only', async () => {
  const chain = chainWithStaff();
  const issuer = await testIssuer(new TestClock());
  for (const scopes of ['patient/*.rs', 'system/*.rs', 'user/*.rs system/Patient.r']) {
    await assert.rejects(
      issuePractitionerToken(chain.state, issuer, request({ scopes })),
      refusedWith('auth.scope_not_allowed'),
    );
  }
  await assert.rejects(
    issuePractitionerToken(chain.state, issuer, request({ scopes: 'user/*.everything' })),
    refusedWith('auth.scope_malformed'),
  );
});
