// What the chain keeps of a claim and of a prior-authorisation request (issue 17 §1, §5): no content.
import type { FrequencyCode, LineVerdict } from './fingerprint.ts';
import type { PaPriority } from './clock.ts';
import type { ReviewAction } from './metrics.ts';
import type { Adjudication, ClaimUse } from './types.ts';

/** A committed record version a claim line cites as its documentation. */
export type DocumentationRef = Readonly<{ recordId: string; version: number }>;

export type ClaimLineEntry = Readonly<{
  sequence: number;
  fingerprint: string;
  /** What the chain made of the line when it arrived: a duplicate is flagged, not refused. */
  verdict: LineVerdict;
  documentation: readonly DocumentationRef[];
}>;

export const CLAIM_STATUSES = ['submitted', 'adjudicated', 'replaced', 'voided'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export type AdjudicationEntry = Readonly<{
  tableVersion: number;
  /** adjudicationDigest of the engine's answer: a replay must reproduce it. */
  digest: string;
  outcome: Adjudication['outcome'];
  totalBenefitCents: number;
  totalPatientCents: number;
  height: number;
  timeMs: number;
}>;

/** What the provider states of a claim when it submits it, as the chain keeps it. */
export type ClaimHeader = Readonly<{
  claimId: string;
  payerOrgId: string;
  patientPseudonym: string;
  /** Salted commitment to the FHIR Claim the provider sent the payer. */
  commitment: string;
  use: ClaimUse;
  frequency: FrequencyCode;
  replacesClaimId: string | null;
}>;

export type ClaimEntry = ClaimHeader &
  Readonly<{
    providerOrgId: string;
    lines: readonly ClaimLineEntry[];
    status: ClaimStatus;
    adjudication: AdjudicationEntry | null;
    submittedAtHeight: number;
    submittedAtMs: number;
    txHash: string;
  }>;

export type PaDecisionEntry = Readonly<{
  action: ReviewAction;
  /** The payer's authorisation number (PAS ClaimResponse.preAuthRef), for an approval. */
  authNumber: string | null;
  decidedAtMs: number;
  height: number;
}>;

export type PaRequestEntry = Readonly<{
  requestId: string;
  providerOrgId: string;
  payerOrgId: string;
  patientPseudonym: string;
  commitment: string;
  priority: PaPriority;
  submittedAtMs: number;
  submittedAtHeight: number;
  /** Block time of each A4 (pended) answer, in order. */
  pendedAtMs: readonly number[];
  decision: PaDecisionEntry | null;
}>;
