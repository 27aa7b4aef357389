// POST /api/v1/monitoring/news2/score over real HTTP on a real node: the request and answer
// shapes, the RCP risk bands end to end, and refusals (an implausible vital sign, a mistyped or a
// missing one) as the domain API's error currency, with nothing cached.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NORMAL_VITALS } from '../../src/app/monitoring/test-fixtures.ts';
import { NEWS2_SCORE_PATH } from '../../src/contract/monitoring.ts';
import { startFhirTestNode, type FhirTestNode } from '../harness/fhir-node.ts';
import { postJson } from '../harness/http.ts';

let t: FhirTestNode;
before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-news2', listen: true });
});
after(() => t?.close());

const normal = NORMAL_VITALS;
const score = (body: unknown) => postJson(`${t.url}${NEWS2_SCORE_PATH}`, body);

test('a vital-signs set is scored with its risk and seven components, and not cached', async () => {
  const answer = await score({
    ...normal,
    respiratoryRate: 25,
    spo2: 97,
    spo2Scale: 2,
    onOxygen: true,
    pulse: 112,
  });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, {
    score: 10, // RR 3, SpO2 scale 2 on oxygen ≥ 97: 3, oxygen 2, pulse 2
    risk: 'high',
    components: {
      respiratoryRate: 3,
      spo2: 3,
      airOrOxygen: 2,
      systolicBP: 0,
      pulse: 2,
      consciousness: 0,
      temperature: 0,
    },
  });
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  const bands = await Promise.all([
    score(normal),
    score({ ...normal, consciousness: 'C' }),
    score({ ...normal, onOxygen: true, respiratoryRate: 22, pulse: 95 }),
  ]);
  assert.deepEqual(
    bands.map((a) => [a.body.score, a.body.risk]),
    [
      [0, 'low'],
      [3, 'low-medium'],
      [5, 'medium'],
    ],
  );
});

test('an implausible, missing or mistyped field is refused with a domain error', async () => {
  const refused = [
    [{ ...normal, spo2: 140 }, 'monitoring.invalid_vitals'],
    [{ ...normal, temperatureC: 99 }, 'monitoring.invalid_vitals'],
    [{ ...normal, spo2Scale: 3 }, undefined],
    [{ ...normal, consciousness: 'X' }, undefined],
    [(({ pulse: _pulse, ...rest }) => rest)(normal), undefined],
  ] as const;
  for (const [body, code] of refused) {
    const answer = await score(body);
    assert.equal(answer.status, 400, JSON.stringify(body));
    assert.equal(typeof answer.body.error.code, 'string');
    if (code !== undefined) assert.equal(answer.body.error.code, code);
  }
});
