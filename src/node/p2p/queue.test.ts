// The outbound queue on its own: FIFO batches that fit a body, and bounds that drop the oldest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutboundQueue } from './queue.ts';

const message = (text: string) => [JSON.stringify(text), JSON.stringify(text).length] as const;

test('batches keep order and each fits the body limit, brackets and commas included', () => {
  const queue = new OutboundQueue(100, 10_000, 20);
  for (const text of ['aaaa', 'bbbb', 'cccc', 'dddd']) queue.push(...message(text)); // 6 bytes each
  const first = queue.take();
  assert.deepEqual(
    first.map((m) => m.json),
    ['"aaaa"', '"bbbb"'],
  ); // [6,6,6] would be 20 + 2 > 20
  assert.ok(`[${first.map((m) => m.json).join(',')}]`.length <= 20);
  assert.deepEqual(
    queue.take().map((m) => m.json),
    ['"cccc"', '"dddd"'],
  );
  assert.deepEqual(queue.take(), []);
});

test('a message that can never fit a body is refused, and the bounds drop the oldest first', () => {
  const queue = new OutboundQueue(3, 20, 20);
  assert.equal(queue.push(...message('x'.repeat(20))), 1);
  assert.equal(queue.length, 0);
  for (const text of ['a', 'b', 'c']) assert.equal(queue.push(...message(text)), 0); // 3 bytes each
  assert.equal(queue.push(...message('d')), 1, 'over the message bound');
  // Four messages: b goes (count); then c + d + e is 3 + 3 + 15 bytes > 20: c goes too.
  assert.equal(queue.push(...message('e'.repeat(13))), 2);
  assert.deepEqual(
    queue.take().map((m) => m.json),
    ['"d"'],
  );
  assert.deepEqual(
    queue.take().map((m) => m.json),
    [JSON.stringify('e'.repeat(13))],
  );
});

test('a batch put back goes ahead of newer messages, within the bounds', () => {
  const queue = new OutboundQueue(3, 1_000, 1_000);
  for (const text of ['a', 'b']) queue.push(...message(text));
  const batch = queue.take();
  queue.push(...message('c'));
  queue.push(...message('d'));
  assert.equal(queue.unshift(batch), 1, 'four messages, bound three: the oldest goes');
  assert.deepEqual(
    queue.take().map((m) => m.json),
    ['"b"', '"c"', '"d"'],
  );
});

test('long use stays FIFO across compaction', () => {
  const queue = new OutboundQueue(5_000, 1e9, 64);
  const out: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    queue.push(...message(String(i)));
    if (i % 3 === 0) out.push(...queue.take().map((m) => JSON.parse(m.json) as string));
  }
  while (queue.length > 0) out.push(...queue.take().map((m) => JSON.parse(m.json) as string));
  assert.deepEqual(
    out.map(Number),
    Array.from({ length: 20_000 }, (_, i) => i),
  );
});
