// Clinical-trial routes of a node (issue 16). Reads are public (the registry is the point); the sponsor's
// writes need a staff token of the sponsor's own node, which signs them; the patient's are their own
// signed txs, relayed. Every write answers once committed.
//   POST /api/v1/trials                       { study | researchStudy, protocolCommitment, sapCommitment } → { id }
//   POST /api/v1/trials/:id/amendments        the same with a reason → { version, diff }
//   POST /api/v1/trials/:id/seed | allocations | lock | unblind | saes | links    the sponsor's txs
//   POST /api/v1/trials/:id/results           { study (with resultsSection) } | { outcomes }
//   POST /api/v1/trials/:id/enrolments | reconsents | withdrawals                 { tx } signed by the patient
//   GET  /api/v1/trials, /:id, /:id/verdict, /:id/allocations, /:id/export
//   GET  /api/v1/patients/me/trials           the patient's own participations
//   GET  /fhir/R4/ResearchStudy/:id, /fhir/R4/ResearchStudy?identifier=   GET /fhir/R4/ResearchSubject (own)
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jsonObjectBody } from '../bad-input.ts';
import { answerAsFhir } from '../errors.ts';
import { givenOnce } from '../fhir-query.ts';
import { errorSchema } from '../../contract/ledger.ts';
import { fhirBundleSchema, fhirResourceSchema } from '../../contract/fhir.ts';
import {
  allocateBody,
  allocationsSchema,
  amendedTrialSchema,
  amendTrialBody,
  committedSchema,
  exportSchema,
  linkBody,
  lockBody,
  myTrialsSchema,
  participantTxBody,
  registeredTrialSchema,
  registerTrialBody,
  registryQuery,
  registrySchema,
  resultsBody,
  saeBody,
  seedBody,
  trialPageSchema,
  trialParams,
  TRIALS_PATH,
  unblindBody,
  verdictSchema,
  type RegistryQuery,
} from '../../contract/trials.ts';
import { outcomeDiff, resultsFromCtGov, trialVersion } from '../../app/trials/index.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { toHex, utf8 } from '../../core/bytes.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { systemClock, type Clock } from '../../node/env.ts';
import type { CarechainNode } from '../../node/node.ts';
import { ServiceError } from '../../services/errors.ts';
import { primaryCompletionDateOf, registrationOf, TrialsService } from '../../services/trials/service.ts';
import { researchStudies, researchSubjects } from '../../services/trials/fhir.ts';
import {
  allocationsOf,
  exportOf,
  myTrials,
  registry,
  trialPage,
  verdict,
} from '../../services/trials/views.ts';

type Json = Record<string, unknown>;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const body = jsonObjectBody;

/** The reported outcomes: a v2 study's resultsSection, or the list as the app's ReportedOutcome shape. */
function reportedOf(b: Json): CanonicalValue {
  if (b.study !== undefined) return resultsFromCtGov(b.study) as unknown as CanonicalValue;
  if (b.outcomes !== undefined) return b.outcomes as CanonicalValue;
  throw new ServiceError('trials.invalid', 'send "study" with its resultsSection, or "outcomes"', {
    field: 'study',
  });
}

