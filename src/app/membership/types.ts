// The vocabulary of the membership module: who can take part in the network and as what.

/** The kinds of institution that run a node (docs/DESIGN.md: every institution runs a node). */
export const ORGANISATION_TYPES = [
  'hospital',
  'clinic',
  'lab',
  'pharmacy',
  'insurer',
  'manufacturer',
  'distributor',
  'research-sponsor',
  'regulator',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export const PRACTITIONER_ROLES = [
  'physician',
  'nurse',
  'pharmacist',
  'lab-technician',
  'claims-officer',
  'researcher',
  'privacy-officer',
  'admin',
] as const;
export type PractitionerRole = (typeof PRACTITIONER_ROLES)[number];

export type PractitionerStatus = 'active' | 'suspended';

/** Who may act for a patient; FHIR would model the proxy as a RelatedPerson with this relationship. */
export const PROXY_RELATIONSHIPS = ['guardian', 'caregiver'] as const;
export type ProxyRelationship = (typeof PROXY_RELATIONSHIPS)[number];

export interface Organisation {
  /** Short lowercase identifier, e.g. "st-mary-hospital". */
  readonly id: string;
  /** The institution's public name (an organisation, never a patient, so it may be on chain). */
  readonly name: string;
  readonly type: OrganisationType;
  /** Signs the organisation's membership txs (registering and suspending practitioners). */
  readonly adminKey: string;
  /** The keys of the organisation's nodes. */
  readonly nodeKeys: readonly string[];
}

export interface PractitionerRecord {
  readonly orgId: string;
  readonly role: PractitionerRole;
  readonly status: PractitionerStatus;
  readonly registeredAtHeight: number;
  readonly statusChangedAtHeight: number;
}

export interface PatientRecord {
  /**
   * The only key that may act as this patient now; earlier keys stay reserved but are void. Null for a
   * custodial identity not yet claimed (custodial.ts): until the patient claims it, nobody signs for them.
   */
  readonly currentKey: string | null;
  /** The organisation the patient named as custodian of their records, if any. */
  readonly custodianOrgId: string | null;
  readonly registeredAtHeight: number;
  readonly keyRotatedAtHeight: number | null;
  /**
   * Only on a custodial identity: the organisation that pre-registered the patient before they had a
   * key (issue 13), the only one whose attestation lets a key claim it. Absent on self-registered
   * patients, so their state encoding is what it always was.
   */
  readonly custodialOrgId?: string;
  /** Only on a custodial identity: the height of the claim, null until the patient claims it. */
  readonly claimedAtHeight?: number | null;
}

export interface ProxyRecord {
  readonly relationship: ProxyRelationship;
  readonly appointedAtHeight: number;
  readonly revokedAtHeight: number | null;
}

/**
 * What a key was registered as. A key has one purpose for life (it is never re-registered, even once
 * retired or revoked): a signature then means one thing, and a guardian's proxy key does not link the
 * child's pseudonym to the guardian's own.
 */
export type KeyEntry =
  | { readonly kind: 'org-admin'; readonly orgId: string }
  | { readonly kind: 'node'; readonly orgId: string }
  | { readonly kind: 'practitioner'; readonly orgId: string }
  | { readonly kind: 'patient'; readonly pseudonym: string }
  | { readonly kind: 'proxy'; readonly pseudonym: string };

/** What a signer is right now, as the rest of the app and the API need to know it. */
export type Actor =
  | { readonly kind: 'patient'; readonly pseudonym: string }
  | { readonly kind: 'proxy'; readonly pseudonym: string; readonly relationship: ProxyRelationship }
  | {
      readonly kind: 'practitioner';
      readonly orgId: string;
      readonly role: PractitionerRole;
      readonly status: PractitionerStatus;
    }
  | { readonly kind: 'org-admin'; readonly orgId: string }
  | { readonly kind: 'node'; readonly orgId: string }
  | { readonly kind: 'unknown' };
