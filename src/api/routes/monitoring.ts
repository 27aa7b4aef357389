// Remote monitoring routes (issue 18). POST /api/v1/monitoring/news2/score needs no caller: it computes
// from the body alone, stores nothing, and the body (vital signs) is never logged (server.ts).
import type { FastifyInstance } from 'fastify';
import { errorSchema } from '../../contract/ledger.ts';
import {
  NEWS2_SCORE_PATH,
  news2ScoreSchema,
  news2VitalsSchema,
  type News2VitalsBody,
} from '../../contract/monitoring.ts';
import { scoreVitals } from '../../services/monitoring/news2.ts';

export function registerMonitoringRoutes(app: FastifyInstance): void {
  app.post<{ Body: News2VitalsBody }>(
    NEWS2_SCORE_PATH,
    { schema: { body: news2VitalsSchema, response: { 200: news2ScoreSchema, 400: errorSchema } } },
    (request, reply) => reply.header('cache-control', 'no-store').send(scoreVitals(request.body)),
  );
}
