import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TxError } from '../../core/tx.ts';
import { validatorSetHash, type Validator } from '../../core/validators.ts';
import { validatorSetFromState } from '../consensus/index.ts';
import { keyEntry, organisation, organisationIds } from '../membership/queries.ts';
import { party } from '../test-support.ts';
import { isActiveMember } from './members.ts';
import { proposal } from './queries.ts';
import { addMemberAction, GovernanceNet, POWER_EACH } from './test-fixtures.ts';
import {
  checkValidatorChange,
  nextValidatorSetHash,
  pendingValidatorSets,
  validatorSetForHeight,
  validatorSetHistory,
} from './validator-set.ts';

const v = (key: string, power: number): Validator => ({ publicKey: key.repeat(64), power, name: key });

// [before, after, refusal reason or 'ok'] — one activation moves less than 1/3 of the outgoing power.
const CHANGES: [string, Validator[], Validator[], string][] = [
  [
    'adding a quarter',
    [v('a', 1), v('b', 1), v('c', 1), v('d', 1)],
    [v('a', 1), v('b', 1), v('c', 1), v('d', 1), v('e', 1)],
    'ok',
  ],
  [
    'removing a quarter',
    [v('a', 1), v('b', 1), v('c', 1), v('d', 1)],
    [v('a', 1), v('b', 1), v('c', 1)],
    'ok',
  ],
  [
    'rotating a quarter (moves it once)',
    [v('a', 1), v('b', 1), v('c', 1), v('d', 1)],
    [v('a', 1), v('b', 1), v('c', 1), v('e', 1)],
    'ok',
  ],
  [
    'adding exactly a third',
    [v('a', 1), v('b', 1), v('c', 1)],
    [v('a', 1), v('b', 1), v('c', 1), v('d', 1)],
    'governance.power_shift_too_large',
  ],
  [
    'removing half',
    [v('a', 1), v('b', 1), v('c', 1), v('d', 1)],
    [v('a', 1), v('b', 1)],
    'governance.power_shift_too_large',
  ],
  [
    'raising one power past a third',
    [v('a', 3), v('b', 3), v('c', 3)],
    [v('a', 6), v('b', 3), v('c', 3)],
    'governance.power_shift_too_large',
  ],
  [
    'raising one power under a third',
    [v('a', 3), v('b', 3), v('c', 3)],
    [v('a', 5), v('b', 3), v('c', 3)],
    'ok',
  ],
  ['removing the last validator', [v('a', 1)], [], 'governance.no_validators_left'],
  [
    'a key twice',
    [v('a', 10), v('b', 10), v('c', 10)],
    [v('a', 10), v('b', 10), v('c', 10), v('a', 1)],
    'governance.duplicate_validator',
  ],
  [
    'a power of zero',
    [v('a', 10), v('b', 10), v('c', 10)],
    [v('a', 10), v('b', 10), v('c', 10), v('d', 0)],
    'governance.invalid_validator_set',
  ],
];

for (const [what, before, after, expected] of CHANGES) {
  test(`validator change: ${what} → ${expected}`, () => {
    let outcome = 'ok';
    try {
      checkValidatorChange(before, after);
    } catch (err) {
      assert.ok(err instanceof TxError);
      outcome = String(err.details.reason);
    }
    assert.equal(outcome, expected);
  });
}

test('a fifth organisation voted in as a validator signs from H+2, named in H+1’s header', () => {
  const net = new GovernanceNet(4);
  const fifth = { admin: party('org-5 admin'), node: party('org-5 node') };
  const id = net.proposeOk(0, addMemberAction('org-5', POWER_EACH));
  net.chain.commit();
  net.approve(id, [1, 2, 3]);
  const decidedAt = net.chain.height;
  const p = proposal(net.chain.state, id)!;
  assert.equal(p.status, 'passed');
  assert.equal(p.activationHeight, decidedAt + 2);
  // Membership at once: the organisation and its keys are registered, and it is an active member.
  assert.equal(organisation(net.chain.state, 'org-5')?.type, 'clinic');
  assert.deepEqual(keyEntry(net.chain.state, fifth.node.key), { kind: 'node', orgId: 'org-5' });
  assert.ok(organisationIds(net.chain.state).includes('org-5') && isActiveMember(net.chain.state, 'org-5'));
  // The validator set only from the activation height.
  const oldSet = validatorSetFromState(net.chain.state);
  assert.equal(oldSet.validators.length, 4);
  assert.deepEqual(validatorSetForHeight(net.chain.state, decidedAt + 1), oldSet);
  const newSet = validatorSetForHeight(net.chain.state, decidedAt + 2);
  assert.equal(newSet.validators.length, 5);
  assert.equal(nextValidatorSetHash(net.chain.state, decidedAt), validatorSetHash(oldSet));
  net.chain.commit(); // block H + 1: its header names the new set as next
  assert.equal(nextValidatorSetHash(net.chain.state, decidedAt + 1), validatorSetHash(newSet));
  assert.equal(validatorSetFromState(net.chain.state).validators.length, 4);
  net.chain.commit(); // block H + 2 begins: the new set is the one in state
  assert.equal(validatorSetFromState(net.chain.state).validators.length, 5);
  assert.deepEqual(pendingValidatorSets(net.chain.state), []);
  assert.deepEqual(validatorSetHistory(net.chain.state), [
    { height: decidedAt + 2, proposalId: id, validatorSetHash: validatorSetHash(newSet) },
  ]);
});

