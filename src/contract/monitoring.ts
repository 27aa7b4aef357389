// Remote monitoring's request and response shapes (issue 18). POST /api/v1/monitoring/news2/score takes
// one complete vital-signs set and answers the NEWS2 score, its RCP risk band and the seven components,
// exactly as the issue gives them, for integrations and tests.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const NEWS2_SCORE_PATH = '/api/v1/monitoring/news2/score';

export const news2VitalsSchema = Type.Object(
  {
    respiratoryRate: Type.Number({ description: 'breaths per minute' }),
    spo2: Type.Number({ description: 'oxygen saturation, %' }),
    spo2Scale: Type.Union([Type.Literal(1), Type.Literal(2)], {
      description: 'scale 2 only for a prescribed target of 88–92% (hypercapnic respiratory failure)',
    }),
    onOxygen: Type.Boolean(),
    systolicBP: Type.Number({ description: 'mmHg' }),
    pulse: Type.Number({ description: 'beats per minute' }),
    consciousness: Type.Union(
      [Type.Literal('A'), Type.Literal('C'), Type.Literal('V'), Type.Literal('P'), Type.Literal('U')],
      { description: 'ACVPU' },
    ),
    temperatureC: Type.Number({ description: '°C' }),
  },
  { additionalProperties: false },
);
export type News2VitalsBody = Static<typeof news2VitalsSchema>;

const points = Type.Integer({ minimum: 0, maximum: 3 });

export const news2ScoreSchema = Type.Object({
  score: Type.Integer({ minimum: 0, maximum: 20 }),
  risk: Type.Union([
    Type.Literal('low'),
    Type.Literal('low-medium'),
    Type.Literal('medium'),
    Type.Literal('high'),
  ]),
  components: Type.Object({
    respiratoryRate: points,
    spo2: points,
    airOrOxygen: points,
    systolicBP: points,
    pulse: points,
    consciousness: points,
    temperature: points,
  }),
});
export type News2ScoreAnswer = Static<typeof news2ScoreSchema>;

const hex = (bytes: number) => Type.String({ pattern: `^[0-9a-f]{${bytes * 2}}$` });
const systemId = Type.String({ pattern: '^[0-9a-f]{16}$', description: 'EUI-64, 16 lowercase hex digits' });

/** One reading as the compact batch carries it (app/monitoring/batch.ts Reading). */
export const readingSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128, description: 'the PHD observation identifier' }),
    code: Type.String({ minLength: 1, maxLength: 128, description: 'IEEE 11073-10101 MDC code' }),
    value: Type.String({ pattern: '^-?[0-9]{1,12}(\\.[0-9]{1,9})?$', description: 'decimal text' }),
    unit: Type.String({ minLength: 1, maxLength: 128, description: 'UCUM' }),
    timeMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/**
 * POST /api/v1/monitoring/batches: a gateway's compact signed batch, one device and one period. The
 * signature (purpose device-batch) is the device's or its gateway's over {systemId, patient,
 * periodStartMs, periodMs, root, count}, the root being the period's readings folded as batch.ts does.
 */
export const BATCHES_PATH = '/api/v1/monitoring/batches';
export const compactBatchSchema = Type.Object(
  {
    systemId,
    periodStartMs: Type.Integer({ minimum: 0 }),
    periodMs: Type.Integer({ minimum: 1000, maximum: 3_600_000 }),
    signedBy: Type.Union([Type.Literal('device'), Type.Literal('gateway')]),
    signature: hex(64),
    readings: Type.Array(readingSchema, { minItems: 1, maxItems: 10_000 }),
  },
  { additionalProperties: false },
);
export type CompactBatchBody = Static<typeof compactBatchSchema>;

/**
 * POST /fhir/R4/$phd-upload: a PHD gateway's transaction Bundle (HL7 PHD IG) holding one device's readings
 * of one period, with `x-batch-period: <periodStartMs>/<periodMs>` and `x-batch-signature: device|gateway
 * <hex>` (the same statement as a compact batch, over the readings the PHD parser derives). Answers a
 * transaction-response Bundle and the commitment's tx hash in BATCH_TX_HEADER.
 */
