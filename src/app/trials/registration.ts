// A registration as a tx carries it: the TrialRegistration shape (./types.ts), already mapped from
// ClinicalTrials.gov v2 or FHIR by the service, checked again here field by field because the payload is
// untrusted. Refusals are tx.invalid_payload naming the field, never echoing its text.
import type { CanonicalValue } from '../../core/canonical.ts';
import { CoreError } from '../../core/errors.ts';
import { exactObject, hexField, invalidPayload, safeIntegerField, type PayloadObject } from '../payload.ts';
import { isDate } from '../supply/time.ts';
import {
  ARMS_MAX,
  ENROLMENT_MAX,
  EU_CT_NUMBER,
  EUDRACT_NUMBER,
  NCT_ID,
  OUTCOMES_MAX,
  TRIAL_TEXT_LENGTH_MAX,
} from './ctgov.ts';
import { outcomesRoot } from './outcome-tree.ts';
import type {
  RegisteredOutcome,
  ReportedOutcome,
  TrialArm,
  TrialIdentifiers,
  TrialRegistration,
} from './types.ts';

export function textField(value: CanonicalValue | undefined, field: string, required = true): string {
  if (
    typeof value !== 'string' ||
    (required && value.trim() === '') ||
    value.length > TRIAL_TEXT_LENGTH_MAX
  ) {
    throw invalidPayload(
      `${field} must be ${required ? 'non-empty ' : ''}text of at most ${TRIAL_TEXT_LENGTH_MAX} characters`,
      { field },
    );
  }
  return value;
}

function listField(
  value: CanonicalValue | undefined,
  field: string,
  min: number,
  max: number,
): CanonicalValue[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    throw invalidPayload(`${field} must be a list of ${min} to ${max} entries`, { field });
  }
  return value as CanonicalValue[];
}

function identifiers(value: CanonicalValue | undefined): TrialIdentifiers {
  const p = exactObject(value, 'identifiers', [], ['nct', 'eudract', 'ctis']);
  const patterns = { nct: NCT_ID, eudract: EUDRACT_NUMBER, ctis: EU_CT_NUMBER } as const;
  const ids: Record<string, string> = {};
  for (const [name, pattern] of Object.entries(patterns)) {
    const id = p[name];
    if (id === undefined) continue;
    if (typeof id !== 'string' || !pattern.test(id)) {
      throw invalidPayload(`identifiers.${name} is not a well-formed number`, {
        field: `identifiers.${name}`,
      });
    }
    ids[name] = id;
  }
  if (Object.keys(ids).length === 0)
    throw invalidPayload('a trial needs a registry identifier', { field: 'identifiers' });
  return ids;
}

function arm(value: CanonicalValue, i: number): TrialArm {
  const field = `arms[${i}]`;
  const p = exactObject(value, field, ['label', 'type', 'description']);
  return {
    label: textField(p.label, `${field}.label`),
    type: textField(p.type, `${field}.type`, false),
    description: textField(p.description, `${field}.description`, false),
  };
}

/** The fields a registered and a reported outcome share: kind, measure and time frame. */
function outcomeFields(p: PayloadObject, field: string): ReportedOutcome {
  if (p.kind !== 'primary' && p.kind !== 'secondary') {
    throw invalidPayload(`${field}.kind must be primary or secondary`, { field: `${field}.kind` });
  }
  return {
    kind: p.kind,
    measure: textField(p.measure, `${field}.measure`),
    timeFrame: textField(p.timeFrame, `${field}.timeFrame`, false),
  };
}

function outcome(value: CanonicalValue, i: number): RegisteredOutcome {
  const field = `outcomes[${i}]`;
  const p = exactObject(value, field, ['kind', 'measure', 'timeFrame', 'description']);
  return { ...outcomeFields(p, field), description: textField(p.description, `${field}.description`, false) };
}

/** One outcome of a results report, with the sponsor's optional explicit link to a registered measure. */
export function reportedOutcome(value: CanonicalValue, i: number): ReportedOutcome {
  const field = `outcomes[${i}]`;
  const p = exactObject(value, field, ['kind', 'measure', 'timeFrame'], ['registeredMeasure']);
  const link = p.registeredMeasure;
  return {
    ...outcomeFields(p, field),
    ...(link === undefined ? {} : { registeredMeasure: textField(link, `${field}.registeredMeasure`) }),
  };
}

export function parseRegistration(value: CanonicalValue | undefined): TrialRegistration {
  const p = exactObject(value, 'registration', [
    'identifiers',
    'title',
    'arms',
    'outcomes',
    'targetEnrolment',
    'protocolCommitment',
    'sapCommitment',
  ]);
  const outcomes = listField(p.outcomes, 'outcomes', 1, OUTCOMES_MAX).map(outcome);
  if (!outcomes.some((o) => o.kind === 'primary')) {
    throw invalidPayload('a registration needs a primary outcome', { field: 'outcomes' });
  }
  try {
    outcomesRoot(outcomes);
  } catch (err) {
    if (err instanceof CoreError) throw invalidPayload('an outcome is listed twice', { field: 'outcomes' });
    throw err;
  }
  const targetEnrolment = safeIntegerField(p.targetEnrolment, 'targetEnrolment', 1);
  if (targetEnrolment > ENROLMENT_MAX)
    throw invalidPayload('targetEnrolment is too large', { field: 'targetEnrolment' });
  return {
    identifiers: identifiers(p.identifiers),
    title: textField(p.title, 'title'),
    arms: listField(p.arms, 'arms', 1, ARMS_MAX).map(arm),
    outcomes,
    targetEnrolment,
    protocolCommitment: hexField(p.protocolCommitment, 'protocolCommitment', 32),
    sapCommitment: hexField(p.sapCommitment, 'sapCommitment', 32),
  };
}

/** A calendar date YYYY-MM-DD, or null when absent. */
export function dateField(value: CanonicalValue | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !isDate(value))
    throw invalidPayload(`${field} must be a date YYYY-MM-DD`, { field });
  return value;
}

/** FDAAA 801: results are due one year after the primary completion date (end of that day, UTC). */
export function resultsDueMs(primaryCompletionDate: string): number {
  const [y, m, d] = primaryCompletionDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y + 1, m - 1, d + 1);
}
