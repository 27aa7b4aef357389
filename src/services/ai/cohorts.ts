// Consent-filtered cohorts at a custodian (issue 20 §2). The query is hashed and committed; it is run over
// the patients held here, and a patient is a member only if their consent, at the latest committed
// state, permits the asking practitioner to read both their Observations and their Conditions for
// research (HRESCH): decided from the consents alone, before any record is opened. The chain gets the
// query hash, a salted Merkle root over the members and the count left out for lack of consent; the salt
// and the list stay here (ai-store.ts). A consent withdrawn later leaves the patient out of every cohort
// committed from then on.
import { ServiceError } from '../errors.ts';
import { idParam, LOINC_CODE, SNOMED_CODE, type AiService, type Practitioner } from './service.ts';
import {
  cohortIdOf,
  cohortQueryHash,
  readCohort,
  readCohortCustodians,
  saltedMembersRoot,
  type CohortPurpose,
  type CohortQuery,
} from '../../app/ai/index.ts';
import { evaluateAccess, unrevokedConsents } from '../../app/consent/index.ts';
import { recordHead, type RecordHead } from '../../app/records/index.ts';
import type { CohortAnswer, CommitCohortBody, CommittedCohortAnswer } from '../../contract/ai.ts';

/** Most patients one cohort scans at a custodian (STYLE §5). */
export const COHORT_PATIENTS_MAX = 10_000;
/** What a member's consent must let the analysis read: the features and the label. */
export const COHORT_RESOURCE_TYPES = ['Condition', 'Observation'] as const;

function checkedQuery(body: CommitCohortBody): { query: CohortQuery; purpose: CohortPurpose } {
  const purpose = body.purpose ?? 'HRESCH';
  if (purpose !== 'HRESCH') {
    // Consents name HL7 PurposeOfUse codes only; an AI-training consent of its own is not built yet.
    throw new ServiceError('ai.invalid', 'cohorts are drawn for HRESCH (research) consents', {
      field: 'purpose',
    });
  }
  const { name, condition, features } = body.query;
  if (!SNOMED_CODE.test(condition)) {
    throw new ServiceError('ai.invalid', 'condition is a SNOMED CT code', { field: 'query.condition' });
  }
  if (!features.every((code) => LOINC_CODE.test(code)) || new Set(features).size !== features.length) {
    throw new ServiceError('ai.invalid', 'features are distinct LOINC codes', { field: 'query.features' });
  }
  return { query: { name, condition, features: [...features] }, purpose };
}

/** The Patient records this custodian holds (not erased), at most COHORT_PATIENTS_MAX. */
export function patientsHeldHere(service: AiService): RecordHead[] {
  const { vault } = service.gateway.adminPort();
  const ids = vault.recordIdsOfType('Patient', COHORT_PATIENTS_MAX + 1);
  if (ids.length > COHORT_PATIENTS_MAX) {
    throw new ServiceError('ai.too_large', `a cohort scans at most ${COHORT_PATIENTS_MAX} patients`);
  }
  const orgId = service.orgId;
  return ids
    .map((id) => recordHead(service.state, id))
    .filter((head): head is RecordHead => head?.custodianOrgId === orgId && head.erasedAtHeight === null);
}

/** Whether the patient's consents let this practitioner read the cohort's data for the purpose now. */
export function consentsTo(
  service: AiService,
  caller: Pick<Practitioner, 'publicKey' | 'orgId' | 'role'>,
  pseudonym: string,
  purpose: CohortPurpose,
): boolean {
  const tip = service.node.ledger.tip();
  const consents = unrevokedConsents(service.state, pseudonym);
  const requester = { key: caller.publicKey, orgId: caller.orgId, role: caller.role };
  return COHORT_RESOURCE_TYPES.every(
    (resourceType) =>
      evaluateAccess(consents, {
        patientPseudonym: pseudonym,
        requester,
        resourceType,
        purpose,
        action: 'read',
        atHeight: tip.height + 1,
        atMs: tip.timeMs,
      }).decision === 'permit',
  );
}

export async function commitCohort(
  service: AiService,
  caller: Practitioner,
  body: CommitCohortBody,
): Promise<CommittedCohortAnswer> {
  const { query, purpose } = checkedQuery(body);
  const cohortId = cohortIdOf(query, purpose);
  const pseudonyms = [...new Set(patientsHeldHere(service).map((head) => head.patientPseudonym))];
  const members = pseudonyms.filter((p) => consentsTo(service, caller, p, purpose));
  const salt = service.randomBytes(32);
  const commitment = {
    cohortId,
    queryHash: cohortQueryHash(query),
    purpose,
    membersRoot: saltedMembersRoot(salt, members),
    included: members.length,
    excludedForConsent: pseudonyms.length - members.length,
  };
  const committed = await service.commit('ai.commitCohort', commitment);
  service.store.putCohort({ cohortId, queryJson: JSON.stringify(query), purpose, salt, members });
  service.store.putCohortAsker(cohortId, {
    publicKey: caller.publicKey,
    orgId: caller.orgId,
    role: caller.role,
  });
  return { ...commitment, ...committed };
}

/** Every custodian's commitment to the cohort, or ai.not_found. */
export function cohortOf(service: AiService, cohortIdText: string): CohortAnswer {
  const cohortId = idParam(cohortIdText, 'cohort');
  const custodians = readCohortCustodians(service.state, cohortId);
  if (custodians.length === 0) throw new ServiceError('ai.not_found', 'no custodian committed this cohort');
  return {
    cohortId,
    custodians: custodians.map((orgId) => ({ orgId, record: readCohort(service.state, cohortId, orgId)! })),
  };
}
