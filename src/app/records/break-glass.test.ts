import assert from 'node:assert/strict';
import { test } from 'node:test';
import { party, testGenesis, type Party, type TestChain } from '../test-support.ts';
import { parseRecordsGenesis } from './policy.ts';
import { accessLog, breakGlassEvents } from './queries.ts';
import {
  alice,
  breakGlass,
  clinicAdmin,
  consentId,
  distributorAdmin,
  doctor,
  eventId,
  grantPayload,
  hex,
  insurerAdmin,
  nurse,
  nurse2,
  privacyOfficer,
  pseudonym,
  registerRecord,
  setup,
  stranger,
  submitAccess,
  withRecord,
} from './test-fixtures.ts';

const page = { offset: 0, limit: 100 };
const emergency = (overrides: object = {}) => ({
  purpose: 'ETREAT',
  outcome: 'granted',
  reasonCode: 'break-glass',
  breakGlass: breakGlass(),
  ...overrides,
});
test('an active practitioner may break the glass for ETREAT without consent, flagged to patient and officer', () => {
  const chain = withRecord();
  // Without break-glass the same emergency read is denied: there is no consent.
  assert.equal(
    submitAccess(chain, 1, emergency({ breakGlass: null })),
    'tx.rejected:records.decision_mismatch',
  );
  assert.equal(submitAccess(chain, 1, emergency()), 'ok');
  const [mine] = accessLog(chain.state, pseudonym, page).items;
  assert.equal(mine?.eventId, eventId(1));
  assert.equal(mine?.isBreakGlass, true);
  assert.equal(mine?.outcome, 'granted');
  assert.equal(mine?.reasonCode, 'break-glass');
  assert.deepEqual(mine?.breakGlass, breakGlass());
  assert.deepEqual(mine?.consentIds, []);
  const officer = breakGlassEvents(chain.state, 'st-mary', page);
  assert.equal(officer.total, 1);
  assert.equal(officer.items[0]?.eventId, eventId(1));
  assert.equal(officer.items[0]?.isBreakGlass, true);
  // Another custodian's officer sees nothing of it.
  assert.equal(breakGlassEvents(chain.state, 'riverside', page).total, 0);
  // An ordinary event is not in the officer's view.
  assert.equal(submitAccess(chain, 2, {}), 'ok');
  assert.equal(breakGlassEvents(chain.state, 'st-mary', page).total, 1);
  assert.deepEqual(
    accessLog(chain.state, pseudonym, page).items.map((e) => e.isBreakGlass),
    [false, true],
  );
});

test('break-glass is for emergency treatment reads only', () => {
  const chain = withRecord();
  for (const purpose of ['TREAT', 'HPAYMT', 'HOPERAT', 'HRESCH', 'PUBHLTH']) {
    assert.equal(submitAccess(chain, 1, emergency({ purpose })), 'tx.invalid_payload', purpose);
  }
  assert.equal(submitAccess(chain, 1, emergency({ action: 'write' })), 'tx.invalid_payload');
  // Break-glass must say so: claiming its reason without invoking it, or citing consents, is refused.
  assert.equal(
    submitAccess(chain, 1, emergency({ breakGlass: null })),
    'tx.rejected:records.decision_mismatch',
  );
  assert.equal(
    submitAccess(chain, 1, emergency({ consentIds: [consentId(1)] })),
    'tx.rejected:records.decision_mismatch',
  );
  assert.equal(
    submitAccess(chain, 1, emergency({ reasonCode: 'consent.permit' })),
    'tx.rejected:records.decision_mismatch',
  );
  assert.equal(breakGlassEvents(chain.state, 'st-mary', page).total, 0);
});

test('only an active practitioner may break the glass; a refused attempt is still flagged', () => {
  const chain = withRecord();
  assert.equal(
    chain.submit(clinicAdmin, 'membership.suspendPractitioner', { practitionerKey: nurse.key }),
    'ok',
  );
  assert.equal(submitAccess(chain, 1, emergency()), 'tx.rejected:records.decision_mismatch');
  assert.equal(
    submitAccess(chain, 1, emergency({ outcome: 'denied', reasonCode: 'requester.suspended' })),
    'ok',
  );
  assert.equal(
    submitAccess(chain, 2, emergency({ requester: stranger.key })),
    'tx.rejected:records.decision_mismatch',
  );
  assert.equal(
    submitAccess(
      chain,
      2,
      emergency({ requester: stranger.key, outcome: 'denied', reasonCode: 'requester.not_practitioner' }),
    ),
    'ok',
  );
  // Another, active nurse may.
  assert.equal(submitAccess(chain, 3, emergency({ requester: nurse2.key, breakGlass: breakGlass(3) })), 'ok');
  const officer = breakGlassEvents(chain.state, 'st-mary', page).items;
  assert.deepEqual(
    officer.map((e) => [e.eventId, e.outcome, e.reasonCode]),
    [
      [eventId(3), 'granted', 'break-glass'],
      [eventId(2), 'denied', 'requester.not_practitioner'],
      [eventId(1), 'denied', 'requester.suspended'],
    ],
  );
  assert.deepEqual(officer[0]?.breakGlass, { reasonCommitment: hex(3, 5) });
});

test('break-glass overrides even a patient’s explicit denial, and says so', () => {
  const chain = withRecord();
  const deny = grantPayload(1, { provision: 'deny', purposes: ['ETREAT'] });
  assert.equal(chain.submit(alice, 'consent.grant', deny), 'ok');
  assert.equal(
    submitAccess(
      chain,
      1,
      emergency({
        breakGlass: null,
        outcome: 'denied',
        reasonCode: 'consent.denied',
        consentIds: [consentId(1)],
      }),
    ),
    'ok',
  );
  assert.equal(submitAccess(chain, 2, emergency()), 'ok');
  assert.equal(accessLog(chain.state, pseudonym, page).items[0]?.isBreakGlass, true);
});

