// Payload parsing for the claims txs: untrusted JSON into typed values, refusing anything unexpected. The
// executor has checked each payload's own fields already (the handler table in handlers.ts declares them).
import type { CanonicalValue } from '../../core/canonical.ts';
import { CoreError } from '../../core/errors.ts';
import { enumField, exactObject, hexField, invalidPayload, type PayloadObject } from '../payload.ts';
import { orgIdField, safeIntegerField } from '../payload.ts';
import { PA_PRIORITIES, type PaPriority } from './clock.ts';
import { FREQUENCY_CODES } from './fingerprint.ts';
import type { ClaimHeader, DocumentationRef } from './ledger-types.ts';
import { REVIEW_ACTIONS, type ReviewAction } from './metrics.ts';
import { CLAIM_ITEMS_MAX, CLAIM_USES, type Adjudication, type RuleTable } from './types.ts';
import { checkRuleTable } from './validate.ts';

/** Most record versions one line may cite. */
export const DOCUMENTATION_PER_LINE_MAX = 8;
/** Payer authorisation numbers: letters, digits and dashes (X12 REF02 is 1–50 characters). */
export const AUTH_NUMBER_PATTERN = /^[A-Za-z0-9-]{1,50}$/;

function listField(value: CanonicalValue | undefined, field: string, max: number): CanonicalValue[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > max) {
    throw invalidPayload(`${field} must be a list of 1 to ${max}`, { field });
  }
  return value as CanonicalValue[];
}

export type SubmitLine = Readonly<{
  sequence: number;
  fingerprint: string;
  documentation: DocumentationRef[];
}>;

export type SubmitPayload = ClaimHeader & Readonly<{ lines: SubmitLine[] }>;

function parseDocumentation(value: CanonicalValue): DocumentationRef {
  const d = exactObject(value, 'documentation', ['recordId', 'version']);
  return {
    recordId: hexField(d.recordId, 'recordId', 32),
    version: safeIntegerField(d.version, 'version', 1),
  };
}

function parseLine(value: CanonicalValue): SubmitLine {
  const l = exactObject(value, 'line', ['sequence', 'fingerprint', 'documentation']);
  // An empty documentation list is well-formed: the state refuses it (claims.undocumented), with the edit.
  const docs = l.documentation;
  if (!Array.isArray(docs) || docs.length > DOCUMENTATION_PER_LINE_MAX) {
    throw invalidPayload(`documentation must be a list of at most ${DOCUMENTATION_PER_LINE_MAX}`);
  }
  return {
    sequence: safeIntegerField(l.sequence, 'sequence', 1),
    fingerprint: hexField(l.fingerprint, 'fingerprint', 32),
    documentation: (docs as CanonicalValue[]).map(parseDocumentation),
  };
}

export function parseSubmit(p: PayloadObject): SubmitPayload {
  const frequency = enumField(p.frequency, 'frequency', Object.values(FREQUENCY_CODES));
  const replacesClaimId =
    p.replacesClaimId === null ? null : hexField(p.replacesClaimId, 'replacesClaimId', 32);
  if ((frequency === FREQUENCY_CODES.original) !== (replacesClaimId === null)) {
    throw invalidPayload(
      'a replacement (7) or void (8) names the claim it replaces; an original (1) names none',
    );
  }
  const lines = listField(p.lines, 'lines', CLAIM_ITEMS_MAX).map(parseLine);
  if (lines.some((line, i) => i > 0 && line.sequence <= lines[i - 1]!.sequence)) {
    throw invalidPayload('line sequences must increase');
  }
  return {
    claimId: hexField(p.claimId, 'claimId', 32),
    payerOrgId: orgIdField(p.payerOrgId, 'payerOrgId'),
    patientPseudonym: hexField(p.patientPseudonym, 'patientPseudonym', 32),
    commitment: hexField(p.commitment, 'commitment', 32),
    use: enumField(p.use, 'use', CLAIM_USES),
    frequency,
    replacesClaimId,
    lines,
  };
}

export type AdjudicatePayload = Readonly<{
  claimId: string;
  tableVersion: number;
  digest: string;
  outcome: Adjudication['outcome'];
  totalBenefitCents: number;
  totalPatientCents: number;
}>;

export function parseAdjudicate(p: PayloadObject): AdjudicatePayload {
  return {
    claimId: hexField(p.claimId, 'claimId', 32),
    tableVersion: safeIntegerField(p.tableVersion, 'tableVersion', 1),
    digest: hexField(p.digest, 'digest', 32),
    outcome: enumField(p.outcome, 'outcome', ['complete', 'partial', 'denied'] as const),
    totalBenefitCents: safeIntegerField(p.totalBenefitCents, 'totalBenefitCents', 0),
    totalPatientCents: safeIntegerField(p.totalPatientCents, 'totalPatientCents', 0),
  };
}

export function parseRuleTable(p: PayloadObject): RuleTable {
  const t = exactObject(p.table, 'table', ['version', 'feeSchedule', 'ptpEdits', 'mueLimits', 'plans']);
  const table = t as unknown as RuleTable;
  try {
    checkRuleTable(table);
  } catch (err) {
    if (err instanceof CoreError) throw invalidPayload(err.message);
    throw err;
  }
  // The plain JSON's shapes past the checks above (lists of objects with exactly these fields).
  for (const edit of table.ptpEdits as unknown[]) {
    exactObject(edit, 'ptpEdit', ['column1', 'column2', 'modifierIndicator']);
  }
  for (const plan of table.plans as unknown[]) {
    exactObject(plan, 'plan', [
      'planId',
      'coveredCodes',
      'paRequiredCodes',
      'deductibleCents',
      'copayCents',
      'coinsuranceBasisPoints',
    ]);
  }
  return table;
}

export type PaSubmitPayload = Readonly<{
  requestId: string;
  payerOrgId: string;
  patientPseudonym: string;
  commitment: string;
  priority: PaPriority;
}>;

export function parsePaSubmit(p: PayloadObject): PaSubmitPayload {
  return {
    requestId: hexField(p.requestId, 'requestId', 32),
    payerOrgId: orgIdField(p.payerOrgId, 'payerOrgId'),
    patientPseudonym: hexField(p.patientPseudonym, 'patientPseudonym', 32),
    commitment: hexField(p.commitment, 'commitment', 32),
    priority: enumField(p.priority, 'priority', PA_PRIORITIES),
  };
}

export type PaDecidePayload = Readonly<{
  requestId: string;
  action: ReviewAction;
  authNumber: string | null;
}>;

export function parsePaDecide(p: PayloadObject): PaDecidePayload {
  const authNumber = p.authNumber;
  if (authNumber !== null && (typeof authNumber !== 'string' || !AUTH_NUMBER_PATTERN.test(authNumber))) {
    throw invalidPayload('authNumber must be null or 1–50 letters, digits and dashes');
  }
  return {
    requestId: hexField(p.requestId, 'requestId', 32),
    action: enumField(p.action, 'action', REVIEW_ACTIONS),
    authNumber,
  };
}
