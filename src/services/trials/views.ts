// The public read side of clinical trials (issue 16 §2, §3, §6): the registry list, a trial's page (every
// version, counts per site, SAEs, the results clock), the outcome verdict with proofs, the allocations
// and the export. Counts are public; which patient enrolled is answered only to that patient.
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import type { StateReader } from '../../app/state.ts';
import {
  allocations,
  countsBySite,
  dataFlows,
  participant,
  registrationToCtGov,
  registrationToResearchStudy,
  results,
  resultsClock,
  trial,
  trialByNct,
  trialCount,
  trialIdAt,
  trialSaes,
  trialVerdict,
  trialVersion,
  type TrialRecord,
} from '../../app/trials/index.ts';
import type {
  AllocationsAnswer,
  ExportAnswer,
  MyTrialsAnswer,
  RegistryAnswer,
  RegistryEntry,
  RegistryQuery,
  TrialPageAnswer,
  VerdictAnswer,
} from '../../contract/trials.ts';

export const REGISTRY_PAGE_MAX = 100;

function registryEntry(state: StateReader, record: TrialRecord, nowMs: number): RegistryEntry {
  const { registration } = trialVersion(state, record.id, record.version)!;
  return {
    id: record.id,
    nct: registration.identifiers.nct ?? null,
    title: registration.title,
    sponsorOrgId: record.sponsorOrgId,
    version: record.version,
    enrolments: record.enrolments,
    resultsClock: resultsClock(state, record, nowMs),
    resultsDueMs: record.resultsDueMs,
  };
}

/** The registry, in registration order, a page at a time; `nct` narrows it to that one trial. */
export function registry(state: StateReader, query: RegistryQuery, nowMs: number): RegistryAnswer {
  const offset = Number(query.offset ?? 0);
  const limit = Number(query.limit ?? 50);
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(limit) ||
    limit < 1 ||
    limit > REGISTRY_PAGE_MAX
  ) {
    throw new ServiceError('request.invalid', `offset ≥ 0 and limit 1..${REGISTRY_PAGE_MAX}`);
  }
  if (query.nct !== undefined) {
    const id = trialByNct(state, query.nct);
    const record = id === undefined ? undefined : trial(state, id);
    return {
      total: record === undefined ? 0 : 1,
      trials: record ? [registryEntry(state, record, nowMs)] : [],
    };
  }
  const total = trialCount(state);
  const trials: RegistryEntry[] = [];
  for (let n = offset; n < Math.min(total, offset + limit); n++) {
    trials.push(registryEntry(state, trial(state, trialIdAt(state, n)!)!, nowMs));
  }
  return { total, trials };
}

export function trialPage(state: StateReader, record: TrialRecord, nowMs: number): TrialPageAnswer {
  const versions = Array.from({ length: record.version }, (_, v) => trialVersion(state, record.id, v + 1)!);
  return {
    trial: record,
    versions,
    sites: countsBySite(state, record.id),
    saes: trialSaes(state, record.id),
    resultsClock: resultsClock(state, record, nowMs),
    resultsPosted: results(state, record.id) !== undefined,
  };
}

export function verdict(state: StateReader, record: TrialRecord): VerdictAnswer {
  const found = trialVerdict(state, record);
  if (found === undefined)
    throw new ServiceError('trials.no_results', 'no results are posted for this trial');
  return { trialId: record.id, ...found, outcomes: [...found.outcomes] };
}

export function allocationsOf(state: StateReader, record: TrialRecord): AllocationsAnswer {
  return {
    seed: record.unblinding?.seed ?? null,
    seedCommitment: record.seedCommitment,
    allocations: allocations(state, record),
  };
}

/** The registration in force, as ClinicalTrials.gov v2 JSON and as a FHIR ResearchStudy. */
export function exportOf(state: StateReader, record: TrialRecord): ExportAnswer {
  const { registration } = trialVersion(state, record.id, record.version)!;
  return {
    version: record.version,
    study: registrationToCtGov(registration),
    researchStudy: registrationToResearchStudy(registration, record.id, studyStatus(record)),
  };
}

/** The FHIR R4 ResearchStudy status the chain's order of events implies. */
export function studyStatus(record: TrialRecord): string {
  if (record.unblinding !== null || record.lock !== null) return 'closed-to-accrual';
  return 'active';
}

/** The caller's own participations (a patient or their proxy), with the consent per version. */
export function myTrials(state: StateReader, who: Caller): MyTrialsAnswer {
  if (who.kind === 'practitioner')
    throw new ServiceError('trials.patient_only', 'only a patient lists their trials');
  const found: MyTrialsAnswer['trials'] = [];
  for (let n = 0; n < trialCount(state); n++) {
    const record = trial(state, trialIdAt(state, n)!)!;
    const entry = participant(state, record.id, who.pseudonym);
    if (entry === undefined) continue;
    found.push({
      trialId: record.id,
      title: trialVersion(state, record.id, record.version)!.registration.title,
      currentVersion: record.version,
      consentedVersion: entry.consentedVersion,
      status: entry.status,
      needsReconsent: entry.status === 'enrolled' && entry.consentedVersion < record.materialVersion,
      dataFlows: dataFlows(state, record, who.pseudonym),
    });
  }
  return { trials: found };
}
