// The claims API's JSON Schemas (TypeBox) and types (issue 17), shared by the routes
// (api/routes/claims.ts), the OpenAPI document, the CLI and the web app. Everything here is computed
// from the chain alone: a claim's commitment, status, line verdicts and adjudication digest; a line
// fingerprint's registration; a payer's rule tables; a prior-authorisation request with its decision
// clock; the per-payer PA metrics CMS-0057-F asks payers to publish; and the replay of an adjudication.
import { Type, type Static } from '@sinclair/typebox';
import type { FingerprintEntry } from '../app/claims/fingerprint.ts';
import type { ClaimEntry, PaRequestEntry } from '../app/claims/ledger-types.ts';
import type { PayerMetrics, ReviewAction } from '../app/claims/metrics.ts';
import type { Adjudication, ClaimFacts, RuleTable } from '../app/claims/types.ts';
import { fhirResourceSchema } from './fhir.ts';
import { hex32 } from './ledger.ts';

export const CLAIMS_API = '/api/v1/claims';

function record<T>(what: string) {
  return Type.Unsafe<T>(Type.Object({}, { additionalProperties: true, description: what }));
}

const orgId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });

export const claimParams = Type.Object({ claimId: hex32 });
export const claimAnswerSchema = Type.Object({
  height: Type.Integer(),
  claim: record<ClaimEntry>('a claim as the chain keeps it (app/claims/ledger-types.ts ClaimEntry)'),
});
export type ClaimAnswer = Static<typeof claimAnswerSchema>;

export const fingerprintParams = Type.Object({ fingerprint: hex32 });
export const fingerprintAnswerSchema = Type.Object({
  fingerprint: hex32,
  entry: record<FingerprintEntry>('the claim holding the line now, or that it was voided'),
});
export type FingerprintAnswer = Static<typeof fingerprintAnswerSchema>;

export const ruleTableParams = Type.Object({ payerOrgId: orgId });
export const ruleTableQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) });
export const ruleTableAnswerSchema = Type.Object({
  payerOrgId: orgId,
  latestVersion: Type.Integer(),
  table: record<RuleTable>('a versioned rule table (app/claims/types.ts RuleTable)'),
});
export type RuleTableAnswer = Static<typeof ruleTableAnswerSchema>;

export const priorAuthParams = Type.Object({ requestId: hex32 });
export const priorAuthAnswerSchema = Type.Object({
  request: record<PaRequestEntry>('a PA request as the chain keeps it (ledger-types.ts PaRequestEntry)'),
  /** The latest block time at which a decision is on time (72 h urgent, 7 days standard). */
  deadlineMs: Type.Integer(),
  /** Whether the final decision met the deadline; null while undecided. */
  decidedInTime: Type.Union([Type.Boolean(), Type.Null()]),
});
export type PriorAuthAnswer = Static<typeof priorAuthAnswerSchema>;

/**
 * The payer's answer to a PA request, by its staff at its own node (X12 306): A4 pends it once more,
 * A1/A2/A6 certify (with the authorisation number the ClaimResponse carries as preAuthRef), A3 denies,
 * C cancels.
 */
