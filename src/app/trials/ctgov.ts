// ClinicalTrials.gov API v2 study JSON → TrialRegistration (issue 16 §1). Only `protocolSection` is read:
// identificationModule (nctId; secondaryIdInfos for EudraCT and CTIS), armsInterventionsModule.armGroups,
// outcomesModule.primaryOutcomes/secondaryOutcomes, designModule.enrollmentInfo.count. Field names as in
// the v2 OpenAPI document (../shared/testdata/trials/ctg-oas-v2.yaml). The commitments to the protocol and
// the SAP are not in the study record: the sponsor supplies them.
import { CoreError } from '../../core/errors.ts';
import type {
  OutcomeKind,
  RegisteredOutcome,
  TrialArm,
  TrialIdentifiers,
  TrialRegistration,
} from './types.ts';

export const OUTCOMES_MAX = 500;
export const ARMS_MAX = 100;
export const TRIAL_TEXT_LENGTH_MAX = 10_000;
export const ENROLMENT_MAX = 10_000_000;

export const NCT_ID = /^NCT\d{8}$/;
export const EUDRACT_NUMBER = /^\d{4}-\d{6}-\d{2}$/;
// An EU CT number (CTIS, Regulation 536/2014): year, six digits, two digits, two digits. v2 has no CTIS
// id type, so registries list it as REGISTRY or OTHER; it is recognised by its form.
export const EU_CT_NUMBER = /^\d{4}-5\d{5}-\d{2}-\d{2}$/;
const HEX_HASH = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

function invalid(message: string, field: string): CoreError {
  return new CoreError('trials.invalid_registration', message, { field });
}

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('expected an object', field);
  }
  return value as Json;
}

function optionalObject(value: unknown, field: string): Json {
  return value === undefined ? {} : object(value, field);
}

function list(value: unknown, field: string, max: number): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid('expected an array', field);
  if (value.length > max) throw invalid('too many entries', field);
  return value;
}

function text(value: unknown, field: string, required = true): string {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || (required && value.trim() === '')) throw invalid('expected text', field);
  if (value.length > TRIAL_TEXT_LENGTH_MAX) throw invalid('text too long', field);
  return value;
}

function identifiers(identification: Json): TrialIdentifiers {
  const nct = text(identification['nctId'], 'identificationModule.nctId');
  if (!NCT_ID.test(nct)) throw invalid('not an NCT number', 'identificationModule.nctId');
  let eudract: string | undefined;
  let ctis: string | undefined;
  const secondary = list(identification['secondaryIdInfos'], 'identificationModule.secondaryIdInfos', 100);
  for (const [i, entry] of secondary.entries()) {
    const field = `identificationModule.secondaryIdInfos[${i}]`;
    const info = object(entry, field);
    const id = text(info['id'], `${field}.id`).trim();
    if (info['type'] === 'EUDRACT_NUMBER' && EUDRACT_NUMBER.test(id)) eudract ??= id;
    else if (EU_CT_NUMBER.test(id)) ctis ??= id;
  }
  return { nct, ...(eudract === undefined ? {} : { eudract }), ...(ctis === undefined ? {} : { ctis }) };
}

function arms(module: Json): TrialArm[] {
  return list(module['armGroups'], 'armsInterventionsModule.armGroups', ARMS_MAX).map((entry, i) => {
    const field = `armsInterventionsModule.armGroups[${i}]`;
    const arm = object(entry, field);
    return {
      label: text(arm['label'], `${field}.label`),
      type: text(arm['type'], `${field}.type`, false),
      description: text(arm['description'], `${field}.description`, false),
    };
  });
}

function outcomes(module: Json, key: string, kind: OutcomeKind): RegisteredOutcome[] {
  return list(module[key], `outcomesModule.${key}`, OUTCOMES_MAX).map((entry, i) => {
    const field = `outcomesModule.${key}[${i}]`;
    const outcome = object(entry, field);
    return {
      kind,
      measure: text(outcome['measure'], `${field}.measure`),
      timeFrame: text(outcome['timeFrame'], `${field}.timeFrame`, false),
      description: text(outcome['description'], `${field}.description`, false),
    };
  });
}

function targetEnrolment(design: Json): number {
  const count = optionalObject(design['enrollmentInfo'], 'designModule.enrollmentInfo')['count'];
  if (!Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > ENROLMENT_MAX) {
    throw invalid('expected a positive enrolment count', 'designModule.enrollmentInfo.count');
  }
  return count as number;
}

export interface DocumentCommitments {
  readonly protocolCommitment: string;
  readonly sapCommitment: string;
}

/** Maps a v2 study (`{ protocolSection: … }`) to a registration; throws trials.invalid_registration. */
export function registrationFromCtGov(study: unknown, commitments: DocumentCommitments): TrialRegistration {
  for (const [name, value] of Object.entries(commitments)) {
    if (typeof value !== 'string' || !HEX_HASH.test(value)) throw invalid('expected a hex SHA-256', name);
  }
  const protocol = object(object(study, 'study')['protocolSection'], 'protocolSection');
  const identification = object(protocol['identificationModule'], 'identificationModule');
  const outcomesModule = object(protocol['outcomesModule'], 'outcomesModule');
  const registered = [
    ...outcomes(outcomesModule, 'primaryOutcomes', 'primary'),
    ...outcomes(outcomesModule, 'secondaryOutcomes', 'secondary'),
  ];
  if (!registered.some((o) => o.kind === 'primary')) {
    throw invalid('a registration needs a primary outcome', 'outcomesModule.primaryOutcomes');
  }
  if (registered.length > OUTCOMES_MAX) throw invalid('too many outcomes', 'outcomesModule');
  return {
    identifiers: identifiers(identification),
    title: text(identification['briefTitle'], 'identificationModule.briefTitle'),
    arms: arms(optionalObject(protocol['armsInterventionsModule'], 'armsInterventionsModule')),
    outcomes: registered,
    targetEnrolment: targetEnrolment(optionalObject(protocol['designModule'], 'designModule')),
    protocolCommitment: commitments.protocolCommitment,
    sapCommitment: commitments.sapCommitment,
  };
}
