// The adjudication engine (issue 17 §3): pure and deterministic, integer cents only. Any node holding a
// claim's facts and the rule table of the named version replays it and gets the identical answer, which is
// what makes an appeal checkable. Line edits apply in a fixed order and the first that fires denies the
// line: coverage (CARC 96), prior authorisation (197), an NCCI-style PTP edit (97), a medically unlikely
// edit (151), no fee (16). Paid lines then share cost in sequence order: deductible, copay, coinsurance.
import { hashCanonical } from '../../core/hash.ts';
import {
  BASIS_POINTS,
  CARC,
  type Adjudication,
  type ClaimFacts,
  type ClaimItem,
  type ItemAdjudication,
  type PlanRules,
  type RuleTable,
} from './types.ts';
import { checkClaimFacts, checkRuleTable } from './validate.ts';

/**
 * NCCI-associated modifiers that bypass a PTP edit whose modifier indicator is 1 (NCCI Policy Manual
 * ch. I §E): distinct procedural service and its X{EPSU} subsets, plus the anatomical ones in common use.
 */
export const PTP_BYPASS_MODIFIERS: readonly string[] = ['59', 'XE', 'XP', 'XS', 'XU', 'LT', 'RT', '25', '91'];

/** The PTP edit that denies `item` given the other lines of the claim, or null. */
export function ptpEditFiring(table: RuleTable, item: ClaimItem, items: readonly ClaimItem[]): boolean {
  return table.ptpEdits.some(
    (edit) =>
      edit.column2 === item.code &&
      items.some(
        (other) => other !== item && other.code === edit.column1 && other.serviceDate === item.serviceDate,
      ) &&
      !(edit.modifierIndicator === 1 && item.modifiers.some((m) => PTP_BYPASS_MODIFIERS.includes(m))),
  );
}

/** True when the line's units pass the code's medically unlikely edit (no limit: always). */
export function withinMue(table: RuleTable, item: ClaimItem): boolean {
  const limit = table.mueLimits[item.code];
  return limit === undefined || item.units <= limit;
}

/** The first edit that denies the line, as a CARC, or null when it is payable. */
function denialReason(table: RuleTable, plan: PlanRules | undefined, facts: ClaimFacts, item: ClaimItem) {
  if (plan === undefined || !plan.coveredCodes.includes(item.code)) return CARC.notCovered;
  if (plan.paRequiredCodes.includes(item.code) && !facts.authorisedCodes.includes(item.code)) {
    return CARC.authorisationAbsent;
  }
  if (ptpEditFiring(table, item, facts.items)) return CARC.bundled;
  if (!withinMue(table, item)) return CARC.unitsExceeded;
  if (table.feeSchedule[item.code] === undefined) return CARC.noFee;
  return null;
}

/** basisPoints of cents, rounded half up, in integers. */
export function shareOf(cents: number, basisPoints: number): number {
  return Math.floor((cents * basisPoints + BASIS_POINTS / 2) / BASIS_POINTS);
}

function deniedLine(item: ClaimItem, reason: string): ItemAdjudication {
  return {
    sequence: item.sequence,
    chargeCents: item.chargeCents,
    allowedCents: 0,
    deductibleCents: 0,
    copayCents: 0,
    coinsuranceCents: 0,
    benefitCents: 0,
    patientCents: 0,
    denied: true,
    reasons: [reason],
  };
}

export function adjudicate(facts: ClaimFacts, table: RuleTable): Adjudication {
  checkClaimFacts(facts);
  checkRuleTable(table);
  const plan = table.plans.find((p) => p.planId === facts.planId);
  let deductibleLeft = plan === undefined ? 0 : Math.max(0, plan.deductibleCents - facts.deductibleMetCents);
  const items = facts.items.map((item): ItemAdjudication => {
    const reason = denialReason(table, plan, facts, item);
    if (reason !== null || plan === undefined) return deniedLine(item, reason ?? CARC.notCovered);
    const scheduled = table.feeSchedule[item.code]! * item.units;
    const allowedCents = Math.min(item.chargeCents, scheduled);
    const reasons: string[] = item.chargeCents > scheduled ? [CARC.feeSchedule] : [];
    const deductibleCents = Math.min(deductibleLeft, allowedCents);
    deductibleLeft -= deductibleCents;
    const copayCents = Math.min(plan.copayCents, allowedCents - deductibleCents);
    const coinsuranceCents = shareOf(
      allowedCents - deductibleCents - copayCents,
      plan.coinsuranceBasisPoints,
    );
    if (deductibleCents > 0) reasons.push(CARC.deductible);
    if (copayCents > 0) reasons.push(CARC.copay);
    if (coinsuranceCents > 0) reasons.push(CARC.coinsurance);
    const patientCents = deductibleCents + copayCents + coinsuranceCents;
    return {
      sequence: item.sequence,
      chargeCents: item.chargeCents,
      allowedCents,
      deductibleCents,
      copayCents,
      coinsuranceCents,
      benefitCents: allowedCents - patientCents,
      patientCents,
      denied: false,
      reasons,
    };
  });
  const sum = (pick: (i: ItemAdjudication) => number) => items.reduce((total, i) => total + pick(i), 0);
  const paid = items.filter((i) => !i.denied).length;
  return {
    tableVersion: table.version,
    planId: facts.planId,
    outcome: paid === items.length ? 'complete' : paid === 0 ? 'denied' : 'partial',
    items,
    totalChargeCents: sum((i) => i.chargeCents),
    totalAllowedCents: sum((i) => i.allowedCents),
    totalBenefitCents: sum((i) => i.benefitCents),
    totalPatientCents: sum((i) => i.patientCents),
  };
}

/** The digest a replay compares: the same facts and table version give the same digest at every node. */
export function adjudicationDigest(adjudication: Adjudication): string {
  return hashCanonical('claim-adjudication', adjudication);
}
