// Double-sign evidence is judged by the set of the offence's height (app/consensus/validator-eras.ts):
// both tests fail when applyEvidence checks today's set instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicateVoteEvidence } from '../../core/evidence.ts';
import { signVote } from '../../core/vote.ts';
import { chainId, party, type Party } from '../test-support.ts';
import { addMemberAction, GovernanceNet } from './test-fixtures.ts';

function doublePrecommit(signer: Party, height: number): object {
  const vote = (blockHash: string) =>
    signVote(chainId, signer.seed, {
      type: 'precommit',
      height,
      round: 0,
      blockHash,
      timeMs: 1,
      validator: signer.key,
    });
  return duplicateVoteEvidence(vote('aa'.repeat(32)), vote('bb'.repeat(32)));
}

const reporter = party('evidence reporter');

test('a validator voted out still answers for a double-sign at a height it signed', () => {
  const net = new GovernanceNet(4);
  const offender = net.members[3]!.node;
  const offenceHeight = net.chain.height;
  const id = net.proposeOk(0, { kind: 'validator-power', publicKey: offender.key, power: 0 });
  net.approve(id, [0, 1, 2]);
  for (let i = 0; i < 3; i++) net.chain.commit();
  const evidence = doublePrecommit(offender, offenceHeight);
  assert.equal(net.chain.submit(reporter, 'consensus.evidence', { evidence }), 'ok');
});

test('a key voted in later cannot be blamed for a height before it validated', () => {
  const net = new GovernanceNet(4);
  const newcomer = party('org-4 node');
  const before = net.chain.height;
  const id = net.proposeOk(0, addMemberAction('org-4', 10, newcomer.key));
  net.approve(id, [0, 1, 2]);
  for (let i = 0; i < 3; i++) net.chain.commit();
  const early = doublePrecommit(newcomer, before);
  assert.equal(net.chain.submit(reporter, 'consensus.evidence', { evidence: early }), 'tx.invalid_payload');
  const now = doublePrecommit(newcomer, net.chain.height);
  assert.equal(net.chain.submit(reporter, 'consensus.evidence', { evidence: now }), 'ok');
});
