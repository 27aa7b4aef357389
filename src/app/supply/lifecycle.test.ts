// The lifecycle rules one by one, through the real BlockExecutor (TestChain checks that every refused
// tx wrote nothing), plus one lot's whole walk from commissioning to two pharmacies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateOverlay } from '../state.ts';
import { TxError } from '../../core/tx.ts';
import { supplyModule } from './index.ts';
import { eventCount, unit } from './store.ts';
import {
  ev,
  GLN,
  GTIN,
  ORGS,
  SupplyChain,
  nodes,
  sgtin,
  sscc,
  stranger,
  UNREGISTERED_GTIN,
  withCheck,
} from './test-fixtures.ts';

const [u1, u2, u3] = [sgtin('S1'), sgtin('S2'), sgtin('S3')];

function commissioned(...epcs: string[]): SupplyChain {
  const chain = SupplyChain.ready();
  assert.equal(chain.capture('maker', ev.commission(epcs)), 'ok');
  chain.commit();
  return chain;
}

test('one lot walks from commissioning through a distributor to two pharmacies', () => {
  const chain = commissioned(u1, u2, u3);
  const box = sscc(1);
  assert.equal(chain.capture('maker', ev.pack(box, [u1, u2, u3]), ev.ship([box], 'dist')), 'ok');
  assert.equal(unit(chain.state, u2)?.status, 'in_transit');
  assert.equal(unit(chain.state, u2)?.recipientOrgId, ORGS.dist.id);
  assert.equal(chain.capture('dist', ev.receive([box]), ev.unpack(box)), 'ok');
  assert.equal(unit(chain.state, u1)?.ownerOrgId, ORGS.dist.id);
  assert.equal(unit(chain.state, u1)?.parent, null);
  assert.equal(chain.capture('dist', ev.ship([u1], 'pharmA'), ev.ship([u2, u3], 'pharmB')), 'ok');
  chain.commit();
  assert.equal(chain.capture('pharmA', ev.receive([u1]), ev.dispense([u1])), 'ok');
  assert.equal(chain.capture('pharmB', ev.receive([u2, u3]), ev.dispense([u2])), 'ok');
  chain.commit();
  const a = unit(chain.state, u1)!;
  assert.equal(a.status, 'dispensed');
  assert.deepEqual(a.reachedOrgIds, [ORGS.maker.id, ORGS.dist.id, ORGS.pharmA.id]);
  assert.equal(unit(chain.state, u3)?.status, 'active');
  assert.equal(unit(chain.state, u3)?.ownerOrgId, ORGS.pharmB.id);
  assert.equal(a.lot, 'LOT-2026A');
});

test('an EPC URN and a Digital Link name the same unit', () => {
  const gtin = withCheck('0061414112345');
  const chain = SupplyChain.ready();
  chain.as('maker', 'supply.registerProduct', {
    gtin,
    name: 'x',
    strength: '1 mg',
    dosageForm: 'tablet',
    packSize: '10',
  });
  assert.equal(chain.capture('maker', ev.commission(['urn:epc:id:sgtin:0614141.012345.77'])), 'ok');
  assert.equal(unit(chain.state, `https://id.gs1.org/01/${gtin}/21/77`)?.ownerOrgId, ORGS.maker.id);
});

test('commissioning: the manufacturer only, once per serial, with lot and expiry', () => {
  const chain = SupplyChain.ready();
  assert.equal(chain.capture('dist', ev.commission([u1])), 'tx.rejected:supply.not_manufacturer');
  assert.equal(chain.capture('maker', ev.commission([u1], null)), 'tx.rejected:supply.ilmd_required');
  assert.equal(chain.capture('maker', ev.commission([u1], 'LOT', null)), 'tx.rejected:supply.ilmd_required');
  assert.equal(
    chain.capture('maker', ev.commission([u1], 'LOT', '2030-02-30')),
    'tx.rejected:supply.ilmd_required',
  );
  assert.equal(chain.capture('maker', ev.commission([u1])), 'ok');
  assert.equal(chain.capture('maker', ev.commission([u1])), 'tx.rejected:supply.already_commissioned');
  assert.equal(chain.capture('maker', ev.inspect([u2])), 'tx.rejected:supply.not_commissioned');
});

test('only the current owner ships, to a registered party', () => {
  const chain = commissioned(u1);
  assert.equal(chain.capture('dist', ev.ship([u1], 'pharmA')), 'tx.rejected:supply.not_owner');
  assert.equal(chain.capture('maker', ev.ship([u1], null)), 'tx.rejected:supply.destination_required');
  const nowhere = ev.ship([u1], null);
  nowhere.destinationList = [
    { type: 'owning_party', destination: `https://id.gs1.org/417/${withCheck('999999999999')}` },
  ];
  assert.equal(chain.capture('maker', nowhere), 'tx.rejected:supply.unknown_destination');
  assert.equal(chain.capture('maker', ev.ship([u1], 'dist')), 'ok');
  assert.equal(chain.capture('maker', ev.ship([u1], 'dist')), 'tx.rejected:supply.lifecycle_order');
  assert.equal(chain.capture('pharmA', ev.receive([u1])), 'tx.rejected:supply.not_addressee');
  assert.equal(chain.capture('dist', ev.receive([u1])), 'ok');
  assert.equal(chain.capture('dist', ev.receive([u1])), 'tx.rejected:supply.lifecycle_order');
});

