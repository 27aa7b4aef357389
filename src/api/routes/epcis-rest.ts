// The EPCIS 2.0 REST binding's resources beyond POST /epcis/capture and GET /epcis/events (epcis.ts),
// as other EPCIS 2.0 clients and conformance suites call them (GS1 EPCIS 2.0 openapi.yaml):
//   GET  /epcis/capture/{captureID}   the CaptureJob of a capture (its tx hash, or its numeric captureId)
//   GET  /epcis/capture               this organisation's committed capture jobs, newest first
//   POST /epcis/events                one event, captured as a one-event document (201, Location)
//   GET  /epcis/events/{eventID}      the event as captured
//   GET  /epcis/eventTypes            the five event types
//   GET  /epcis/{resource}/{value}/events  eventTypes, epcs, bizSteps, bizLocations, readPoints,
//                                     dispositions: the events with that value, plus any SimpleEventQuery
// Reads need a staff token of this node; capture, staff of this node's own organisation.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { EpcisCapture } from '../../services/epcis/capture.ts';
import { CaptureJobs } from '../../services/epcis/jobs.ts';
import { EPCIS_CONTEXT_URL, EVENT_TYPES, PER_PAGE_DEFAULT } from '../../services/epcis/query.ts';
import type { EpcisValidator } from '../../services/epcis/schema.ts';
import { ServiceError } from '../../services/errors.ts';
import type { SupplyService } from '../../services/supply/service.ts';
import { captureIdByTx, eventSeqById, storedEvent, SUPPLY_PAGE_MAX } from '../../app/supply/index.ts';
import { errorSchema } from '../../contract/ledger.ts';
import { epcisQueryResponse } from '../../contract/supply.ts';
import {
  bizLocationParams,
  bizStepParams,
  captureJobParams,
  captureJobSchema,
  captureJobsQuery,
  captureJobsSchema,
  dispositionParams,
  epcisEventBody,
  epcisEventCapturedSchema,
  epcisEventParams,
  epcisEventResponse,
  epcParams,
  eventTypeParams,
  eventTypesSchema,
  readPointParams,
  simpleEventQuery,
} from '../../contract/epcis-rest.ts';
import { recordTimeOf, sendEventQuery } from './epcis-answer.ts';
import { rawPath, rawQuery } from '../raw-url.ts';

const CAPTURE_PATH = '/epcis/capture';
const EVENTS_PATH = '/epcis/events';

/** The capture jobs of a node's supply service, told of the mempool's drops. */
export function captureJobsOf(service: SupplyService): CaptureJobs {
  const { node } = service;
  const jobs = new CaptureJobs({
    get state() {
      return service.state;
    },
    isPending: (txHash) => node.mempool.has(txHash),
    blockTimeMs: recordTimeOf(service),
    nowMs: () => service.clock.nowMs(),
  });
  node.mempool.onDropped((dropped) => jobs.dropped(dropped));
  return jobs;
}

/**
 * The top-level resources whose events are one SimpleEventQuery parameter fixed by the path
 * (EPCIS 2.0 REST binding, "{topLevelResources}/{id}/events").
 */
const TOP_LEVEL = [
  { resource: 'eventTypes', param: 'eventType', query: 'eventType', params: eventTypeParams },
  { resource: 'epcs', param: 'epc', query: 'MATCH_anyEPC', params: epcParams },
  { resource: 'bizSteps', param: 'bizStep', query: 'EQ_bizStep', params: bizStepParams },
  { resource: 'bizLocations', param: 'bizLocation', query: 'EQ_bizLocation', params: bizLocationParams },
  { resource: 'readPoints', param: 'readPoint', query: 'EQ_readPoint', params: readPointParams },
  { resource: 'dispositions', param: 'disposition', query: 'EQ_disposition', params: dispositionParams },
] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One event as the EPCISDocument that captures it: its @context, if it carries one, moves up. */
function documentOf(event: unknown, nowMs: number): unknown {
  if (!isObject(event)) return event;
  const { '@context': context, ...rest } = event;
  return {
    '@context': context ?? [EPCIS_CONTEXT_URL],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date(nowMs).toISOString(),
    epcisBody: { eventList: [rest] },
  };
}

