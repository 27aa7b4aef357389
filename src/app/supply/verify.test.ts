// DSCSA verification: every reason, the recorded request and answer, and the alerts it raises.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertsFor } from './queries.ts';
import { verification } from './store.ts';
import {
  ev,
  EXPIRY,
  GTIN,
  LOT,
  ORGS,
  OTHER_GTIN,
  SupplyChain,
  UNREGISTERED_GTIN,
  sgtin,
} from './test-fixtures.ts';
import { verifyPack } from './verify.ts';
import { ALERT_REPEAT_WINDOW_MS, type VerifyQuery } from './types.ts';

const NOW = Date.UTC(2026, 0, 20);
const q = (serial: string, extra: Partial<VerifyQuery> = {}): VerifyQuery => ({
  gtin: GTIN,
  serial,
  lot: LOT,
  expiry: EXPIRY,
  ...extra,
});

function walked(): SupplyChain {
  const chain = SupplyChain.ready();
  const units = ['A', 'B', 'C', 'D', 'E', 'F'].map((s) => sgtin(s));
  chain.capture('maker', ev.commission(units));
  chain.capture('maker', ev.ship(units, 'pharmA'));
  chain.capture('pharmA', ev.receive(units), ev.dispense([sgtin('B')]));
  chain.capture('pharmA', ev.decommission([sgtin('C')]));
  chain.as('pharmA', 'supply.notifySuspect', { kind: 'illegitimate', epcs: [sgtin('D')] });
  chain.commit();
  return chain;
}

test('verifyPack answers every DSCSA reason', () => {
  const chain = walked();
  const s = chain.state;
  const at = (query: VerifyQuery, time = NOW) => {
    const v = verifyPack(s, query, time, ORGS.pharmA.id);
    return v.verified ? 'verified' : v.reason;
  };
  assert.equal(at(q('A')), 'verified');
  assert.equal(at(q('A', { lot: null, expiry: null })), 'verified');
  assert.equal(at(q('A', { gtin: UNREGISTERED_GTIN })), 'unknown_product');
  assert.equal(at(q('ZZZ')), 'unknown_serial');
  assert.equal(at(q('A', { gtin: OTHER_GTIN })), 'unknown_serial');
  assert.equal(at(q('A', { lot: 'OTHER' })), 'lot_mismatch');
  assert.equal(at(q('A', { expiry: '2031-01-01' })), 'expiry_mismatch');
  assert.equal(at(q('A'), Date.UTC(2030, 5, 30, 23, 59)), 'verified');
  assert.equal(at(q('A'), Date.UTC(2030, 6, 1)), 'expired');
  assert.equal(at(q('B')), 'already_dispensed');
  assert.equal(at(q('C')), 'decommissioned');
  assert.equal(at(q('D')), 'suspect_quarantined');
  chain.as('maker', 'supply.recallLot', { gtin: GTIN, lot: LOT });
  assert.equal(verifyPack(chain.state, q('A'), NOW, ORGS.pharmA.id).verified, false);
  assert.equal(
    (verifyPack(chain.state, q('A'), NOW, ORGS.pharmA.id) as { reason: string }).reason,
    'recalled',
  );
});

test('a recorded verification keeps the request, the answer given and the verdict recomputed', () => {
  const chain = walked();
  const answered = { verified: true, reason: null };
  assert.equal(chain.as('pharmA', 'supply.recordVerification', { query: q('A'), answered }), 'ok');
  // The answer was given before a dispense that lands first: both are stored, nothing is refused.
  chain.capture('pharmA', ev.dispense([sgtin('A')]));
  assert.equal(chain.as('pharmA', 'supply.recordVerification', { query: q('A'), answered }), 'ok');
  const [first, second] = [verification(chain.state, 0)!, verification(chain.state, 1)!];
  assert.deepEqual(first.recomputed, { verified: true, reason: null });
  assert.deepEqual(second.answered, answered);
  assert.deepEqual(second.recomputed, { verified: false, reason: 'already_dispensed' });
  assert.equal(second.verifierOrgId, ORGS.pharmA.id);
  const wrongAnswer = { verified: false, reason: 'made_up' };
  assert.equal(
    chain.as('pharmA', 'supply.recordVerification', { query: q('A'), answered: wrongAnswer }),
    'tx.invalid_payload',
  );
  assert.equal(
    chain.as('pharmA', 'supply.recordVerification', { query: { ...q('A'), expiry: '2030-13-01' }, answered }),
    'tx.invalid_payload',
  );
});

