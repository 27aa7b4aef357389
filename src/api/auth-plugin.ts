// One authentication for every route (issue 11): the Authorization header becomes a Caller once per
// request, here, and routes only ask `await request.caller()`. Who the caller is now, and what they may
// do, is decided in services/auth (resolveCaller, authorize), never in a route. A failure is an
// AuthError; the one error translator answers it in the format of its boundary (domain JSON or
// OperationOutcome) with the RFC 6750 challenge (api/errors.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CarechainNode } from '../node/node.ts';
import type { Caller } from '../services/auth/caller.ts';
import { authenticate } from './auth/caller.ts';
import type { TokenVerifier } from './auth/tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, as the state of this request knows them; throws AuthError. */
    caller(): Promise<Caller>;
  }
}

export interface AuthPluginOptions {
  readonly verifier: TokenVerifier;
  /** The state each request is decided in (the latest committed). */
  readonly state: () => CarechainNode['ledger']['state'];
}

/** Installs request.caller() on the whole server; call once, before routes that need a caller. */
export function installAuth(app: FastifyInstance, options: AuthPluginOptions): void {
  // One verification per request, however many times a route asks.
  const callers = new WeakMap<FastifyRequest, Promise<Caller>>();
  app.decorateRequest('caller', function (this: FastifyRequest): Promise<Caller> {
    let caller = callers.get(this);
    if (caller === undefined) {
      caller = authenticate(this.headers.authorization, options.verifier, options.state());
      callers.set(this, caller);
    }
    return caller;
  });
}
