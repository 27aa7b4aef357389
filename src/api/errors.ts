// The domain API's one error currency: { error: { code, message, details } } with the status the error
// catalogue (core/errors/codes.ts) gives the stable code. Unknown failures become 'internal' with no internals in the answer.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { CoreError, type Details } from '../core/errors.ts';
import { statusOfCode } from '../core/errors/codes.ts';

import { ApiError } from '../services/errors.ts';

export { ApiError };

/** The status for a code, from the one catalogue (core/errors/codes.ts). */
export function statusForCode(code: string): number {
  return statusOfCode(code);
}

export interface ErrorBody {
  error: { code: string; message: string; details: Details };
}

export function errorBody(code: string, message: string, details: Details = {}): ErrorBody {
  return { error: { code, message, details } };
}

export function installErrorHandler(
  app: {
    setErrorHandler(h: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => void): unknown;
    setNotFoundHandler(h: (req: FastifyRequest, reply: FastifyReply) => void): unknown;
  },
  logger: Logger,
): void {
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof ApiError) {
      void reply.status(err.statusCode).send(errorBody(err.code, err.message, err.details));
    } else if (err instanceof CoreError) {
      const status = statusForCode(err.code);
      if (err.code === 'mempool.full') void reply.header('retry-after', '1');
      if (err.code === 'intake.rate_limited') {
        void reply.header('retry-after', String(err.details.retryAfterSeconds ?? 1));
      }
      void reply.status(status).send(errorBody(err.code, err.message, err.details));
    } else if (err.validation !== undefined) {
      void reply.status(400).send(errorBody('request.invalid', err.message));
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      void reply.status(413).send(errorBody('request.too_large', 'request body is too large'));
    } else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      void reply.status(415).send(errorBody('request.unsupported_media_type', 'send application/json'));
    } else if (err.statusCode === 400) {
      void reply.status(400).send(errorBody('request.malformed', 'request body is not valid JSON'));
    } else {
      // Never echo internals: the log gets the error (no request bodies are logged), the client a code.
      logger.error({ err, url: request.routeOptions.url }, 'unhandled API error');
      void reply.status(500).send(errorBody('internal', 'internal error'));
    }
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(errorBody('route.not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
