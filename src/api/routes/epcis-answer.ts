// The one way an EPCIS event query is answered, by GET /epcis/events and by the REST binding's
// top-level resources (epcis-rest.ts): SimpleEventQuery parameters in, an EPCISQueryDocument out
// (JSON-LD, or the XML binding's on Accept: application/xml), with the next page named in a Link header
// (EPCIS 2.0 §12.6.1) on the path the client asked.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { documentEvents } from '../../services/epcis/capture.ts';
import { parseQuery, runQuery } from '../../services/epcis/query.ts';
import { epcisQueryDocumentXml, prefersXml } from '../../services/epcis/xml-write.ts';
import type { SupplyService } from '../../services/supply/service.ts';

/** Block time of a height: an event's record time (the block that recorded it). */
export function recordTimeOf(service: SupplyService): (height: number) => number | undefined {
  return (height) => service.node.ledger.block(height)?.block.header.timeMs;
}

/**
 * Answers the query; `fixed` is a parameter the path gives (a top-level resource's value): it filters,
 * but stays out of the Link, whose path already says it.
 */
export function sendEventQuery(
  request: FastifyRequest,
  reply: FastifyReply,
  service: SupplyService,
  path: string,
  query: URLSearchParams,
  fixed?: { readonly name: string; readonly value: string },
): FastifyReply {
  const filtering = new URLSearchParams(query);
  if (fixed !== undefined) filtering.set(fixed.name, fixed.value);
  const parsed = parseQuery(filtering);
  const answer = runQuery(service.state, parsed, service.clock.nowMs(), recordTimeOf(service));
  if (answer.nextPageToken !== null) {
    query.set('nextPageToken', answer.nextPageToken);
    void reply.header('link', `<${path}?${query.toString()}>; rel="next"`);
  }
  void reply.header('cache-control', 'no-store').header('vary', 'accept');
  if (prefersXml(request.headers.accept)) {
    const events = documentEvents(answer.document);
    return reply
      .header('content-type', 'application/xml; charset=utf-8')
      .send(epcisQueryDocumentXml(answer.document, events));
  }
  return reply.header('content-type', 'application/ld+json').send(answer.document);
}
