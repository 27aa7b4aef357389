// Least privilege for health data (issue 10): who may write a custodian's records (refuseWrite) and who
// may break the glass, by role and organisation type, and the break-glass budget set in genesis. Pure: the gateway
// decides with these before it commits, and every node re-checks with the same functions at commit.
//
// The budget counts granted break-glass reads per practitioner and per organisation (the requester's)
// in fixed windows of BFT block time (windowMs). Block time, not height: a height window would last as
// long as the chain's pace makes it (blocks come faster under load and slower when idle), while every
// block carries its agreed time, so all nodes count the same window. Fixed windows are one counter per
// window and key; a burst across a boundary may reach twice the budget, which is still bounded.
import type { CanonicalValue } from '../../core/canonical.ts';
import { CoreError } from '../../core/errors.ts';
import type { Genesis } from '../../core/genesis.ts';
import { evaluateAccess } from '../consent/evaluate.ts';
import { consentsOf } from '../consent/store.ts';
import { actorOf, organisation, patientRecord } from '../membership/queries.ts';
import type { OrganisationType, PractitionerRole } from '../membership/types.ts';
import { isPlainObject } from '../payload.ts';
import { encodeStateValue, type StateOverlay, type StateReader } from '../state.ts';
import { read, readCount, write } from './store.ts';

/** Organisation types that give care to patients: where break-glass can be for a patient's treatment. */
export const CARE_GIVING_ORGANISATION_TYPES: readonly OrganisationType[] = ['hospital', 'clinic'];
/** Roles that create and amend clinical records at their organisation. */
export const CLINICAL_ROLES: readonly PractitionerRole[] = [
  'physician',
  'nurse',
  'pharmacist',
  'lab-technician',
];
/** Roles that treat a patient in an emergency: the only ones that may read without consent. */
export const BREAK_GLASS_ROLES: readonly PractitionerRole[] = ['physician', 'nurse'];

export const isClinicalRole = (role: PractitionerRole): boolean => CLINICAL_ROLES.includes(role);

/** True when an organisation of this type is one whose staff could be treating a patient in an emergency. */
export function isCareGiving(state: StateReader, orgId: string): boolean {
  const type = organisation(state, orgId)?.type;
  return type !== undefined && CARE_GIVING_ORGANISATION_TYPES.includes(type);
}

/** Whether a practitioner of this role at this organisation may break the glass at all (budget aside). */
export function mayBreakGlass(state: StateReader, role: PractitionerRole, orgId: string): boolean {
  return BREAK_GLASS_ROLES.includes(role) && isCareGiving(state, orgId);
}

export interface BreakGlassBudget {
  /** The length of one counting window, in milliseconds of block time. */
  readonly windowMs: number;
  /** Granted break-glass reads one practitioner may have per window (0: none). */
  readonly perPractitioner: number;
  /** Granted break-glass reads all practitioners of one organisation may have per window together. */
  readonly perOrganisation: number;
}

/**
 * The budget of a genesis without a records section, and what `carechain init` and the demo write: a
 * day's window, enough for a clinician's emergencies in a shift, not for a loop over a hospital's records.
 */
export const BREAK_GLASS_BUDGET_DEFAULT: BreakGlassBudget = {
  windowMs: 24 * 60 * 60 * 1000,
  perPractitioner: 10,
  perOrganisation: 100,
};

/** Where the break-glass budget lives: written by genesis, and by a governance vote (app/governance). */
export const BREAK_GLASS_PARAMS_KEY = 'records/params/break-glass';
/** Where the base policy lives: written by genesis only when it is not opt-in. */
export const BASE_POLICY_KEY = 'records/params/base-policy';
/** Granted break-glass reads of a practitioner or an organisation in window n. */
export const breakGlassUsedKey = (who: 'practitioner' | 'org', id: string, window: number): string =>
  `records/break-glass-used/${who}/${id}/${window}`;

/**
 * What applies when no consent of the patient's decides an access (issue 13), set once in genesis:
 *   opt-in                  no consent, no access (FHIR Consent.policyRule OPTIN); the default;
 *   treatment-relationship  a custodian's clinical staff read and write what their own organisation
 *                           holds, for treatment; everyone else needs consent;
 *   opt-out                 as treatment-relationship, and the clinical staff of every care-giving
 *                           organisation may read for treatment (Estonia's model).
 * A patient's deny beats each of them: evaluateAccess finds a matching deny before any policy applies.
 */
