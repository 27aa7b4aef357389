import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chainId,
  clinicAdmin,
  hospitalAdmin,
  hospitalNode,
  party,
  registerPractitioner,
  TestChain,
} from '../../app/test-support.ts';
import { signDelegation, type SignedDelegation } from '../../contract/delegation.ts';
import {
  checkDelegation,
  checkPatientDelegation,
  scopesWithin,
  type DelegationExpectation,
} from './delegation.ts';
import { patientPseudonym } from '../../app/membership/pseudonym.ts';
import { AuthError } from './errors.ts';
import { parseScopes } from './scopes.ts';

const doctor = party('dr delegating');
const colleague = party('dr colleague');
const elsewhere = party('dr riverside');
const NOW_MS = 1_700_000_000_000;

function chain(): TestChain {
  const c = new TestChain();
  registerPractitioner(c, hospitalAdmin, doctor, 'st-mary', 'physician');
  registerPractitioner(c, hospitalAdmin, colleague, 'st-mary', 'nurse');
  registerPractitioner(c, clinicAdmin, elsewhere, 'riverside', 'physician');
  c.commit();
  return c;
}

const toStMary = { nodeKey: hospitalNode.key, orgId: 'st-mary' };
const genuine = (options: Partial<Parameters<typeof signDelegation>[3]> = {}) =>
  signDelegation(doctor.seed, chainId, toStMary, { nowMs: NOW_MS, ...options });

const expect = (over: Partial<DelegationExpectation> = {}): DelegationExpectation => ({
  chainId,
  nodeKey: hospitalNode.key,
  practitionerKey: doctor.key,
  scopes: parseScopes('user/*.rs'),
  nowMs: NOW_MS + 60_000,
  ...over,
});

const refused = (reason: string) => (err: unknown) =>
  err instanceof AuthError && err.code === 'auth.delegation_invalid' && err.details.reason === reason;

test('a genuine delegation is accepted and returned as signed', () => {
  const c = chain();
  const delegation = genuine();
  assert.deepEqual(checkDelegation(c.state, delegation, expect()), delegation);
});

test('each way a delegation can be untrue is refused with its reason', () => {
  const c = chain();
  const d = genuine();
  const resigned = (seed: Uint8Array, fields: Partial<SignedDelegation>, target = toStMary) => ({
    ...signDelegation(seed, chainId, target, { nowMs: NOW_MS }),
    ...fields,
  });
  const cases: [string, unknown, Partial<DelegationExpectation>, string][] = [
    ['absent', undefined, {}, 'missing'],
    ['not an object', 'yes', {}, 'malformed'],
    ['an extra field', { ...d, extra: 1 }, {}, 'malformed'],
    // The node names its own practitioner but signs with a key of its own making.
    [
      'signed by another key',
      { ...resigned(party('node forger').seed, {}), practitionerKey: doctor.key },
      {},
      'signature',
    ],
    ['a field changed after signing', { ...d, expiresAtMs: d.expiresAtMs + 1 }, {}, 'signature'],
    [
      'signed for another chain',
      signDelegation(doctor.seed, 'other-chain', toStMary, { nowMs: NOW_MS }),
      {},
      'signature',
    ],
    [
      'another practitioner than the request names',
      d,
      { practitionerKey: colleague.key },
      'other_practitioner',
    ],
    ['forwarded by another node', d, { nodeKey: party('other node').key }, 'other_node'],
    [
      'a key that is no practitioner',
      signDelegation(party('stranger').seed, chainId, toStMary, { nowMs: NOW_MS }),
      { practitionerKey: party('stranger').key },
      'not_practitioner',
    ],
    [
      'another organisation’s practitioner',
      signDelegation(elsewhere.seed, chainId, toStMary, { nowMs: NOW_MS }),
      { practitionerKey: elsewhere.key },
      'other_org',
    ],
    [
      'naming an organisation the node is not of',
      signDelegation(elsewhere.seed, chainId, { ...toStMary, orgId: 'riverside' }, { nowMs: NOW_MS }),
      { practitionerKey: elsewhere.key },
      'other_org',
    ],
    ['expired', d, { nowMs: NOW_MS + 61 * 60_000 }, 'expired'],
    ['issued in the future', d, { nowMs: NOW_MS - 5 * 60_000 }, 'not_yet_valid'],
    ['lasting over an hour', genuine({ ttlMs: 2 * 60 * 60_000 }), {}, 'lifetime'],
    ['ending before it starts', genuine({ ttlMs: -1 }), {}, 'lifetime'],
    [
      'scopes wider than delegated',
      genuine({ scopes: 'user/Observation.r' }),
      { scopes: parseScopes('user/*.rs') },
      'scopes',
    ],
  ];
  for (const [name, input, over, reason] of cases) {
    assert.throws(() => checkDelegation(c.state, input, expect(over)), refused(reason), name);
  }
});

