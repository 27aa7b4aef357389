// The checkpoint signers follow governance, not genesis (issue 15): a member voted in becomes a witness
// and, from its activation, a validator of the policy; a rotated validator cosigns under its new key
// only; a removed member's validator counts until its removal activates, then is gone. Each of these
// fails against an identity built from genesis (the four genesis members, the genesis keys).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../core/c2sp/index.ts';
import { party } from '../../app/test-support.ts';
import { addMemberAction, GovernanceNet, networkGenesis } from '../../app/governance/test-fixtures.ts';
import { chainIdentity } from './identity.ts';

/** Commits enough blocks for a change passed now to activate (H + 2). */
function activate(net: GovernanceNet): void {
  for (let i = 0; i < 3; i++) net.chain.commit();
}

function signers(net: GovernanceNet) {
  // Genesis gives only the origin (from the chain id); who signs comes from the state.
  const identity = chainIdentity(networkGenesis(net.members), net.chain.state);
  return {
    identity,
    powers: Object.fromEntries(identity.witnesses.map((w) => [w.policyName, w.power])),
    validatorsGroup: /^group validators (\d+) (.*)$/m.exec(identity.defaultPolicyText)?.slice(1),
    policy: parsePolicy(identity.defaultPolicyText),
  };
}

test('genesis: the four members’ nodes, each a validator of power 10, three of four for the quorum', () => {
  const net = new GovernanceNet(4);
  const { powers, validatorsGroup } = signers(net);
  assert.deepEqual(powers, { 'org-0': 10, 'org-1': 10, 'org-2': 10, 'org-3': 10 });
  assert.deepEqual(validatorsGroup, ['3', 'org-0 org-1 org-2 org-3']);
});

test('a member voted in is a witness from its admission and a validator of the policy from its activation', () => {
  const net = new GovernanceNet(4);
  const lab = party('org-4 node');
  net.approve(net.proposeOk(0, addMemberAction('org-4', 10, lab.key)), [0, 1, 2]);
  const admitted = signers(net);
  assert.equal(admitted.identity.byNodeKey(lab.key)?.power, 0, 'admitted, not validating yet');
  // Not a non-voting member either: the quorum does not wait for it to sync before its activation.
  assert.doesNotMatch(admitted.identity.defaultPolicyText, /org-4/);
  activate(net);
  const { identity, powers, validatorsGroup } = signers(net);
  assert.equal(identity.byNodeKey(lab.key)?.orgId, 'org-4');
  assert.equal(powers['org-4'], 10);
  assert.deepEqual(validatorsGroup, ['4', 'org-0 org-1 org-2 org-3 org-4']);
});

test('a rotated validator cosigns under its new key only, once the rotation activates', () => {
  const net = new GovernanceNet(4);
  const old = net.members[1]!.node.key;
  const fresh = party('org-1 node, rotated');
  const id = net.proposeOk(0, { kind: 'rotate-validator-key', publicKey: old, newKey: fresh.key });
  net.approve(id, [0, 1, 2]);
  assert.equal(signers(net).identity.byNodeKey(old)?.power, 10, 'the old key signs until activation');
  activate(net);
  const { identity } = signers(net);
  assert.equal(identity.byNodeKey(old), undefined);
  assert.equal(identity.byNodeKey(fresh.key)?.orgId, 'org-1');
  assert.equal(identity.byNodeKey(fresh.key)?.power, 10);
});

test('a removed member’s validator counts until its removal activates, then leaves the policy', () => {
  const net = new GovernanceNet(4);
  const removed = net.members[3]!.node.key;
  net.approve(net.proposeOk(0, { kind: 'remove-member', orgId: 'org-3' }), [0, 1, 2]);
  assert.equal(signers(net).identity.byNodeKey(removed)?.power, 10, 'still signing the next blocks');
  activate(net);
  const { identity, validatorsGroup, policy } = signers(net);
  assert.equal(identity.byNodeKey(removed), undefined);
  assert.deepEqual(validatorsGroup, ['3', 'org-0 org-1 org-2']);
  assert.ok(
    ![...policy.witnesses.keys()].includes('org-3'),
    'its cosignature no longer counts toward a quorum',
  );
});

test('a member voted in without power joins the non-voting members’ group at once', () => {
  const net = new GovernanceNet(4);
  net.approve(net.proposeOk(0, addMemberAction('org-4', 0, party('org-4 node').key)), [0, 1, 2]);
  const { identity } = signers(net);
  assert.match(identity.defaultPolicyText, /^group members 1 org-4$/m);
  assert.match(identity.defaultPolicyText, /^quorum validators-and-members$/m);
});
