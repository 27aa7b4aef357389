// NEWS2 against the RCP 2017 chart: both sides of every band edge of every parameter, on both SpO2
// scales (with the on-oxygen rows of scale 2), the risk bands, and properties: the score is the sum of
// its components, monotone away from the normal range, and the single-3 rule decides low-medium.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { coreErrorCodeOf } from '../../core/test-support.ts';
import {
  news2Components,
  news2NeedsEscalation,
  news2Score,
  type Consciousness,
  type News2Components,
  type News2Vitals,
} from './news2.ts';
import { NORMAL_VITALS } from './test-fixtures.ts';

const NORMAL = NORMAL_VITALS;

/** `value:points` pairs on both sides of every printed band edge, with the rest of the set normal. */
const EDGES: readonly (readonly [field: keyof News2Vitals, base: Partial<News2Vitals>, pairs: string])[] = [
  ['respiratoryRate', {}, '0:3 8:3 9:1 11:1 12:0 20:0 21:2 24:2 25:3 100:3'],
  ['systolicBP', {}, '0:3 90:3 91:2 100:2 101:1 110:1 111:0 219:0 220:3 400:3'],
  ['pulse', {}, '0:3 40:3 41:1 50:1 51:0 90:0 91:1 110:1 111:2 130:2 131:3 300:3'],
  ['temperatureC', {}, '20:3 35.0:3 35.1:1 36.0:1 36.1:0 38.0:0 38.1:1 39.0:1 39.1:2 45:2'],
  ['spo2', { spo2Scale: 1 }, '0:3 91:3 92:2 93:2 94:1 95:1 96:0 100:0'],
  ['spo2', { spo2Scale: 1, onOxygen: true }, '91:3 96:0 100:0'], // scale 1 scores oxygen in its own row
  ['spo2', { spo2Scale: 2 }, '0:3 83:3 84:2 85:2 86:1 87:1 88:0 92:0 93:0 100:0'], // ≥ 93 on air is 0
  [
    'spo2',
    { spo2Scale: 2, onOxygen: true },
    '0:3 83:3 84:2 85:2 86:1 87:1 88:0 92:0 93:1 94:1 95:2 96:2 97:3 100:3',
  ],
];

const COMPONENT_OF: Partial<Record<keyof News2Vitals, keyof News2Components>> = {
  temperatureC: 'temperature',
};

test('every parameter, both SpO2 scales on air and on oxygen: both sides of every band edge score as the chart prints', () => {
  for (const [field, base, pairs] of EDGES) {
    const component = COMPONENT_OF[field] ?? (field as keyof News2Components);
    for (const pair of pairs.split(' ')) {
      const [value, points] = pair.split(':').map(Number) as [number, number];
      const vitals = { ...NORMAL, ...base, [field]: value };
      const got = news2Components(vitals);
      assert.equal(got[component], points, `${JSON.stringify(base)} ${field}=${value}`);
      assert.equal(got.airOrOxygen, vitals.onOxygen ? 2 : 0);
    }
  }
});

test('consciousness: Alert scores 0, new confusion, voice, pain and unresponsive score 3', () => {
  const scores = (['A', 'C', 'V', 'P', 'U'] as const).map((c) =>
    news2Components({ ...NORMAL, consciousness: c }),
  );
  assert.deepEqual(
    scores.map((s) => s.consciousness),
    [0, 3, 3, 3, 3],
  );
});

test('values between printed bands are rounded to the chart resolution first', () => {
  assert.equal(news2Components({ ...NORMAL, temperatureC: 36.04 }).temperature, 1);
  assert.equal(news2Components({ ...NORMAL, temperatureC: 36.05 }).temperature, 0);
  assert.equal(news2Components({ ...NORMAL, respiratoryRate: 20.4 }).respiratoryRate, 0);
  assert.equal(news2Components({ ...NORMAL, respiratoryRate: 20.5 }).respiratoryRate, 2);
});

test('risk bands: 0–4 low, a single 3 low-medium, 5–6 medium, 7 or more high', () => {
  const cases: readonly (readonly [Partial<News2Vitals>, number, string])[] = [
    [{}, 0, 'low'],
    [{ pulse: 95, temperatureC: 38.5, respiratoryRate: 22 }, 4, 'low'],
    [{ consciousness: 'V' }, 3, 'low-medium'],
    [{ respiratoryRate: 8, pulse: 45 }, 4, 'low-medium'],
    [{ respiratoryRate: 22, onOxygen: true, pulse: 95 }, 5, 'medium'],
    [{ systolicBP: 90, pulse: 120, temperatureC: 38.5 }, 6, 'medium'],
    [{ respiratoryRate: 25, onOxygen: true, pulse: 120 }, 7, 'high'],
    [
      {
        respiratoryRate: 25,
        spo2: 85,
        onOxygen: true,
        systolicBP: 85,
        pulse: 140,
        consciousness: 'U',
        temperatureC: 34,
      },
      20,
      'high',
    ],
  ];
  for (const [change, score, risk] of cases) {
    const result = news2Score({ ...NORMAL, ...change });
    assert.deepEqual([result.score, result.risk], [score, risk], JSON.stringify(change));
  }
  assert.deepEqual((['low', 'low-medium', 'medium', 'high'] as const).map(news2NeedsEscalation), [
    false,
    false,
    true,
    true,
  ]);
});