test('a validator key is rotated to a new key of its organisation, and one is removed, each at its own height', () => {
  const net = new GovernanceNet(4);
  const [a, , , d] = net.members;
  const fresh = party('org-0 node, rotated');
  const rotation = net.proposeOk(1, {
    kind: 'rotate-validator-key',
    publicKey: a!.node.key,
    newKey: fresh.key,
  });
  const removal = net.proposeOk(1, { kind: 'validator-power', publicKey: d!.node.key, power: 0 });
  net.approve(rotation, [0, 1, 2]);
  net.approve(removal, [0, 1, 2]);
  const h = net.chain.height;
  assert.equal(proposal(net.chain.state, rotation)!.activationHeight, h + 2);
  // Queued: the second change goes one height later, and is checked against the set the first leaves.
  assert.equal(proposal(net.chain.state, removal)!.activationHeight, h + 3);
  assert.deepEqual(organisation(net.chain.state, 'org-0')!.nodeKeys, [fresh.key]);
  const keysAt = (height: number) =>
    validatorSetForHeight(net.chain.state, height).validators.map((x) => x.publicKey);
  assert.ok(keysAt(h + 2).includes(fresh.key) && !keysAt(h + 2).includes(a!.node.key));
  assert.equal(keysAt(h + 3).length, 3);
  for (let i = 0; i < 3; i++) net.chain.commit();
  assert.equal(validatorSetFromState(net.chain.state).validators.length, 3);
  assert.equal(validatorSetHistory(net.chain.state).length, 2);
});

test('a change that the state outgrew before it passed becomes void, with its reason, and does nothing', () => {
  const net = new GovernanceNet(4);
  const newcomer = party('contested node');
  const admit = (orgId: string, admin: string) => ({
    kind: 'add-member',
    orgId,
    name: orgId,
    type: 'lab',
    adminKey: party(admin).key,
    nodeKey: newcomer.key,
    power: 0,
  });
  const first = net.proposeOk(0, admit('lab-one', 'lab-one admin'));
  const second = net.proposeOk(1, admit('lab-two', 'lab-two admin'));
  net.approve(first, [0, 1, 2]);
  net.approve(second, [0, 1, 2]);
  const p = proposal(net.chain.state, second)!;
  assert.equal(p.status, 'void');
  assert.equal(p.voidReason, 'governance.key_in_use');
  assert.equal(organisation(net.chain.state, 'lab-two'), undefined);
  // Made now, the same proposal is refused up front.
  assert.equal(
    net.propose(0, admit('lab-three', 'lab-three admin')).outcome,
    'tx.rejected:governance.key_in_use',
  );
});

test('proposals that could not be carried out are refused when made', () => {
  const net = new GovernanceNet(4);
  const [a, b] = net.members;
  const refusals: [object, string][] = [
    [
      { kind: 'validator-power', publicKey: a!.node.key, power: 3 * POWER_EACH },
      'governance.power_shift_too_large',
    ],
    [{ kind: 'validator-power', publicKey: party('nobody').key, power: 1 }, 'governance.not_member_node'],
    [{ kind: 'validator-power', publicKey: party('nobody').key, power: 0 }, 'governance.not_validator'],
    [{ kind: 'rotate-validator-key', publicKey: a!.node.key, newKey: b!.node.key }, 'governance.key_in_use'],
    [
      { kind: 'rotate-validator-key', publicKey: party('nobody').key, newKey: party('x').key },
      'governance.not_validator',
    ],
    [{ kind: 'suspend-member', orgId: 'nowhere' }, 'governance.unknown_org'],
    [{ kind: 'reinstate-member', orgId: 'org-1' }, 'governance.member_not_suspended'],
    [addMemberAction('org-1', 0), 'governance.org_exists'],
    [addMemberAction('big', 40), 'governance.power_shift_too_large'],
  ];
  for (const [action, reason] of refusals) {
    assert.equal(net.propose(0, action).outcome, `tx.rejected:${reason}`, JSON.stringify(action));
  }
});

test('suspending a member takes its vote and its validator away; reinstating gives the vote back', () => {
  const net = new GovernanceNet(4);
  const id = net.proposeOk(0, { kind: 'suspend-member', orgId: 'org-3' });
  net.approve(id, [0, 1, 2]);
  const h = net.chain.height;
  assert.equal(proposal(net.chain.state, id)!.activationHeight, h + 2);
  assert.ok(
    !validatorSetForHeight(net.chain.state, h + 2).validators.some(
      (x) => x.publicKey === net.members[3]!.node.key,
    ),
  );
  const back = net.proposeOk(0, { kind: 'reinstate-member', orgId: 'org-3' });
  assert.equal(proposal(net.chain.state, back)!.electorate.length, 3);
  net.approve(back, [0, 1, 2]);
  assert.ok(isActiveMember(net.chain.state, 'org-3'));
});
