// Remote monitoring's request and response shapes (issue 18). POST /api/v1/monitoring/news2/score takes
// one complete vital-signs set and answers the NEWS2 score, its RCP risk band and the seven components,
// exactly as the issue gives them, for integrations and tests.
import { Type, type Static } from '@sinclair/typebox';

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

export const batchCommittedSchema = Type.Object({
  txHash: hex(32),
  height: Type.Integer({ minimum: 1 }),
  root: hex(32),
  count: Type.Integer({ minimum: 1 }),
});
export type BatchCommittedAnswer = Static<typeof batchCommittedSchema>;

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
  proof: Type.Object({
    leafHash: hex(32),
    leafIndex: Type.Integer({ minimum: 0 }),
    treeSize: Type.Integer({ minimum: 1 }),
    auditPath: Type.Array(hex(32)),
  }),
});
export type ReadingProofBody = Static<typeof readingProofSchema>;
