// The vocabulary of the claims module (issue 17): versioned rule tables set by governance, the facts of a
// claim the adjudication engine reads, and what it answers. Money is integer cents everywhere (never a
// float), so any node replaying an adjudication gets the same figures to the cent.

/** Most items one claim may carry (X12 837P allows 50 service lines; FHIR itself sets no limit). */
export const CLAIM_ITEMS_MAX = 50;
/** Most modifiers on one line (the 837P SV101 composite carries four). */
export const MODIFIERS_PER_ITEM_MAX = 4;
/** Largest charge on one line, in cents: ten million dollars, far past any real line, well inside 2^53. */
export const ITEM_CHARGE_CENTS_MAX = 1_000_000_000;
/** Most units on one line. */
export const ITEM_UNITS_MAX = 9999;
/** Most entries in one rule-table list (fee schedule, PTP edits, MUE limits, plans). */
export const RULE_TABLE_ENTRIES_MAX = 5000;
/** Basis points in a whole (coinsurance is a share of the allowed amount in basis points). */
export const BASIS_POINTS = 10_000;

/** NCCI PTP modifier indicator: 0 never bypassed, 1 bypassed by an NCCI-associated modifier. */
export type PtpModifierIndicator = 0 | 1;

/** An NCCI-style procedure-to-procedure edit: column 2 is not paid with column 1 on the same day. */
export type PtpEdit = Readonly<{
  column1: string;
  column2: string;
  modifierIndicator: PtpModifierIndicator;
}>;

/** Coverage rules of one plan. */
export type PlanRules = Readonly<{
  /** The plan a Coverage names (Coverage.class plan value). */
  planId: string;
  /** Codes the plan covers; any other code's line is denied as not covered. */
  coveredCodes: readonly string[];
  /** Codes that need a prior authorisation (an approved PA for the code) to be paid. */
  paRequiredCodes: readonly string[];
  /** Yearly deductible, in cents. */
  deductibleCents: number;
  /** Fixed copay per paid line, in cents. */
  copayCents: number;
  /** The patient's share of what remains after deductible and copay, in basis points (2000 = 20 %). */
  coinsuranceBasisPoints: number;
}>;

/** One version of the adjudication rules: what a replay names to get the same answer. */
export type RuleTable = Readonly<{
  /** Increases by one with each table governance sets; a replay names it. */
  version: number;
  /** Allowed amount per unit of each code, in cents. */
  feeSchedule: Readonly<Record<string, number>>;
  /** NCCI-style procedure-to-procedure pairs. */
  ptpEdits: readonly PtpEdit[];
  /** Medically unlikely edit: most units of a code on one line. */
  mueLimits: Readonly<Record<string, number>>;
  /** Coverage rules, one entry per plan. */
  plans: readonly PlanRules[];
}>;

export const CLAIM_USES = ['claim', 'preauthorization', 'predetermination'] as const;
export type ClaimUse = (typeof CLAIM_USES)[number];
export const CLAIM_TYPES = ['professional', 'institutional', 'pharmacy'] as const;
export type ClaimType = (typeof CLAIM_TYPES)[number];

export type ClaimItem = Readonly<{
  /** Claim.item.sequence: positive, increasing. */
  sequence: number;
  /** CPT/HCPCS (or NDC for pharmacy) code. */
  code: string;
  /** CPT/HCPCS modifiers (two characters each). */
  modifiers: readonly string[];
  /** Claim.item.quantity, whole units. */
  units: number;
  /** Claim.item.net, in cents. */
  chargeCents: number;
  /** YYYY-MM-DD. */
  serviceDate: string;
}>;

/** What the engine reads of a claim: no patient identity, no clinical content beyond codes. */
export type ClaimFacts = Readonly<{
  planId: string;
  /** Claim.use: only 'claim' is paid; the others are decided the same way without payment. */
  use: ClaimUse;
  /** Claim.type (http://terminology.hl7.org/CodeSystem/claim-type). */
  type: ClaimType;
  items: readonly ClaimItem[];
  /** Deductible the patient has already met this plan year, in cents (from earlier adjudications). */
  deductibleMetCents: number;
  /** Codes with an approved prior authorisation for this patient and plan. */
  authorisedCodes: readonly string[];
}>;

/**
 * Why a line was reduced or denied, as X12 Claim Adjustment Reason Codes (CARC), which both the 835
 * remittance and CARIN Blue Button's EOB adjudication reasons use.
 */
export const CARC = {
  deductible: '1',
  coinsurance: '2',
  copay: '3',
  /** Charge exceeds fee schedule/maximum allowable. */
  feeSchedule: '45',
  /** Non-covered charge(s). */
  notCovered: '96',
  /** Included in the allowance for another service (a PTP edit). */
  bundled: '97',
  /** Number of services exceeds the payer's limit (a medically unlikely edit). */
  unitsExceeded: '151',
  /** Precertification/authorisation absent. */
  authorisationAbsent: '197',
  /** No fee schedule amount for the code. */
  noFee: '16',
} as const;

export type ItemAdjudication = Readonly<{
  sequence: number;
  chargeCents: number;
  /** Allowed amount (fee schedule × units, at most the charge); 0 when the line is denied. */
  allowedCents: number;
  deductibleCents: number;
  copayCents: number;
  coinsuranceCents: number;
  /** What the payer pays. */
  benefitCents: number;
  /** What the patient owes (deductible + copay + coinsurance). */
  patientCents: number;
  denied: boolean;
  /** CARC codes, in the order they applied. */
  reasons: readonly string[];
}>;

export type Adjudication = Readonly<{
  tableVersion: number;
  planId: string;
  /** complete: all lines paid; partial: some denied; denied: none paid (FHIR ClaimResponse.outcome maps). */
  outcome: 'complete' | 'partial' | 'denied';
  items: readonly ItemAdjudication[];
  totalChargeCents: number;
  totalAllowedCents: number;
  totalBenefitCents: number;
  totalPatientCents: number;
}>;
