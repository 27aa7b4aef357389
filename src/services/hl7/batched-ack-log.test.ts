// The AA log rows of messages answered in one turn are written in one database transaction, and `put`
// resolves only once its row is there (the ACK waits for it); a failed write fails every message of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hl7MessageLog } from '../../node/storage/hl7-message-log.ts';
import { inboxKeyOf } from '../../node/storage/hl7-inbox-key.ts';
import { MemoryStorage } from '../../node/storage/memory/memory-storage.ts';
import { BatchedAckLog } from './batched-ack-log.ts';

const keyOf = (n: number) => ({ sender: 'LAB', controlId: `CTRL-${n}`, digest: 'ab'.repeat(32) });

function openLog() {
  const storage = new MemoryStorage();
  return new Hl7MessageLog(storage.open('hl7'), inboxKeyOf(new Uint8Array(32).fill(7)));
}

test('messages answered in one turn share one transaction, and each put resolves once its row is there', async () => {
  const log = openLog();
  const putAll = log.putAll.bind(log);
  const calls: number[] = [];
  log.putAll = (rows) => (calls.push(rows.length), putAll(rows));
  const acks = new BatchedAckLog(log);
  const first = acks.put(keyOf(1), 'ACK 1', 1_000);
  const second = acks.put(keyOf(2), 'ACK 2', 1_000);
  assert.equal(log.ackOf(keyOf(1)), undefined, 'not written before the flush');
  await Promise.all([first, second]);
  assert.equal(log.ackOf(keyOf(1)), 'ACK 1');
  assert.equal(log.ackOf(keyOf(2)), 'ACK 2');
  await acks.put(keyOf(3), 'ACK 3', 2_000);
  assert.deepEqual(calls, [2, 1], 'one write per turn of the event loop');
});

test('a failed write rejects every message of its batch, and the next batch is written', async () => {
  const log = openLog();
  const putAll = log.putAll.bind(log);
  let failNext = true;
  log.putAll = (rows) => {
    if (failNext) {
      failNext = false;
      throw new Error('disk full');
    }
    putAll(rows);
  };
  const acks = new BatchedAckLog(log);
  const results = await Promise.allSettled([acks.put(keyOf(1), 'ACK 1', 1), acks.put(keyOf(2), 'ACK 2', 1)]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  await acks.put(keyOf(3), 'ACK 3', 2);
  assert.equal(log.ackOf(keyOf(3)), 'ACK 3');
  assert.equal(log.ackOf(keyOf(1)), undefined);
});
