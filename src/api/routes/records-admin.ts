// The patient's and the privacy officer's side of the records gateway (issue 4 "Access", "Erasure"),
// beside /fhir/R4 and answering failures the same way (OperationOutcome, STYLE §3):
//   POST /api/v1/records/break-glass      practitioner: { resourceType, id, purpose: "ETREAT", reason }
//                                         → { eventId, txHash, resource } once the flagged event is final
//   POST /api/v1/records/break-glass/summary  practitioner: { patient, purpose: "ETREAT", reason } → the
//                                         emergency summary held here, under one flagged event
//   GET  /api/v1/records/break-glass      the custodian's privacy officer: break-glass events, newest
//                                         first, each with the written reason kept off chain
//   GET  /api/v1/patients/me/access-log   the patient's access log as JSON (records accessLog)
//   GET  /api/v1/patients/me/audit-events the same log as a FHIR searchset Bundle of AuditEvent (BALP)
//   POST /api/v1/patients/me/erasure      { tx: <records.requestErasure signed by the patient> }
//                                         → { requestTxHash, requestHeight, receipts, custodians }: this
//                                         node's share is done; other custodians' nodes follow from chain
//   GET  /api/v1/patients/me/erasure      → { custodians }: each custodian's records, requested, erased,
//                                         pending, and its receipts (contract/erasure.ts)
//   POST /api/v1/records/custodial-claims  staff who identified a patient: { pseudonym, patientKey } →
//                                         { pseudonym, patientKey, attestedBy, attestation } for the
//                                         patient's membership.claimPatient (issue 13, custodial.ts)
// Lists page with _offset and _count (at most RECORDS_PAGE_MAX). Nothing of a body reaches a log.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { answerAsFhir } from '../errors.ts';
import { BreakGlassReasonStore } from '../../node/storage/break-glass-reasons.ts';
import { FHIR_JSON_CONTENT_TYPE, FhirError } from '../../services/fhir/operation-outcome.ts';
import { RecordsAdmin } from '../../services/records/admin.ts';
import { attestClaim } from '../../services/records/custodial.ts';
import type { ErasureJobStep } from '../../services/records/erasure-jobs.ts';
import { ERASURE_PATH, erasureResultSchema, erasureStatusSchema } from '../../contract/erasure.ts';
import {
  ACCESS_LOG_PATH,
  AUDIT_EVENTS_PATH,
  BREAK_GLASS_PATH,
  CUSTODIAL_CLAIMS_PATH,
  EMERGENCY_SUMMARY_PATH,
  accessLogSchema,
  auditEventsResponse,
  breakGlassAnswerSchema,
  breakGlassBody,
  breakGlassListSchema,
  emergencySummaryAnswerSchema,
  emergencySummaryBody,
  custodialClaimAnswerSchema,
  custodialClaimBody,
  erasureBody,
  recordsPageQuery,
} from '../../contract/records.ts';
import {
  breakGlassEventsWithReasons,
  ownAccessLog,
  ownAuditEvents,
  pageOf,
  type PageQuery,
} from '../../services/records/audit-views.ts';
import type { FhirRouteOptions } from './fhir.ts';
import type { CarechainNode } from '../../node/node.ts';

export { ERASURE_PATH };

export interface RecordsAdminRouteOptions {
  /** Where erasure jobs report a failure (codes only, never PHI). */
  readonly logger?: Logger;
  /** A test hook at each step of an erasure job (the crash test kills the node there). */
  readonly onErasureStep?: (step: ErasureJobStep) => void;
}

