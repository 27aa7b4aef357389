// Property: whatever ship and receive captures arrive, in any order and from anyone, a unit has exactly
// one owner at every step, and the chain accepts exactly the moves a simple custody model accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { unit } from './store.ts';
import { ev, ORGS, SupplyChain, sgtin, type OrgName } from './test-fixtures.ts';

const TRADERS: OrgName[] = ['maker', 'dist', 'pharmA', 'pharmB'];
const step = fc.record({
  actor: fc.constantFrom(...TRADERS),
  kind: fc.constantFrom('ship', 'receive'),
  to: fc.constantFrom(...TRADERS),
});

test('any interleaving of ship and receive keeps exactly one owner', () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
      const chain = SupplyChain.ready();
      const epc = sgtin('P1');
      assert.equal(chain.capture('maker', ev.commission([epc])), 'ok');
      let owner: OrgName = 'maker';
      let recipient: OrgName | null = null;
      for (const s of steps) {
        const event = s.kind === 'ship' ? ev.ship([epc], s.to) : ev.receive([epc]);
        const expectOk: boolean =
          s.kind === 'ship' ? s.actor === owner && recipient === null : recipient === s.actor;
        const outcome = chain.capture(s.actor, event);
        assert.equal(outcome === 'ok', expectOk, `${s.actor} ${s.kind} → ${outcome}`);
        if (expectOk && s.kind === 'ship') recipient = s.to;
        if (expectOk && s.kind === 'receive') [owner, recipient] = [s.actor, null];
        const u = unit(chain.state, epc)!;
        assert.equal(u.ownerOrgId, ORGS[owner].id);
        assert.equal(u.recipientOrgId, recipient === null ? null : ORGS[recipient].id);
        assert.equal(u.status, recipient === null ? 'active' : 'in_transit');
      }
    }),
    { numRuns: 60 },
  );
});
