// The vocabulary of the records module: record versions (commitments only), access events, erasure
// requests and crypto-shredding receipts. Type-only imports and constants, so the browser can import it.
// Nothing here can hold a name, a date of birth, a clinical code, a value or free text: every field is a
// hex id or commitment, a public key, an organisation id, a count, a block height or time, or a code from
// a closed list.
import type { ConsentAction, PurposeOfUse } from '../consent/types.ts';
import type { PractitionerRole } from '../membership/types.ts';

/**
 * Versions one record may have. Erasure must list every version's commitment in one tx (a receipt split
 * over several txs could be half-committed), and 128 commitments take about 8.6 KiB of the 16 KiB
 * TX_BYTES_MAX (src/core/limits.ts); erase.test.ts checks that a maximal receipt fits.
 */
export const VERSIONS_PER_RECORD_MAX = 128;

/**
 * Records one access event may list: one event covers everything one read, search or $everything
 * releases. The tx size is the tighter bound today: at about 93 bytes a record, TX_BYTES_MAX carries
 * about 650 of them (access.test.ts checks 600 fit); a larger answer is released in several events.
 */
export const RECORDS_PER_EVENT_MAX = 1000;
/** Resource types one access event may name (FHIR R4 has about 150; a search names one). */
export const RESOURCE_TYPES_PER_EVENT_MAX = 200;
/** Consent ids one access event may cite (the union of the permits or denies that decided it). */
export const CONSENT_IDS_PER_EVENT_MAX = 1000;
/**
 * Registrations one records.registerBatch tx may carry: a FHIR transaction Bundle commits as one tx, so
 * all of it or none of it is on chain (issue 13 asks for at least 5,000). At up to 323 bytes each,
 * 10,000 fit LARGE_TX_BYTES_MAX (src/core/limits.ts; register.test.ts checks a maximal batch fits).
 */
export const REGISTRATIONS_PER_BATCH_MAX = 10_000;
/** Records one erasure request may name; 'all' names every record of the patient registered so far. */
export const RECORDS_PER_ERASURE_REQUEST_MAX = 200;
/** Records one erasure receipt may cover (their versions are bounded by the tx size too). */
export const RECORDS_PER_ERASURE_MAX = 100;
/** Largest page any query of this module returns. */
export const RECORDS_PAGE_MAX = 100;

export const ACCESS_OUTCOMES = ['granted', 'denied'] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

/**
 * Why an access was granted or denied, as a stable code the module can recompute (decide.ts):
 *   consent.permit / consent.denied / consent.none   evaluateAccess's verdict (src/app/consent)
 *   break-glass                                      emergency read without consent, flagged
 *   break-glass.not_allowed                          break-glass by a role or organisation type it is not for
 *   break-glass.practitioner_budget                  the practitioner's break-glass budget is spent
 *   break-glass.organisation_budget                  the organisation's break-glass budget is spent
 *   requester.not_practitioner                       the requester is not a registered practitioner
 *   requester.suspended                              the requester's practitioner key is suspended
 *   record.erased                                    a listed record was crypto-shredded
 *   policy.treatment-relationship                    no consent decided; the custodian's own clinician
 *                                                    reads for treatment (base policy, policy.ts)
 *   policy.opt-out                                   no consent decided; a care-giving organisation's
 *                                                    clinician reads for treatment (base policy opt-out)
 */
export const ACCESS_REASON_CODES = [
  'consent.permit',
  'consent.denied',
  'consent.none',
  'break-glass',
  'break-glass.not_allowed',
  'break-glass.practitioner_budget',
  'break-glass.organisation_budget',
  'requester.not_practitioner',
  'requester.suspended',
  'record.erased',
  'policy.treatment-relationship',
  'policy.opt-out',
] as const;
export type AccessReasonCode = (typeof ACCESS_REASON_CODES)[number];

/** Break-glass is defined for emergency treatment only (DESIGN.md "Off-chain vault and access"). */
export const BREAK_GLASS_PURPOSE: PurposeOfUse = 'ETREAT';
export const BREAK_GLASS_ACTION: ConsentAction = 'read';

