// A request's query and path exactly as sent. Fastify's parsed query folds repeated keys, but a FHIR
// search ANDs them (search.html#combining) and an EPCIS query reads repeats as alternatives, so routes
// that search read the raw query; the raw path (still percent-encoded) names the next page in a Link.
import type { FastifyRequest } from 'fastify';

/** The query parameters of a request exactly as sent (repeats and order kept). */
export function rawQuery(request: FastifyRequest): URLSearchParams {
  const at = request.url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : request.url.slice(at + 1));
}

/** The path of a request as sent (still percent-encoded), for the Link header. */
export function rawPath(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  return at < 0 ? request.url : request.url.slice(0, at);
}
