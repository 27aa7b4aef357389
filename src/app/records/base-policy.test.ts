// The base policy in genesis (issue 13): who may read and write without a consent under opt-in,
// treatment-relationship and opt-out, through the real module on a real chain, and a patient's deny
// beating both of the permissive policies. Reads are records.access events committed by the custodian
// (St Mary) and re-decided by the chain; a claim the policy does not back is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { party, registerPractitioner, type TestChain } from '../test-support.ts';
import { basePolicy, parseRecordsGenesis } from './policy.ts';
import {
  accessPayload,
  alice,
  clinicAdmin,
  clinicNode,
  consentId,
  distributorAdmin,
  doctor,
  grantPayload,
  hospitalNode,
  insurerAdmin,
  nurse,
  privacyOfficer,
  registerPayload,
  registerRecord,
  setup,
  type Party,
} from './test-fixtures.ts';
import type { BasePolicy } from './policy.ts';

const denied = (reasonCode: string, consentIds: string[] = []) => ({
  outcome: 'denied',
  reasonCode,
  consentIds,
});
const granted = (reasonCode: string, consentIds: string[] = []) => ({
  outcome: 'granted',
  reasonCode,
  consentIds,
});

const dispenser = party('riverside pharmacist');
const claimsOfficer = party('acme claims officer');

function chainWith(policy?: BasePolicy): TestChain {
  const chain = setup(undefined, policy);
  registerPractitioner(chain, clinicAdmin, dispenser, 'riverside', 'pharmacist');
  registerPractitioner(chain, insurerAdmin, claimsOfficer, 'acme-insurance', 'claims-officer');
  registerRecord(chain, 1);
  chain.commit();
  return chain;
}

/** St Mary's node logs a read of Alice's record 1 by `who` of `orgId` with the claimed decision. */
function read(chain: TestChain, n: number, who: Party, orgId: string, claim: object, extra: object = {}) {
  return chain.submit(
    hospitalNode,
    'records.access',
    accessPayload(n, { requester: who.key, requesterOrgId: orgId, ...claim, ...extra }),
  );
}

/** The one decision the chain accepts for this read, among the candidates a gateway could claim. */
function verdict(chain: TestChain, n: number, who: Party, orgId: string, extra: object = {}): string {
  const claims = [
    granted('policy.treatment-relationship'),
    granted('policy.opt-out'),
    denied('consent.none'),
    granted('consent.permit', [consentId(1)]),
    denied('consent.denied', [consentId(2)]),
  ];
  const accepted = claims.filter((claim) => read(chain, n, who, orgId, claim, extra) === 'ok');
  assert.equal(accepted.length, 1, `exactly one decision is true (${JSON.stringify(accepted)})`);
  const { outcome, reasonCode } = accepted[0] as { outcome: string; reasonCode: string };
  return `${outcome} ${reasonCode}`;
}

test('genesis names the base policy; absent, it is opt-in; an unknown one is refused', () => {
  assert.equal(basePolicy(chainWith().state), 'opt-in');
  assert.equal(basePolicy(chainWith('opt-out').state), 'opt-out');
  const budget = { windowMs: 60_000, perPractitioner: 1, perOrganisation: 1 };
  const genesis = (records: unknown) => ({
    chainId: 'x',
    genesisTimeMs: 0,
    validators: [],
    app: { records },
  });
  assert.equal(parseRecordsGenesis(genesis({ breakGlass: budget }) as never)?.basePolicy, 'opt-in');
  for (const bad of ['opt-maybe', 1, null]) {
    assert.throws(
      () => parseRecordsGenesis(genesis({ breakGlass: budget, basePolicy: bad }) as never),
      /basePolicy/,
    );
  }
});

test('opt-in: without consent nobody reads, not even the custodian’s own physician', () => {
  const chain = chainWith('opt-in');
  assert.equal(verdict(chain, 1, doctor, 'st-mary'), 'denied consent.none');
  assert.equal(verdict(chain, 2, nurse, 'riverside'), 'denied consent.none');
});

