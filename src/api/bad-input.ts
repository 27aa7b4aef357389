// Bad input is a 4xx, never a 5xx (issue 10, finding 14). Two guards that hold for every route, so no
// handler has to remember them:
// - JSON bodies nested deeper than JSON_DEPTH_MAX are refused at parse time, before anything recursive
//   (canonical JSON for signing, schema validation, FHIRPath) walks them and overflows the stack;
// - a domain API query key sent twice is refused, since every domain route reads one value per key
//   (Node's query parser would hand the handler an array where it expects a string). FHIR search
//   keeps its repeats: they AND (FHIR search.html#combining), and it reads the raw query itself.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../services/errors.ts';

/**
 * Deepest JSON nesting (objects and arrays) accepted in a request body. A Synthea transaction Bundle
 * nests about 10 deep and an EPCIS document about 8; 64 leaves room and stays far from the thousands of
 * frames a recursive walk needs to overflow.
 */
export const JSON_DEPTH_MAX = 64;

/**
 * Whether JSON text nests deeper than depthMax, by one linear scan that skips string contents (a bracket
 * inside a string is not nesting). Malformed text is left to JSON.parse to refuse.
 */
export function jsonDepthExceeds(text: string, depthMax: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > depthMax) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

type BodyParser = (
  request: FastifyRequest,
  body: string,
  done: (err: Error | null, body?: unknown) => void,
) => void;

export function tooDeep(): ServiceError {
  return new ServiceError('request.too_deep', `request JSON nests deeper than ${JSON_DEPTH_MAX} levels`, {
    depthMax: JSON_DEPTH_MAX,
  });
}

/** Fastify's own JSON parser (prototype poisoning refused) behind the depth check. */
export function depthLimitedJsonParser(app: FastifyInstance): BodyParser {
  const parse = app.getDefaultJsonParser('error', 'error') as BodyParser;
  return (request, body, done) => {
    if (jsonDepthExceeds(body, JSON_DEPTH_MAX)) return done(tooDeep());
    parse(request, body, done);
  };
}

/** Installs both guards on the server; scopes with their own JSON media types use depthLimitedJsonParser. */
export function installInputGuards(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, depthLimitedJsonParser(app));
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done) => {
    if (!request.url.startsWith('/api/')) return done();
    const query = request.query as Record<string, unknown>;
    for (const [key, value] of Object.entries(query)) {
      if (Array.isArray(value)) {
        return done(
          new ServiceError(
            'request.repeated_query_key',
            'a query key is repeated where one value is expected',
            {
              key: key.slice(0, 64),
            },
          ),
        );
      }
    }
    done();
  });
}

/** The request's body when it is a JSON object; request.invalid otherwise (routes check each field). */
export function jsonObjectBody(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw new ServiceError('request.invalid', 'send a JSON object');
  }
  return b as Record<string, unknown>;
}
