// The message log page's rows: one per message, an answer updates it (a CA for a message it has is a
// re-send's and changes nothing), its ACK history is bounded, and the list pages newest first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACKS_KEPT_MAX, percentile, type Hl7LogUpdate } from './hl7-log-entries.ts';
import { Hl7MessageLog } from './hl7-message-log.ts';
import { inboxKeyOf } from './hl7-inbox-key.ts';
import { MemoryStorage } from './memory/memory-storage.ts';

const update = (
  controlId: string,
  code: string,
  status: Hl7LogUpdate['status'],
  atMs: number,
): Hl7LogUpdate => ({
  key: { sender: 'LAB', controlId, digest: 'ab'.repeat(32) },
  sendingApplication: 'LIS',
  sendingFacility: 'LAB',
  messageType: 'ORU^R01',
  mode: 'enhanced',
  status,
  receivedAtMs: 1_000,
  ack: { code, errorCode: code === 'AE' ? '207' : null, errorText: code === 'AE' ? 'later' : null, atMs },
});

test('an answer updates its message’s row; a CA re-send changes nothing; the ACKs kept are bounded', () => {
  const log = new Hl7MessageLog(new MemoryStorage().open('hl7'), inboxKeyOf(new Uint8Array(32).fill(3)));
  log.logAnswer(update('C-1', 'CA', 'accepted', 1_010));
  log.putAll([
    {
      key: update('C-1', 'AA', 'final', 0).key,
      ack: 'MSA|AA',
      atMs: 1_500,
      entry: {
        ...update('C-1', 'AA', 'final', 1_500),
        final: { recordCount: 4, height: 7, txHash: 'cd'.repeat(32) },
      },
    },
  ]);
  log.logAnswer(update('C-1', 'CA', 'accepted', 2_000));
  const [row] = log.entries.list({ limit: 10 });
  assert.deepEqual(
    [row?.status, row?.ackCode, row?.receivedAtMs, row?.finalAtMs, row?.recordCount, row?.height],
    ['final', 'AA', 1_000, 1_500, 4, 7],
  );
  assert.deepEqual(
    log.entries.get(row!.id)?.acks.map((a) => a.code),
    ['CA', 'AA'],
  );
  for (let i = 0; i < 20; i += 1) log.logAnswer(update('C-2', 'AE', 'error', 3_000 + i));
  const second = log.entries.list({ status: 'error', limit: 10 });
  assert.deepEqual(
    second.map((r) => [r.controlId, r.errorCode, r.acknowledgedAtMs]),
    [['C-2', '207', 3_019]],
  );
  assert.equal(log.entries.get(second[0]!.id)?.acks.length, ACKS_KEPT_MAX);
  assert.deepEqual(
    log.entries.list({ limit: 1 }).map((r) => r.controlId),
    ['C-2'],
    'newest first',
  );
  assert.deepEqual(
    log.entries.list({ limit: 5, before: second[0]!.id }).map((r) => r.controlId),
    ['C-1'],
  );
  const summary = Object.fromEntries(log.entries.summary().map((s) => [s.status, [s.count, s.p50Ms]]));
  assert.deepEqual(summary, { accepted: [0, null], final: [1, 500], error: [1, 2_019], refused: [0, null] });
  log.close();
});

test('percentiles are nearest-rank', () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([5], 0.99), 5);
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual([percentile(hundred, 0.5), percentile(hundred, 0.99)], [50, 99]);
});
