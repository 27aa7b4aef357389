// The one error translator through a real Fastify server: a domain route, a FHIR-marked scope and a path
// under /beacon/v2 answer the same failures, each in its boundary's format, with the catalogue's status.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { CoreError } from '../core/errors.ts';
import { ERROR_CATALOGUE } from '../core/errors/codes.ts';
import { NodeError } from '../node/errors.ts';
import { ServiceError } from '../services/errors.ts';
import { FhirError } from '../services/fhir/operation-outcome.ts';
import { AuthError } from './auth/errors.ts';
import { installInputGuards } from './bad-input.ts';
import { answerAsFhir, installErrorTranslator } from './errors.ts';
import { beaconSchemaErrors } from '../../test/harness/beacon-schemas.ts';

/** What each test route throws, by name. */
const FAILURES: Record<string, () => Error> = {
  service: () => new ServiceError('supply.unit_not_found', 'no unit with this SGTIN'),
  auth: () => new AuthError('auth.missing', 'send a bearer token'),
  busy: () => new AuthError('auth.challenge_busy', 'later', { retryAfterSeconds: 7 }),
  full: () => new NodeError('mempool.full', 'mempool is full'),
  vault: () => new NodeError('vault.not_found', 'no such version'),
  fhir: () => FhirError.deleted('erased'),
  core: () => new CoreError('merkle.out_of_range', 'out of range'),
  bug: () => new Error('secret table name in message'),
};

const bodySchema = {
  type: 'object',
  properties: { gtin: { type: 'string' } },
  required: ['gtin'],
} as const;

const BEACON_ID = 'carechain.test.beacon';
let app: FastifyInstance;
before(async () => {
  app = Fastify({ logger: false });
  installErrorTranslator(app, pino({ enabled: false }), { beaconId: BEACON_ID });
  installInputGuards(app);
  app.get<{ Params: { name: string } }>('/beacon/v2/fail/:name', (request) => {
    throw FAILURES[request.params.name]!();
  });
  app.get<{ Params: { name: string } }>('/api/v1/fail/:name', (request) => {
    throw FAILURES[request.params.name]!();
  });
  app.post('/api/v1/echo', { schema: { body: bodySchema } }, (request) => request.body);
  void app.register((scope, _opts, done) => {
    answerAsFhir(scope);
    scope.get<{ Params: { name: string } }>('/fhir/R4/fail/:name', (request) => {
      throw FAILURES[request.params.name]!();
    });
    scope.post('/fhir/R4/echo', { schema: { body: bodySchema } }, (request) => request.body);
    done();
  });
  await app.ready();
});
after(() => app?.close());

const beacon = (name: string) => app.inject({ url: `/beacon/v2/fail/${name}` });
const domain = (name: string) => app.inject({ url: `/api/v1/fail/${name}` });
const fhir = (name: string) => app.inject({ url: `/fhir/R4/fail/${name}` });

test('the domain API answers a refusal with its catalogue status and code', async () => {
  const answer = await domain('service');
  assert.equal(answer.statusCode, ERROR_CATALOGUE['supply.unit_not_found'].status);
  assert.deepEqual(answer.json(), {
    error: { code: 'supply.unit_not_found', message: 'no unit with this SGTIN', details: {} },
  });
  assert.equal((await domain('core')).statusCode, ERROR_CATALOGUE['merkle.out_of_range'].status);
});

test('auth failures carry their challenge at both boundaries', async () => {
  const atDomain = await domain('auth');
  assert.equal(atDomain.statusCode, 401);
  assert.equal(atDomain.headers['www-authenticate'], 'Bearer realm="carechain"');
  assert.equal(atDomain.json().error.code, 'auth.missing');
  const atFhir = await fhir('auth');
  assert.equal(atFhir.statusCode, 401);
  assert.equal(atFhir.headers['www-authenticate'], 'Bearer realm="carechain"');
  assert.equal(atFhir.json().resourceType, 'OperationOutcome');
  assert.equal(atFhir.json().issue[0].code, 'login');
});

test('refusals that say "later" carry Retry-After', async () => {
  const busy = await domain('busy');
  assert.equal(busy.statusCode, 429);
  assert.equal(busy.headers['retry-after'], '7');
  const full = await domain('full');
  assert.equal(full.statusCode, 503);
  assert.equal(full.headers['retry-after'], '1');
});

