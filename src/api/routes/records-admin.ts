// The patient's and the privacy officer's side of the records gateway (issue 4 "Access", "Erasure"),
// beside /fhir/R4 and answering failures the same way (OperationOutcome, STYLE §3):
//   POST /api/v1/records/break-glass      practitioner: { resourceType, id, purpose: "ETREAT", reason }
//                                         → { eventId, txHash, resource } once the flagged event is final
//   GET  /api/v1/records/break-glass      the custodian's privacy officer: break-glass events, newest
//                                         first, each with the written reason kept off chain
//   GET  /api/v1/patients/me/access-log   the patient's access log as JSON (records accessLog)
//   GET  /api/v1/patients/me/audit-events the same log as a FHIR searchset Bundle of AuditEvent (BALP)
//   POST /api/v1/patients/me/erasure      { tx: <records.requestErasure signed by the patient> }
//                                         → { requestTxHash, requestHeight, receipts }
// Lists page with _offset and _count (at most RECORDS_PAGE_MAX). Nothing of a body reaches a log.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { authenticate, authorize, type Caller } from '../auth/caller.ts';
import { AuthError, sendAuthError } from '../auth/errors.ts';
import { BreakGlassReasonStore, reasonMatches } from '../../node/storage/break-glass-reasons.ts';
import {
  FHIR_JSON_CONTENT_TYPE,
  FhirError,
  issue,
  sendFhirError,
} from '../../services/fhir/operation-outcome.ts';
import { RecordsAdmin } from '../../services/records/admin.ts';
import type { FhirRouteOptions } from './fhir.ts';
import {
  accessLog,
  breakGlassEvents,
  RECORDS_PAGE_MAX,
  toAuditEvent,
  type Page,
} from '../../app/records/index.ts';
import type { CarechainNode } from '../../node/node.ts';

export const BREAK_GLASS_PATH = '/api/v1/records/break-glass';
export const ACCESS_LOG_PATH = '/api/v1/patients/me/access-log';
export const AUDIT_EVENTS_PATH = '/api/v1/patients/me/audit-events';
export const ERASURE_PATH = '/api/v1/patients/me/erasure';
const PAGE_DEFAULT = 50;

export interface RecordsAdminRouteOptions {
  /** Kept for callers; the break-glass reasons live in the node's storage (node.storage). */
  readonly dataDir: string;
}

interface PageQuery {
  _offset?: string;
  _count?: string;
}

export function registerRecordsAdminRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  logger: Logger,
  fhir: FhirRouteOptions,
  _options: RecordsAdminRouteOptions,
): void {
  const { gateway, verifier, baseUrl } = fhir;
  const reasons = BreakGlassReasonStore.open(node.storage);
  const admin = new RecordsAdmin(gateway, reasons);
  app.addHook('onClose', (_instance, done) => {
    reasons.close();
    done();
  });
  const caller = (request: FastifyRequest) =>
    authenticate(request.headers.authorization, verifier, node.ledger.store.latestState);
  const state = () => node.ledger.store.latestState;

  void app.register((scope, _opts, done) => {
    scope.setErrorHandler((err: FastifyError, _request, reply) => sendError(reply, err, logger));

    scope.post<{ Body: Record<string, unknown> | undefined }>(BREAK_GLASS_PATH, async (request, reply) => {
      const who = await caller(request);
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
    });

    scope.get<{ Querystring: PageQuery }>(BREAK_GLASS_PATH, async (request, reply) => {
      const who = await caller(request);
      const orgId = gateway.custodianOrgId;
      if (who.kind !== 'practitioner' || who.role !== 'privacy-officer' || who.orgId !== orgId) {
        throw FhirError.forbidden(`only a privacy officer of ${orgId} sees its break-glass events`);
      }
      authorize(who, 'AuditEvent', 's');
      const events = breakGlassEvents(state(), orgId, pageOf(request.query));
      const items = events.items.map((event) => {
        const stored = reasons.get(orgId, event.eventId);
        const commitment = event.breakGlass?.reasonCommitment ?? '';
        return {
          ...event,
          reason: stored?.reason ?? null,
          reasonSalt: stored?.salt ?? null,
          // A reason that no longer matches its commitment on chain was altered off chain.
          reasonMatchesCommitment: stored !== undefined && reasonMatches(stored, commitment),
        };
      });
      return reply.header('cache-control', 'no-store').send({ total: events.total, items });
    });

    scope.get<{ Querystring: PageQuery }>(ACCESS_LOG_PATH, async (request, reply) => {
      const who = patientOf(await caller(request));
      const log = accessLog(state(), who.pseudonym, pageOf(request.query));
      return reply.header('cache-control', 'no-store').send(log);
    });

    scope.get<{ Querystring: PageQuery }>(AUDIT_EVENTS_PATH, async (request, reply) => {
      const who = patientOf(await caller(request));
      const page = pageOf(request.query);
      const log = accessLog(state(), who.pseudonym, page);
      const bundle = {
        resourceType: 'Bundle',
        type: 'searchset',
        total: log.total,
        link: [
          {
            relation: 'self',
            url: `${baseUrl}/AuditEvent?patient=me&_offset=${page.offset}&_count=${page.limit}`,
          },
        ],
        entry: log.items.map((event) => ({
          fullUrl: `${baseUrl}/AuditEvent/${event.eventId}`,
          resource: toAuditEvent(event),
          search: { mode: 'match' },
        })),
      };
      return reply
        .header('content-type', FHIR_JSON_CONTENT_TYPE)
        .header('cache-control', 'no-store')
        .send(bundle);
    });

    scope.post<{ Body: Record<string, unknown> | undefined }>(ERASURE_PATH, async (request, reply) => {
      const who = await caller(request);
      const body = request.body ?? {};
      if (body.tx === undefined)
        throw FhirError.invalid('send { tx: <signed records.requestErasure tx> }', 'tx');
      const result = await admin.erase(who, body.tx);
      return reply.header('cache-control', 'no-store').send(result);
    });
    done();
  });
}

/** The patient (or proxy) asking about themselves, with a scope that lets them list AuditEvents. */
function patientOf(who: Caller): Extract<Caller, { kind: 'patient' | 'proxy' }> {
  if (who.kind !== 'patient' && who.kind !== 'proxy') {
    throw FhirError.forbidden('only the patient (or their proxy) reads their own access log here');
  }
  authorize(who, 'AuditEvent', 's');
  return who;
}

function pageOf(query: PageQuery): Page {
  const number = (text: string | undefined, fallback: number, name: string): number => {
    if (text === undefined || text === '') return fallback;
    if (!/^\d{1,9}$/.test(text)) throw FhirError.invalid(`${name} must be a non-negative integer`, name);
    return Number(text);
  };
  return {
    offset: number(query._offset, 0, '_offset'),
    limit: Math.min(number(query._count, PAGE_DEFAULT, '_count'), RECORDS_PAGE_MAX),
  };
}

function sendError(reply: FastifyReply, err: FastifyError | Error, logger: Logger): void {
  if (err instanceof AuthError) return sendAuthError(reply, err, 'fhir');
  if (err instanceof FhirError) return sendFhirError(reply, err);
  const status = (err as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own messages may quote the body; say only what kind of failure it was.
    const text = status === 413 ? 'request body is too large' : 'request body is not valid JSON';
    return sendFhirError(
      reply,
      new FhirError(status, [issue(status === 413 ? 'too-costly' : 'structure', text)]),
    );
  }
  logger.error(
    { err: { name: err.name, message: err.message, stack: err.stack } },
    'records admin request failed',
  );
  return sendFhirError(reply, err);
}
