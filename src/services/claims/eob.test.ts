import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjudicate, DEMO_RULE_TABLE, type ClaimFacts } from '../../app/claims/index.ts';
import { OFFICE_VISIT } from '../../app/claims/test-fixtures.ts';
import { createFhirValidator } from '../fhir/validate.ts';
import { explanationOfBenefit } from './eob.ts';

const visit: ClaimFacts = {
  ...OFFICE_VISIT,
  // Needs a prior authorisation it does not have: denied with CARC 197.
  items: [
    OFFICE_VISIT.items[0]!,
    {
      sequence: 2,
      code: '72148',
      modifiers: ['RT'],
      units: 1,
      chargeCents: 30_000,
      serviceDate: '2026-11-03',
    },
  ],
  deductibleMetCents: 50_000,
};
const parties = {
  id: 'eob-1',
  patient: { reference: 'Patient/p1' },
  insurer: { reference: 'Organization/insurer' },
  provider: { reference: 'Organization/hospital' },
  coverage: { reference: 'Coverage/c1' },
  claim: { reference: 'Claim/c1' },
  createdMs: Date.UTC(2026, 11, 7),
};

test('an EOB from an adjudication is valid R4 and carries the engine’s figures to the cent', () => {
  const adjudication = adjudicate(visit, DEMO_RULE_TABLE);
  const eob = explanationOfBenefit(visit, adjudication, parties);
  const checked = createFhirValidator().validateResource(eob);
  assert.deepEqual(checked.issues, []);
  assert.equal(eob.outcome, 'partial');
  assert.deepEqual(eob.billablePeriod, { start: '2026-11-02', end: '2026-11-03' });
  const byCode = (adjudications: NonNullable<typeof eob.item>[number]['adjudication'], code: string) =>
    adjudications?.find((a) => a.category.coding?.[0]?.code === code);
  const [paid, denied] = eob.item!;
  const line = adjudication.items[0]!;
  assert.equal(byCode(paid!.adjudication, 'paidtoprovider')?.amount?.value, line.benefitCents / 100);
  assert.equal(byCode(paid!.adjudication, 'memberliability')?.amount?.value, line.patientCents / 100);
  assert.equal(byCode(denied!.adjudication, 'denialreason')?.reason?.coding?.[0]?.code, '197');
  const total = (code: string) => eob.total?.find((t) => t.category.coding?.[0]?.code === code)?.amount.value;
  assert.equal(total('paidtoprovider'), adjudication.totalBenefitCents / 100);
  assert.equal(total('submitted'), 450);
  assert.equal(eob.payment?.amount?.value, adjudication.totalBenefitCents / 100);
});

test('a claim denied in full is a complete EOB with disposition denied and nothing paid', () => {
  const notCovered = { ...visit, items: [{ ...visit.items[0]!, code: '99999' }] };
  const adjudication = adjudicate(notCovered, DEMO_RULE_TABLE);
  assert.equal(adjudication.outcome, 'denied');
  const eob = explanationOfBenefit(notCovered, adjudication, parties);
  assert.equal(eob.outcome, 'complete');
  assert.equal(eob.disposition, 'denied');
  assert.equal(eob.payment?.amount?.value, 0);
});
