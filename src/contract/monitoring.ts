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
