// The adjudication engine on hand-worked claims under the demo table: the cost-sharing arithmetic to the
// cent, each edit's CARC, and refusal of a float or a malformed table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreErrorCodeOf } from '../../core/test-support.ts';
import { adjudicate, adjudicationDigest } from './adjudicate.ts';
import { DEMO_PLAN_ID, DEMO_RULE_TABLE } from './demo-table.ts';
import type { ClaimFacts, ClaimItem } from './types.ts';

const DAY = '2026-03-02';
const line = (sequence: number, code: string, extra: Partial<ClaimItem> = {}): ClaimItem => ({
  sequence,
  code,
  modifiers: [],
  units: 1,
  chargeCents: 20_000,
  serviceDate: DAY,
  ...extra,
});
const claim = (items: ClaimItem[], extra: Partial<ClaimFacts> = {}): ClaimFacts => ({
  planId: DEMO_PLAN_ID,
  use: 'claim',
  type: 'professional',
  items,
  deductibleMetCents: 0,
  authorisedCodes: [],
  ...extra,
});

test('an office visit and a panel: deductible first, then copay, then 20 % coinsurance, to the cent', () => {
  // 99214 allowed 130.01 (charge 200.00 > fee: CARC 45). Deductible left 500.00 - 490.00 = 10.00.
  // Line 1: deductible 10.00, copay 25.00, coinsurance 20 % of 95.01 = 19.002 → 19.00; benefit 76.01.
  // Line 2 (80053, charge 9.00 < fee 10.56, allowed 9.00): copay min(25.00, 9.00) = 9.00, nothing left.
  const result = adjudicate(
    claim([line(1, '99214'), line(2, '80053', { chargeCents: 900 })], { deductibleMetCents: 49_000 }),
    DEMO_RULE_TABLE,
  );
  assert.deepEqual(
    result.items.map((i) => [
      i.allowedCents,
      i.deductibleCents,
      i.copayCents,
      i.coinsuranceCents,
      i.benefitCents,
    ]),
    [
      [13_001, 1_000, 2_500, 1_900, 7_601],
      [900, 0, 900, 0, 0],
    ],
  );
  assert.deepEqual(result.items[0]!.reasons, ['45', '1', '3', '2']);
  assert.equal(result.outcome, 'complete');
  assert.equal(result.totalBenefitCents, 7_601);
  assert.equal(result.totalPatientCents, 1_000 + 2_500 + 1_900 + 900);
  assert.equal(result.tableVersion, 1);
});

test('each edit denies with its own CARC: not covered, no authorisation, PTP, MUE', () => {
  const result = adjudicate(
    claim([
      line(1, '99214'),
      line(2, '99213'),
      line(3, '72148'),
      line(4, '36415', { units: 3 }),
      line(5, 'J3490'),
    ]),
    DEMO_RULE_TABLE,
  );
  assert.deepEqual(
    result.items.map((i) => [i.denied, i.reasons[0]]),
    [
      [false, '45'],
      [true, '97'],
      [true, '197'],
      [true, '151'],
      [true, '96'],
    ],
  );
  assert.equal(result.outcome, 'partial');
});

test('an authorised MRI is paid; an unknown plan denies every line', () => {
  assert.equal(
    adjudicate(claim([line(1, '72148')], { authorisedCodes: ['72148'] }), DEMO_RULE_TABLE).outcome,
    'complete',
  );
  const unknown = adjudicate(claim([line(1, '99213')], { planId: 'no-such-plan' }), DEMO_RULE_TABLE);
  assert.equal(unknown.outcome, 'denied');
  assert.deepEqual(unknown.items[0]!.reasons, ['96']);
});

test('a fractional charge, a fractional fee or a negative unit count is refused, never rounded', () => {
  assert.equal(
    coreErrorCodeOf(() => adjudicate(claim([line(1, '99213', { chargeCents: 10.5 })]), DEMO_RULE_TABLE)),
    'claims.invalid_claim',
  );
  assert.equal(
    coreErrorCodeOf(() => adjudicate(claim([line(1, '99213', { units: -1 })]), DEMO_RULE_TABLE)),
    'claims.invalid_claim',
  );
  const floatFee = { ...DEMO_RULE_TABLE, feeSchedule: { ...DEMO_RULE_TABLE.feeSchedule, '99213': 92.02 } };
  assert.equal(
    coreErrorCodeOf(() => adjudicate(claim([line(1, '99213')]), floatFee)),
    'claims.invalid_rule_table',
  );
});

test('the digest names the table version: the same claim under another version is another answer', () => {
  const facts = claim([line(1, '99213')]);
  const v1 = adjudicationDigest(adjudicate(facts, DEMO_RULE_TABLE));
  assert.equal(v1, adjudicationDigest(adjudicate(facts, DEMO_RULE_TABLE)));
  assert.notEqual(v1, adjudicationDigest(adjudicate(facts, { ...DEMO_RULE_TABLE, version: 2 })));
});
