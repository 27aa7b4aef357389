// Who may see which consents (issue 6), decided from the latest committed state: a patient (or proxy)
// their own consents and the requests made to them; a practitioner only the verdicts the patient's
// consent gives THEM (evaluateAccess, as the records gateway decides), never the consents themselves.
import {
  CONSENT_ACTIONS,
  consentRequestsOf,
  consentsOf,
  unrevokedConsents,
  evaluateAccess,
  PURPOSES_OF_USE,
  toFhirConsent,
  REQUEST_PAGE_MAX,
} from '../../app/consent/index.ts';
import { patientRecord } from '../../app/membership/queries.ts';
import { policyGrant } from '../../app/records/policy.ts';
import type { StateReader } from '../../app/state.ts';
import { isHex } from '../../core/bytes.ts';
import type { AllowedAnswer, MyConsentRequestsAnswer } from '../../contract/consents.ts';
import type { Caller } from '../auth/caller.ts';
import { matchEntries } from '../fhir/result-bundles.ts';
import { ServiceError } from '../errors.ts';

/** Resource types one /consents/allowed call may ask about. */
export const ALLOWED_TYPES_MAX = 20;

export interface AllowedQuery {
  patient?: string;
  resourceType?: string;
  purpose?: string;
  action?: string;
  custodian?: string;
}

export interface PageQuery {
  _offset?: string;
  _count?: string;
}

/** The pseudonym of the patient asking about themselves (a patient or their proxy). */
function ownPseudonym(who: Caller): string {
  if (who.kind === 'practitioner') {
    throw new ServiceError('consent.patient_only', 'only the patient (or a proxy) lists their consents');
  }
  return who.pseudonym;
}

/** Every consent the caller granted, in commit order, revoked ones included. */
export function ownConsents(state: StateReader, who: Caller) {
  return consentsOf(state, ownPseudonym(who));
}

/** The same consents as FHIR R4 Consent resources in a searchset Bundle. */
export function ownFhirConsents(state: StateReader, who: Caller, fhirBaseUrl: string) {
  const consents = ownConsents(state, who);
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: consents.length,
    entry: matchEntries(fhirBaseUrl, consents.map(toFhirConsent)),
  };
}

/** The requests practitioners made to the caller, oldest first. */
export function ownConsentRequests(
  state: StateReader,
  who: Caller,
  query: PageQuery,
): MyConsentRequestsAnswer {
  const offset = Number(query._offset ?? 0);
  const limit = Number(query._count ?? REQUEST_PAGE_MAX);
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 0) {
    throw new ServiceError('request.invalid', '_offset and _count are non-negative integers');
  }
  return consentRequestsOf(state, ownPseudonym(who), { offset, limit });
}

/** The tip the next block builds on: decisions are made for it, as the gateway makes them. */
export interface Tip {
  readonly height: number;
  readonly timeMs: number;
}

/** What the patient's consent allows the calling practitioner, per resource type asked. */
export function allowedForCaller(
  state: StateReader,
  tip: Tip,
  who: Caller,
  query: AllowedQuery,
  patientConsentsPath: string,
): AllowedAnswer {
  if (who.kind !== 'practitioner') {
    throw new ServiceError(
      'consent.practitioner_only',
      'a patient sees their consents at ' + patientConsentsPath,
    );
  }
  const { patient, resourceType = '', purpose = 'TREAT', action = 'read', custodian = who.orgId } = query;
  const types = resourceType.split(',').filter((t) => t !== '');
  if (!isHex(patient, 32)) throw new ServiceError('request.invalid', 'patient must be a pseudonym (64 hex)');
  if (
    types.length === 0 ||
    types.length > ALLOWED_TYPES_MAX ||
    !types.every((t) => /^[A-Z][A-Za-z]{1,63}$/.test(t))
  ) {
    throw new ServiceError('request.invalid', `name 1 to ${ALLOWED_TYPES_MAX} FHIR resource types`);
  }
  if (
    !(PURPOSES_OF_USE as readonly string[]).includes(purpose) ||
    !(CONSENT_ACTIONS as readonly string[]).includes(action)
  ) {
    throw new ServiceError(
      'request.invalid',
      `purpose is one of ${PURPOSES_OF_USE.join(', ')}; action read or write`,
    );
  }
  if (patientRecord(state, patient) === undefined) {
    throw new ServiceError('consent.unknown_patient', 'no patient has this pseudonym');
  }
  const consents = unrevokedConsents(state, patient);
  const decisions = types.map((type) => {
    const decision = evaluateAccess(consents, {
      patientPseudonym: patient,
      requester: { key: who.publicKey, orgId: who.orgId, role: who.role },
      resourceType: type,
      purpose,
      action,
      // As the gateway decides: the next block, at the tip's time.
      atHeight: tip.height + 1,
      atMs: tip.timeMs,
    });
    if (decision.reason !== 'consent.none')
      return { resourceType: type, decision: decision.decision, reason: decision.reason };
    // What no consent decided, the base policy may grant, as the custodian decides the read (decide.ts).
    const granted = policyGrant(state, {
      requesterOrgId: who.orgId,
      role: who.role,
      custodianOrgId: custodian,
      purpose,
      action,
    });
    return granted === undefined
      ? { resourceType: type, decision: decision.decision, reason: decision.reason }
      : { resourceType: type, decision: 'permit' as const, reason: granted };
  });
  return { patient, purpose, action, decisions };
}
