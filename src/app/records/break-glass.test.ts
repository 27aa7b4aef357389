import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestChain } from '../test-support.ts';
import { accessLog, breakGlassEvents } from './queries.ts';
import {
  accessPayload,
  alice,
  breakGlass,
  clinicAdmin,
  consentId,
  eventId,
  grantPayload,
  hex,
  hospitalNode,
  nurse,
  nurse2,
  pseudonym,
  registerRecord,
  setup,
  stranger,
} from './test-fixtures.ts';

const page = { offset: 0, limit: 100 };
const emergency = (overrides: object = {}) => ({
  purpose: 'ETREAT',
  outcome: 'granted',
  reasonCode: 'break-glass',
  breakGlass: breakGlass(),
  ...overrides,
});
const access = (chain: TestChain, n: number, overrides: object) =>
  chain.submit(hospitalNode, 'records.access', accessPayload(n, overrides));

function withRecord(): TestChain {
  const chain = setup();
  registerRecord(chain, 1);
  chain.commit();
  return chain;
}

test('an active practitioner may break the glass for ETREAT without consent, flagged to patient and officer', () => {
  const chain = withRecord();
  // Without break-glass the same emergency read is denied: there is no consent.
  assert.equal(access(chain, 1, emergency({ breakGlass: null })), 'tx.rejected:records.decision_mismatch');
  assert.equal(access(chain, 1, emergency()), 'ok');
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
  assert.equal(access(chain, 2, {}), 'ok');
  assert.equal(breakGlassEvents(chain.state, 'st-mary', page).total, 1);
  assert.deepEqual(
    accessLog(chain.state, pseudonym, page).items.map((e) => e.isBreakGlass),
    [false, true],
  );
});

test('break-glass is for emergency treatment reads only', () => {
  const chain = withRecord();
  for (const purpose of ['TREAT', 'HPAYMT', 'HOPERAT', 'HRESCH', 'PUBHLTH']) {
    assert.equal(access(chain, 1, emergency({ purpose })), 'tx.invalid_payload', purpose);
  }
  assert.equal(access(chain, 1, emergency({ action: 'write' })), 'tx.invalid_payload');
  // Break-glass must say so: claiming its reason without invoking it, or citing consents, is refused.
  assert.equal(access(chain, 1, emergency({ breakGlass: null })), 'tx.rejected:records.decision_mismatch');
  assert.equal(
    access(chain, 1, emergency({ consentIds: [consentId(1)] })),
    'tx.rejected:records.decision_mismatch',
  );
  assert.equal(
    access(chain, 1, emergency({ reasonCode: 'consent.permit' })),
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
  assert.equal(access(chain, 1, emergency()), 'tx.rejected:records.decision_mismatch');
  assert.equal(access(chain, 1, emergency({ outcome: 'denied', reasonCode: 'requester.suspended' })), 'ok');
  assert.equal(
    access(chain, 2, emergency({ requester: stranger.key })),
    'tx.rejected:records.decision_mismatch',
  );
  assert.equal(
    access(
      chain,
      2,
      emergency({ requester: stranger.key, outcome: 'denied', reasonCode: 'requester.not_practitioner' }),
    ),
    'ok',
  );
  // Another, active nurse may.
  assert.equal(access(chain, 3, emergency({ requester: nurse2.key, breakGlass: breakGlass(3) })), 'ok');
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
    access(
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
  assert.equal(access(chain, 2, emergency()), 'ok');
  assert.equal(accessLog(chain.state, pseudonym, page).items[0]?.isBreakGlass, true);
});