/** The latest state of one record; its versions are kept one key each (store.ts). */
export interface RecordHead {
  /** 32-byte hex, chosen by the custodian; unique across the chain. */
  readonly recordId: string;
  /** A FHIR R4 resource type name; it never changes between versions (FHIR ids are per type). */
  readonly resourceType: string;
  readonly patientPseudonym: string;
  readonly custodianOrgId: string;
  readonly latestVersion: number;
  /** Position in the patient's record index (0-based): what an erasure request for 'all' covers. */
  readonly patientIndex: number;
  readonly createdAtHeight: number;
  readonly updatedAtHeight: number;
  readonly updatedAtMs: number;
  /** The block that committed the erasure receipt; from then on the record is gone for good. */
  readonly erasedAtHeight: number | null;
}

export interface RecordVersion {
  readonly version: number;
  /** The vault's salted commitment to the ciphertext (src/core/crypto/envelope.ts recordCommitment). */
  readonly commitment: string;
  /** The node or practitioner key that signed the registration. */
  readonly registeredBy: string;
  /** The custodian's clinical practitioner who wrote this version. */
  readonly practitioner: string;
  readonly height: number;
  readonly timeMs: number;
  readonly txHash: string;
}

/** One record version an access event covers; the type is copied from the record for AuditEvent. */
export interface AccessedRecord {
  readonly recordId: string;
  readonly version: number;
  readonly resourceType: string;
}

export interface BreakGlass {
  /** Salted hash of the written reason; the reason itself stays with the custodian (it is free text). */
  readonly reasonCommitment: string;
}

/**
 * What a custodian's node says about one access: the fields of the records.access payload (parse.ts)
 * that the committed event (AccessEventRecord) keeps as they are.
 */
export interface AccessEventFields {
  /** 32-byte hex, unique among the custodian's events. */
  readonly eventId: string;
  readonly requester: string;
  readonly requesterOrgId: string;
  readonly purpose: PurposeOfUse;
  readonly action: ConsentAction;
  /**
   * The resource types asked for, sorted: exactly the listed records' types, or, for a denial decided
   * before any record was looked at (a search), the types the query named.
   */
  readonly resourceTypes: readonly string[];
  readonly patientPseudonym: string;
  readonly outcome: AccessOutcome;
  readonly reasonCode: AccessReasonCode;
  /** Sorted; the consents that decided it (empty for break-glass and requester/erasure denials). */
  readonly consentIds: readonly string[];
  readonly breakGlass: BreakGlass | null;
}

export interface AccessEventRecord extends AccessEventFields {
  readonly custodianOrgId: string;
  /** The custodian node key that committed the event. */
  readonly committedBy: string;
  /** The requester's role when the event was committed; null when not a practitioner. */
  readonly requesterRole: PractitionerRole | null;
  /** Sorted by (recordId, version); empty for a denial decided before looking (see resourceTypes). */
  readonly records: readonly AccessedRecord[];
  readonly height: number;
  readonly timeMs: number;
  readonly txHash: string;
}

/** An access event as the patient and the privacy officer see it: break-glass is flagged explicitly. */
export interface AccessLogEntry extends AccessEventRecord {
  readonly isBreakGlass: boolean;
}

export interface ErasureRequestRecord {
  /** Position in the patient's request list (0-based). */
  readonly index: number;
  readonly patientPseudonym: string;
  /** Sorted record ids, or 'all': every record of the patient registered before this request. */
  readonly recordIds: readonly string[] | 'all';
  /** For 'all': how many of the patient's records (by index) it covers; else null. */
  readonly coversRecordCount: number | null;
  /** The patient's or proxy's key. */
  readonly requestedBy: string;
  readonly height: number;
  readonly timeMs: number;
  readonly txHash: string;
}

/**
 * One entry of the chain-wide list of erasure requests: the work every custodian's node picks up from
 * committed state (it shreds whatever of the patient's requested records it holds, then commits a receipt).
 */
export interface ErasureQueueEntry {
  readonly patientPseudonym: string;
  /** The request's position in the patient's request list. */
  readonly requestIndex: number;
}

/** A crypto-shredding receipt as committed by the custodian's node. */
export interface ErasureRecord {
  /** Position in the patient's erasure list (0-based). */
  readonly index: number;
  readonly patientPseudonym: string;
  readonly custodianOrgId: string;
  /** Sorted. */
  readonly recordIds: readonly string[];
  /** Every version's commitment, ordered by (recordId, version): what was shredded. */
  readonly commitments: readonly string[];
  /** The custodian's clock when it shredded (its claim; not checked against block time, see erase.ts). */
  readonly shreddedAtMs: number;
  readonly signedBy: string;
  readonly height: number;
  readonly timeMs: number;
  readonly txHash: string;
}

export type { Page } from '../paging.ts';