export const BASE_POLICIES = ['opt-in', 'treatment-relationship', 'opt-out'] as const;
export type BasePolicy = (typeof BASE_POLICIES)[number];
export const BASE_POLICY_DEFAULT: BasePolicy = 'opt-in';

/** The records section of genesis: the break-glass budget and the base policy. */
export interface RecordsGenesis {
  readonly breakGlass: BreakGlassBudget;
  readonly basePolicy: BasePolicy;
}

function invalid(message: string): CoreError {
  return new CoreError('genesis.invalid', `app.records: ${message}`);
}

function budgetField(value: CanonicalValue | undefined, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalid(`breakGlass.${name} must be an integer of at least ${min}`);
  }
  return value;
}

/** Parses genesis.app.records ({ breakGlass: { windowMs, perPractitioner, perOrganisation }, basePolicy? }). */
export function parseRecordsGenesis(genesis: Genesis): RecordsGenesis | undefined {
  const app = genesis.app;
  if (!isPlainObject(app) || !('records' in app)) return undefined;
  const section = app.records;
  const keys = isPlainObject(section) ? Object.keys(section).sort().join() : '';
  if (!isPlainObject(section) || (keys !== 'breakGlass' && keys !== 'basePolicy,breakGlass')) {
    throw invalid('must be { breakGlass: { windowMs, perPractitioner, perOrganisation }, basePolicy? }');
  }
  const b = section.breakGlass;
  if (!isPlainObject(b) || Object.keys(b).sort().join() !== 'perOrganisation,perPractitioner,windowMs') {
    throw invalid('breakGlass has exactly windowMs, perPractitioner and perOrganisation');
  }
  const basePolicy = 'basePolicy' in section ? section.basePolicy : BASE_POLICY_DEFAULT;
  if (typeof basePolicy !== 'string' || !(BASE_POLICIES as readonly string[]).includes(basePolicy)) {
    throw invalid(`basePolicy must be one of ${BASE_POLICIES.join(', ')}`);
  }
  return {
    breakGlass: {
      windowMs: budgetField(b.windowMs, 'windowMs', 1000),
      perPractitioner: budgetField(b.perPractitioner, 'perPractitioner', 0),
      perOrganisation: budgetField(b.perOrganisation, 'perOrganisation', 0),
    },
    basePolicy: basePolicy as BasePolicy,
  };
}

export function initRecordsGenesis(state: StateOverlay, genesis: Genesis): void {
  const parsed = parseRecordsGenesis(genesis);
  if (parsed === undefined) return;
  state.set(BREAK_GLASS_PARAMS_KEY, encodeStateValue(parsed.breakGlass));
  // Written only when it departs from the default, so an opt-in chain's genesis state is as before.
  if (parsed.basePolicy !== BASE_POLICY_DEFAULT) {
    state.set(BASE_POLICY_KEY, encodeStateValue(parsed.basePolicy));
  }
}

/** The network's base policy (genesis; opt-in when genesis names none). */
export function basePolicy(state: StateReader): BasePolicy {
  return read<BasePolicy>(state, BASE_POLICY_KEY) ?? BASE_POLICY_DEFAULT;
}

export function breakGlassBudget(state: StateReader): BreakGlassBudget {
  return read<BreakGlassBudget>(state, BREAK_GLASS_PARAMS_KEY) ?? BREAK_GLASS_BUDGET_DEFAULT;
}

export interface BreakGlassUse {
  readonly practitioner: number;
  readonly organisation: number;
}

/** What the practitioner and their organisation have used of the window that atMs falls in. */
export function breakGlassUsed(
  state: StateReader,
  practitionerKey: string,
  orgId: string,
  atMs: number,
): BreakGlassUse {
  const window = Math.floor(atMs / breakGlassBudget(state).windowMs);
  return {
    practitioner: readCount(state, breakGlassUsedKey('practitioner', practitionerKey, window)),
    organisation: readCount(state, breakGlassUsedKey('org', orgId, window)),
  };
}

/** Counts one granted break-glass read against both budgets (applyAccess, at the block's time). */
export function spendBreakGlass(
  state: StateOverlay,
  practitionerKey: string,
  orgId: string,
  atMs: number,
): void {
  const window = Math.floor(atMs / breakGlassBudget(state).windowMs);
  for (const key of [
    breakGlassUsedKey('practitioner', practitionerKey, window),
    breakGlassUsedKey('org', orgId, window),
  ]) {
    write(state, key, readCount(state, key) + 1);
  }
}

