// Finding 13 (issue 10, first part): any member could fill a unit's event history (EVENTS_PER_EPC_MAX
// events) with observe events or error declarations about it, and then its owner could no longer ship
// it nor a pharmacy dispense it. On a real three-node network, a hospital that has nothing to do with
// the unit keeps capturing "inspecting" events and error declarations naming it until the chain stops
// taking them; the manufacturer then still ships it, and the pharmacy receives and dispenses it.
// On the code before the fix, the hospital's 999 events went in and the shipment was refused with
// supply.epc_history_full.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ev, GLN, sgtin } from '../../src/app/supply/test-fixtures.ts';
import { EVENTS_PER_CAPTURE_MAX, EVENTS_PER_EPC_MAX } from '../../src/app/supply/types.ts';
import { staffClient } from '../harness/network.ts';
import { captureAt, registerFixtureProduct, SUPPLY_ORGS, supplyNetworkForTests } from '../harness/supply.ts';

const supply = supplyNetworkForTests(
  'carechain-finding13-history-',
  'carechain-finding13-history',
  { maker: SUPPLY_ORGS.maker, pharmacy: SUPPLY_ORGS.pharmacyA, hospital: SUPPLY_ORGS.hospital },
  () => commissionVictim(),
);
const { staff } = supply;
const victim = sgtin('H13');

function capture(who: keyof typeof staff, events: Record<string, unknown>[]) {
  return captureAt(supply.net, staff[who], events);
}

async function historyOf(epc: string): Promise<number> {
  const answer = await staffClient(staff.maker).get(
    `/api/v1/units/${encodeURIComponent(epc)}/pedigree?limit=1`,
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.total as number;
}

const declared = (event: Record<string, unknown>) => ({
  ...event,
  errorDeclaration: { declarationTime: '2026-01-16T00:00:00Z', reason: 'incorrect_data' },
});

/** The maker registers the product, maker and pharmacy claim their GLNs, and the maker commissions the victim. */
async function commissionVictim(): Promise<void> {
  const product = await registerFixtureProduct(staff.maker);
  assert.equal(product.status, 201, JSON.stringify(product.body));
  const claims = await Promise.all([
    staffClient(staff.maker).post('/api/v1/supply/parties', { gln: GLN.maker }),
    staffClient(staff.pharmacy).post('/api/v1/supply/parties', { gln: GLN.pharmA }),
  ]);
  for (const c of claims) assert.equal(c.status, 201, JSON.stringify(c.body));
  const made = await capture('maker', [ev.commission([victim])]);
  assert.equal(made.status, 201, JSON.stringify(made.body));
}

test('a member outside a unit’s custody cannot fill its history and block its shipping', async () => {
  // The maker's own inspection: an event the hospital will try to declare in error.
  const inspection = ev.inspect([victim]);
  assert.equal((await capture('maker', [inspection])).status, 201);
  const declaration = await capture('hospital', [declared(inspection)]);

  // The flood: documents of observations and of declarations about events never captured here, sized
  // to fill the history exactly, until the chain refuses them.
  let refusal: { code: string } | undefined;
  for (let left = EVENTS_PER_EPC_MAX - (await historyOf(victim)); refusal === undefined && left > 0;) {
    const events = Array.from({ length: Math.min(left, EVENTS_PER_CAPTURE_MAX) }, (_, i) =>
      i % 2 === 0 ? ev.inspect([victim]) : declared(ev.inspect([victim])),
    );
    const answer = await capture('hospital', events);
    if (answer.status !== 201) refusal = answer.body.error;
    left = EVENTS_PER_EPC_MAX - (await historyOf(victim));
  }

  // What matters first: the owner still ships, the pharmacy still receives and dispenses.
  const shipped = await capture('maker', [ev.ship([victim], 'pharmA')]);
  assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
  const dispensed = await capture('pharmacy', [ev.receive([victim]), ev.dispense([victim])]);
  assert.equal(dispensed.status, 201, JSON.stringify(dispensed.body));
  const unit = await staffClient(staff.pharmacy).get(`/api/v1/units/${encodeURIComponent(victim)}`);
  assert.equal(unit.body.unit.status, 'dispensed');

  // And why: the hospital was refused from its first event on.
  assert.equal(declaration.status, 422, JSON.stringify(declaration.body));
  assert.equal(declaration.body.error.code, 'supply.not_declarer');
  assert.equal(refusal?.code, 'supply.not_custodian');
  assert.equal(await historyOf(victim), 5, 'commission, inspection, ship, receive, dispense');
});
