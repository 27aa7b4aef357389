// The claims module (issue 17): insurance claims and prior authorisation. This slice is pure: the
// adjudication engine over versioned rule tables (./adjudicate.ts), line fingerprints with frequency codes
// (./fingerprint.ts), the PA decision clock (./clock.ts) and per-payer metrics (./metrics.ts); the txs that
// put commitments, fingerprints, documentation references and decisions on chain are in ./handlers.ts.
import type { AppModule } from '../module.ts';
import { claimsHandlers } from './handlers.ts';

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
export * from './ledger-types.ts';
export * from './store.ts';
export { DOCUMENTING_TYPES, PENDS_PER_REQUEST_MAX } from './handlers.ts';
export { AUTH_NUMBER_PATTERN, DOCUMENTATION_PER_LINE_MAX } from './parse.ts';

export const claimsModule: AppModule = { name: 'claims', handlers: claimsHandlers };