export function registerTrialsRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  clock: Clock = systemClock,
): void {
  const service = new TrialsService(node);
  const state = () => service.state;
  const params = { params: trialParams };
  const write = (schema: object) => ({
    schema: { ...params, body: schema, response: { 200: committedSchema } },
  });

  app.post(
    TRIALS_PATH,
    { schema: { body: registerTrialBody, response: { 201: registeredTrialSchema, 400: errorSchema } } },
    async (request, reply) => {
      service.sponsorStaff(await request.caller());
      const b = body(request);
      const date = primaryCompletionDateOf(b);
      const payload = {
        registration: registrationOf(b),
        ...(date === undefined ? {} : { primaryCompletionDate: date }),
      } as unknown as CanonicalValue;
      const committed = await service.commit('trials.register', payload);
      return reply.status(201).send({ id: committed.txHash, ...committed });
    },
  );

  app.post(
    `${TRIALS_PATH}/:id/amendments`,
    { schema: { ...params, body: amendTrialBody, response: { 200: amendedTrialSchema } } },
    async (request: IdRequest) => {
      service.sponsorStaff(await request.caller());
      const record = service.trial(request.params.id);
      const b = body(request);
      const date = b.primaryCompletionDate === undefined ? undefined : primaryCompletionDateOf(b);
      const registration = registrationOf(b);
      const payload = {
        trialId: record.id,
        registration,
        reason: b.reason,
        ...(date === undefined ? {} : { primaryCompletionDate: date }),
      } as unknown as CanonicalValue;
      const committed = await service.commit('trials.amend', payload);
      const version = service.trial(record.id).version;
      const diff = trialVersion(state(), record.id, version)?.diff ?? outcomeDiff([], registration.outcomes);
      return { version, diff, ...committed };
    },
  );

  // The sponsor's one-field txs: the body's fields are the payload's, the trial id the path's.
  const sponsorTxs = [
    ['seed', 'trials.commitSeed', seedBody],
    ['allocations', 'trials.allocate', allocateBody],
    ['lock', 'trials.lock', lockBody],
    ['unblind', 'trials.unblind', unblindBody],
    ['saes', 'trials.sae', saeBody],
    ['links', 'trials.link', linkBody],
  ] as const;
  for (const [path, type, schema] of sponsorTxs) {
    app.post(`${TRIALS_PATH}/:id/${path}`, write(schema), async (request: IdRequest) => {
      service.sponsorStaff(await request.caller());
      const record = service.trial(request.params.id);
      return service.commit(type, { ...body(request), trialId: record.id });
    });
  }

  app.post(`${TRIALS_PATH}/:id/results`, write(resultsBody), async (request: IdRequest) => {
    service.sponsorStaff(await request.caller());
    const record = service.trial(request.params.id);
    const b = body(request);
    const outcomes = reportedOf(b);
    // The full report stays off chain (it may hold decimals, which canonical JSON refuses); its digest
    // commits to exactly the JSON posted.
    const resultsDigest = toHex(sha256(utf8(JSON.stringify(b))));
    return service.commit('trials.results', { trialId: record.id, outcomes, resultsDigest });
  });

  const patientTxs = [
    ['enrolments', 'trials.enrol'],
    ['reconsents', 'trials.reconsent'],
    ['withdrawals', 'trials.withdraw'],
  ] as const;
  for (const [path, type] of patientTxs) {
    app.post(`${TRIALS_PATH}/:id/${path}`, write(participantTxBody), (request: IdRequest) =>
      service.patientTx(request.params.id, type, body(request).tx),
    );
  }

  app.get<{ Querystring: RegistryQuery }>(
    TRIALS_PATH,
    { schema: { querystring: registryQuery, response: { 200: registrySchema } } },
    (request) => registry(state(), request.query, clock.nowMs()),
  );
  app.get(
    `${TRIALS_PATH}/:id`,
    { schema: { ...params, response: { 200: trialPageSchema, 404: errorSchema } } },
    (request: IdRequest) => trialPage(state(), service.trial(request.params.id), clock.nowMs()),
  );
  app.get(
    `${TRIALS_PATH}/:id/verdict`,
    { schema: { ...params, response: { 200: verdictSchema, 404: errorSchema } } },
    (request: IdRequest) => verdict(state(), service.trial(request.params.id)),
  );
  app.get(
    `${TRIALS_PATH}/:id/allocations`,
    { schema: { ...params, response: { 200: allocationsSchema } } },
    (request: IdRequest) => allocationsOf(state(), service.trial(request.params.id)),
  );
  app.get(
    `${TRIALS_PATH}/:id/export`,
    { schema: { ...params, response: { 200: exportSchema } } },
    (request: IdRequest) => exportOf(state(), service.trial(request.params.id)),
  );
  app.get(
    '/api/v1/patients/me/trials',
    { schema: { response: { 200: myTrialsSchema } } },
    async (request, reply) =>
      reply.header('cache-control', 'no-store').send(myTrials(state(), await request.caller())),
  );

  registerTrialsFhirRoutes(app, service);
}

/**
 * The FHIR views of the registry, in their own scope so that their failures (an unknown id, a repeated
 * single-valued parameter) leave as OperationOutcomes like every other /fhir/R4 route; registered in the
 * domain scope, a FhirError became a 500 (the fuzz run found it).
 */
function registerTrialsFhirRoutes(app: FastifyInstance, service: TrialsService): void {
  const state = () => service.state;
  const params = { params: trialParams };
  void app.register((scope, _opts, done) => {
    answerAsFhir(scope);
    const fhir = (reply: { header(k: string, v: string): unknown }) =>
      reply.header('content-type', 'application/fhir+json');
    scope.get(
      '/fhir/R4/ResearchStudy/:id',
      { schema: { ...params, response: { 200: fhirResourceSchema } } },
      (request: IdRequest, reply) => {
        fhir(reply);
        return exportOf(state(), service.trial(request.params.id)).researchStudy;
      },
    );
    scope.get<{ Querystring: { identifier?: string } }>(
      '/fhir/R4/ResearchStudy',
      { schema: { response: { 200: fhirBundleSchema } } },
      (request, reply) => {
        fhir(reply);
        return researchStudies(state(), givenOnce(request.query, 'identifier'));
      },
    );
    scope.get<{ Querystring: { study?: string } }>(
      '/fhir/R4/ResearchSubject',
      { schema: { response: { 200: fhirBundleSchema } } },
      async (request, reply) => {
        const who = await request.caller();
        fhir(reply);
        reply.header('cache-control', 'no-store');
        return researchSubjects(state(), who, givenOnce(request.query, 'study'));
      },
    );
    done();
  });
}
