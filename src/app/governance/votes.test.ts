import assert from 'node:assert/strict';
import { test } from 'node:test';
import { party } from '../test-support.ts';
import { proposal, proposalStatus, votesOf } from './queries.ts';
import { addMemberAction, GovernanceNet } from './test-fixtures.ts';

const suspend = (orgId: string) => ({ kind: 'suspend-member', orgId });
const periodOf = (blocks: number) => ({ kind: 'set-parameter', name: 'voting-period-blocks', value: blocks });

// [electorate size, yes votes, veto votes, no votes, expected status] — > 2/3 passes, > 1/3 veto rejects.
const THRESHOLDS: [number, number, number, number, string][] = [
  [4, 2, 0, 2, 'open'], // 2/4 is not > 2/3
  [4, 3, 0, 0, 'passed'], // 3/4 > 2/3
  [4, 0, 1, 3, 'open'], // 1/4 veto is not > 1/3; three noes do not reject
  [4, 0, 2, 0, 'rejected'], // 2/4 > 1/3
  [3, 2, 0, 0, 'open'], // exactly 2/3 is not more than 2/3
  [3, 0, 1, 0, 'open'], // exactly 1/3 is not more than 1/3
  [3, 3, 0, 0, 'passed'],
  [6, 4, 0, 0, 'open'], // 4/6 = 2/3
  [6, 5, 0, 0, 'passed'],
  [6, 1, 2, 0, 'open'], // 2/6 = 1/3
  [6, 1, 3, 0, 'rejected'],
];

for (const [size, yes, veto, no, expected] of THRESHOLDS) {
  test(`of ${size} members, ${yes} yes, ${veto} veto and ${no} no leave the proposal ${expected}`, () => {
    const net = new GovernanceNet(size);
    const id = net.proposeOk(0, periodOf(50));
    const choices = [
      ...Array<'yes'>(yes).fill('yes'),
      ...Array<'veto'>(veto).fill('veto'),
      ...Array<'no'>(no).fill('no'),
    ];
    choices.forEach((choice, i) => assert.equal(net.vote(i, id, choice, `org ${i} says ${choice}`), 'ok'));
    const p = proposal(net.chain.state, id)!;
    assert.equal(p.status, expected);
    assert.deepEqual(p.tally, { yes, no, veto });
    // Public, with reasons: every vote is readable with its reason.
    assert.deepEqual(
      votesOf(net.chain.state, p).map((v) => [v.orgId, v.choice, v.reason]),
      choices.map((c, i) => [`org-${i}`, c, `org ${i} says ${c}`]),
    );
  });
}

test('only an active member’s current admin key proposes and votes', () => {
  const net = new GovernanceNet(4);
  const outsider = party('outsider');
  assert.equal(net.propose(outsider, suspend('org-3')).outcome, 'tx.rejected:governance.not_member_admin');
  assert.equal(
    net.propose(net.members[0]!.node, suspend('org-3')).outcome,
    'tx.rejected:governance.not_member_admin',
  );
  const id = net.proposeOk(0, suspend('org-3'));
  assert.equal(net.vote(outsider, id, 'yes'), 'tx.rejected:governance.not_member_admin');
  assert.equal(net.vote(net.members[1]!.node, id, 'yes'), 'tx.rejected:governance.not_member_admin');
  net.approve(id, [0, 1, 2]);
  assert.equal(proposal(net.chain.state, id)!.status, 'passed');
  // Suspended: org-3's admin may no longer propose or vote.
  assert.equal(net.propose(3, periodOf(10)).outcome, 'tx.rejected:governance.member_not_active');
});

test('a vote is final, once per organisation, within the voting period, while the proposal is open', () => {
  const net = new GovernanceNet(4);
  net.approve(net.proposeOk(0, periodOf(3)), [0, 1, 2]);
  net.chain.commit();
  const id = net.proposeOk(0, suspend('org-3'));
  assert.equal(proposal(net.chain.state, id)!.votingEndsAtHeight, net.chain.height + 3);
  assert.equal(net.vote(0, id, 'yes'), 'ok');
  assert.equal(net.vote(0, id, 'no'), 'tx.rejected:governance.already_voted');
  assert.equal(net.vote(0, 'ab'.repeat(32), 'yes'), 'tx.rejected:governance.unknown_proposal');
  for (let i = 0; i < 4; i++) net.chain.commit();
  assert.equal(net.vote(1, id, 'yes'), 'tx.rejected:governance.voting_closed');
  assert.equal(proposalStatus(proposal(net.chain.state, id)!, net.chain.height), 'expired');
  // A decided proposal takes no more votes.
  const vetoed = net.proposeOk(0, suspend('org-3'));
  assert.equal(net.vote(1, vetoed, 'veto'), 'ok');
  assert.equal(net.vote(2, vetoed, 'veto'), 'ok');
  assert.equal(proposal(net.chain.state, vetoed)!.status, 'rejected');
  assert.equal(net.vote(3, vetoed, 'yes'), 'tx.rejected:governance.proposal_closed');
});

test('the electorate is fixed when proposed: a member admitted meanwhile does not vote on it', () => {
  const net = new GovernanceNet(4);
  const newcomer = { admin: party('org-9 admin'), node: party('org-9 node') };
  const admit = net.proposeOk(0, addMemberAction('org-9', 0));
  const pending = net.proposeOk(1, periodOf(20));
  net.approve(admit, [0, 1, 2]);
  assert.deepEqual(proposal(net.chain.state, pending)!.electorate, ['org-0', 'org-1', 'org-2', 'org-3']);
  assert.equal(net.vote(newcomer.admin, pending, 'yes'), 'tx.rejected:governance.not_in_electorate');
  // It votes on what is proposed after it joined, where the electorate is five.
  const later = net.proposeOk(newcomer.admin as never, periodOf(30));
  assert.equal(proposal(net.chain.state, later)!.electorate.length, 5);
});

test('malformed proposals and votes are refused before any state is read', () => {
  const net = new GovernanceNet(4);
  const refusals: object[] = [
    { kind: 'dissolve-network' },
    { kind: 'suspend-member', orgId: 'org-3', extra: 1 },
    { kind: 'suspend-member', orgId: 'Org 3' },
    { kind: 'validator-power', publicKey: net.members[0]!.node.key, power: -1 },
    { kind: 'validator-power', publicKey: net.members[0]!.node.key, power: 1_000_000_001 },
    { kind: 'set-parameter', name: 'gas-price', value: 1 },
    { kind: 'set-parameter', name: 'voting-period-blocks', value: 0 },
    { kind: 'set-parameter', name: 'block-limits', value: { blockBytesMax: 1, blockTxsMax: 1 } },
    { kind: 'set-parameter', name: 'base-consent-policy', value: 'anyone-reads' },
    { kind: 'set-parameter', name: 'witness-policy', value: 'quorum none\u0007\n' },
    { kind: 'set-parameter', name: 'witness-policy', value: 'quorum validators\n' },
  ];
  for (const action of refusals)
    assert.equal(net.propose(0, action).outcome, 'tx.invalid_payload', JSON.stringify(action));
  // A reason is required, printable and bounded.
  for (const reason of ['', 'line\nforged', 'x'.repeat(1001)]) {
    assert.equal(net.propose(0, suspend('org-3'), reason).outcome, 'tx.invalid_payload');
  }
  const id = net.proposeOk(0, suspend('org-3'));
  assert.equal(net.vote(1, id, 'maybe' as never), 'tx.invalid_payload');
  assert.equal(net.vote(1, id, 'yes', '\u202ehidden'), 'tx.invalid_payload');
});