/** Registers a practitioner with the organisation admin's key. */
function staff(chain: TestChain, admin: Party, who: Party, orgId: string, role: string): void {
  const payload = { orgId, practitionerKey: who.key, role };
  assert.equal(chain.submit(admin, 'membership.registerPractitioner', payload), 'ok');
}

test('break-glass is only for physicians and nurses of care-giving organisations; others log a denial', () => {
  const chain = withRecord();
  const distributorStaff = party('northwind staff');
  const claimsOfficer = party('acme claims officer');
  const pharmacist = party('riverside pharmacist');
  staff(chain, distributorAdmin, distributorStaff, 'northwind', 'admin');
  staff(chain, insurerAdmin, claimsOfficer, 'acme-insurance', 'claims-officer');
  staff(chain, clinicAdmin, pharmacist, 'riverside', 'pharmacist');
  const refused = [
    [distributorStaff, 'northwind'],
    [claimsOfficer, 'acme-insurance'],
    [privacyOfficer, 'st-mary'],
    [pharmacist, 'riverside'],
  ] as const;
  refused.forEach(([who, orgId], i) => {
    const asked = { requester: who.key, requesterOrgId: orgId };
    assert.equal(
      submitAccess(chain, 10 + i, emergency(asked)),
      'tx.rejected:records.decision_mismatch',
      orgId,
    );
    const denial = emergency({ ...asked, outcome: 'denied', reasonCode: 'break-glass.not_allowed' });
    assert.equal(submitAccess(chain, 10 + i, denial), 'ok', orgId);
  });
  // Each attempt is flagged to the custodian's privacy officer, none released anything.
  const officer = breakGlassEvents(chain.state, 'st-mary', page).items;
  assert.equal(officer.length, refused.length);
  assert.ok(officer.every((e) => e.outcome === 'denied' && e.reasonCode === 'break-glass.not_allowed'));
  // A hospital physician and a clinic nurse may.
  assert.equal(
    submitAccess(chain, 20, emergency({ requester: doctor.key, requesterOrgId: 'st-mary' })),
    'ok',
  );
  assert.equal(submitAccess(chain, 21, emergency()), 'ok');
});

test('the genesis budget bounds break-glass per practitioner and per organisation, per window of block time', () => {
  const budget = { windowMs: 10_000, perPractitioner: 2, perOrganisation: 3 };
  const chain = setup(budget);
  registerRecord(chain, 1);
  chain.commit();
  const spent = (reasonCode: string, o: object = {}) => emergency({ ...o, outcome: 'denied', reasonCode });
  let n = 0;
  // The nurse's two, then her own budget is spent; the denial is logged and spends nothing.
  assert.equal(submitAccess(chain, ++n, emergency()), 'ok');
  assert.equal(submitAccess(chain, ++n, emergency()), 'ok');
  assert.equal(submitAccess(chain, ++n, emergency()), 'tx.rejected:records.decision_mismatch');
  assert.equal(submitAccess(chain, n, spent('break-glass.practitioner_budget')), 'ok');
  // Her colleague may still, once: then Riverside's three are spent, for everyone there.
  const colleague = { requester: nurse2.key };
  assert.equal(submitAccess(chain, ++n, emergency(colleague)), 'ok');
  assert.equal(submitAccess(chain, ++n, spent('break-glass.organisation_budget', colleague)), 'ok');
  // St Mary's budget is its own.
  const atStMary = { requester: doctor.key, requesterOrgId: 'st-mary' };
  assert.equal(submitAccess(chain, ++n, emergency(atStMary)), 'ok');
  const officer = breakGlassEvents(chain.state, 'st-mary', page).items;
  assert.equal(officer.filter((e) => e.outcome === 'granted').length, 4);
  // The next window (block time moves 1 s a block here) opens both budgets again.
  for (let i = 0; i < 10; i++) chain.commit();
  assert.equal(submitAccess(chain, ++n, emergency()), 'ok');
  assert.equal(submitAccess(chain, n + 1, emergency(colleague)), 'ok');
});

test('a budget of zero turns break-glass off; a malformed records genesis is refused', () => {
  const chain = setup({ windowMs: 60_000, perPractitioner: 0, perOrganisation: 100 });
  registerRecord(chain, 1);
  chain.commit();
  assert.equal(
    submitAccess(chain, 1, emergency({ outcome: 'denied', reasonCode: 'break-glass.practitioner_budget' })),
    'ok',
  );
  const genesis = (records: unknown) => testGenesis({ records } as never);
  assert.equal(parseRecordsGenesis(testGenesis()), undefined);
  for (const bad of [
    {},
    { breakGlass: { windowMs: 999, perPractitioner: 1, perOrganisation: 1 } },
    { breakGlass: { windowMs: 60_000, perPractitioner: -1, perOrganisation: 1 } },
    { breakGlass: { windowMs: 60_000, perPractitioner: 1 } },
    { breakGlass: { windowMs: 60_000, perPractitioner: 1, perOrganisation: 1, extra: 1 } },
    { breakGlass: { windowMs: 60_000, perPractitioner: 1.5, perOrganisation: 1 } },
  ]) {
    assert.throws(() => parseRecordsGenesis(genesis(bad)), /genesis|app\.records/, JSON.stringify(bad));
  }
});