test('a never-commissioned serial and a pack verified where it never went alert the manufacturer and regulator', () => {
  const chain = walked();
  const answered = { verified: false, reason: 'unknown_serial' };
  assert.equal(chain.as('pharmB', 'supply.recordVerification', { query: q('CLONE'), answered }), 'ok');
  assert.equal(
    chain.as('pharmB', 'supply.recordVerification', {
      query: q('A'),
      answered: { verified: true, reason: null },
    }),
    'ok',
  );
  // At pharmacy A, which the unit reached, and by the regulator, no alert.
  chain.as('pharmA', 'supply.recordVerification', {
    query: q('A'),
    answered: { verified: true, reason: null },
  });
  chain.as('fda', 'supply.recordVerification', { query: q('A'), answered: { verified: true, reason: null } });
  for (const org of [ORGS.maker.id, ORGS.fda.id]) {
    const alerts = alertsFor(chain.state, org);
    assert.deepEqual(
      alerts.items.map((a) => [a.kind, a.subjectOrgId, a.epc]),
      [
        ['unreached_verification', ORGS.pharmB.id, sgtin('A')],
        ['unknown_serial', ORGS.pharmB.id, sgtin('CLONE')],
        ['illegitimate', ORGS.pharmA.id, sgtin('D')],
      ],
    );
  }
  assert.equal(alertsFor(chain.state, ORGS.dist.id).total, 0);
  assert.equal(alertsFor(chain.state, ORGS.pharmB.id).total, 0);
});

test('alerts cannot be forged: a report must be about the reporter and shown by the state', () => {
  const chain = walked();
  const report = (org: 'pharmA' | 'pharmB' | 'maker', kind: string, serial: string) =>
    chain.as(org, 'supply.reportAlert', { kind, epc: sgtin(serial) });
  // A (owned by pharmacy A, not dispensed): no second dispense to report, and pharmacy A owns it.
  assert.equal(report('pharmB', 'second_dispense', 'A'), 'tx.rejected:supply.alert_unfounded');
  assert.equal(report('pharmA', 'non_owner_shipment', 'A'), 'tx.rejected:supply.alert_unfounded');
  assert.equal(report('pharmB', 'non_owner_shipment', 'NEVER'), 'tx.rejected:supply.alert_unfounded');
  assert.equal(report('pharmB', 'unknown_serial', 'A'), 'tx.invalid_payload');
  const before = alertsFor(chain.state, ORGS.maker.id).total;
  assert.equal(report('pharmB', 'second_dispense', 'B'), 'ok');
  assert.equal(report('pharmB', 'non_owner_shipment', 'A'), 'ok');
  const alerts = alertsFor(chain.state, ORGS.maker.id);
  assert.equal(alerts.total, before + 2);
  assert.deepEqual(
    alerts.items.slice(0, 2).map((a) => [a.kind, a.subjectOrgId]),
    [
      ['non_owner_shipment', ORGS.pharmB.id],
      ['second_dispense', ORGS.pharmB.id],
    ],
  );
});

test('a loop of verifications or reports raises one alert per unit, kind and organisation per window', () => {
  const chain = walked();
  const clone = { query: q('CLONE2'), answered: { verified: false, reason: 'unknown_serial' } };
  const before = alertsFor(chain.state, ORGS.maker.id).total;
  for (let i = 0; i < 20; i++) {
    assert.equal(chain.as('pharmB', 'supply.recordVerification', clone), 'ok');
    assert.equal(
      chain.as('pharmB', 'supply.reportAlert', { kind: 'second_dispense', epc: sgtin('B') }),
      'ok',
    );
    if (i % 5 === 0) chain.commit();
  }
  chain.commit();
  assert.equal(
    alertsFor(chain.state, ORGS.maker.id).total,
    before + 2,
    'every verification is still recorded',
  );
  assert.equal(verification(chain.state, 19)?.recomputed.reason, 'unknown_serial', 'each one recorded');
  // Another organisation's act is its own alert: nobody mutes another's by verifying first.
  assert.equal(chain.as('pharmA', 'supply.recordVerification', clone), 'ok');
  assert.equal(alertsFor(chain.state, ORGS.maker.id).total, before + 3);
  // After the window, the loop alerts again.
  for (let t = chain.timeMs; chain.timeMs - t < ALERT_REPEAT_WINDOW_MS;) chain.commit();
  assert.equal(chain.as('pharmB', 'supply.recordVerification', clone), 'ok');
  assert.equal(alertsFor(chain.state, ORGS.maker.id).total, before + 4);
});
