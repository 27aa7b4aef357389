// Consent evaluation: the one function that decides every read and write of someone else's health data,
// in the node's gateway and (later) in the browser, which shows the patient the same verdict. Pure and
// import-free beyond types, so both run the same code on the same consents and must agree.
//
// Semantics, after FHIR R4 Consent (consent.html#provision) with an opt-in base policy (no consent, no
// access; Consent.policyRule OPTIN):
//   - a consent counts only while in force: committed at or before atHeight, not revoked at or before
//     atHeight (a revocation acts from the block that commits it), and atMs within its period (both ends
//     inclusive, like FHIR Period);
//   - it matches when its grantee covers the requester and it names the resource type (or '*'), the
//     purpose and the action; codes match exactly (no v3-ActReason subsumption);
//   - any matching deny wins over every permit; else any matching permit permits; else deny.
import type {
  AccessDecision,
  AccessRequest,
  ConsentPeriod,
  ConsentRecord,
  Grantee,
  Requester,
} from './types.ts';
import { ALL_RESOURCE_TYPES } from './types.ts';

export function periodContains(period: ConsentPeriod, atMs: number): boolean {
  return period.startMs <= atMs && (period.endMs === null || atMs <= period.endMs);
}

export function isInForce(consent: ConsentRecord, atHeight: number, atMs: number): boolean {
  if (consent.height > atHeight) return false;
  if (consent.revokedAtHeight !== null && consent.revokedAtHeight <= atHeight) return false;
  return periodContains(consent.period, atMs);
}

export function granteeCovers(grantee: Grantee, requester: Requester): boolean {
  switch (grantee.kind) {
    case 'organisation':
      return grantee.orgId === requester.orgId;
    case 'practitioner':
      return grantee.key === requester.key;
    case 'role':
      return grantee.orgId === requester.orgId && grantee.role === requester.role;
  }
}

function matches(consent: ConsentRecord, request: AccessRequest): boolean {
  return (
    consent.patientPseudonym === request.patientPseudonym &&
    isInForce(consent, request.atHeight, request.atMs) &&
    granteeCovers(consent.grantee, request.requester) &&
    (consent.resourceTypes.includes(ALL_RESOURCE_TYPES) ||
      consent.resourceTypes.includes(request.resourceType)) &&
    (consent.purposes as readonly string[]).includes(request.purpose) &&
    (consent.actions as readonly string[]).includes(request.action)
  );
}

/** Sorted and without repeats, so the answer is independent of the order consents are listed in. */
function idsOf(consents: readonly ConsentRecord[]): string[] {
  return [...new Set(consents.map((c) => c.consentId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function evaluateAccess(consents: readonly ConsentRecord[], request: AccessRequest): AccessDecision {
  const matching = consents.filter((c) => matches(c, request));
  const denies = matching.filter((c) => c.provision === 'deny');
  if (denies.length > 0) return { decision: 'deny', reason: 'consent.denied', consentIds: idsOf(denies) };
  const permits = matching.filter((c) => c.provision === 'permit');
  if (permits.length > 0) return { decision: 'permit', reason: 'consent.permit', consentIds: idsOf(permits) };
  return { decision: 'deny', reason: 'consent.none', consentIds: [] };
}
