import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ForwardBatcher, FORWARD_BATCH_MAX } from './forward-batcher.ts';
import type { ForwardedAnswer, ForwardedRequest } from './forwarding.ts';

const request = (n: number): ForwardedRequest => ({
  caller: { publicKey: String(n), orgId: 'clinic', scopes: 'user/*.rs' },
  purpose: 'TREAT',
  operation: { op: 'read', type: 'Observation', id: String(n) },
});
const answerTo = (r: ForwardedRequest): ForwardedAnswer => ({
  height: Number(r.caller.publicKey),
  versions: [],
});

test('one read leaves at once; under load, queued reads go together, at most 16 a request and 8 requests open', async () => {
  const sent: number[] = [];
  const release: (() => void)[] = [];
  const batcher = new ForwardBatcher<ForwardedRequest, ForwardedAnswer>(async (_org, requests) => {
    sent.push(requests.length);
    await new Promise<void>((done) => release.push(done));
    return requests.map(answerTo);
  });
  const answers = Array.from({ length: 40 }, (_, n) => batcher.forward('hospital', request(n)));
  assert.deepEqual(sent, [1, 1, 1, 1, 1, 1, 1, 1]);
  release.shift()!();
  await new Promise((done) => setImmediate(done));
  assert.deepEqual(sent.slice(8), [FORWARD_BATCH_MAX]);
  while (release.length > 0) {
    release.shift()!();
    await new Promise((done) => setImmediate(done));
  }
  // Every caller gets the answer to its own request.
  assert.deepEqual(
    (await Promise.all(answers)).map((a) => ('height' in a ? a.height : -1)),
    Array.from({ length: 40 }, (_, n) => n),
  );
  assert.equal(
    sent.reduce((a, b) => a + b, 0),
    40,
  );
  assert.ok(Math.max(...sent) <= FORWARD_BATCH_MAX);
});

test('a failed request fails every read it carried, and the next ones still go', async () => {
  let calls = 0;
  const batcher = new ForwardBatcher<ForwardedRequest, ForwardedAnswer>((_org, requests) => {
    calls++;
    return calls === 1
      ? Promise.reject(new Error('custodian down'))
      : Promise.resolve(requests.map(answerTo));
  });
  await assert.rejects(batcher.forward('hospital', request(1)), /custodian down/);
  assert.deepEqual(await batcher.forward('hospital', request(2)), { height: 2, versions: [] });
});