test('treatment-relationship: the custodian’s clinicians read its records for treatment, nobody else', () => {
  const chain = chainWith('treatment-relationship');
  assert.equal(verdict(chain, 1, doctor, 'st-mary'), 'granted policy.treatment-relationship');
  // Not for another purpose, not by its non-clinical staff, not by another organisation.
  assert.equal(verdict(chain, 2, doctor, 'st-mary', { purpose: 'HPAYMT' }), 'denied consent.none');
  assert.equal(verdict(chain, 3, privacyOfficer, 'st-mary'), 'denied consent.none');
  assert.equal(verdict(chain, 4, nurse, 'riverside'), 'denied consent.none');
  assert.equal(verdict(chain, 5, claimsOfficer, 'acme-insurance'), 'denied consent.none');
  // The patient's deny beats the policy.
  const deny = grantPayload(2, { grantee: { kind: 'organisation', orgId: 'st-mary' }, provision: 'deny' });
  assert.equal(chain.submit(alice, 'consent.grant', deny), 'ok');
  chain.commit();
  assert.equal(verdict(chain, 6, doctor, 'st-mary'), 'denied consent.denied');
});

test('opt-out: every care-giving organisation’s clinicians read for treatment unless the patient denies', () => {
  const chain = chainWith('opt-out');
  assert.equal(verdict(chain, 1, doctor, 'st-mary'), 'granted policy.treatment-relationship');
  assert.equal(verdict(chain, 2, nurse, 'riverside'), 'granted policy.opt-out');
  assert.equal(verdict(chain, 3, dispenser, 'riverside'), 'granted policy.opt-out');
  // An insurer gives no care; a non-clinical role reads nothing; research is not treatment.
  assert.equal(verdict(chain, 4, claimsOfficer, 'acme-insurance'), 'denied consent.none');
  assert.equal(verdict(chain, 5, privacyOfficer, 'st-mary'), 'denied consent.none');
  assert.equal(verdict(chain, 6, nurse, 'riverside', { purpose: 'HRESCH' }), 'denied consent.none');
  // Alice denies Riverside: the deny beats opt-out for Riverside only.
  const deny = grantPayload(2, { provision: 'deny' });
  assert.equal(chain.submit(alice, 'consent.grant', deny), 'ok');
  chain.commit();
  assert.equal(verdict(chain, 7, nurse, 'riverside'), 'denied consent.denied');
  assert.equal(verdict(chain, 8, doctor, 'st-mary'), 'granted policy.treatment-relationship');
});

test('a second custodian writes about the patient without consent unless opt-in or a deny', () => {
  const atRiverside = { practitioner: nurse.key, custodianOrgId: 'riverside' };
  const write = (chain: TestChain, n: number, o: object = {}) =>
    chain.submit(clinicNode, 'records.register', registerPayload(n, 1, { ...atRiverside, ...o }));
  const optIn = chainWith('opt-in');
  assert.equal(write(optIn, 2), 'tx.rejected:records.no_write_consent');
  for (const policy of ['treatment-relationship', 'opt-out'] as const) {
    const chain = chainWith(policy);
    assert.equal(write(chain, 2), 'ok', policy);
    // Still only its clinical staff.
    const byOfficer = { practitioner: distributorAdmin.key };
    assert.equal(write(chain, 3, byOfficer), 'tx.rejected:records.not_custodian', policy);
    const deny = grantPayload(2, { actions: ['write'], provision: 'deny' });
    assert.equal(chain.submit(alice, 'consent.grant', deny), 'ok');
    chain.commit();
    assert.equal(write(chain, 4), 'tx.rejected:records.no_write_consent', policy);
    // The deny names Observations: a Condition is still written.
    assert.equal(write(chain, 5, { resourceType: 'Condition' }), 'ok', policy);
  }
});
