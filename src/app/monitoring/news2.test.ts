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

const NORMAL: News2Vitals = {
  respiratoryRate: 16,
  spo2: 97,
  spo2Scale: 1,
  onOxygen: false,
  systolicBP: 120,
  pulse: 70,
  consciousness: 'A',
  temperatureC: 37,
};

type Row = readonly [field: keyof News2Vitals, value: number, points: number];

// Every printed band edge, each with its neighbour across the edge.
const EDGES: { component: keyof News2Components; rows: readonly Row[] }[] = [
  {
    component: 'respiratoryRate',
    rows: [
      ['respiratoryRate', 0, 3],
      ['respiratoryRate', 8, 3],
      ['respiratoryRate', 9, 1],
      ['respiratoryRate', 11, 1],
      ['respiratoryRate', 12, 0],
      ['respiratoryRate', 20, 0],
      ['respiratoryRate', 21, 2],
      ['respiratoryRate', 24, 2],
      ['respiratoryRate', 25, 3],
      ['respiratoryRate', 100, 3],
    ],
  },
  {
    component: 'systolicBP',
    rows: [
      ['systolicBP', 90, 3],
      ['systolicBP', 91, 2],
      ['systolicBP', 100, 2],
      ['systolicBP', 101, 1],
      ['systolicBP', 110, 1],
      ['systolicBP', 111, 0],
      ['systolicBP', 219, 0],
      ['systolicBP', 220, 3],
    ],
  },
  {
    component: 'pulse',
    rows: [
      ['pulse', 40, 3],
      ['pulse', 41, 1],
      ['pulse', 50, 1],
      ['pulse', 51, 0],
      ['pulse', 90, 0],
      ['pulse', 91, 1],
      ['pulse', 110, 1],
      ['pulse', 111, 2],
      ['pulse', 130, 2],
      ['pulse', 131, 3],
    ],
  },
  {
    component: 'temperature',
    rows: [
      ['temperatureC', 35.0, 3],
      ['temperatureC', 35.1, 1],
      ['temperatureC', 36.0, 1],
      ['temperatureC', 36.1, 0],
      ['temperatureC', 38.0, 0],
      ['temperatureC', 38.1, 1],
      ['temperatureC', 39.0, 1],
      ['temperatureC', 39.1, 2],
    ],
  },
];

for (const { component, rows } of EDGES) {
  test(`${component}: both sides of every band edge score as the chart prints`, () => {
    for (const [field, value, points] of rows) {
      const got = news2Components({ ...NORMAL, [field]: value })[component];
      assert.equal(got, points, `${field}=${value}`);
    }
  });
}

const SPO2_EDGES: readonly (readonly [scale: 1 | 2, onOxygen: boolean, spo2: number, points: number])[] = [
  [1, false, 91, 3],
  [1, false, 92, 2],
  [1, false, 93, 2],
  [1, false, 94, 1],
  [1, false, 95, 1],
  [1, false, 96, 0],
  [1, true, 100, 0], // scale 1 scores oxygen only in its own row
  [2, false, 83, 3],
  [2, false, 84, 2],
  [2, false, 85, 2],
  [2, false, 86, 1],
  [2, false, 87, 1],
  [2, false, 88, 0],
  [2, false, 92, 0],
  [2, false, 93, 0], // ≥93 on air
  [2, false, 100, 0],
  [2, true, 83, 3],
  [2, true, 87, 1],
  [2, true, 88, 0],
  [2, true, 92, 0],
  [2, true, 93, 1],
  [2, true, 94, 1],
  [2, true, 95, 2],
  [2, true, 96, 2],
  [2, true, 97, 3],
  [2, true, 100, 3],
];

test('SpO2 on scale 1 and scale 2 (air and oxygen rows) scores as the chart prints at every edge', () => {
  for (const [spo2Scale, onOxygen, spo2, points] of SPO2_EDGES) {
    const got = news2Components({ ...NORMAL, spo2Scale, onOxygen, spo2 });
    assert.equal(got.spo2, points, `scale ${spo2Scale} ${onOxygen ? 'O2' : 'air'} ${spo2}`);
    assert.equal(got.airOrOxygen, onOxygen ? 2 : 0);
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
