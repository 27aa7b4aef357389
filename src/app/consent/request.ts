// Consent requests: a practitioner asks a patient for access, and the patient (or a proxy) approves or
// declines. An approval creates the grant the request described, for that practitioner only, so the
// patient signs exactly once and no institution can widen what was approved.
import { patientRecord, practitioner } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { enumField, rejected, type PayloadObject } from '../payload.ts';
import { encodeStateValue } from '../state.ts';
import { recordConsent, requirePatientSigner } from './grant.ts';
import { idField, parseAccessTerms } from './parse.ts';
import { consentRequest, requestCount, requestCountKey, requestIndexKey, requestKey } from './store.ts';
import { REQUEST_REASONS, type ConsentRequestRecord, type Requester } from './types.ts';

function requireActivePractitioner(ctx: TxContext): Requester {
  const found = practitioner(ctx.state, ctx.signer);
  if (found === undefined) {
    throw rejected('consent.not_practitioner', 'only a registered practitioner may request consent');
  }
  if (found.status !== 'active') {
    throw rejected('consent.practitioner_suspended', 'a suspended practitioner may not request consent');
  }
  return { key: ctx.signer, orgId: found.orgId, role: found.role };
}

function applyRequest(ctx: TxContext, p: PayloadObject): void {
  const requestId = idField(p.requestId, 'requestId');
  const pseudonym = idField(p.patientPseudonym, 'patientPseudonym');
  const terms = parseAccessTerms(p);
  const reasonCode =
    p.reasonCode === undefined ? null : enumField(p.reasonCode, 'reasonCode', REQUEST_REASONS);
  const requester = requireActivePractitioner(ctx);
  if (patientRecord(ctx.state, pseudonym) === undefined) {
    throw rejected('consent.unknown_patient', 'no patient has this pseudonym');
  }
  if (consentRequest(ctx.state, pseudonym, requestId) !== undefined) {
    throw rejected('consent.duplicate_request', 'a request with this id already exists for the patient');
  }
  const record: ConsentRequestRecord = {
    requestId,
    patientPseudonym: pseudonym,
    requester,
    ...terms,
    reasonCode,
    height: ctx.height,
    status: 'pending',
    respondedAtHeight: null,
    respondedBy: null,
    consentId: null,
  };
  const n = requestCount(ctx.state, pseudonym);
  ctx.state.set(requestKey(pseudonym, requestId), encodeStateValue(record));
  ctx.state.set(requestIndexKey(pseudonym, n), encodeStateValue(requestId));
  ctx.state.set(requestCountKey(pseudonym), encodeStateValue(n + 1));
}

function applyRespond(ctx: TxContext, p: PayloadObject): void {
  const requestId = idField(p.requestId, 'requestId');
  const decision = enumField(p.decision, 'decision', ['approve', 'decline'] as const);
  const pseudonym = requirePatientSigner(ctx);
  const request = consentRequest(ctx.state, pseudonym, requestId);
  if (request === undefined) throw rejected('consent.unknown_request', 'the patient has no such request');
  if (request.status !== 'pending') {
    throw rejected('consent.request_closed', 'this request was already answered', { status: request.status });
  }
  // The grant's id is this tx's hash: unique, and known to the patient's client before it submits.
  const consentId = decision === 'approve' ? ctx.txHash : null;
  if (consentId !== null) {
    recordConsent(ctx, {
      consentId,
      patientPseudonym: pseudonym,
      grantee: { kind: 'practitioner', key: request.requester.key },
      resourceTypes: request.resourceTypes,
      purposes: request.purposes,
      actions: request.actions,
      period: request.period,
      provision: 'permit',
      grantedBy: ctx.signer,
      requestId,
      height: ctx.height,
      timeMs: ctx.timeMs,
      revokedAtHeight: null,
      revokedBy: null,
    });
  }
  const answered: ConsentRequestRecord = {
    ...request,
    status: decision === 'approve' ? 'approved' : 'declined',
    respondedAtHeight: ctx.height,
    respondedBy: ctx.signer,
    consentId,
  };
  ctx.state.set(requestKey(pseudonym, requestId), encodeStateValue(answered));
}

export const requestHandlers: readonly TxHandler[] = [
  {
    type: 'consent.request',
    fields: ['requestId', 'patientPseudonym', 'resourceTypes', 'purposes', 'actions', 'period'],
    optionalFields: ['reasonCode'],
    apply: applyRequest,
  },
  { type: 'consent.respond', fields: ['requestId', 'decision'], apply: applyRespond },
];
