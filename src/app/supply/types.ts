// The vocabulary of the supply module (issue 5): products, parties, serialised units, captured EPCIS
// events, recalls, suspect-product notifications, alerts and DSCSA verifications. Nothing here is PHI:
// GS1 identifiers, organisation ids and product master data only.

/** Most events in one supply.capture (one EPCIS document); the 16 KiB tx limit usually binds first. */
export const EVENTS_PER_CAPTURE_MAX = 100;
/** Most identifiers one event may name (epcList, childEPCs, parentID, input/output lists). */
export const EPCS_PER_EVENT_MAX = 500;
/** Most registered units one event may touch once aggregates are expanded to their contents. */
export const UNITS_PER_EVENT_MAX = 2000;
/** Most direct children an aggregate (case, pallet: an SSCC) keeps. */
export const AGGREGATE_CHILDREN_MAX = 1000;
/** Deepest nesting of aggregates followed when shipping one (unit → case → pallet → …). */
export const AGGREGATION_DEPTH_MAX = 4;
/** Most events indexed under one identifier: a unit's whole pedigree. */
export const EVENTS_PER_EPC_MAX = 1000;
/**
 * Most of those that only observed it (observe events, error declarations, a transformation's inputs):
 * the other half stays for the moves of its owner, which observers can then never block (finding 13).
 */
export const OBSERVATIONS_PER_EPC_MAX = 500;
/** Most observations of one identifier that any one organisation records. */
export const OBSERVATIONS_PER_ORG_PER_EPC_MAX = 100;
/** Most organisations a unit's trail remembers having reached. */
export const REACHED_ORGS_MAX = 64;
/** Most GLNs one organisation may claim. */
export const GLNS_PER_ORG_MAX = 64;
/** Most units one suspect-product notification may name. */
export const SUSPECT_UNITS_MAX = 100;
/** Longest free-text master-data field (product name), in characters. */
export const PRODUCT_NAME_CHARS_MAX = 200;
/** Longest short master-data field (strength, dosage form, pack size), in characters. */
export const PRODUCT_FIELD_CHARS_MAX = 64;
/** Largest page of any supply list. */
export const SUPPLY_PAGE_MAX = 100;

export type UnitStatus = 'active' | 'in_transit' | 'dispensed' | 'decommissioned';

export interface Product {
  /** GTIN-14, check digit validated. */
  readonly gtin: string;
  /** US National Drug Code in one of its hyphenated 10-digit shapes (4-4-2, 5-3-2, 5-4-1), or null. */
  readonly ndc: string | null;
  readonly name: string;
  readonly strength: string;
  readonly dosageForm: string;
  readonly packSize: string;
  readonly manufacturerOrgId: string;
  readonly registeredAtHeight: number;
  readonly updatedAtHeight: number;
}

export interface Party {
  /** GLN-13 (a party or location id in EPCIS maps to its organisation through this claim). */
  readonly gln: string;
  readonly orgId: string;
  readonly registeredAtHeight: number;
}

export interface Unit {
  /** Canonical GS1 Digital Link of the SGTIN (https://id.gs1.org/01/<gtin>/21/<serial>). */
  readonly epc: string;
  readonly gtin: string;
  readonly serial: string;
  readonly lot: string;
  /** YYYY-MM-DD. */
  readonly expiry: string;
  readonly status: UnitStatus;
  readonly ownerOrgId: string;
  /** While in transit: the organisation it was shipped to. */
  readonly recipientOrgId: string | null;
  /** The aggregate (canonical id) it is packed in, or null. */
  readonly parent: string | null;
  /** Every organisation that has owned it, in order (at most REACHED_ORGS_MAX). */
  readonly reachedOrgIds: readonly string[];
  /** The open suspect notification quarantining it, or null. */
  readonly quarantineSuspectId: number | null;
  readonly commissionedAtHeight: number;
  /** The disposition it was decommissioned with (destroyed, stolen, expired…), once decommissioned. */
  readonly decommissionReason: string | null;
}

export interface Aggregate {
  readonly epc: string;
  /** Canonical ids of the registered units and tracked aggregates packed directly in it. */
  readonly children: readonly string[];
}

/** The facts of one EPCIS event that the supply rules read (event.ts) and the store keeps (StoredEvent). */
export interface EventFacts {
  readonly eventId: string;
  readonly action: string | null;
  /** CBV short name when it is a CBV 2.0 step (e.g. "shipping"), else the value as given. */
  readonly bizStep: string | null;
  readonly disposition: string | null;
  readonly eventTimeMs: number;
  readonly readPoint: string | null;
  readonly bizLocation: string | null;
  /** Canonical ids of epcList (Object, Transaction) or childEPCs (Aggregation, Association). */
  readonly epcs: readonly string[];
  readonly parentId: string | null;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** True for an EPCIS error declaration (it repeats the eventID of the event it corrects). */
  readonly errorDeclaration: boolean;
  /** The event as captured: JSON text with its eventID, as stored and as a query returns it. */
  readonly text: string;
}

