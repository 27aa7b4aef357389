// Whether a researcher's stated use fits a dataset's DUO codes and each person's research consent. A use
// must satisfy both: the dataset's terms (set by the custodian) and every counted person's own terms.
import type { DataUse, DuoModifier, DuoPermission } from './codes.ts';

export type ResearchPurpose =
  | { readonly kind: 'general' }
  | { readonly kind: 'health' }
  | { readonly kind: 'disease'; readonly disease: string }
  | { readonly kind: 'ancestry' }
  | { readonly kind: 'methods' }
  | { readonly kind: 'clinical-care' };

export interface StatedUse {
  readonly purpose: ResearchPurpose;
  readonly researcher: string;
  readonly project: string;
  readonly institution: string;
  readonly country: string;
  readonly forProfit: boolean;
  readonly commercial: boolean;
  readonly geneticStudy: boolean;
  readonly ethicsApproved: boolean;
  readonly willPublish: boolean;
  readonly willCollaborate: boolean;
  readonly willReturnResults: boolean;
}

export type UseVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly reasons: readonly string[] };

function permits(permission: DuoPermission, purpose: ResearchPurpose, clinicalCare: boolean): boolean {
  if (purpose.kind === 'clinical-care') return permission.code === 'NRES' || clinicalCare;
  switch (permission.code) {
    case 'NRES':
    case 'GRU':
      return true;
    case 'HMB':
      // HMB excludes ancestry and general (non-health) research; methods for health research fit.
      return purpose.kind === 'health' || purpose.kind === 'disease' || purpose.kind === 'methods';
    case 'DS':
      return purpose.kind === 'disease' && permission.diseases.includes(purpose.disease);
    case 'POA':
      return purpose.kind === 'ancestry';
  }
}

function modifierFails(modifier: DuoModifier, use: StatedUse, nowMs: number): boolean {
  switch (modifier.code) {
    case 'NPU':
      return use.forProfit;
    case 'NCU':
      return use.commercial;
    case 'NMDS':
      return use.purpose.kind === 'methods';
    case 'GSO':
      return !use.geneticStudy;
    case 'IRB':
      return !use.ethicsApproved;
    case 'PUB':
      return !use.willPublish;
    case 'COL':
      return !use.willCollaborate;
    case 'RTN':
      return !use.willReturnResults;
    case 'NPOA':
      return use.purpose.kind === 'ancestry';
    case 'CC':
      return false;
    case 'GS':
      return !modifier.countries.includes(use.country);
    case 'TS':
      return nowMs > modifier.untilMs;
    case 'US':
      return !modifier.users.includes(use.researcher);
    case 'PS':
      return !modifier.projects.includes(use.project);
    case 'IS':
      return !modifier.institutions.includes(use.institution);
  }
}

/** One set of terms (a dataset's or a person's) against a stated use, with every failing code named. */
export function matchDataUse(terms: DataUse, use: StatedUse, nowMs: number): UseVerdict {
  const clinicalCare = terms.modifiers.some((m) => m.code === 'CC');
  const reasons: string[] = [];
  if (!permits(terms.permission, use.purpose, clinicalCare)) reasons.push(terms.permission.code);
  for (const modifier of terms.modifiers)
    if (modifierFails(modifier, use, nowMs)) reasons.push(modifier.code);
  return reasons.length === 0 ? { allowed: true } : { allowed: false, reasons };
}

/** The dataset's terms and the person's consent must both allow the use; withdrawn consent allows nothing. */
export function useAllowedFor(
  dataset: DataUse,
  consent: DataUse | undefined,
  use: StatedUse,
  nowMs: number,
): UseVerdict {
  if (consent === undefined) return { allowed: false, reasons: ['no research consent'] };
  const a = matchDataUse(dataset, use, nowMs);
  const b = matchDataUse(consent, use, nowMs);
  if (a.allowed && b.allowed) return a;
  return { allowed: false, reasons: [...(a.allowed ? [] : a.reasons), ...(b.allowed ? [] : b.reasons)] };
}
