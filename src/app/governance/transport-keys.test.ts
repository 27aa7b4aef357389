import assert from 'node:assert/strict';
import { test } from 'node:test';
import { party } from '../test-support.ts';
import { addMemberAction, GovernanceNet } from './test-fixtures.ts';
import { transportKeys } from './transport-keys.ts';

const allowed = (net: GovernanceNet, key: string) => transportKeys(net.chain.state).has(key);

test('a member voted in may connect from its admission, before it validates; a stranger never', () => {
  const net = new GovernanceNet(4);
  const clinic = party('org-4 node');
  assert.deepEqual(
    [...transportKeys(net.chain.state)].sort(),
    net.members.map((m) => m.node.key).sort(),
    'genesis: the four members’ nodes, as the genesis allow-list was',
  );
  const id = net.proposeOk(0, addMemberAction('org-4', 10, clinic.key));
  assert.equal(allowed(net, clinic.key), false, 'proposed is not admitted');
  net.approve(id, [0, 1, 2]);
  assert.equal(allowed(net, clinic.key), true, 'admitted: it must sync before it signs at H + 2');
  assert.equal(allowed(net, party('stranger').key), false);
});

test('a rotated-away key and a suspended member’s validator stay until the change activates, then go', () => {
  const net = new GovernanceNet(4);
  const [a, , , d] = net.members;
  const fresh = party('org-0 node, rotated');
  const changes = [
    { kind: 'rotate-validator-key', publicKey: a!.node.key, newKey: fresh.key },
    { kind: 'suspend-member', orgId: d!.id },
  ];
  for (const change of changes) net.approve(net.proposeOk(1, change), [0, 1, 2]);
  // Both still sign the next blocks, and the new key must be able to connect before it signs.
  assert.ok(allowed(net, a!.node.key) && allowed(net, d!.node.key) && allowed(net, fresh.key));
  for (let i = 0; i < 4; i++) net.chain.commit();
  assert.equal(allowed(net, a!.node.key), false, 'rotated away');
  assert.equal(allowed(net, d!.node.key), false, 'suspended and out of the set');
  assert.equal(allowed(net, fresh.key), true);
});
