// What the outcome of an access must be, recomputed by every node from committed state alone. The
// custodian's gateway decides first (at the latest committed height) and commits the event; the module
// then re-decides at the committing height and refuses an event that says anything else. So a custodian
// cannot log "granted" without consent, nor log a denial as anything but what consent says, and a
// consent revoked in between (a revocation acts from its block) turns a pending "granted" into a refusal:
// the gateway must then re-decide, and releases nothing meanwhile (DESIGN.md principle 3).
//
// Order of the rules, first match wins:
//   1. the requester must be an active practitioner of requesterOrgId (evaluateAccess's precondition,
//      src/app/consent/types.ts AccessRequest); otherwise the only true outcome is a denial;
//   2. an erased record is never released;
//   3. break-glass (ETREAT reads only, checked in parse.ts) is for a physician or nurse of a care-giving
//      organisation only (policy.ts; anyone else's attempt is a logged denial), within the budget genesis
//      sets per practitioner and per organisation; then it is granted without consent, and flagged;
//   4. otherwise evaluateAccess, once per resource type the event covers. All of them must agree: an event
//      is one decision, and a search with mixed verdicts is logged as one event per verdict;
//   5. where no consent decided (consent.none), the network's base policy from genesis (policy.ts
//      policyGrant): treatment-relationship or opt-out may grant a clinician's treatment read. A matching
//      deny is decided in step 4, so a patient's deny always beats the base policy.
import { evaluateAccess } from '../consent/evaluate.ts';
import { unrevokedConsents } from '../consent/store.ts';
import type { AccessRequest } from '../consent/types.ts';
import { actorOf, organisation } from '../membership/queries.ts';
import type { PractitionerRole } from '../membership/types.ts';
import { compareStrings, rejected } from '../payload.ts';
import type { StateReader } from '../state.ts';
import type { AccessPayload } from './parse.ts';
import { breakGlassBudget, breakGlassUsed, mayBreakGlass, policyGrant } from './policy.ts';
import type { AccessOutcome, AccessReasonCode } from './types.ts';

export interface Decision {
  readonly outcome: AccessOutcome;
  readonly reasonCode: AccessReasonCode;
  /** Sorted, without repeats. */
  readonly consentIds: readonly string[];
}

export interface DecisionInput {
  readonly event: AccessPayload;
  /** The organisation holding the listed records: the custodian that commits the event. */
  readonly custodianOrgId: string;
  /** The distinct resource types of the listed records. */
  readonly resourceTypes: readonly string[];
  readonly anyErased: boolean;
  readonly atHeight: number;
  readonly atMs: number;
}

const denied = (reasonCode: AccessReasonCode): Decision => ({
  outcome: 'denied',
  reasonCode,
  consentIds: [],
});

/** The requester's role if an active practitioner of the named organisation; else the denial to log. */
function requesterRole(state: StateReader, event: AccessPayload): PractitionerRole | Decision {
  const actor = actorOf(state, event.requester);
  if (actor.kind === 'practitioner') {
    // A practitioner's organisation is on chain: an event naming another one is not a true record.
    if (actor.orgId !== event.requesterOrgId) {
      throw rejected(
        'records.requester_org_mismatch',
        'the requester is a practitioner of another organisation',
      );
    }
    return actor.status === 'active' ? actor.role : denied('requester.suspended');
  }
  if (organisation(state, event.requesterOrgId) === undefined) {
    throw rejected('records.unknown_org', 'no such organisation', { orgId: event.requesterOrgId });
  }
  return denied('requester.not_practitioner');
}

/** Break-glass by role and organisation type, then within both budgets of the current window. */
function decideBreakGlass(
  state: StateReader,
  event: AccessPayload,
  role: PractitionerRole,
  atMs: number,
): Decision {
  if (!mayBreakGlass(state, role, event.requesterOrgId)) {
    return denied('break-glass.not_allowed');
  }
  const budget = breakGlassBudget(state);
  const used = breakGlassUsed(state, event.requester, event.requesterOrgId, atMs);
  if (used.practitioner >= budget.perPractitioner) return denied('break-glass.practitioner_budget');
  if (used.organisation >= budget.perOrganisation) return denied('break-glass.organisation_budget');
  return { outcome: 'granted', reasonCode: 'break-glass', consentIds: [] };
}

/** Throws TxError('tx.rejected') when the event cannot be one true decision; else returns that decision. */
export function decideAccess(state: StateReader, input: DecisionInput): Decision {
  const { event } = input;
  const role = requesterRole(state, event);
  if (typeof role !== 'string') return role;
  if (input.anyErased) return denied('record.erased');
  if (event.breakGlass !== null) return decideBreakGlass(state, event, role, input.atMs);

  // Unrevoked ones only: one revoked at or before this state is in force at no later height.
  const consents = unrevokedConsents(state, event.patientPseudonym);
  const decisions = input.resourceTypes.map((resourceType) => {
    const request: AccessRequest = {
      patientPseudonym: event.patientPseudonym,
      requester: { key: event.requester, orgId: event.requesterOrgId, role },
      resourceType,
      purpose: event.purpose,
      action: event.action,
      atMs: input.atMs,
      atHeight: input.atHeight,
    };
    const decision = evaluateAccess(consents, request);
    if (decision.reason !== 'consent.none') return decision;
    const granted = policyGrant(state, {
      requesterOrgId: event.requesterOrgId,
      role,
      custodianOrgId: input.custodianOrgId,
      purpose: event.purpose,
      action: event.action,
    });
    return granted === undefined
      ? decision
      : { decision: 'permit' as const, reason: granted, consentIds: [] };
  });
  const first = decisions[0]!;
  if (decisions.some((d) => d.reason !== first.reason)) {
    throw rejected('records.mixed_decision', 'consent decides the listed resource types differently');
  }
  const consentIds = [...new Set(decisions.flatMap((d) => d.consentIds))].sort(compareStrings);
  return {
    outcome: first.decision === 'permit' ? 'granted' : 'denied',
    reasonCode: first.reason,
    consentIds,
  };
}
