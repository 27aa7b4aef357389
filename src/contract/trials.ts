// The clinical-trials API's JSON Schemas (TypeBox) and their types (issue 16), shared by the routes
// (api/routes/trials.ts), the OpenAPI document, the CLI and the web app. A study is sent as
// ClinicalTrials.gov API v2 JSON (`study`, with its `protocolSection`, and `resultsSection` for results)
// or as a FHIR R4 ResearchStudy (`researchStudy`); the trials service maps either and answers its own
// codes (trials.invalid_registration, trials.invalid_results, trials.invalid with details.field). The
// chain's own records pass whole, typed by the app's types (app/trials/store.ts, compare.ts).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type {
  AllocationView,
  OutcomeDiff,
  OutcomeVerdictEntry,
  ResultsClock,
  SaeView,
  SiteCounts,
  TrialRecord,
  TrialVersion,
} from '../app/trials/index.ts';
import type { SignedTx } from '../core/tx.ts';
import { hex32 } from './ledger.ts';

export const TRIALS_PATH = '/api/v1/trials';

/** A record of the chain's trials module, passed whole and typed by its app type. */
function record<T>(what: string) {
  return Type.Unsafe<T>(Type.Object({}, { additionalProperties: true, description: what }));
}
const json = (what: string) => Type.Object({}, { additionalProperties: true, description: what });
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** What every trials write answers: the tx that committed it and the height. */
const committed = { txHash: hex32, height: Type.Integer() };
export type TrialCommitted = { txHash: string; height: number };

export const trialParams = Type.Object({ id: Type.String({ description: 'the trial id (64 hex)' }) });

/** The study, in one of the two accepted forms, with the sponsor's commitments to protocol and SAP. */
const studyFields = {
  study: Type.Optional(json('a ClinicalTrials.gov API v2 study: { protocolSection: … }')),
  researchStudy: Type.Optional(json('a FHIR R4 ResearchStudy')),
  protocolCommitment: Type.Optional(Type.String({ description: 'hex SHA-256 (app/trials commitDocument)' })),
  sapCommitment: Type.Optional(Type.String({ description: 'hex SHA-256 (app/trials commitDocument)' })),
  primaryCompletionDate: Type.Optional(
    Type.String({ description: 'YYYY-MM-DD or YYYY-MM; by default the study’s statusModule date' }),
  ),
};

/** POST /api/v1/trials: register a study before it enrols anyone. */
export const registerTrialBody = Type.Object(studyFields);
export type RegisterTrialBody = Static<typeof registerTrialBody>;
export const registeredTrialSchema = Type.Object({ id: hex32, ...committed });
export type RegisteredTrialAnswer = Static<typeof registeredTrialSchema>;

/** POST /api/v1/trials/:id/amendments: a new protocol version, with its reason. */
export const amendTrialBody = Type.Object({ ...studyFields, reason: Type.Optional(Type.String()) });
export type AmendTrialBody = Static<typeof amendTrialBody>;
export const amendedTrialSchema = Type.Object({
  version: Type.Integer(),
  diff: record<OutcomeDiff>('what the amendment changed in the outcomes (app/trials OutcomeDiff)'),
  ...committed,
});
export type AmendedTrialAnswer = Static<typeof amendedTrialSchema>;

/** POST /:id/seed, /:id/allocations, /:id/lock, /:id/unblind, /:id/saes, /:id/links: the sponsor's txs. */
export const seedBody = Type.Object({ seedCommitment: Type.Optional(Type.String()) });
export const allocateBody = Type.Object({ enrolTxHash: Type.Optional(Type.String()) });
export const lockBody = Type.Object({ databaseDigest: Type.Optional(Type.String()) });
export const unblindBody = Type.Object({ seed: Type.Optional(Type.String()) });
export const saeBody = Type.Object({
  digest: Type.Optional(Type.String()),
  severity: Type.Optional(Type.String({ description: 'fatal_or_life_threatening or other' })),
  awareAtMs: Type.Optional(Type.Integer()),
});
export const linkBody = Type.Object({
  reportedMeasure: Type.Optional(Type.String()),
  registeredMeasure: Type.Optional(Type.String()),
});
export type SponsorTxBody = Record<string, unknown>;
export const committedSchema = Type.Object(committed);