/** The ms at which the window holding atMs ends (for a Retry-After). */
export function breakGlassWindowEndMs(state: StateReader, atMs: number): number {
  const { windowMs } = breakGlassBudget(state);
  return (Math.floor(atMs / windowMs) + 1) * windowMs;
}

/** The purpose the base policies permit: treatment, never payment, research or operations. */
export const POLICY_PURPOSE = 'TREAT';

/** The access codes a base policy grants with (types.ts ACCESS_REASON_CODES). */
export type PolicyReason = 'policy.treatment-relationship' | 'policy.opt-out';

export interface PolicyReadRequest {
  readonly requesterOrgId: string;
  readonly role: PractitionerRole;
  /** The organisation that holds the records (the custodian committing the event). */
  readonly custodianOrgId: string;
  readonly purpose: string;
  readonly action: string;
}

/**
 * The base policy's grant of a read that no consent decided (evaluateAccess said consent.none), or
 * undefined when the policy grants nothing. Pure and re-checked by every node (decide.ts).
 */
export function policyGrant(state: StateReader, request: PolicyReadRequest): PolicyReason | undefined {
  const policy = basePolicy(state);
  if (policy === 'opt-in') return undefined;
  if (request.purpose !== POLICY_PURPOSE || request.action !== 'read' || !isClinicalRole(request.role)) {
    return undefined;
  }
  if (request.requesterOrgId === request.custodianOrgId) return 'policy.treatment-relationship';
  if (policy === 'opt-out' && isCareGiving(state, request.requesterOrgId)) return 'policy.opt-out';
  return undefined;
}

/** Writes are for the patient's care: a write consent must name this purpose. */
export const WRITE_PURPOSE = 'TREAT';

export interface WriteRequest {
  /** The practitioner who wrote the version. */
  readonly practitioner: string;
  readonly custodianOrgId: string;
  readonly patientPseudonym: string;
  readonly resourceType: string;
  readonly atHeight: number;
  readonly atMs: number;
}

/** Why a write is refused: a records.* reason of the error catalogue, and what to tell the writer. */
export interface WriteRefusal {
  readonly reason:
    | 'records.not_custodian'
    | 'records.practitioner_suspended'
    | 'records.not_clinical'
    | 'records.no_write_consent';
  readonly message: string;
}

/**
 * Who may write a record version for a custodian (issue 10, findings 3 and 12): an active practitioner
 * of that custodian in a clinical role, about a patient who named the custodian as theirs or whose
 * consent permits this practitioner to write this type for treatment; under a base policy other than
 * opt-in, about any registered patient who has not denied it (issue 13). Undefined when allowed.
 */
export function refuseWrite(state: StateReader, request: WriteRequest): WriteRefusal | undefined {
  const actor = actorOf(state, request.practitioner);
  if (actor.kind !== 'practitioner' || actor.orgId !== request.custodianOrgId) {
    return { reason: 'records.not_custodian', message: 'the writer is not a practitioner of the custodian' };
  }
  if (actor.status !== 'active') {
    return { reason: 'records.practitioner_suspended', message: 'a suspended practitioner may not write' };
  }
  if (!isClinicalRole(actor.role)) {
    return { reason: 'records.not_clinical', message: 'only clinical staff write health records' };
  }
  if (patientRecord(state, request.patientPseudonym)?.custodianOrgId === request.custodianOrgId) {
    return undefined;
  }
  const decision = evaluateAccess(consentsOf(state, request.patientPseudonym), {
    patientPseudonym: request.patientPseudonym,
    requester: { key: request.practitioner, orgId: request.custodianOrgId, role: actor.role },
    resourceType: request.resourceType,
    purpose: WRITE_PURPOSE,
    action: 'write',
    atHeight: request.atHeight,
    atMs: request.atMs,
  });
  if (decision.decision === 'permit') return undefined;
  // Under treatment-relationship and opt-out, any organisation caring for the patient keeps its own
  // records about them (issue 13): its clinical staff write for treatment unless the patient denied it.
  if (decision.reason === 'consent.none' && basePolicy(state) !== 'opt-in') return undefined;
  return {
    reason: 'records.no_write_consent',
    message:
      decision.reason === 'consent.denied'
        ? 'the patient has denied this write'
        : 'the patient has another custodian and has not consented to this write',
  };
}