test('a missing, non-finite or implausible vital sign is refused, not scored', () => {
  const refused = [
    { respiratoryRate: Number.NaN },
    { spo2: 101 },
    { systolicBP: -1 },
    { pulse: Number.POSITIVE_INFINITY },
    { temperatureC: 50 },
    { spo2Scale: 3 },
    { onOxygen: 'yes' },
    { consciousness: 'X' },
    { pulse: undefined },
  ];
  for (const change of refused) {
    const vitals = { ...NORMAL, ...change } as unknown as News2Vitals;
    assert.equal(
      coreErrorCodeOf(() => news2Score(vitals)),
      'monitoring.invalid_vitals',
      JSON.stringify(change),
    );
  }
});

const consciousnessArb = fc.constantFrom<Consciousness>('A', 'C', 'V', 'P', 'U');
const vitalsArb: fc.Arbitrary<News2Vitals> = fc.record({
  respiratoryRate: fc.integer({ min: 0, max: 100 }),
  spo2: fc.integer({ min: 0, max: 100 }),
  spo2Scale: fc.constantFrom<1 | 2>(1, 2),
  onOxygen: fc.boolean(),
  systolicBP: fc.integer({ min: 0, max: 400 }),
  pulse: fc.integer({ min: 0, max: 300 }),
  consciousness: consciousnessArb,
  temperatureC: fc.integer({ min: 200, max: 450 }).map((tenths) => tenths / 10),
});

test('property: the score is the sum of its components, each 0–3', () => {
  fc.assert(
    fc.property(vitalsArb, (vitals) => {
      const { score, components } = news2Score(vitals);
      const parts = Object.values(components);
      assert.ok(parts.every((p) => p >= 0 && p <= 3));
      assert.equal(
        score,
        parts.reduce((a, b) => a + b, 0),
      );
    }),
  );
});

test('property: the risk follows the total and the single-3 rule', () => {
  fc.assert(
    fc.property(vitalsArb, (vitals) => {
      const { score, risk, components } = news2Score(vitals);
      const single3 = Object.values(components).includes(3);
      const expected = score >= 7 ? 'high' : score >= 5 ? 'medium' : single3 ? 'low-medium' : 'low';
      assert.equal(risk, expected);
    }),
  );
});

// The normal range of each numeric parameter (the 0 band; SpO2's depends on the scale). Moving a value
// one step further from it, on either side, never lowers its component or the total.
interface NumericParameter {
  field: keyof News2Vitals;
  step: number;
  range: [number, number];
  normal: (v: News2Vitals) => [number, number];
}
const NUMERIC: readonly NumericParameter[] = [
  { field: 'respiratoryRate', step: 1, range: [0, 100], normal: () => [12, 20] },
  { field: 'systolicBP', step: 1, range: [0, 400], normal: () => [111, 219] },
  { field: 'pulse', step: 1, range: [0, 300], normal: () => [51, 90] },
  { field: 'temperatureC', step: 0.1, range: [20, 45], normal: () => [36.1, 38.0] },
  { field: 'spo2', step: 1, range: [0, 100], normal: (v) => (v.spo2Scale === 1 ? [96, 100] : [88, 92]) },
];

test('property: the score is monotone away from the normal range, and oxygen or confusion never lower it', () => {
  fc.assert(
    fc.property(vitalsArb, fc.nat(NUMERIC.length - 1), (vitals, which) => {
      const { field, step, range, normal } = NUMERIC[which]!;
      const value = vitals[field] as number;
      const [low, high] = normal(vitals);
      const outward = value < low ? -step : value > high ? step : 0;
      if (outward !== 0) {
        const further = Math.round((value + outward) * 10) / 10;
        if (further >= range[0] && further <= range[1]) {
          assert.ok(news2Score({ ...vitals, [field]: further }).score >= news2Score(vitals).score);
        }
      }
      assert.ok(
        news2Score({ ...vitals, onOxygen: true }).score >= news2Score({ ...vitals, onOxygen: false }).score,
      );
      assert.ok(
        news2Score({ ...vitals, consciousness: 'C' }).score >=
          news2Score({ ...vitals, consciousness: 'A' }).score,
      );
    }),
  );
});