/** POST /api/v1/trials/:id/results: the v2 study with its resultsSection, or the reported outcomes. */
export const resultsBody = Type.Object({
  study: Type.Optional(json('a ClinicalTrials.gov API v2 study with its resultsSection')),
  outcomes: Type.Optional(Type.Array(json('a reported outcome: { kind, measure, timeFrame }'))),
});
export type ResultsBody = Static<typeof resultsBody>;

/**
 * POST /:id/enrolments, /:id/reconsents, /:id/withdrawals: the patient's own signed trials.enrol,
 * trials.reconsent or trials.withdraw tx (the patient client signs it; no node signs for a patient).
 */
export const participantTxBody = Type.Object({ tx: json('a tx signed by the patient (core/tx SignedTx)') });
export type ParticipantTxBody = { tx: SignedTx };

/** GET /api/v1/trials/:id/verdict: one entry per registered outcome (with its proof), then the added. */
export const verdictSchema = Type.Object({
  trialId: hex32,
  baselineVersion: Type.Integer(),
  outcomesRoot: hex32,
  outcomes: Type.Array(record<OutcomeVerdictEntry>('an outcome’s verdict (app/trials OutcomeVerdictEntry)')),
});
export type VerdictAnswer = Static<typeof verdictSchema>;

const clock = Type.Unsafe<ResultsClock>(
  Type.String({ description: 'no_date, pending, posted, posted_late or overdue (FDAAA: 12 months)' }),
);

/** One trial in the public registry list. */
export const registryEntrySchema = Type.Object({
  id: hex32,
  nct: nullable(Type.String()),
  title: Type.String(),
  sponsorOrgId: Type.String(),
  version: Type.Integer(),
  enrolments: Type.Integer(),
  resultsClock: clock,
  resultsDueMs: nullable(Type.Integer()),
});
export type RegistryEntry = Static<typeof registryEntrySchema>;
export const registryQuery = Type.Object({
  offset: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  nct: Type.Optional(Type.String()),
});
export type RegistryQuery = Static<typeof registryQuery>;
export const registrySchema = Type.Object({ total: Type.Integer(), trials: Type.Array(registryEntrySchema) });
export type RegistryAnswer = Static<typeof registrySchema>;

/** GET /api/v1/trials/:id: the public page, every version, counts per site, SAEs and the clocks. */
export const trialPageSchema = Type.Object({
  trial: record<TrialRecord>('the trial (app/trials TrialRecord)'),
  versions: Type.Array(record<TrialVersion>('a protocol version (app/trials TrialVersion)')),
  sites: Type.Array(
    Type.Object({ siteOrgId: Type.String(), counts: record<SiteCounts>('enrolled, withdrawn, reconsented') }),
  ),
  saes: Type.Array(record<SaeView>('a committed SAE report, late ones flagged (app/trials SaeView)')),
  resultsClock: clock,
  resultsPosted: Type.Boolean(),
});
export type TrialPageAnswer = Static<typeof trialPageSchema>;

/** GET /api/v1/trials/:id/allocations: every enrolment in chain order, arms once unblinded. */
export const allocationsSchema = Type.Object({
  seed: nullable(Type.String()),
  seedCommitment: nullable(Type.String()),
  allocations: Type.Array(record<AllocationView>('an allocation (app/trials AllocationView)')),
});
export type AllocationsAnswer = Static<typeof allocationsSchema>;

/** GET /api/v1/trials/:id/export: the registration in force, as ClinicalTrials.gov v2 JSON and FHIR. */
export const exportSchema = Type.Object({
  version: Type.Integer(),
  study: json('ClinicalTrials.gov API v2 { protocolSection }'),
  researchStudy: json('FHIR R4 ResearchStudy'),
});
export type ExportAnswer = Static<typeof exportSchema>;

/** GET /api/v1/patients/me/trials: the patient's own participations, with the consent per version. */
export const myTrialsSchema = Type.Object({
  trials: Type.Array(
    Type.Object({
      trialId: hex32,
      status: Type.Union([Type.Literal('enrolled'), Type.Literal('withdrawn')]),
      title: Type.String(),
      currentVersion: Type.Integer(),
      consentedVersion: Type.Integer(),
      needsReconsent: Type.Boolean(),
      dataFlows: Type.Boolean(),
    }),
  ),
});
export type MyTrialsAnswer = Static<typeof myTrialsSchema>;