const DECISION_ACTIONS = ['A1', 'A2', 'A3', 'A4', 'A6', 'C'] as const satisfies readonly ReviewAction[];
export const decisionBody = Type.Object(
  {
    action: Type.Union(DECISION_ACTIONS.map((a) => Type.Literal(a))),
    // As the chain checks it (app/claims/parse.ts AUTH_NUMBER_PATTERN): X12 REF02, 1–50 characters.
    authNumber: Type.Union([Type.String({ pattern: '^[A-Za-z0-9-]{1,50}$' }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof decisionBody>;
export const decisionAnswerSchema = Type.Object({
  txHash: hex32,
  height: Type.Integer(),
  ...priorAuthAnswerSchema.properties,
});
export type DecisionAnswer = Static<typeof decisionAnswerSchema>;

export const metricsQuery = Type.Object({ payer: Type.Optional(orgId) });
export const metricsAnswerSchema = Type.Object({
  height: Type.Integer(),
  /** The tip's block time: overdue requests are counted as of it. */
  asOfMs: Type.Integer(),
  payers: Type.Array(record<PayerMetrics>('one payer’s PA metrics (app/claims/metrics.ts PayerMetrics)')),
});
export type MetricsAnswer = Static<typeof metricsAnswerSchema>;

const claimItemSchema = Type.Object(
  {
    sequence: Type.Integer({ minimum: 1 }),
    code: Type.String({ maxLength: 12 }),
    modifiers: Type.Array(Type.String({ maxLength: 2 }), { maxItems: 4 }),
    units: Type.Integer({ minimum: 1 }),
    chargeCents: Type.Integer({ minimum: 0 }),
    serviceDate: Type.String({ maxLength: 10 }),
  },
  { additionalProperties: false },
);
/** What the engine reads of a claim (app/claims/types.ts ClaimFacts); the engine checks the rest. */
export const claimFactsSchema = Type.Unsafe<ClaimFacts>(
  Type.Object(
    {
      planId: Type.String({ maxLength: 64 }),
      use: Type.Union([
        Type.Literal('claim'),
        Type.Literal('preauthorization'),
        Type.Literal('predetermination'),
      ]),
      type: Type.Union([
        Type.Literal('professional'),
        Type.Literal('institutional'),
        Type.Literal('pharmacy'),
      ]),
      items: Type.Array(claimItemSchema, { minItems: 1, maxItems: 50 }),
      deductibleMetCents: Type.Integer({ minimum: 0 }),
      authorisedCodes: Type.Array(Type.String({ maxLength: 12 }), { maxItems: 50 }),
    },
    { additionalProperties: false },
  ),
);
export const replayBody = Type.Object({ facts: claimFactsSchema }, { additionalProperties: false });
export type ReplayBody = Static<typeof replayBody>;
export const replayAnswerSchema = Type.Object({
  claimId: hex32,
  tableVersion: Type.Integer(),
  adjudication: record<Adjudication>('the engine’s answer for these facts under the committed table'),
  digest: hex32,
  committedDigest: hex32,
  /** True when this replay reproduces the digest the payer committed. */
  matches: Type.Boolean(),
});
export type ReplayAnswer = Static<typeof replayAnswerSchema>;

/** A record version a claim line cites as its documentation (app/claims/ledger-types.ts). */
const documentationRefSchema = Type.Object(
  { recordId: hex32, version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

/**
 * A claim for payment (or a predetermination), by the provider's staff at the provider's node: the facts
 * the payer's engine reads, and per item (by sequence) the committed record versions documenting it.
 * The node computes each line's fingerprint under the network key, seals the content in its own store
 * and commits claims.submit; frequency 7 or 8 names the claim it replaces or voids.
 */
export const submitClaimBody = Type.Object(
  {
    payerOrgId: orgId,
    patientPseudonym: hex32,
    facts: claimFactsSchema,
    lines: Type.Array(
      Type.Object(
        {
          sequence: Type.Integer({ minimum: 1 }),
          documentation: Type.Array(documentationRefSchema, { maxItems: 8 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
    frequency: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('7'), Type.Literal('8')])),
    replacesClaimId: Type.Optional(Type.Union([hex32, Type.Null()])),
  },
  { additionalProperties: false },
);
export type SubmitClaimBody = Static<typeof submitClaimBody>;
export const submitClaimAnswerSchema = Type.Object({
  txHash: hex32,
  height: Type.Integer(),
  claim: record<ClaimEntry>('the claim as the chain committed it'),
});
export type SubmitClaimAnswer = Static<typeof submitClaimAnswerSchema>;

/**
 * The payer's staff adjudicate a claim sent to their organisation. The body is empty: the facts are the
 * content the provider committed to, which the payer's node fetches from the provider's node.
 */
export const adjudicationBody = Type.Object({}, { additionalProperties: false });
export type AdjudicationBody = Static<typeof adjudicationBody>;
export const adjudicationAnswerSchema = Type.Object({
  txHash: hex32,
  height: Type.Integer(),
  claim: record<ClaimEntry>('the claim with its committed adjudication'),
  adjudication: record<Adjudication>('the engine’s answer under the payer’s latest rule table'),
  /** The ExplanationOfBenefit the payer keeps for the patient (CARIN Blue Button-shaped). */
  eob: fhirResourceSchema,
});
export type AdjudicationAnswer = Static<typeof adjudicationAnswerSchema>;

/** Most claims and PA requests the insurer workspace shows at once, newest first. */
export const WORKSPACE_ITEMS_MAX = 100;

/**
 * The insurer workspace's queue (issue 17 §7), for the payer's claims office at the payer's own node: the
 * latest claims and PA requests sent to this node's organisation and no other's, each request with its
 * decision clock, and the organisation's own PA metrics, all as of the tip.
 */
export const workspaceAnswerSchema = Type.Object({
  payerOrgId: orgId,
  height: Type.Integer(),
  asOfMs: Type.Integer(),
  /** The payer's latest published rule table version (0: none yet, so nothing can be adjudicated). */
  latestTableVersion: Type.Integer(),
  claims: Type.Array(record<ClaimEntry>('a claim sent to this payer, as the chain keeps it'), {
    maxItems: WORKSPACE_ITEMS_MAX,
  }),
  priorAuth: Type.Array(priorAuthAnswerSchema, { maxItems: WORKSPACE_ITEMS_MAX }),
  metrics: Type.Union([record<PayerMetrics>('this payer’s PA metrics'), Type.Null()]),
});
export type WorkspaceAnswer = Static<typeof workspaceAnswerSchema>;

/** What the chain says of one record version a claim line cites: whether, what and when, never content. */
const citedVersionSchema = Type.Object({
  recordId: hex32,
  version: Type.Integer(),
  /** False when the chain holds no such version (the claim would have been refused: a sign of trouble). */
  committed: Type.Boolean(),
  resourceType: Type.Union([Type.String(), Type.Null()]),
  custodianOrgId: Type.Union([orgId, Type.Null()]),
  committedAtHeight: Type.Union([Type.Integer(), Type.Null()]),
  committedAtMs: Type.Union([Type.Integer(), Type.Null()]),
  /** The version is of the claim's patient and was committed in an earlier block than the claim. */
  samePatient: Type.Boolean(),
  beforeClaim: Type.Boolean(),
});
export type CitedVersion = Static<typeof citedVersionSchema>;

/**
 * The documentation of a claim as the payer checks it from the chain alone (issue 17 §2): per line, each
 * cited record version's existence, type, custodian and commit time against the claim's. The payer
 * opens the records themselves only through the ordinary consented read.
 */
export const documentationAnswerSchema = Type.Object({
  claimId: hex32,
  submittedAtHeight: Type.Integer(),
  submittedAtMs: Type.Integer(),
  lines: Type.Array(
    Type.Object({
      sequence: Type.Integer(),
      verdict: Type.String(),
      documentation: Type.Array(citedVersionSchema),
    }),
  ),
});
export type DocumentationAnswer = Static<typeof documentationAnswerSchema>;