export interface StoredEvent extends EventFacts {
  /** Position in the global event sequence, 0-based. */
  readonly seq: number;
  readonly captureId: number;
  readonly type: string;
  readonly recordedByOrgId: string;
  readonly txHash: string;
  readonly height: number;
}

export interface Capture {
  readonly captureId: number;
  readonly txHash: string;
  readonly height: number;
  readonly orgId: string;
  readonly firstSeq: number;
  readonly eventCount: number;
  /** The document's @context as JSON text, or null. */
  readonly context: string | null;
}

export interface Recall {
  readonly gtin: string;
  readonly lot: string;
  readonly active: boolean;
  readonly recalledByOrgId: string;
  readonly recalledAtHeight: number;
  readonly clearedByOrgId: string | null;
  readonly clearedAtHeight: number | null;
}

export const SUSPECT_KINDS = ['suspect', 'illegitimate'] as const;
export type SuspectKind = (typeof SUSPECT_KINDS)[number];
export const SUSPECT_OUTCOMES = ['cleared', 'confirmed'] as const;
export type SuspectOutcome = (typeof SUSPECT_OUTCOMES)[number];

export interface Suspect {
  readonly id: number;
  readonly kind: SuspectKind;
  readonly epcs: readonly string[];
  readonly notifiedByOrgId: string;
  readonly notifiedAtHeight: number;
  readonly status: 'open' | SuspectOutcome;
  readonly resolvedByOrgId: string | null;
  readonly resolvedAtHeight: number | null;
}

/** Counterfeit and diversion signals (issue 5), each addressed to the manufacturer and every regulator. */
export const ALERT_KINDS = [
  'unknown_serial',
  'second_dispense',
  'non_owner_shipment',
  'unreached_verification',
  'suspect',
  'illegitimate',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
/**
 * Chain time within which an alert of one kind about one unit, raised by one organisation's act, is not
 * raised again (finding 13: a loop of verifications or reports would otherwise flood the manufacturer
 * and the regulators; another organisation's act still raises its own, so nobody can mute another).
 */
export const ALERT_REPEAT_WINDOW_MS = 60 * 60 * 1000;
/** The kinds raised by repeatable acts (verifications, reports), which ALERT_REPEAT_WINDOW_MS bounds. */
export const REPEATABLE_ALERT_KINDS: readonly AlertKind[] = [
  'unknown_serial',
  'unreached_verification',
  'second_dispense',
  'non_owner_shipment',
];
/** The alerts an organisation may report about its own refused capture (supply.reportAlert). */
export const REPORTABLE_ALERT_KINDS = ['second_dispense', 'non_owner_shipment'] as const;
export type ReportableAlertKind = (typeof REPORTABLE_ALERT_KINDS)[number];

export interface Alert {
  readonly id: number;
  readonly kind: AlertKind;
  readonly epc: string;
  readonly gtin: string;
  /** The organisation whose act raised it (the verifier, the would-be shipper or dispenser…). */
  readonly subjectOrgId: string;
  readonly addressedTo: readonly string[];
  readonly height: number;
  readonly txHash: string;
}

export const VERIFY_REASONS = [
  'unknown_product',
  'unknown_serial',
  'lot_mismatch',
  'expiry_mismatch',
  'expired',
  'recalled',
  'already_dispensed',
  'decommissioned',
  'suspect_quarantined',
] as const;
export type VerifyReason = (typeof VERIFY_REASONS)[number];

export interface VerifyQuery {
  readonly gtin: string;
  readonly serial: string;
  readonly lot: string | null;
  readonly expiry: string | null;
}

export type Verdict =
  | { readonly verified: true; readonly product: Product; readonly unit: Unit }
  | {
      readonly verified: false;
      readonly reason: VerifyReason;
      readonly product?: Product;
      readonly unit?: Unit;
    };

export interface VerificationRecord {
  readonly id: number;
  readonly query: VerifyQuery;
  readonly verifierOrgId: string;
  /** What the node answered from its latest committed state. */
  readonly answered: { readonly verified: boolean; readonly reason: VerifyReason | null };
  /** The verdict recomputed at this tx's height (may differ if state moved in between). */
  readonly recomputed: { readonly verified: boolean; readonly reason: VerifyReason | null };
  readonly height: number;
  readonly txHash: string;
}
