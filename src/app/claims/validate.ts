// Shape checks for what the adjudication engine reads: a claim's facts and a rule table. Everything is an
// integer where money or units are concerned, so a float can never slip into a replayed answer.
import { CoreError } from '../../core/errors.ts';
import {
  BASIS_POINTS,
  CLAIM_ITEMS_MAX,
  CLAIM_TYPES,
  CLAIM_USES,
  ITEM_CHARGE_CENTS_MAX,
  ITEM_UNITS_MAX,
  MODIFIERS_PER_ITEM_MAX,
  RULE_TABLE_ENTRIES_MAX,
  type ClaimFacts,
  type RuleTable,
} from './types.ts';

/** CPT, HCPCS, CDT or an NDC without hyphens: letters and digits, at most 12. */
export const PROCEDURE_CODE_PATTERN = /^[A-Z0-9]{1,12}$/;
/** CPT/HCPCS modifiers are two characters. */
export const MODIFIER_PATTERN = /^[A-Z0-9]{2}$/;
const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const PLAN_ID_PATTERN = /^[A-Za-z0-9.-]{1,64}$/;

function centsOk(value: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= max;
}

export function checkClaimFacts(facts: ClaimFacts): void {
  const bad = (message: string): never => {
    throw new CoreError('claims.invalid_claim', message);
  };
  if (!PLAN_ID_PATTERN.test(facts.planId)) bad('planId is not a plan identifier');
  if (!CLAIM_USES.includes(facts.use)) bad(`use must be one of ${CLAIM_USES.join(', ')}`);
  if (!CLAIM_TYPES.includes(facts.type)) bad(`type must be one of ${CLAIM_TYPES.join(', ')}`);
  if (!centsOk(facts.deductibleMetCents, ITEM_CHARGE_CENTS_MAX))
    bad('deductibleMetCents must be whole cents');
  if (facts.items.length === 0 || facts.items.length > CLAIM_ITEMS_MAX) {
    bad(`a claim carries 1 to ${CLAIM_ITEMS_MAX} items`);
  }
  if (facts.authorisedCodes.some((c) => !PROCEDURE_CODE_PATTERN.test(c)))
    bad('an authorised code is malformed');
  let previous = 0;
  for (const item of facts.items) {
    if (!Number.isSafeInteger(item.sequence) || item.sequence <= previous) {
      bad('item sequences must be positive integers in increasing order');
    }
    previous = item.sequence;
    if (!PROCEDURE_CODE_PATTERN.test(item.code)) bad(`item ${item.sequence}: code is malformed`);
    if (
      item.modifiers.length > MODIFIERS_PER_ITEM_MAX ||
      item.modifiers.some((m) => !MODIFIER_PATTERN.test(m))
    ) {
      bad(`item ${item.sequence}: at most ${MODIFIERS_PER_ITEM_MAX} two-character modifiers`);
    }
    if (!Number.isSafeInteger(item.units) || item.units < 1 || item.units > ITEM_UNITS_MAX) {
      bad(`item ${item.sequence}: units must be a whole number from 1 to ${ITEM_UNITS_MAX}`);
    }
    if (!centsOk(item.chargeCents, ITEM_CHARGE_CENTS_MAX))
      bad(`item ${item.sequence}: charge must be whole cents`);
    if (!DATE_PATTERN.test(item.serviceDate)) bad(`item ${item.sequence}: serviceDate must be YYYY-MM-DD`);
  }
}

export function checkRuleTable(table: RuleTable): void {
  const bad = (message: string): never => {
    throw new CoreError('claims.invalid_rule_table', message);
  };
  if (!Number.isSafeInteger(table.version) || table.version < 1) bad('version must be a positive integer');
  const fees = Object.entries(table.feeSchedule);
  const mues = Object.entries(table.mueLimits);
  for (const list of [fees, mues, table.ptpEdits, table.plans]) {
    if (list.length > RULE_TABLE_ENTRIES_MAX)
      bad(`a rule-table list holds at most ${RULE_TABLE_ENTRIES_MAX} entries`);
  }
  for (const [code, cents] of fees) {
    if (!PROCEDURE_CODE_PATTERN.test(code) || !centsOk(cents, ITEM_CHARGE_CENTS_MAX))
      bad(`fee for ${code} is bad`);
  }
  for (const [code, units] of mues) {
    if (!PROCEDURE_CODE_PATTERN.test(code) || !Number.isSafeInteger(units) || units < 1)
      bad(`MUE for ${code} is bad`);
  }
  for (const edit of table.ptpEdits) {
    if (!PROCEDURE_CODE_PATTERN.test(edit.column1) || !PROCEDURE_CODE_PATTERN.test(edit.column2)) {
      bad('a PTP edit names a malformed code');
    }
    if (edit.modifierIndicator !== 0 && edit.modifierIndicator !== 1)
      bad('a PTP modifier indicator is 0 or 1');
  }
  const planIds = new Set<string>();
  for (const plan of table.plans) {
    if (!PLAN_ID_PATTERN.test(plan.planId) || planIds.has(plan.planId))
      bad('plan ids must be unique identifiers');
    planIds.add(plan.planId);
    if (
      !centsOk(plan.deductibleCents, ITEM_CHARGE_CENTS_MAX) ||
      !centsOk(plan.copayCents, ITEM_CHARGE_CENTS_MAX)
    ) {
      bad(`plan ${plan.planId}: deductible and copay are whole cents`);
    }
    if (!centsOk(plan.coinsuranceBasisPoints, BASIS_POINTS))
      bad(`plan ${plan.planId}: coinsurance is 0 to 10000 bp`);
    for (const code of [...plan.coveredCodes, ...plan.paRequiredCodes]) {
      if (!PROCEDURE_CODE_PATTERN.test(code)) bad(`plan ${plan.planId}: a code is malformed`);
    }
  }
}