function listPaging(query: { perPage?: string; nextPageToken?: string }): {
  perPage: number;
  before?: number;
} {
  const perPage = query.perPage === undefined ? PER_PAGE_DEFAULT : Number(query.perPage);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > SUPPLY_PAGE_MAX) {
    throw new ServiceError('epcis.query_invalid', `perPage must be 1..${SUPPLY_PAGE_MAX}`);
  }
  const token = query.nextPageToken;
  if (token === undefined) return { perPage };
  if (!/^c\d{1,15}$/.test(token)) {
    throw new ServiceError('epcis.query_invalid', 'nextPageToken is not one this server gave');
  }
  return { perPage, before: Number(token.slice(1)) };
}

export function registerEpcisRestRoutes(
  scope: FastifyInstance,
  service: SupplyService,
  validator: () => EpcisValidator | undefined,
  logger: Logger,
  jobs: CaptureJobs,
): void {
  const capture = new EpcisCapture(service, validator, logger);

  scope.get<{ Params: { captureID: string } }>(
    `${CAPTURE_PATH}/:captureID`,
    { schema: { params: captureJobParams, response: { 200: captureJobSchema, 404: errorSchema } } },
    async (request) => {
      service.reader(await request.caller());
      const job = jobs.job(request.params.captureID);
      if (job === undefined) {
        throw new ServiceError('epcis.capture_not_found', 'this node knows no capture job with that id');
      }
      return job;
    },
  );

  scope.get<{ Querystring: { perPage?: string; nextPageToken?: string } }>(
    CAPTURE_PATH,
    { schema: { querystring: captureJobsQuery, response: { 200: captureJobsSchema } } },
    async (request, reply) => {
      service.reader(await request.caller());
      const { perPage, before } = listPaging(request.query);
      const page = jobs.list(service.orgId, perPage, before);
      if (page.nextBefore !== null) {
        const next = `${CAPTURE_PATH}?perPage=${perPage}&nextPageToken=c${page.nextBefore}`;
        void reply.header('link', `<${next}>; rel="next"`);
      }
      return reply.header('cache-control', 'no-store').send({ captureJobs: page.jobs });
    },
  );

  scope.post<{ Querystring: { wait?: string } }>(
    EVENTS_PATH,
    {
      schema: {
        body: epcisEventBody,
        response: { 201: epcisEventCapturedSchema, 202: captureJobSchema },
      },
    },
    async (request, reply) => {
      service.staff(await request.caller());
      const { eventIds, txHash } = capture.submit(documentOf(request.body, service.clock.nowMs()));
      jobs.accepted(txHash);
      const eventId = eventIds[0]!;
      if (request.query.wait === 'false') {
        void reply.header('location', `${CAPTURE_PATH}/${txHash}`);
        return reply.status(202).send(jobs.job(txHash));
      }
      const height = await service.waitCommitted(txHash, 'supply.capture');
      const captureId = captureIdByTx(service.state, txHash);
      void reply.header('location', `${EVENTS_PATH}/${encodeURIComponent(eventId)}`);
      return reply.status(201).send({ captureId, eventId, txHash, height });
    },
  );

  scope.get<{ Params: { eventID: string } }>(
    `${EVENTS_PATH}/:eventID`,
    { schema: { params: epcisEventParams, response: { 200: epcisEventResponse, 404: errorSchema } } },
    async (request, reply) => {
      service.reader(await request.caller());
      const seq = eventSeqById(service.state, request.params.eventID);
      const event = seq === undefined ? undefined : storedEvent(service.state, seq);
      if (event === undefined) throw new ServiceError('epcis.event_not_found', 'no event has that eventID');
      return reply
        .header('content-type', 'application/ld+json')
        .header('cache-control', 'no-store')
        .send(event.text);
    },
  );

  scope.get('/epcis/eventTypes', { schema: { response: { 200: eventTypesSchema } } }, async (request) => {
    service.reader(await request.caller());
    return { eventTypes: [...EVENT_TYPES] };
  });

  for (const { resource, param, query: name, params } of TOP_LEVEL) {
    scope.get<{ Params: Record<string, string> }>(
      `/epcis/${resource}/:${param}/events`,
      { schema: { params, querystring: simpleEventQuery, response: { 200: epcisQueryResponse } } },
      async (request: FastifyRequest<{ Params: Record<string, string> }>, reply: FastifyReply) => {
        service.reader(await request.caller());
        const query = rawQuery(request);
        if (query.has(name)) {
          throw new ServiceError(
            'epcis.query_invalid',
            `${name} is given by the path: leave it out of the query`,
          );
        }
        return sendEventQuery(request, reply, service, rawPath(request), query, {
          name,
          value: request.params[param]!,
        });
      },
    );
  }
}