export const PHD_UPLOAD_PATH = '/fhir/R4/$phd-upload';
/** `<periodStartMs>/<periodMs>`, e.g. `1765000020000/60000`. */
export const BATCH_PERIOD_HEADER = 'x-batch-period';
/** `device <signature hex>` or `gateway <signature hex>` (purpose device-batch, app/monitoring/commitments.ts). */
export const BATCH_SIGNATURE_HEADER = 'x-batch-signature';
/** The answer's header naming the commitment's tx hash. */
export const BATCH_TX_HEADER = 'x-batch-tx';

export const batchCommittedSchema = Type.Object({
  txHash: hex(32),
  height: Type.Integer({ minimum: 1 }),
  root: hex(32),
  count: Type.Integer({ minimum: 1 }),
});
export type BatchCommittedAnswer = Static<typeof batchCommittedSchema>;

/** An RFC 9162 inclusion proof in hex (core/merkle InclusionProofHex). */
const inclusionProofSchema = Type.Object({
  leafHash: hex(32),
  leafIndex: Type.Integer({ minimum: 0 }),
  treeSize: Type.Integer({ minimum: 1 }),
  auditPath: Type.Array(hex(32)),
});

/** GET /api/v1/monitoring/devices/:systemId/readings/:readingId/proof (staff of the device's organisation). */
export const READING_PROOF_PATH = '/api/v1/monitoring/devices/:systemId/readings/:readingId/proof';
export const readingProofParams = Type.Object({
  systemId,
  readingId: Type.String({ minLength: 1, maxLength: 128 }),
});
export const readingProofSchema = Type.Object({
  reading: readingSchema,
  batch: Type.Object({
    patient: hex(32),
    periodStartMs: Type.Integer(),
    periodMs: Type.Integer(),
    root: hex(32),
    count: Type.Integer(),
    signedBy: Type.Union([Type.Literal('device'), Type.Literal('gateway')]),
    height: Type.Integer(),
    timeMs: Type.Integer(),
  }),
  proof: inclusionProofSchema,
});
export type ReadingProofBody = Static<typeof readingProofSchema>;

/**
 * POST /api/v1/monitoring/devices/:systemId/vitals (staff of the device's organisation, at its node): a
 * complete vital-signs set for the device's patient. Answers the NEWS2 score and, at medium or high
 * risk, the escalation it opened, final on chain. The vital signs themselves are not stored.
 */
export const VITALS_PATH = '/api/v1/monitoring/devices/:systemId/vitals';
export const deviceParams = Type.Object({ systemId });

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** One page of a list: how many there are in all, and this page's items. */
const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ total: Type.Integer({ minimum: 0 }), items: Type.Array(item) });

/** One escalation as the chain holds it (app/monitoring/keys.ts EscalationRecord) with its id. */
export const escalationSchema = Type.Object({
  escalationId: hex(32),
  orgId: Type.String(),
  patient: hex(32),
  systemId,
  score: Type.Integer({ minimum: 0, maximum: 20 }),
  risk: Type.Union([Type.Literal('medium'), Type.Literal('high')]),
  openedAtMs: Type.Integer(),
  openedHeight: Type.Integer(),
  dueAtMs: Type.Integer({ description: 'when the RCP-recommended response is due' }),
  ackedBy: nullable(hex(32)),
  ackedAtMs: nullable(Type.Integer()),
  responseMs: nullable(Type.Integer()),
  late: nullable(Type.Boolean()),
});
export type EscalationBody = Static<typeof escalationSchema>;

export const vitalsAssessedSchema = Type.Object({
  news2: news2ScoreSchema,
  escalation: nullable(escalationSchema),
});
export type VitalsAssessedBody = Static<typeof vitalsAssessedSchema>;

/** GET /api/v1/monitoring/escalations/:escalationId (staff of its organisation). */
export const ESCALATION_PATH = '/api/v1/monitoring/escalations/:escalationId';
export const escalationParams = Type.Object({ escalationId: hex(32) });