export function registerRecordsAdminRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  fhir: FhirRouteOptions,
  options: RecordsAdminRouteOptions = {},
): void {
  const { gateway, baseUrl } = fhir;
  const reasons = BreakGlassReasonStore.open(node.storage);
  const admin = new RecordsAdmin(gateway, reasons, {
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.onErasureStep === undefined ? {} : { onStep: options.onErasureStep }),
  });
  // This custodian's share of every patient's erasure, whichever node the patient asked.
  admin.jobs.start();
  app.addHook('onClose', (_instance, done) => {
    admin.jobs.stop();
    reasons.close();
    done();
  });
  const state = () => node.ledger.state;

  void app.register((scope, _opts, done) => {
    answerAsFhir(scope);

    const breakGlass = { body: breakGlassBody, response: { 200: breakGlassAnswerSchema } };
    scope.post<{ Body: Record<string, unknown> | undefined }>(
      BREAK_GLASS_PATH,
      { schema: breakGlass },
      async (request, reply) => {
        const who = await request.caller();
        const body = request.body ?? {};
        const type = body.resourceType;
        const id = body.id;
        if (typeof type !== 'string' || typeof id !== 'string') {
          throw FhirError.invalid('send { resourceType, id, purpose, reason }');
        }
        const result = await admin.breakGlassRead(who, {
          type,
          id,
          purpose: body.purpose,
          reason: body.reason,
        });
        return reply.header('cache-control', 'no-store').send(result);
      },
    );

    const summary = { body: emergencySummaryBody, response: { 200: emergencySummaryAnswerSchema } };
    scope.post<{ Body: Record<string, unknown> | undefined }>(
      EMERGENCY_SUMMARY_PATH,
      { schema: summary },
      async (request, reply) => {
        const body = request.body ?? {};
        const input = { patient: body.patient, purpose: body.purpose, reason: body.reason };
        const result = await admin.breakGlassSummary(await request.caller(), input);
        return reply.header('cache-control', 'no-store').send(result);
      },
    );

    const claim = { body: custodialClaimBody, response: { 200: custodialClaimAnswerSchema } };
    scope.post<{ Body: { pseudonym?: string; patientKey?: string } | undefined }>(
      CUSTODIAL_CLAIMS_PATH,
      { schema: claim },
      async (request, reply) => {
        const who = await request.caller();
        const nodeKeys = { key: node.key, chainId: node.ledger.chainId };
        const answer = attestClaim(state(), nodeKeys, gateway.custodianOrgId, who, request.body ?? {});
        return reply.header('cache-control', 'no-store').send(answer);
      },
    );

    const listOf = (schema: object) => ({
      schema: { querystring: recordsPageQuery, response: { 200: schema } },
    });
    scope.get<{ Querystring: PageQuery }>(
      BREAK_GLASS_PATH,
      listOf(breakGlassListSchema),
      async (request, reply) => {
        const who = await request.caller();
        const page = pageOf(request.query);
        const events = breakGlassEventsWithReasons(state(), who, gateway.custodianOrgId, reasons, page);
        return reply.header('cache-control', 'no-store').send(events);
      },
    );

    scope.get<{ Querystring: PageQuery }>(
      ACCESS_LOG_PATH,
      listOf(accessLogSchema),
      async (request, reply) => {
        const log = ownAccessLog(state(), await request.caller(), pageOf(request.query));
        return reply.header('cache-control', 'no-store').send(log);
      },
    );

    scope.get<{ Querystring: PageQuery }>(
      AUDIT_EVENTS_PATH,
      listOf(auditEventsResponse),
      async (request, reply) => {
        const who = await request.caller();
        const bundle = ownAuditEvents(state(), who, pageOf(request.query), baseUrl);
        return reply
          .header('content-type', FHIR_JSON_CONTENT_TYPE)
          .header('cache-control', 'no-store')
          .send(bundle);
      },
    );

    scope.get(
      ERASURE_PATH,
      { schema: { response: { 200: erasureStatusSchema } } },
      async (request, reply) => {
        const status = admin.erasureStatus(await request.caller());
        return reply.header('cache-control', 'no-store').send(status);
      },
    );

    scope.post<{ Body: Record<string, unknown> | undefined }>(
      ERASURE_PATH,
      { schema: { body: erasureBody, response: { 200: erasureResultSchema } } },
      async (request, reply) => {
        const who = await request.caller();
        const body = request.body ?? {};
        if (body.tx === undefined)
          throw FhirError.invalid('send { tx: <signed records.requestErasure tx> }', 'tx');
        const result = await admin.erase(who, body.tx);
        return reply.header('cache-control', 'no-store').send(result);
      },
    );
    done();
  });
}
