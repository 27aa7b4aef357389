// Finding 13 (issue 10, second part): POST /api/v1/verify signs and submits a tx on every call, and a
// never-commissioned serial raised an alert to the manufacturer and every regulator each time, with no
// limit: one pharmacist's loop flooded the chain and the manufacturer's alerts. On a real two-node
// network, a pharmacist verifies a cloned serial in a loop until the node refuses. The node answers
// 429 with Retry-After, verifies again once that time has passed, and however many of the verifications
// were recorded, the manufacturer got one alert. On the code before the fix, the loop ran its 1,000
// verifications without one refusal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPIRY, GTIN, LOT, sgtin } from '../../src/app/supply/test-fixtures.ts';
import { http, waitFor } from '../harness/http.ts';
import { staffClient } from '../harness/network.ts';
import { registerFixtureProduct, SUPPLY_ORGS, supplyNetworkForTests } from '../harness/supply.ts';

const supply = supplyNetworkForTests(
  'carechain-finding13-verify-',
  'carechain-finding13-verify',
  { maker: SUPPLY_ORGS.maker, pharmacist: SUPPLY_ORGS.pharmacyA },
  async ({ staff }) => {
    const product = await registerFixtureProduct(staff.maker);
    assert.equal(product.status, 201, JSON.stringify(product.body));
  },
);
const { staff } = supply;
const LOOP_MAX = 1000;
const clone = { gtin: GTIN, serial: 'CLONE13', lot: LOT, expiry: EXPIRY };

async function committed(hash: string): Promise<boolean> {
  return (await http(`${staff.pharmacist.apiUrl}/api/v1/txs/${hash}`)).status === 200;
}

async function cloneAlerts(): Promise<number> {
  const answer = await staffClient(staff.maker).get('/api/v1/supply/alerts?limit=100');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.items.filter((a: any) => a.kind === 'unknown_serial' && a.epc === sgtin('CLONE13'))
    .length;
}

test('a verification loop is refused with 429 and Retry-After, and raises one alert', async () => {
  const client = staffClient(staff.pharmacist);
  const recorded: string[] = [];
  let refused: Awaited<ReturnType<typeof client.post>> | undefined;
  for (let i = 0; i < LOOP_MAX && refused === undefined; i++) {
    const answer = await client.post('/api/v1/verify', clone);
    if (answer.status === 200) {
      assert.deepEqual([answer.body.verified, answer.body.reason], [false, 'unknown_serial']);
      recorded.push(answer.body.verificationTx);
    } else {
      refused = answer;
    }
  }
  assert.ok(refused !== undefined, `${recorded.length} verifications in a loop, none refused`);
  assert.equal(refused.status, 429, JSON.stringify(refused.body));
  assert.equal(refused.body.error.code, 'verify.rate_limited');
  const retryAfter = Number(refused.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${retryAfter}`);

  // Once the caller waits, it is served again (polled, not slept: the node decides when).
  let again: Awaited<ReturnType<typeof client.post>> | undefined;
  assert.ok(
    await waitFor(async () => {
      again = await client.post('/api/v1/verify', clone);
      return again.status === 200;
    }, 30_000),
    'served again after Retry-After',
  );
  recorded.push(again!.body.verificationTx);

  // Every answered verification is on chain, and they raised one alert between them.
  assert.ok(
    await waitFor(async () => (await Promise.all(recorded.map(committed))).every(Boolean), 60_000),
    'every recorded verification committed',
  );
  assert.ok(recorded.length >= 2);
  assert.equal(await cloneAlerts(), 1);
});
