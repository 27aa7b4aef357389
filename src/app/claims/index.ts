// The claims module (issue 17): insurance claims and prior authorisation. This slice is pure: the
// adjudication engine over versioned rule tables (./adjudicate.ts), line fingerprints with frequency codes
// (./fingerprint.ts), the PA decision clock (./clock.ts) and per-payer metrics (./metrics.ts).
export * from './types.ts';
export {
  adjudicate,
  adjudicationDigest,
  ptpEditFiring,
  shareOf,
  withinMue,
  PTP_BYPASS_MODIFIERS,
} from './adjudicate.ts';
export {
  checkClaimFacts,
  checkRuleTable,
  PROCEDURE_CODE_PATTERN,
  MODIFIER_PATTERN,
  PLAN_ID_PATTERN,
} from './validate.ts';
export * from './fingerprint.ts';
export * from './clock.ts';
export * from './metrics.ts';
export { DEMO_PLAN_ID, DEMO_RULE_TABLE } from './demo-table.ts';
