// A registration as a FHIR R4 ResearchStudy and back (issue 16 §1, §7). R4 has no outcome measures
// (R5's outcomeMeasure), so each outcome is an `objective` (name = measure, type = primary | secondary
// from research-study-objective-type) carrying its time frame and description as extensions; the target
// enrolment and the two commitments are extensions too. Registry numbers are identifiers under their
// registries' systems.
import { CoreError } from '../../core/errors.ts';
import type { RegisteredOutcome, TrialIdentifiers, TrialRegistration } from './types.ts';

const EXT = 'https://carechain.dev/fhir/StructureDefinition/';
export const TRIAL_EXTENSIONS = {
  timeFrame: `${EXT}outcome-time-frame`,
  description: `${EXT}outcome-description`,
  targetEnrolment: `${EXT}target-enrolment`,
  protocolCommitment: `${EXT}protocol-commitment`,
  sapCommitment: `${EXT}sap-commitment`,
  armType: `${EXT}arm-type`,
} as const;
export const OBJECTIVE_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/research-study-objective-type';
export const REGISTRY_SYSTEMS: Readonly<Record<keyof TrialIdentifiers, string>> = {
  nct: 'https://clinicaltrials.gov',
  eudract: 'https://www.clinicaltrialsregister.eu',
  ctis: 'https://euclinicaltrials.eu',
};

interface Extension {
  readonly url: string;
  readonly valueString?: string;
  readonly valueInteger?: number;
}

const ext = (url: string, value: string): Extension => ({ url, valueString: value });

function extensionValue(extensions: unknown, url: string): unknown {
  if (!Array.isArray(extensions)) return undefined;
  const found = (extensions as Extension[]).find((e) => e?.url === url);
  return found?.valueString ?? found?.valueInteger;
}

/** The registration as an R4 ResearchStudy with the given resource id (the trial id on chain). */
export function registrationToResearchStudy(registration: TrialRegistration, id: string, status = 'active') {
  const identifier = (Object.keys(REGISTRY_SYSTEMS) as (keyof TrialIdentifiers)[]).flatMap((key) => {
    const value = registration.identifiers[key];
    return value === undefined ? [] : [{ system: REGISTRY_SYSTEMS[key], value }];
  });
  return {
    resourceType: 'ResearchStudy' as const,
    id,
    identifier,
    title: registration.title,
    status,
    extension: [
      { url: TRIAL_EXTENSIONS.targetEnrolment, valueInteger: registration.targetEnrolment },
      ext(TRIAL_EXTENSIONS.protocolCommitment, registration.protocolCommitment),
      ext(TRIAL_EXTENSIONS.sapCommitment, registration.sapCommitment),
    ],
    arm: registration.arms.map((a) => ({
      name: a.label,
      description: a.description,
      extension: [ext(TRIAL_EXTENSIONS.armType, a.type)],
    })),
    objective: registration.outcomes.map((o) => ({
      name: o.measure,
      type: { coding: [{ system: OBJECTIVE_TYPE_SYSTEM, code: o.kind }] },
      extension: [
        ext(TRIAL_EXTENSIONS.timeFrame, o.timeFrame),
        ext(TRIAL_EXTENSIONS.description, o.description),
      ],
    })),
  };
}

function invalid(field: string): CoreError {
  return new CoreError('trials.invalid_registration', 'the ResearchStudy is not a complete registration', {
    field,
  });
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field);
  return value;
}

/** Reads a ResearchStudy written by registrationToResearchStudy (or shaped like one) back. */
export function registrationFromResearchStudy(resource: unknown): TrialRegistration {
  const r = resource as Record<string, unknown> | null;
  if (r?.['resourceType'] !== 'ResearchStudy') throw invalid('resourceType');
  const identifiers: Record<string, string> = {};
  for (const entry of Array.isArray(r['identifier'])
    ? (r['identifier'] as { system?: unknown; value?: unknown }[])
    : []) {
    const key = (Object.keys(REGISTRY_SYSTEMS) as (keyof TrialIdentifiers)[]).find(
      (k) => REGISTRY_SYSTEMS[k] === entry?.system,
    );
    if (key !== undefined && typeof entry.value === 'string') identifiers[key] ??= entry.value;
  }
  const arms = (Array.isArray(r['arm']) ? r['arm'] : []).map((a: Record<string, unknown>, i: number) => ({
    label: text(a?.['name'], `arm[${i}].name`),
    type: text(extensionValue(a?.['extension'], TRIAL_EXTENSIONS.armType) ?? '', `arm[${i}].extension`),
    description: text(a?.['description'] ?? '', `arm[${i}].description`),
  }));
  const outcomes: RegisteredOutcome[] = (Array.isArray(r['objective']) ? r['objective'] : []).map(
    (o: Record<string, unknown>, i: number) => {
      const coding = (o?.['type'] as { coding?: { system?: string; code?: unknown }[] } | undefined)?.coding;
      const code = coding?.find((c) => c?.system === OBJECTIVE_TYPE_SYSTEM)?.code;
      if (code !== 'primary' && code !== 'secondary') throw invalid(`objective[${i}].type`);
      return {
        kind: code,
        measure: text(o['name'], `objective[${i}].name`),
        timeFrame: text(
          extensionValue(o['extension'], TRIAL_EXTENSIONS.timeFrame) ?? '',
          `objective[${i}].extension`,
        ),
        description: text(
          extensionValue(o['extension'], TRIAL_EXTENSIONS.description) ?? '',
          `objective[${i}].extension`,
        ),
      };
    },
  );
  const target = extensionValue(r['extension'], TRIAL_EXTENSIONS.targetEnrolment);
  if (!Number.isSafeInteger(target)) throw invalid('extension.target-enrolment');
  return {
    identifiers,
    title: text(r['title'], 'title'),
    arms,
    outcomes,
    targetEnrolment: target as number,
    protocolCommitment: text(
      extensionValue(r['extension'], TRIAL_EXTENSIONS.protocolCommitment),
      'extension.protocol-commitment',
    ),
    sapCommitment: text(
      extensionValue(r['extension'], TRIAL_EXTENSIONS.sapCommitment),
      'extension.sap-commitment',
    ),
  };
}
