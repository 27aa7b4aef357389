// GET /api/v1/openapi.json is a valid OpenAPI 3.1 document generated from the routes' schemas, and
// every domain route the server registers (/api/v1/…, collected by an onRoute hook) is in it. The node
// mounts every route group: ledger, proofs, events, FHIR, records admin, consents, supply and EPCIS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { registeredRoutes } from '../../src/api/server.ts';
import { startFhirTestNode, type FhirTestNode } from '../harness/fhir-node.ts';

let t: FhirTestNode;
before(async () => {
  t = await startFhirTestNode({
    chainId: 'carechain-openapi',
    dirPrefix: 'carechain-openapi-',
    recordsAdmin: true,
    supply: true,
  });
});
after(() => t?.close());

type Doc = { openapi: string; paths: Record<string, Record<string, unknown>> };

/** The domain routes a document lacks, as `METHOD /path` with Fastify's :param written {param}. */
function missingFromDocument(doc: Doc, routes: readonly { method: string; url: string }[]): string[] {
  return routes
    .filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD')
    .filter((r) => doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()] === undefined)
    .map((r) => `${r.method} ${r.url}`);
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
  const domain = routes.filter((r) => r.url.startsWith('/api/v1/'));
  assert.ok(domain.length >= 30, `only ${domain.length} domain routes registered`);
  for (const group of [
    '/api/v1/txs',
    '/api/v1/checkpoints',
    '/api/v1/events',
    '/api/v1/supply',
    '/api/v1/patients',
  ]) {
    assert.ok(
      domain.some((r) => r.url.startsWith(group)),
      `no ${group} route registered`,
    );
  }
  assert.deepEqual(missingFromDocument(doc, routes), []);
});

test('the coverage check reports a route the document lacks', async () => {
  const doc = await openApiDocument();
  const [first] = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/'));
  assert.ok(first !== undefined);
  const { [first]: _dropped, ...rest } = doc.paths;
  const missing = missingFromDocument({ ...doc, paths: rest }, registeredRoutes(t.app));
  assert.ok(missing.length > 0 && missing.every((m) => m.endsWith(first.replace(/\{(\w+)\}/g, ':$1'))));
});