test('the FHIR boundary answers OperationOutcomes with their own statuses', async () => {
  const gone = await fhir('fhir');
  assert.equal(gone.statusCode, 410);
  assert.match(String(gone.headers['content-type']), /^application\/fhir\+json/);
  assert.equal(gone.json().issue[0].code, 'deleted');
  const service = await fhir('service');
  assert.equal(service.statusCode, 404);
  assert.equal(service.json().issue[0].code, 'not-found');
  const vault = await fhir('vault');
  assert.equal(vault.statusCode, 404);
  assert.equal(vault.json().issue[0].code, 'not-found');
});

test('an unknown failure is a bare 500 at both boundaries, with nothing of the error in it', async () => {
  const atDomain = await domain('bug');
  assert.equal(atDomain.statusCode, 500);
  assert.deepEqual(atDomain.json(), { error: { code: 'internal', message: 'internal error', details: {} } });
  const atFhir = await fhir('bug');
  assert.equal(atFhir.statusCode, 500);
  assert.deepEqual(atFhir.json().issue, [
    { severity: 'error', code: 'exception', diagnostics: 'internal error' },
  ]);
  for (const answer of [atDomain, atFhir]) assert.doesNotMatch(answer.body, /secret/);
  // A node error that is nobody's refusal of this request (a FhirError at the domain API too) stays internal.
  assert.equal((await fhir('full')).statusCode, 500);
  assert.equal((await domain('fhir')).statusCode, 500);
});

test('schema validation and bad JSON become catalogue codes, without quoting the body', async () => {
  const post = (url: string, payload: string) =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
  const invalid = await post('/api/v1/echo', '{"lot":"1"}');
  assert.equal(invalid.statusCode, 400);
  assert.equal(invalid.json().error.code, 'request.invalid');
  assert.match(invalid.json().error.message, /gtin/);
  const fhirInvalid = await post('/fhir/R4/echo', '{"lot":"1"}');
  assert.equal(fhirInvalid.statusCode, 400);
  assert.equal(fhirInvalid.json().issue[0].code, 'invalid');
  const malformed = await post('/api/v1/echo', '{"gtin":"Jane Doe');
  assert.equal(malformed.statusCode, 400);
  assert.equal(malformed.json().error.code, 'request.malformed');
  const fhirMalformed = await post('/fhir/R4/echo', '{"gtin":"Jane Doe');
  assert.equal(fhirMalformed.statusCode, 400);
  assert.equal(fhirMalformed.json().issue[0].code, 'structure');
  for (const answer of [malformed, fhirMalformed]) assert.doesNotMatch(answer.body, /Jane/);
  const deep = await post('/fhir/R4/echo', '['.repeat(100) + ']'.repeat(100));
  assert.equal(deep.statusCode, 400);
  assert.equal(deep.json().resourceType, 'OperationOutcome');
});

test('an unknown route is the domain 404', async () => {
  const answer = await app.inject({ url: '/api/v1/nothing-here' });
  assert.equal(answer.statusCode, 404);
  assert.equal(answer.json().error.code, 'route.not_found');
});

test('every failure under /beacon/v2 is the framework’s beaconErrorResponse, the catalogue code in info', async () => {
  const refused = await beacon('service');
  assert.equal(refused.statusCode, ERROR_CATALOGUE['supply.unit_not_found'].status);
  assert.deepEqual(beaconSchemaErrors('beaconErrorResponse', refused.json()), []);
  assert.equal(refused.json().meta.beaconId, BEACON_ID);
  assert.deepEqual(refused.json().error, {
    errorCode: refused.statusCode,
    errorMessage: 'no unit with this SGTIN',
  });
  assert.equal(refused.json().info.code, 'supply.unit_not_found');
  const auth = await beacon('auth');
  assert.equal(auth.statusCode, 401);
  assert.equal(auth.headers['www-authenticate'], 'Bearer realm="carechain"');
  assert.equal(auth.json().info.code, 'auth.missing');
  assert.equal((await beacon('busy')).headers['retry-after'], '7');
  const bug = await beacon('bug');
  assert.equal(bug.statusCode, 500);
  assert.deepEqual(bug.json().error, { errorCode: 500, errorMessage: 'internal error' });
  assert.doesNotMatch(bug.body, /secret/);
  const missing = await app.inject({ url: '/beacon/v2/nothing-here?x=1' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().info.code, 'route.not_found');
  for (const answer of [auth, bug, missing]) {
    assert.deepEqual(beaconSchemaErrors('beaconErrorResponse', answer.json()), [], answer.body);
  }
  // The check can fail: the domain's own body is not a Beacon error, and paths beside the Beacon's that
  // only start with its name keep the domain's shape.
  assert.notDeepEqual(beaconSchemaErrors('beaconErrorResponse', (await domain('service')).json()), []);
  const beside = await app.inject({ url: '/beacon/v2x' });
  assert.equal(beside.json().error.code, 'route.not_found');
});
