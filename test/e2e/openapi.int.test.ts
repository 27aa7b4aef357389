// GET /api/v1/openapi.json is a valid OpenAPI 3.1 document generated from the routes' schemas
// (src/contract), and every domain route the server registers (all but FHIR's and the web app's files,
// collected by an onRoute hook) is in it with its request and response schemas. The node
// mounts every route group: ledger, proofs, events, FHIR, records admin, consents, supply and EPCIS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { registeredRoutes } from '../../src/api/server.ts';
import { startFhirTestNode, type FhirTestNode } from '../harness/fhir-node.ts';

let t: FhirTestNode;
before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-openapi', recordsAdmin: true, supply: true });
});
after(() => t?.close());

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };
type Route = { method: string; url: string };

/**
 * The domain routes: every route but the FHIR boundary's (/fhir/R4, described by its CapabilityStatement)
 * and the web app's files.
 */
function domainRoutes(routes: readonly Route[]): Route[] {
  return routes.filter(
    (r) => r.method !== 'HEAD' && !r.url.startsWith('/fhir/') && r.url !== '/' && r.url !== '/*',
  );
}

/** POSTs that take no body: a challenge is asked for, a logout names its token in the header. */
const BODYLESS = new Set(['POST /auth/challenge', 'POST /auth/logout']);

const pathOf = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** The domain routes a document lacks, as `METHOD /path` with Fastify's :param written {param}. */
function missingFromDocument(doc: Doc, routes: readonly Route[]): string[] {
  return domainRoutes(routes)
    .filter((r) => doc.paths[pathOf(r.url)]?.[r.method.toLowerCase()] === undefined)
    .map((r) => `${r.method} ${r.url}`);
}

/** What a documented route lacks of its request and response schemas, one line each. */
function schemaGaps(doc: Doc, routes: readonly Route[]): string[] {
  const gaps: string[] = [];
  for (const r of domainRoutes(routes)) {
    const name = `${r.method} ${r.url}`;
    const op = doc.paths[pathOf(r.url)]?.[r.method.toLowerCase()];
    if (op === undefined) continue;
    const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
    if (success.length === 0) gaps.push(`${name}: no success response`);
    for (const [status, response] of success) {
      const schemas = Object.values(response.content ?? {}).filter((c) => c.schema !== undefined);
      if (status !== '204' && schemas.length === 0) gaps.push(`${name}: no ${status} response schema`);
    }
    for (const param of r.url.match(/:(\w+)/g) ?? []) {
      if (!op.parameters?.some((p) => p.in === 'path' && p.name === param.slice(1)))
        gaps.push(`${name}: path parameter ${param} undescribed`);
    }
    const takesBody = r.method === 'POST' || r.method === 'PUT';
    if (takesBody && !BODYLESS.has(name) && op.requestBody?.content === undefined)
      gaps.push(`${name}: no request body schema`);
  }
  return gaps;
}
async function openApiDocument(): Promise<Doc> {
  const answer = await t.app.inject({ url: '/api/v1/openapi.json' });
  assert.equal(answer.statusCode, 200);
  return answer.json();
}

test('the OpenAPI document is valid OpenAPI 3.1', async () => {
  const doc = await openApiDocument();
  assert.equal(doc.openapi, '3.1.0');
  const verdict = await new Validator().validate(doc);
  assert.deepEqual(verdict.errors ?? [], []);
  assert.equal(verdict.valid, true);
});

test('every registered domain route is in the OpenAPI document', async () => {
  const doc = await openApiDocument();
  const routes = registeredRoutes(t.app);
  const domain = domainRoutes(routes);
  assert.ok(domain.length >= 40, `only ${domain.length} domain routes registered`);
  for (const group of [
    '/api/v1/txs',
    '/api/v1/checkpoints',
    '/api/v1/events',
    '/api/v1/supply',
    '/api/v1/patients',
    '/api/v1/records',
    '/api/v1/consents',
    '/auth/',
    '/epcis/',
  ]) {
    assert.ok(
      domain.some((r) => r.url.startsWith(group)),
      `no ${group} route registered`,
    );
  }
  assert.deepEqual(missingFromDocument(doc, routes), []);
});

test('every domain route in the document has its request and response schemas', async () => {
  assert.deepEqual(schemaGaps(await openApiDocument(), registeredRoutes(t.app)), []);
});

test('the schema check reports a route without its schemas', async () => {
  const doc = await openApiDocument();
  const route = { method: 'POST', url: '/api/v1/txs/:hash' };
  const bare: Operation = { responses: { '200': {} } };
  const gaps = schemaGaps({ ...doc, paths: { ...doc.paths, '/api/v1/txs/{hash}': { post: bare } } }, [route]);
  assert.deepEqual(gaps, [
    'POST /api/v1/txs/:hash: no 200 response schema',
    'POST /api/v1/txs/:hash: path parameter :hash undescribed',
    'POST /api/v1/txs/:hash: no request body schema',
  ]);
});

test('the coverage check reports a route the document lacks', async () => {
  const doc = await openApiDocument();
  const [first] = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/'));
  assert.ok(first !== undefined);
  const { [first]: _dropped, ...rest } = doc.paths;
  const missing = missingFromDocument({ ...doc, paths: rest }, registeredRoutes(t.app));
  assert.ok(missing.length > 0 && missing.every((m) => m.endsWith(first.replace(/\{(\w+)\}/g, ':$1'))));
});
