// The ExplanationOfBenefit a payer sends the patient for an adjudicated claim (issue 17 §1, §6), shaped
// after CARIN Blue Button 2.x (C4BB ExplanationOfBenefit Professional/NonClinician): per item the
// submitted, eligible (allowed), deductible, copay, coinsurance-as-member-liability, paid-to-provider and
// member-liability amounts, denial reasons as X12 CARCs, and the totals. Built from the engine's answer
// alone: money is converted from integer cents only here, at the boundary (value = cents / 100 is exact
// in JSON for every amount the engine allows, which stays below 2^53 cents).
import type { ExplanationOfBenefit, Money, Reference } from 'fhir/r4.js';
import type { Adjudication, ClaimFacts, ItemAdjudication } from '../../app/claims/index.ts';

const C4BB_ADJUDICATION = 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication';
const FHIR_ADJUDICATION = 'http://terminology.hl7.org/CodeSystem/adjudication';
const CARC_SYSTEM = 'https://x12.org/codes/claim-adjustment-reason-codes';
const CLAIM_TYPE = 'http://terminology.hl7.org/CodeSystem/claim-type';
const CPT = 'http://www.ama-assn.org/go/cpt';
export const C4BB_EOB_PROFILE =
  'http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Professional-NonClinician';

/** Who and what the EOB names: references into the payer's own records. */
export interface EobParties {
  readonly id: string;
  readonly patient: Reference;
  readonly insurer: Reference;
  readonly provider: Reference;
  readonly coverage: Reference;
  readonly claim: Reference;
  /** The adjudication's block time (the EOB's created). */
  readonly createdMs: number;
}

const money = (cents: number): Money => ({ value: cents / 100, currency: 'USD' });

function amount(system: string, code: string, cents: number) {
  return { category: { coding: [{ system, code }] }, amount: money(cents) };
}

function itemAdjudication(line: ItemAdjudication) {
  return [
    amount(FHIR_ADJUDICATION, 'submitted', line.chargeCents),
    amount(FHIR_ADJUDICATION, 'eligible', line.allowedCents),
    amount(FHIR_ADJUDICATION, 'deductible', line.deductibleCents),
    amount(FHIR_ADJUDICATION, 'copay', line.copayCents),
    amount(C4BB_ADJUDICATION, 'coinsurance', line.coinsuranceCents),
    amount(C4BB_ADJUDICATION, 'paidtoprovider', line.benefitCents),
    amount(C4BB_ADJUDICATION, 'memberliability', line.patientCents),
    ...line.reasons.map((code) => ({
      category: {
        coding: [{ system: C4BB_ADJUDICATION, code: line.denied ? 'denialreason' : 'adjustmentreason' }],
      },
      reason: { coding: [{ system: CARC_SYSTEM, code }] },
    })),
  ];
}

/** The EOB for `facts` as `adjudication` decided them. */
export function explanationOfBenefit(
  facts: ClaimFacts,
  adjudication: Adjudication,
  parties: EobParties,
): ExplanationOfBenefit {
  const outcome = adjudication.outcome === 'denied' ? 'complete' : adjudication.outcome;
  const dates = facts.items.map((i) => i.serviceDate).sort();
  return {
    resourceType: 'ExplanationOfBenefit',
    id: parties.id,
    meta: { profile: [C4BB_EOB_PROFILE] },
    status: 'active',
    type: { coding: [{ system: CLAIM_TYPE, code: facts.type }] },
    use: facts.use,
    patient: parties.patient,
    billablePeriod: { start: dates[0]!, end: dates[dates.length - 1]! },
    created: new Date(parties.createdMs).toISOString(),
    insurer: parties.insurer,
    provider: parties.provider,
    claim: parties.claim,
    outcome,
    ...(adjudication.outcome === 'denied' ? { disposition: 'denied' } : {}),
    insurance: [{ focal: true, coverage: parties.coverage }],
    item: facts.items.map((item, i) => ({
      sequence: item.sequence,
      productOrService: { coding: [{ system: CPT, code: item.code }] },
      ...(item.modifiers.length === 0
        ? {}
        : { modifier: item.modifiers.map((code) => ({ coding: [{ system: CPT, code }] })) }),
      servicedDate: item.serviceDate,
      quantity: { value: item.units },
      net: money(item.chargeCents),
      adjudication: itemAdjudication(adjudication.items[i]!),
    })),
    total: [
      amount(FHIR_ADJUDICATION, 'submitted', adjudication.totalChargeCents),
      amount(FHIR_ADJUDICATION, 'eligible', adjudication.totalAllowedCents),
      amount(C4BB_ADJUDICATION, 'paidtoprovider', adjudication.totalBenefitCents),
      amount(C4BB_ADJUDICATION, 'memberliability', adjudication.totalPatientCents),
    ],
    payment: { amount: money(adjudication.totalBenefitCents) },
  };
}
