// The demo's rule table (version 1): a plan and a fee schedule for services Synthea's encounters bill
// (office visits, a venipuncture, a metabolic panel, a chest X-ray, physical therapy, and a lumbar MRI
// that needs prior authorisation), two NCCI-style PTP pairs and MUE unit limits. The figures are
// illustrative, near 2024 Medicare non-facility amounts; a real payer's table is set by governance.
import type { RuleTable } from './types.ts';

export const DEMO_PLAN_ID = 'demo-ppo';

export const DEMO_RULE_TABLE: RuleTable = {
  version: 1,
  feeSchedule: {
    '99213': 9_202,
    '99214': 13_001,
    '36415': 300,
    '80053': 1_056,
    '71046': 3_225,
    '72148': 21_998,
    '97110': 2_945,
  },
  ptpEdits: [
    // Column 1 99214 with column 2 99213: two office E/M levels the same day (indicator 0: never bypassed).
    { column1: '99214', column2: '99213', modifierIndicator: 0 },
    // Column 1 80053 (metabolic panel) with column 2 36415 (venipuncture), bypassable by modifier 59.
    { column1: '80053', column2: '36415', modifierIndicator: 1 },
  ],
  mueLimits: { '99213': 1, '99214': 1, '36415': 2, '80053': 1, '71046': 2, '72148': 1, '97110': 8 },
  plans: [
    {
      planId: DEMO_PLAN_ID,
      coveredCodes: ['99213', '99214', '36415', '80053', '71046', '72148', '97110'],
      paRequiredCodes: ['72148'],
      deductibleCents: 50_000,
      copayCents: 2_500,
      coinsuranceBasisPoints: 2_000,
    },
  ],
};
