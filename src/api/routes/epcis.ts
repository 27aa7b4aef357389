// The EPCIS 2.0 REST binding of a node (EPCIS 2.0 §12): capture and event query.
//   POST /epcis/capture   EPCIS 2.0 JSON / JSON-LD document, or an EPCIS 1.2 / 2.0 XML document
//                         (application/xml, text/xml: read into the JSON-LD document, then the same path)
//                         → 201 { captureId, eventIds, txHash, height }
//                         (?wait=false: 202 { eventIds, txHash } once accepted, without waiting)
//   GET  /epcis/events    SimpleEventQuery parameters → EPCISQueryDocument, Link: <…>; rel="next"
//                         (JSON-LD; the XML binding's epcisq:EPCISQueryDocument on Accept: application/xml)
// Both need a staff bearer token; capture only from staff of this node's own organisation. A capture's
// answer names its job (Location: /epcis/capture/<txHash>); the rest of the REST binding is epcis-rest.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EPCIS_XML_MEDIA_TYPES, epcisXmlToJsonLd } from '../../services/epcis/xml.ts';
import { EpcisCapture } from '../../services/epcis/capture.ts';
import type { CaptureJobs } from '../../services/epcis/jobs.ts';
import { sendEventQuery } from './epcis-answer.ts';
import { rawQuery } from '../raw-url.ts';
import type { SupplyService } from '../../services/supply/service.ts';
import { captureIdByTx } from '../../app/supply/index.ts';
import type { EpcisValidator } from '../../services/epcis/schema.ts';
import type { Logger } from 'pino';
import {
  epcisAcceptedSchema,
  epcisCaptureBody,
  epcisCapturedSchema,
  epcisCaptureQuery,
  epcisQueryResponse,
} from '../../contract/supply.ts';

export const EPCIS_CAPTURE_PATH = '/epcis/capture';
export const EPCIS_EVENTS_PATH = '/epcis/events';

export function registerEpcisRoutes(
  scope: FastifyInstance,
  service: SupplyService,
  validator: () => EpcisValidator | undefined,
  logger: Logger,
  jobs?: CaptureJobs,
): void {
  const capture = new EpcisCapture(service, validator, logger);

  const captureSchema = {
    description:
      'Captures one EPCISDocument: EPCIS 2.0 JSON / JSON-LD, or the XML binding (EPCIS 2.0 or 1.2, ' +
      'application/xml or text/xml), which is read into the same JSON-LD document. XML with a DOCTYPE that declares anything, ' +
      'malformed XML or another root element is refused with 400 epcis.xml_invalid.',
    consumes: ['application/json', 'application/ld+json', ...EPCIS_XML_MEDIA_TYPES],
    body: epcisCaptureBody,
    querystring: epcisCaptureQuery,
    response: { 201: epcisCapturedSchema, 202: epcisAcceptedSchema },
  };
  // The XML parsers live in a scope of their own, so that only capture takes XML; the caller is
  // authenticated (and must be staff) before a byte of the body is parsed.
  void scope.register((captureScope, _opts, done) => {
    for (const type of EPCIS_XML_MEDIA_TYPES) {
      captureScope.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, parsed) => {
        try {
          parsed(null, epcisXmlToJsonLd(body as string));
        } catch (err) {
          parsed(err as Error);
        }
      });
    }
    captureScope.post<{ Querystring: { wait?: string } }>(
      EPCIS_CAPTURE_PATH,
      { schema: captureSchema, onRequest: staffFirst },
      // staffFirst has refused anyone else before the body was read.
      async (request, reply) => {
        const { eventIds, txHash } = capture.submit(request.body);
        jobs?.accepted(txHash);
        void reply.header('location', `${EPCIS_CAPTURE_PATH}/${txHash}`);
        if (request.query.wait === 'false') return reply.status(202).send({ eventIds, txHash });
        const height = await service.waitCommitted(txHash, 'supply.capture');
        const captureId = captureIdByTx(service.state, txHash);
        return reply.status(201).send({ captureId, eventIds, txHash, height });
      },
    );
    done();
  });
  async function staffFirst(request: FastifyRequest): Promise<void> {
    service.staff(await request.caller());
  }

  scope.get(
    EPCIS_EVENTS_PATH,
    { schema: { response: { 200: epcisQueryResponse } } },
    async (request, reply) => {
      service.reader(await request.caller());
      return sendEventQuery(request, reply, service, EPCIS_EVENTS_PATH, rawQuery(request));
    },
  );
}