test('CBV values count in all three spellings: bare name, EPCIS 1.x URN and CBV 2.0 web URI', () => {
  const chain = commissioned(u1, u2);
  const urn = {
    ...ev.ship([u1], 'dist'),
    bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
    disposition: 'urn:epcglobal:cbv:disp:in_transit',
  };
  assert.equal(chain.capture('maker', urn), 'ok');
  assert.equal(unit(chain.state, u1)?.status, 'in_transit');
  const web = { ...ev.ship([u2], 'dist'), bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping' };
  assert.equal(chain.capture('maker', web), 'ok');
  assert.equal(unit(chain.state, u2)?.status, 'in_transit');
  const custom = { ...ev.ship([u1], 'dist'), bizStep: 'https://example.com/steps/shipping' };
  assert.equal(chain.capture('maker', custom), 'ok'); // not CBV: observed, not a shipment
});

test('a shipment may name its destination by location (SGLN) instead of owning party', () => {
  const chain = commissioned(u1);
  const byLocation = ev.ship([u1], null);
  byLocation.destinationList = [{ type: 'location', destination: `https://id.gs1.org/414/${GLN.dist}` }];
  assert.equal(chain.capture('maker', byLocation), 'ok');
  assert.equal(unit(chain.state, u1)?.recipientOrgId, ORGS.dist.id);
});

test('dispensing: a pharmacy that owns the unit, once', () => {
  const chain = commissioned(u1, u2);
  assert.equal(chain.capture('maker', ev.dispense([u1])), 'tx.rejected:supply.not_pharmacy');
  chain.capture('maker', ev.ship([u1, u2], 'pharmA'));
  assert.equal(chain.capture('pharmA', ev.dispense([u1])), 'tx.rejected:supply.not_owner');
  chain.capture('pharmA', ev.receive([u1, u2]));
  assert.equal(chain.capture('pharmB', ev.dispense([u1])), 'tx.rejected:supply.not_owner');
  assert.equal(chain.capture('pharmA', ev.dispense([u1])), 'ok');
  assert.equal(chain.capture('pharmA', ev.dispense([u1])), 'tx.rejected:supply.already_dispensed');
  assert.equal(chain.capture('pharmB', ev.dispense([u1])), 'tx.rejected:supply.already_dispensed');
  assert.equal(chain.capture('pharmA', ev.ship([u1], 'pharmB')), 'tx.rejected:supply.already_dispensed');
});

test('nothing recalled or quarantined moves; a recalled lot may still be destroyed', () => {
  const chain = commissioned(u1, u2);
  assert.equal(
    chain.as('dist', 'supply.recallLot', { gtin: GTIN, lot: 'LOT-2026A' }),
    'tx.rejected:supply.not_manufacturer',
  );
  assert.equal(chain.as('fda', 'supply.recallLot', { gtin: GTIN, lot: 'LOT-2026A' }), 'ok');
  assert.equal(
    chain.as('maker', 'supply.recallLot', { gtin: GTIN, lot: 'LOT-2026A' }),
    'tx.rejected:supply.already_recalled',
  );
  assert.equal(chain.capture('maker', ev.ship([u1], 'dist')), 'tx.rejected:supply.recalled');
  assert.equal(chain.capture('maker', ev.decommission([u2])), 'ok');
  assert.equal(unit(chain.state, u2)?.decommissionReason, 'destroyed');
  assert.equal(chain.capture('maker', ev.ship([u2], 'dist')), 'tx.rejected:supply.decommissioned');
  assert.equal(chain.as('maker', 'supply.clearRecall', { gtin: GTIN, lot: 'LOT-2026A' }), 'ok');
  assert.equal(
    chain.as('maker', 'supply.clearRecall', { gtin: GTIN, lot: 'LOT-2026A' }),
    'tx.rejected:supply.not_recalled',
  );
  assert.equal(
    chain.as('dist', 'supply.notifySuspect', { kind: 'suspect', epcs: [u1] }),
    'tx.rejected:supply.not_trading_partner',
  );
  assert.equal(chain.as('maker', 'supply.notifySuspect', { kind: 'suspect', epcs: [u1] }), 'ok');
  assert.equal(chain.capture('maker', ev.ship([u1], 'dist')), 'tx.rejected:supply.quarantined');
  assert.equal(chain.as('maker', 'supply.resolveSuspect', { suspectId: 0, outcome: 'cleared' }), 'ok');
  assert.equal(
    chain.as('maker', 'supply.resolveSuspect', { suspectId: 0, outcome: 'cleared' }),
    'tx.rejected:supply.suspect_closed',
  );
  assert.equal(chain.capture('maker', ev.ship([u1], 'dist')), 'ok');
});

test('shipping an aggregate moves what is packed in it, nested cases included', () => {
  const chain = commissioned(u1, u2, u3);
  const [caseA, pallet] = [sscc(2), sscc(3)];
  assert.equal(chain.capture('maker', ev.pack(caseA, [u1, u2]), ev.pack(pallet, [caseA, u3])), 'ok');
  assert.equal(chain.capture('maker', ev.pack(sscc(4), [u1])), 'tx.rejected:supply.already_packed');
  assert.equal(chain.capture('maker', ev.ship([pallet], 'dist')), 'ok');
  for (const u of [u1, u2, u3]) assert.equal(unit(chain.state, u)?.status, 'in_transit');
  assert.equal(chain.capture('dist', ev.receive([pallet])), 'ok');
  for (const u of [u1, u2, u3]) assert.equal(unit(chain.state, u)?.ownerOrgId, ORGS.dist.id);
});

test('duplicate eventIDs are refused, in one document and across documents', () => {
  const chain = commissioned(u1);
  const inspect = ev.inspect([u1]);
  assert.equal(chain.capture('maker', inspect, inspect), 'tx.rejected:supply.duplicate_event_id');
  assert.equal(chain.capture('maker', inspect), 'ok');
  assert.equal(chain.capture('maker', inspect), 'tx.rejected:supply.duplicate_event_id');
  const declaration = {
    ...inspect,
    errorDeclaration: { declarationTime: '2026-01-16T00:00:00Z', reason: 'incorrect_data' },
  };
  assert.equal(chain.capture('maker', declaration), 'ok');
  assert.equal(chain.capture('maker', declaration), 'tx.rejected:supply.duplicate_event_id');
});

test('a document is all or nothing: a rule broken by its last event records none of it', () => {
  const chain = commissioned(u1);
  const before = eventCount(chain.state);
  const outcome = chain.capture('maker', ev.inspect([u1]), ev.ship([u1], 'dist'), ev.ship([u1], 'dist'));
  assert.equal(outcome, 'tx.rejected:supply.lifecycle_order');
  assert.equal(eventCount(chain.state), before);
  assert.equal(unit(chain.state, u1)?.status, 'active');
});

test('a refusal names the event index, its eventID, the unit and the rule', () => {
  const chain = commissioned(u1);
  const overlay = new StateOverlay(chain.state);
  const handler = supplyModule.handlers.find((h) => h.type === 'supply.capture')!;
  const bad = ev.ship([u1], 'dist');
  const foreign = `https://id.gs1.org/01/${UNREGISTERED_GTIN}/21/F`;
  const ctx = {
    chainId: 'c',
    state: overlay,
    signer: nodes.dist.key,
    txHash: '00'.repeat(32),
    height: 9,
    timeMs: 0,
  };
  assert.throws(
    () =>
      overlay.atomically(() =>
        handler.apply(ctx, { events: [JSON.stringify(ev.inspect([foreign])), JSON.stringify(bad)] }),
      ),
    (err: unknown) =>
      err instanceof TxError &&
      err.code === 'tx.rejected' &&
      err.details.reason === 'supply.not_owner' &&
      err.details.eventIndex === 1 &&
      err.details.eventId === bad.eventID &&
      err.details.epc === u1 &&
      err.details.effect === 'ship',
  );
  assert.deepEqual(overlay.sortedWrites(), []);
});

test('events about unregistered products are stored as received, by any member', () => {
  const chain = SupplyChain.ready();
  const other = `https://id.gs1.org/01/${UNREGISTERED_GTIN}/21/X`;
  assert.equal(
    chain.capture('hosp', ev.ship([other], null), ev.dispense([other]), ev.dispense([other])),
    'ok',
  );
  assert.equal(eventCount(chain.state), 3);
  assert.equal(unit(chain.state, other), undefined);
  assert.equal(
    chain.submit(stranger, 'supply.capture', { events: [JSON.stringify(ev.inspect([other]))] }),
    'tx.rejected:supply.not_member',
  );
});

test('malformed captures are invalid payloads, not rule refusals', () => {
  const chain = SupplyChain.ready();
  assert.equal(chain.as('maker', 'supply.capture', { events: [] }), 'tx.invalid_payload');
  assert.equal(chain.as('maker', 'supply.capture', { events: ['{'] }), 'tx.invalid_payload');
  assert.equal(chain.as('maker', 'supply.capture', { events: ['{"type":"Nope"}'] }), 'tx.invalid_payload');
  assert.equal(
    chain.as('maker', 'supply.capture', {
      events: [JSON.stringify({ ...ev.inspect([u1]), eventTime: 'yesterday' })],
    }),
    'tx.invalid_payload',
  );
  assert.equal(
    chain.as('maker', 'supply.capture', { events: [JSON.stringify(ev.inspect([u1]))], extra: 1 }),
    'tx.invalid_payload',
  );
  assert.equal(
    chain.as('maker', 'supply.capture', { events: Array(101).fill(JSON.stringify(ev.inspect([u1]))) }),
    'tx.invalid_payload',
  );
});
