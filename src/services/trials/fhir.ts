// Trials on the FHIR boundary (issue 16 §7): ResearchStudy read and search (public, as the registry is)
// and ResearchSubject for the patient's own participations only: who enrolled is never answered to
// anyone else. Bundles are searchsets of the registration in force (views.ts exportOf).
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import type { StateReader } from '../../app/state.ts';
import {
  REGISTRY_SYSTEMS,
  trial,
  trialByNct,
  trialCount,
  trialIdAt,
  type TrialRecord,
} from '../../app/trials/index.ts';
import type { FhirBundle, FhirResource } from '../../contract/fhir.ts';
import { exportOf, myTrials } from './views.ts';

function searchset(resources: readonly FhirResource[]): FhirBundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
  };
}

/** `identifier` is `[system|]value`: an NCT number finds its trial; without it, every trial. */
export function researchStudies(state: StateReader, identifier: string | undefined): FhirBundle {
  let records: TrialRecord[];
  if (identifier === undefined) {
    records = Array.from({ length: trialCount(state) }, (_, n) => trial(state, trialIdAt(state, n)!)!);
  } else {
    const [system, value] = identifier.includes('|') ? identifier.split('|', 2) : [undefined, identifier];
    const nctSystem = system === undefined || system === '' || system === REGISTRY_SYSTEMS.nct;
    const id = nctSystem && value !== undefined ? trialByNct(state, value) : undefined;
    records = id === undefined ? [] : [trial(state, id)!];
  }
  return searchset(records.map((r) => exportOf(state, r).researchStudy as unknown as FhirResource));
}

/** The caller's own participations as R4 ResearchSubject (status on-study, or withdrawn). */
export function researchSubjects(state: StateReader, who: Caller, study: string | undefined): FhirBundle {
  if (who.kind === 'practitioner') {
    throw new ServiceError('trials.patient_only', 'a ResearchSubject is answered only to its patient');
  }
  const studyId = study?.replace(/^ResearchStudy\//, '');
  const subjects = myTrials(state, who)
    .trials.filter((t) => studyId === undefined || t.trialId === studyId)
    .map((t) => ({
      resourceType: 'ResearchSubject',
      id: `${t.trialId.slice(0, 16)}-${who.pseudonym.slice(0, 16)}`,
      status: t.status === 'withdrawn' ? 'withdrawn' : 'on-study',
      study: { reference: `ResearchStudy/${t.trialId}` },
      individual: { identifier: { value: who.pseudonym } },
      consent: { display: `protocol version ${t.consentedVersion} of ${t.currentVersion}` },
    }));
  return searchset(subjects);
}