test('within the clock skew a delegation is still good at either end', () => {
  const c = chain();
  const d = genuine();
  checkDelegation(c.state, d, expect({ nowMs: NOW_MS - 20_000 }));
  checkDelegation(c.state, d, expect({ nowMs: d.expiresAtMs + 20_000 }));
});

test('a suspended practitioner’s delegation is refused', () => {
  const c = chain();
  assert.equal(
    c.submit(hospitalAdmin, 'membership.suspendPractitioner', { practitionerKey: doctor.key }),
    'ok',
  );
  c.commit();
  assert.throws(() => checkDelegation(c.state, genuine(), expect()), refused('not_practitioner'));
});

test('scopesWithin: each interaction of the inner scopes must be allowed by the outer', () => {
  const within = (inner: string, outer: string) => scopesWithin(parseScopes(inner), parseScopes(outer));
  assert.equal(within('user/Observation.rs', 'user/*.cruds'), true);
  assert.equal(within('user/*.rs user/Patient.r', 'user/*.rs'), true);
  assert.equal(within('user/*.r', 'user/Observation.r'), false);
  assert.equal(within('user/Observation.rs', 'user/Observation.r'), false);
  assert.equal(within('user/Observation.r', 'patient/Observation.r'), false);
  assert.equal(within('openid user/*.r', 'user/*.r'), false);
  assert.equal(within('openid user/*.r', 'openid user/*.cruds'), true);
});

test('a patient’s delegation (issue 13) is theirs only: their current key, their pseudonym, the node named', () => {
  const c = chain();
  const patient = party('a patient delegating');
  assert.equal(c.submit(patient, 'membership.registerPatient', {}), 'ok');
  c.commit();
  const pseudonym = patientPseudonym(patient.key);
  const scopes = 'patient/*.rs';
  const own = signDelegation(patient.seed, chainId, toStMary, { nowMs: NOW_MS, scopes });
  const asPatient = { ...expect({ practitionerKey: patient.key, scopes: parseScopes(scopes) }), pseudonym };
  assert.deepEqual(checkPatientDelegation(c.state, own, asPatient), own);
  // A practitioner's delegation is not a patient's, nor is one for another patient's pseudonym.
  const doctors = genuine({ scopes });
  assert.throws(
    () => checkPatientDelegation(c.state, doctors, { ...asPatient, practitionerKey: doctor.key }),
    refused('not_patient'),
  );
  assert.throws(
    () => checkPatientDelegation(c.state, own, { ...asPatient, pseudonym: '00'.repeat(32) }),
    refused('not_patient'),
  );
  assert.throws(() => checkPatientDelegation(c.state, undefined, asPatient), refused('missing'));
  assert.throws(
    () => checkPatientDelegation(c.state, { ...own, nodeKey: clinicAdmin.key }, asPatient),
    refused('signature'),
  );
  // A patient cannot widen what they delegated, or stretch it past its lifetime.
  const wider = { ...asPatient, scopes: parseScopes('patient/*.cruds') };
  assert.throws(() => checkPatientDelegation(c.state, own, wider), refused('scopes'));
  const late = { ...asPatient, nowMs: NOW_MS + 2 * 60 * 60 * 1000 };
  assert.throws(() => checkPatientDelegation(c.state, own, late), refused('expired'));
});
