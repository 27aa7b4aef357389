// Finding 13 at the chain rule: who may write into a unit's history without moving it, and the budgets
// that keep room for the owner's moves. Through the real BlockExecutor (TestChain checks that every
// refused tx wrote nothing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsAbout } from './queries.ts';
import { unit } from './store.ts';
import { ev, ORGS, SupplyChain, sgtin, sscc, UNREGISTERED_GTIN, type OrgName } from './test-fixtures.ts';
import { OBSERVATIONS_PER_EPC_MAX, OBSERVATIONS_PER_ORG_PER_EPC_MAX } from './types.ts';

const [u1, u2] = [sgtin('C1'), sgtin('C2')];

function commissioned(...epcs: string[]): SupplyChain {
  const chain = SupplyChain.ready();
  assert.equal(chain.capture('maker', ev.commission(epcs)), 'ok');
  chain.commit();
  return chain;
}

/** n observations of epc by org, in captures of at most 100 events; the outcome of the last. */
function observeMany(chain: SupplyChain, org: OrgName, epc: string, n: number): string {
  let outcome = 'ok';
  for (let done = 0; done < n && outcome === 'ok'; done += 100) {
    const batch = Array.from({ length: Math.min(100, n - done) }, () => ev.inspect([epc]));
    outcome = chain.capture(org, ...batch);
  }
  chain.commit();
  return outcome;
}

test('only the owner, the addressee, the manufacturer or a regulator records observations of a unit', () => {
  const chain = commissioned(u1);
  assert.equal(chain.capture('hosp', ev.inspect([u1])), 'tx.rejected:supply.not_custodian');
  assert.equal(chain.capture('pharmA', ev.inspect([u1])), 'tx.rejected:supply.not_custodian');
  assert.equal(chain.capture('maker', ev.inspect([u1]), ev.ship([u1], 'dist')), 'ok');
  assert.equal(chain.capture('dist', ev.inspect([u1])), 'ok', 'the addressee, while in transit');
  assert.equal(chain.capture('dist', ev.receive([u1]), ev.ship([u1], 'pharmA')), 'ok');
  assert.equal(chain.capture('fda', ev.inspect([u1])), 'ok');
  assert.equal(chain.capture('maker', ev.inspect([u1])), 'ok', 'the manufacturer, after it let go');
  assert.equal(chain.capture('pharmB', ev.inspect([u1])), 'tx.rejected:supply.not_custodian');
  // A transformation consumes its inputs: the same rule.
  const transform = {
    type: 'TransformationEvent',
    eventID: 'urn:uuid:10000000-0000-4000-8000-000000000001',
    eventTime: '2026-01-15T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    inputEPCList: [u1],
    outputEPCList: [`https://id.gs1.org/01/${UNREGISTERED_GTIN}/21/T1`],
  };
  assert.equal(chain.capture('hosp', transform), 'tx.rejected:supply.not_custodian');
  // Observing an aggregate observes what is packed in it.
  assert.equal(chain.capture('pharmA', ev.receive([u1])), 'ok');
  assert.equal(chain.capture('maker', ev.commission([u2]), ev.pack(sscc(7), [u2])), 'ok');
  assert.equal(chain.capture('pharmA', ev.inspect([sscc(7)])), 'tx.rejected:supply.not_custodian');
});

test('an error declaration comes from whoever captured the event, or a regulator', () => {
  const chain = commissioned(u1);
  const inspect = ev.inspect([u1]);
  assert.equal(chain.capture('maker', inspect), 'ok');
  const declaration = (of: Record<string, unknown>) => ({
    ...of,
    errorDeclaration: { declarationTime: '2026-01-16T00:00:00Z', reason: 'incorrect_data' },
  });
  assert.equal(chain.capture('hosp', declaration(inspect)), 'tx.rejected:supply.not_declarer');
  assert.equal(chain.capture('fda', declaration(inspect)), 'ok');
  // Not on this chain: the custody of the units it names decides.
  const elsewhere = ev.inspect([u1]);
  assert.equal(chain.capture('hosp', declaration(elsewhere)), 'tx.rejected:supply.not_custodian');
  assert.equal(chain.capture('maker', declaration(elsewhere)), 'ok');
  const foreign = ev.inspect([`https://id.gs1.org/01/${UNREGISTERED_GTIN}/21/D`]);
  assert.equal(chain.capture('hosp', declaration(foreign)), 'ok');
});

test('an error declaration must say when it was declared, and list corrective eventIDs as strings', () => {
  const chain = commissioned(u1);
  const inspect = ev.inspect([u1]);
  assert.equal(chain.capture('maker', inspect), 'ok');
  const declaring = (errorDeclaration: unknown) => chain.capture('maker', { ...inspect, errorDeclaration });
  assert.equal(declaring({ reason: 'incorrect_data' }), 'tx.invalid_payload');
  assert.equal(declaring({ declarationTime: 'yesterday' }), 'tx.invalid_payload');
  assert.equal(declaring('incorrect_data'), 'tx.invalid_payload');
  assert.equal(
    declaring({ declarationTime: '2026-01-16T00:00:00Z', correctiveEventIDs: [7] }),
    'tx.invalid_payload',
  );
  assert.equal(
    declaring({ declarationTime: '2026-01-16T00:00:00Z', correctiveEventIDs: ['urn:uuid:c0'] }),
    'ok',
  );
});

test('nobody packs into another organisation’s aggregate (its owner could not ship it)', () => {
  const chain = commissioned(u1);
  assert.equal(chain.capture('maker', ev.pack(sscc(8), [u1])), 'ok');
  assert.equal(chain.capture('maker', ev.commission([u2]), ev.ship([u2], 'dist')), 'ok');
  assert.equal(chain.capture('dist', ev.receive([u2])), 'ok');
  assert.equal(chain.capture('dist', ev.pack(sscc(8), [u2])), 'tx.rejected:supply.not_owner');
  assert.equal(chain.capture('maker', ev.ship([sscc(8)], 'pharmA')), 'ok');
});

test('observations draw on budgets that leave the owner room to ship and dispense', () => {
  const chain = commissioned(u1);
  assert.equal(observeMany(chain, 'maker', u1, OBSERVATIONS_PER_ORG_PER_EPC_MAX), 'ok');
  assert.equal(observeMany(chain, 'maker', u1, 1), 'tx.rejected:supply.observations_full');
  assert.equal(observeMany(chain, 'fda', u1, OBSERVATIONS_PER_ORG_PER_EPC_MAX), 'ok');
  assert.equal(chain.capture('maker', ev.ship([u1], 'pharmA')), 'ok');
  assert.equal(chain.capture('pharmA', ev.receive([u1]), ev.dispense([u1])), 'ok');
  chain.commit();
  assert.equal(unit(chain.state, u1)?.status, 'dispensed');
  assert.equal(eventsAbout(chain.state, u1).total, 1 + 2 * OBSERVATIONS_PER_ORG_PER_EPC_MAX + 3);

  // An identifier no rule knows is observed by anyone, up to the budget over all organisations.
  const other = `https://id.gs1.org/01/${UNREGISTERED_GTIN}/21/B`;
  const orgs = Object.keys(ORGS) as OrgName[];
  const perOrg = OBSERVATIONS_PER_ORG_PER_EPC_MAX;
  const fill = OBSERVATIONS_PER_EPC_MAX / perOrg;
  for (const org of orgs.slice(0, fill)) assert.equal(observeMany(chain, org, other, perOrg), 'ok');
  assert.equal(observeMany(chain, orgs[fill]!, other, 1), 'tx.rejected:supply.observations_full');
});
