import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BREAK_GLASS_BUDGET_DEFAULT, breakGlassBudget } from '../records/policy.ts';
import { networkParameter, votingPeriodBlocks, VOTING_PERIOD_BLOCKS_DEFAULT } from './params.ts';
import { GovernanceNet } from './test-fixtures.ts';

// [parameter, value voted, value read back]
const PARAMETERS: [string, unknown][] = [
  ['base-consent-policy', 'treatment-relationship'],
  ['tx-limits', { txBytesMax: 32 * 1024 }],
  ['block-limits', { blockBytesMax: 1024 * 1024, blockTxsMax: 2000 }],
  ['witness-policy', '# no cosignatures required yet\nquorum none\n'],
  ['voting-period-blocks', 500],
];

for (const [name, value] of PARAMETERS) {
  test(`a passed vote sets the network parameter ${name}`, () => {
    const net = new GovernanceNet(4);
    assert.equal(networkParameter(net.chain.state, name as never), undefined);
    net.approve(net.proposeOk(0, { kind: 'set-parameter', name, value }), [0, 1, 2]);
    assert.deepEqual(networkParameter(net.chain.state, name as never), value);
  });
}

test('a voted break-glass budget is the one records enforces', () => {
  const net = new GovernanceNet(4);
  assert.deepEqual(breakGlassBudget(net.chain.state), BREAK_GLASS_BUDGET_DEFAULT);
  const budget = { windowMs: 3_600_000, perPractitioner: 2, perOrganisation: 20 };
  const id = net.proposeOk(0, { kind: 'set-parameter', name: 'break-glass-budgets', value: budget });
  net.approve(id, [0, 1]);
  assert.deepEqual(breakGlassBudget(net.chain.state), BREAK_GLASS_BUDGET_DEFAULT, 'not before it passes');
  net.approve(id, [2]);
  assert.deepEqual(breakGlassBudget(net.chain.state), budget);
});

test('the voting period is a parameter, applied to proposals made after it changed', () => {
  const net = new GovernanceNet(4);
  assert.equal(votingPeriodBlocks(net.chain.state), VOTING_PERIOD_BLOCKS_DEFAULT);
  net.approve(
    net.proposeOk(0, { kind: 'set-parameter', name: 'voting-period-blocks', value: 12 }),
    [0, 1, 2],
  );
  assert.equal(votingPeriodBlocks(net.chain.state), 12);
});
