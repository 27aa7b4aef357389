// The vocabulary of consent, modelled on FHIR R4 Consent (http://hl7.org/fhir/R4/consent.html). Type-only
// imports and constants: the browser imports this with the evaluation function.
import type { PractitionerRole } from '../membership/types.ts';

/**
 * HL7 v3 PurposeOfUse codes (CodeSystem http://terminology.hl7.org/CodeSystem/v3-ActReason) that
 * consents may name: treatment, emergency treatment, payment, operations, research, public health.
 */
export const PURPOSES_OF_USE = ['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'HRESCH', 'PUBHLTH'] as const;
export type PurposeOfUse = (typeof PURPOSES_OF_USE)[number];

export const CONSENT_ACTIONS = ['read', 'write'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

/** FHIR Consent.provision.type. */
export const PROVISION_TYPES = ['permit', 'deny'] as const;
export type ProvisionType = (typeof PROVISION_TYPES)[number];

/** Every resource type; must stand alone in a list. */
export const ALL_RESOURCE_TYPES = '*';

/**
 * Why a practitioner asks, as a code: a request is on chain and may carry no free text, and no clinical
 * code either (a diagnosis is PHI). These are administrative reasons only.
 */
export const REQUEST_REASONS = [
  'referral',
  'continuing-care',
  'second-opinion',
  'care-coordination',
  'medication-review',
  'claim-processing',
  'research-study',
  'public-health-reporting',
] as const;
export type RequestReason = (typeof REQUEST_REASONS)[number];

/** Who a provision applies to (FHIR Consent.provision.actor with role "information recipient"). */
export type Grantee =
  | { readonly kind: 'organisation'; readonly orgId: string }
  | { readonly kind: 'practitioner'; readonly key: string }
  | { readonly kind: 'role'; readonly orgId: string; readonly role: PractitionerRole };

/** Milliseconds since the epoch, both ends inclusive like FHIR Period (datatypes.html#Period); null end: open. */
export interface ConsentPeriod {
  readonly startMs: number;
  readonly endMs: number | null;
}

/** What a consent says: one FHIR provision. */
export interface ConsentTerms {
  readonly grantee: Grantee;
  /** FHIR R4 resource type names, sorted, or ['*']. */
  readonly resourceTypes: readonly string[];
  readonly purposes: readonly PurposeOfUse[];
  readonly actions: readonly ConsentAction[];
  readonly period: ConsentPeriod;
  readonly provision: ProvisionType;
}

export interface ConsentRecord extends ConsentTerms {
  /** 32-byte hex, unique among this patient's consents. */
  readonly consentId: string;
  readonly patientPseudonym: string;
  /** The key that signed the grant: the patient's, or an appointed proxy's. */
  readonly grantedBy: string;
  /** The consent request this grant approved, if any. */
  readonly requestId: string | null;
  /** The block that committed the grant; the consent is in force from this height on. */
  readonly height: number;
  /** That block's (BFT) time, for FHIR Consent.dateTime. */
  readonly timeMs: number;
  /** The block that committed the revocation; the consent is void from this height on. */
  readonly revokedAtHeight: number | null;
  readonly revokedBy: string | null;
}

export type RequestStatus = 'pending' | 'approved' | 'declined';

export interface Requester {
  readonly key: string;
  readonly orgId: string;
  readonly role: PractitionerRole;
}

/**
 * What a consent covers besides whom it names and whether it permits: the data, purposes, actions and
 * period. A request asks for exactly these; approving it grants them to the requester as a permit.
 */
export type AccessTerms = Pick<ConsentTerms, 'resourceTypes' | 'purposes' | 'actions' | 'period'>;

export interface ConsentRequestRecord extends AccessTerms {
  /** 32-byte hex, unique among this patient's requests. */
  readonly requestId: string;
  readonly patientPseudonym: string;
  readonly requester: Requester;
  readonly reasonCode: RequestReason | null;
  readonly height: number;
  readonly status: RequestStatus;
  readonly respondedAtHeight: number | null;
  readonly respondedBy: string | null;
  /** The grant an approval created (its id is the approving tx's hash). */
  readonly consentId: string | null;
}

/**
 * One access to decide: who asks, for what, and at which committed height and time. The caller resolves
 * the requester from membership (actorOf) and refuses anyone but an active practitioner before asking:
 * consent says what the patient allows, not who is currently in good standing.
 */
export interface AccessRequest {
  readonly patientPseudonym: string;
  readonly requester: Requester;
  readonly resourceType: string;
  readonly purpose: string;
  readonly action: string;
  readonly atMs: number;
  readonly atHeight: number;
}

export type AccessReason = 'consent.permit' | 'consent.denied' | 'consent.none';

export interface AccessDecision {
  readonly decision: 'permit' | 'deny';
  /** Stable code: 'consent.permit', 'consent.denied' (a deny provision matched) or 'consent.none'. */
  readonly reason: AccessReason;
  /** The consents that decided it, sorted: the matching denies on a denial, the permits on a permit. */
  readonly consentIds: readonly string[];
}
