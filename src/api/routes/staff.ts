// GET /api/v1/staff/me: the signed-in staff member's organisation, role and the app actions they may
// take (services/auth/staff-me.ts), so the web app shows each role only what it can do (issue 14).
import type { FastifyInstance } from 'fastify';
import type { CarechainNode } from '../../node/node.ts';
import { staffMeSchema } from '../../contract/staff.ts';
import { errorSchema } from '../../contract/ledger.ts';
import { staffMe } from '../../services/auth/staff-me.ts';

export const STAFF_ME_PATH = '/api/v1/staff/me';

export function registerStaffRoutes(app: FastifyInstance, node: CarechainNode): void {
  app.get(
    STAFF_ME_PATH,
    { schema: { response: { 200: staffMeSchema, 403: errorSchema } } },
    async (request, reply) => {
      const me = staffMe(node.ledger.state, await request.caller());
      return reply.header('cache-control', 'no-store').send(me);
    },
  );
}
