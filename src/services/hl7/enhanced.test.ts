// Enhanced acknowledgement mode in-process, on a real (in-memory SQLite) hl7 store and real sockets, the
// processing a stand-in: a message is processed once however often it is sent, its application ACK
// reaches every connection waiting for it, a restart processes what was accepted in the order it was
// accepted, and an ACK for a sender's own listener waits for that listener to come up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAck } from '../../app/hl7/ack.ts';
import { parseEr7 } from '../../app/hl7/er7.ts';
import { readHeader } from '../../app/hl7/messages.ts';
import { systemClock } from '../../node/env.ts';
import { inboxKeyOf } from '../../node/storage/hl7-inbox-key.ts';
import { Hl7MessageLog } from '../../node/storage/hl7-message-log.ts';
import { MemoryStorage } from '../../node/storage/memory/memory-storage.ts';
import { freePorts, waitFor } from '../../../test/harness/http.ts';
import { startMllpReceiver } from '../../../test/harness/mllp.ts';
import { EnhancedAcks, type AckChannel } from './enhanced.ts';

const PRACTITIONER = 'ab'.repeat(32);
const message = (id: string, modes = 'AL|AL') =>
  `MSH|^~\\&|LIS|LAB|CC|HOSP|20260101||ORU^R01|${id}|P|2.5.1|||${modes}\rPID|1||42^^^X^MR`;
const keyOf = (id: string) => ({ sender: 'LAB', controlId: id, digest: id.padEnd(64, '0') });
const headerOf = (text: string) => readHeader(parseEr7(text));
const aa = (text: string) =>
  buildAck({ header: headerOf(text), code: 'AA', timestamp: '20260101000000+0000', controlId: 'CC1' });

/** A stand-in for the write: records what it processed, answers AA when released. */
function processing() {
  const processed: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    processed,
    release: () => release(),
    settle: async (text: string) => {
      processed.push(headerOf(text).controlId);
      await gate;
      return { ack: aa(text), code: 'AA' as const };
    },
  };
}

function channel(): AckChannel & { got: string[] } {
  const got: string[] = [];
  return {
    got,
    send: (ack) => {
      got.push(ack);
      return true;
    },
  };
}

test('processed once however often it is sent; every waiting connection gets the application ACK', async () => {
  const storage = new MemoryStorage();
  const log = new Hl7MessageLog(storage.open('hl7'), inboxKeyOf(new Uint8Array(32)));
  const work = processing();
  const senders = new Map([['LAB', { facility: 'LAB', practitioner: PRACTITIONER }]]);
  const acks = new EnhancedAcks({ log, clock: systemClock, senders, settle: work.settle });
  const text = message('M-1');
  const [first, second] = [channel(), channel()];
  assert.deepEqual(acks.accept(headerOf(text), keyOf('M-1'), text, first), { code: 'CA' });
  assert.deepEqual(acks.accept(headerOf(text), keyOf('M-1'), text, second), { code: 'CA' });
  work.release();
  assert.ok(await waitFor(() => first.got.length === 1 && second.got.length === 1, 5_000));
  assert.deepEqual(work.processed, ['M-1']);
  assert.match(first.got[0]!, /\rMSA\|AA\|M-1/);
  assert.equal(log.inboxEntry(keyOf('M-1'))?.delivered, true);
  // Answered before: CA, and the application ACK again right after it; still processed once.
  const third = acks.accept(headerOf(text), keyOf('M-1'), text, channel());
  assert.equal(third.code, 'CA');
  assert.match(third.then ?? '', /\rMSA\|AA\|M-1/);
  assert.deepEqual(work.processed, ['M-1']);
  // MSH-16 NE: processed, and no application ACK is sent or left pending.
  const quiet = message('M-2', 'AL|NE');
  const listening = channel();
  acks.accept(headerOf(quiet), keyOf('M-2'), quiet, listening);
  assert.ok(await waitFor(() => log.inboxEntry(keyOf('M-2'))?.applicationAck !== undefined, 5_000));
  assert.deepEqual(listening.got, []);
  assert.deepEqual(log.undelivered(), []);
  log.close();
  storage.close();
});

test('held, then restarted: what was accepted is processed in order and its ACKs go to the sender listener once it is up', async () => {
  const storage = new MemoryStorage();
  const inboxKey = inboxKeyOf(new Uint8Array(32));
  const [port] = (await freePorts(1)) as [number];
  const senders = new Map([
    ['LAB', { facility: 'LAB', practitioner: PRACTITIONER, ackTo: { host: '127.0.0.1', port } }],
  ]);
  const held = new Hl7MessageLog(storage.open('hl7'), inboxKey);
  const never = processing();
  const before = new EnhancedAcks({
    log: held,
    clock: systemClock,
    senders,
    settle: never.settle,
    hold: true,
  });
  for (const id of ['R-1', 'R-2', 'R-3']) before.accept(headerOf(message(id)), keyOf(id), message(id));
  assert.deepEqual(never.processed, []);
  held.close();

  // The "restart": a new store handle and a new EnhancedAcks on the same database.
  const log = new Hl7MessageLog(storage.open('hl7'), inboxKey);
  const work = processing();
  const after = new EnhancedAcks({ log, clock: systemClock, senders, settle: work.settle });
  after.resume();
  assert.deepEqual(work.processed, ['R-1', 'R-2', 'R-3']);
  work.release();
  // The sender's listener is down: the ACKs wait in the store, undelivered.
  assert.ok(await waitFor(() => log.undelivered().length === 3, 5_000));
  const receiver = await startMllpReceiver(port);
  try {
    assert.ok(
      await waitFor(() => log.undelivered().length === 0, 20_000),
      'delivered once the listener is up',
    );
    const order = receiver.frames.map((f) => /\rMSA\|AA\|([^|\r]+)/.exec(f)?.[1]);
    assert.deepEqual(order, ['R-1', 'R-2', 'R-3']);
  } finally {
    after.stop();
    await receiver.stop();
    log.close();
    storage.close();
  }
});

test('a bounded inbox: past its limit a new message is answered CE, a re-send of an accepted one CA', () => {
  const storage = new MemoryStorage();
  const log = new Hl7MessageLog(storage.open('hl7'), inboxKeyOf(new Uint8Array(32)));
  const senders = new Map([['LAB', { facility: 'LAB', practitioner: PRACTITIONER }]]);
  const work = processing();
  const acks = new EnhancedAcks({
    log,
    clock: systemClock,
    senders,
    settle: work.settle,
    hold: true,
    pendingMax: 2,
  });
  const accept = (id: string) => acks.accept(headerOf(message(id)), keyOf(id), message(id));
  assert.equal(accept('B-1').code, 'CA');
  assert.equal(accept('B-2').code, 'CA');
  const refused = accept('B-3');
  assert.equal(refused.code, 'CE');
  assert.equal(refused.error?.code, '207');
  assert.equal(log.inboxEntry(keyOf('B-3')), undefined, 'nothing kept of a message answered CE');
  assert.equal(accept('B-1').code, 'CA');
  log.close();
  storage.close();
});
