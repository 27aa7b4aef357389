// The EPCIS 2.0 REST binding's resources beyond capture and /events (api/routes/epcis-rest.ts): capture
// jobs, single-event capture, events by id, and the top-level resources (eventTypes, epcs, bizSteps,
// bizLocations, readPoints, dispositions) with their events. Query parameters are SimpleEventQuery's
// (services/epcis/query.ts checks each and answers 400 epcis.query_invalid), so they pass whole here.
import { Type, type Static } from '@sinclair/typebox';

/** GET /epcis/capture/{captureID}: the EPCIS 2.0 CaptureJob. */
export const captureJobSchema = Type.Object({
  captureID: Type.String({ description: 'the capture tx hash' }),
  createdAt: Type.String({ description: 'date-time' }),
  finishedAt: Type.Optional(Type.String({ description: 'date-time, once the job ended' })),
  running: Type.Boolean(),
  success: Type.Boolean(),
  captureErrorBehaviour: Type.Literal('rollback'),
  errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
});
export type CaptureJobAnswer = Static<typeof captureJobSchema>;
export const captureJobParams = Type.Object({
  captureID: Type.String({ description: 'the capture tx hash (64 hex) or its numeric captureId' }),
});

/** GET /epcis/capture: the caller organisation's committed capture jobs, newest first. */
export const captureJobsQuery = Type.Object({
  perPage: Type.Optional(Type.String({ description: '1..100, default 30' })),
  nextPageToken: Type.Optional(Type.String({ description: 'from the Link header of the previous page' })),
});
export const captureJobsSchema = Type.Object({ captureJobs: Type.Array(captureJobSchema) });

/** POST /epcis/events: one EPCIS 2.0 event (JSON), captured as a one-event document. */
export const epcisEventBody = Type.Object(
  { type: Type.Optional(Type.String()) },
  { additionalProperties: true, description: 'one EPCIS 2.0 event (ObjectEvent, AggregationEvent…)' },
);
export const epcisEventCapturedSchema = Type.Object({
  captureId: Type.Optional(Type.Integer()),
  eventId: Type.String(),
  txHash: Type.String(),
  height: Type.Integer(),
});

/** GET /epcis/events/{eventID}: the event as captured. */
export const epcisEventParams = Type.Object({
  eventID: Type.String({ description: 'the eventID, URL-encoded (e.g. ni:///sha-256;…?ver=CBV2.0)' }),
});
export const epcisEventResponse = {
  description: 'the EPCIS event as captured (JSON-LD)',
  content: { 'application/ld+json': { schema: Type.Object({}, { additionalProperties: true }) } },
};

/** GET /epcis/eventTypes: the event types this server serves. */
export const eventTypesSchema = Type.Object({ eventTypes: Type.Array(Type.String()) });

/** SimpleEventQuery parameters on the top-level resources' events: checked by the query parser. */
export const simpleEventQuery = Type.Object(
  {
    perPage: Type.Optional(Type.String()),
    nextPageToken: Type.Optional(Type.String()),
  },
  { additionalProperties: true, description: 'EPCIS 2.0 SimpleEventQuery parameters (docs/SUPPLY.md)' },
);
export const eventTypeParams = Type.Object({ eventType: Type.String({ description: 'e.g. ObjectEvent' }) });
export const epcParams = Type.Object({
  epc: Type.String({ description: 'an EPC as a URN or a GS1 Digital Link, URL-encoded' }),
});
export const bizStepParams = Type.Object({ bizStep: Type.String({ description: 'e.g. shipping' }) });
export const bizLocationParams = Type.Object({
  bizLocation: Type.String({ description: 'an SGLN URN or Digital Link, URL-encoded' }),
});
export const readPointParams = Type.Object({
  readPoint: Type.String({ description: 'an SGLN URN or Digital Link, URL-encoded' }),
});
export const dispositionParams = Type.Object({
  disposition: Type.String({ description: 'e.g. in_transit' }),
});