/** GET /api/v1/monitoring/alerts: the organisation's escalations opening and closing, live. */
export const ALERTS_PATH = '/api/v1/monitoring/alerts';
export const alertStreamResponse = {
  description:
    'Server-Sent Events for staff: `hello` { height }, then one `escalation` event ' +
    '{ kind: escalation.opened | escalation.acknowledged, height, escalation } per escalation of their organisation',
  content: { 'text/event-stream': { schema: Type.String() } },
};

/**
 * GET /api/v1/monitoring/access-log?offset&limit (the patient or their proxy): every release of their
 * device readings to staff, newest first, as committed on chain (monitoring.logAccess) before the
 * readings left the custodian's node.
 */
export const ACCESS_LOG_PATH = '/api/v1/monitoring/access-log';
/** `?offset&limit` of a monitoring list (the access log, an organisation's devices and escalations). */
export const monitoringPageQuery = Type.Object(
  {
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type MonitoringPageQuery = Static<typeof monitoringPageQuery>;
export const monitoringAccessSchema = Type.Object({
  eventId: hex(32),
  orgId: Type.String(),
  requester: hex(32),
  requesterRole: Type.String(),
  systemId,
  patient: hex(32),
  firstPeriodStartMs: Type.Integer(),
  lastPeriodStartMs: Type.Integer(),
  height: Type.Integer(),
  timeMs: Type.Integer(),
});
export const accessLogSchema = pageOf(monitoringAccessSchema);
export type AccessLogBody = Static<typeof accessLogSchema>;

/**
 * GET /api/v1/monitoring/devices/:systemId/billing/:periodStartMs (staff of any organisation, and the
 * patient the fact is for): the committed billing fact of one device and 30-day period, and the day
 * evidence that proves its code against the fact's root — the 16 days with data for CPT 99454, all 30
 * days otherwise. A day shows only a batch count and a digest of batch roots: no reading.
 */
export const BILLING_FACT_PATH = '/api/v1/monitoring/devices/:systemId/billing/:periodStartMs';
export const billingFactParams = Type.Object({
  systemId,
  periodStartMs: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
});
export const billingFactSchema = Type.Object({
  fact: Type.Object({
    systemId,
    periodStartMs: Type.Integer(),
    orgId: Type.String(),
    patient: hex(32),
    daysRoot: hex(32),
    daysWithTransmission: Type.Integer({ minimum: 0, maximum: 30 }),
    decision: Type.Union([Type.Literal('99454'), Type.Literal('99445'), Type.Literal('not-billable')]),
    flags: Type.Array(Type.Union([Type.Literal('another-organisation'), Type.Literal('second-device')])),
    height: Type.Integer(),
  }),
  evidence: Type.Array(
    Type.Object({
      day: Type.Object({
        day: Type.Integer({ minimum: 0, maximum: 29 }),
        batches: Type.Integer({ minimum: 0 }),
        batchRootsDigest: hex(32),
      }),
      proof: inclusionProofSchema,
    }),
  ),
});
export type BillingFactBody = Static<typeof billingFactSchema>;

/** GET /api/v1/monitoring/devices (staff): the devices their organisation registered, oldest first. */
export const DEVICES_PATH = '/api/v1/monitoring/devices';
export const deviceSummarySchema = Type.Object({
  systemId,
  typeCode: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
  patient: nullable(hex(32)),
  boundAtMs: nullable(Type.Integer()),
  lastPeriodStartMs: nullable(Type.Integer()),
});
export const deviceListSchema = pageOf(deviceSummarySchema);
export type DeviceListBody = Static<typeof deviceListSchema>;

/** GET /api/v1/monitoring/escalations (staff): the escalations their organisation opened, newest first. */
export const ESCALATIONS_PATH = '/api/v1/monitoring/escalations';
export const escalationListSchema = pageOf(escalationSchema);
export type EscalationListBody = Static<typeof escalationListSchema>;
