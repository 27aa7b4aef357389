// The hl7 store's durable inbox (enhanced acknowledgement mode): a message is kept once, sealed, and
// comes back after a reopen (a restart) until it is answered; its text is then dropped and its
// application ACK kept until delivered. The sealed text opens only under the node's key and for its row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hl7MessageLog } from './hl7-message-log.ts';
import { inboxKeyOf, openInboxText, sealInboxText } from './hl7-inbox-key.ts';
import { MemoryStorage } from './memory/memory-storage.ts';

const TEXT =
  'MSH|^~\\&|LIS|LAB|CC|HOSP|20260101||ORU^R01|CTRL-7|P|2.5.1|||AL|AL\rPID|1||42^^^X^MR||Hopper^Grace';
const key = { sender: 'LAB', controlId: 'CTRL-7', digest: 'ab'.repeat(32) };
const nodeKey = inboxKeyOf(new Uint8Array(32).fill(7));

test('accepted once, back after a reopen until answered, then only its ACK until delivered', () => {
  const storage = new MemoryStorage();
  const log = new Hl7MessageLog(storage.open('hl7'), nodeKey);
  assert.equal(log.accept(key, TEXT, 1_000), true);
  assert.equal(log.accept(key, TEXT, 2_000), false, 'a re-send is not kept twice');
  const other = { ...key, controlId: 'CTRL-8' };
  log.accept(other, TEXT.replace('CTRL-7', 'CTRL-8'), 3_000);
  log.close();

  const reopened = new Hl7MessageLog(storage.open('hl7'), nodeKey);
  assert.deepEqual(
    reopened.unanswered().map((e) => [e.key.controlId, e.text === TEXT || e.text?.includes('CTRL-8')]),
    [
      ['CTRL-7', true],
      ['CTRL-8', true],
    ],
  );
  reopened.answered(key, 'MSH|…\rMSA|AA|CTRL-7\r', true);
  reopened.answered(other, 'MSH|…\rMSA|AA|CTRL-8\r', false);
  assert.deepEqual(reopened.unanswered(), []);
  const [pending] = reopened.undelivered();
  assert.equal(pending?.key.controlId, 'CTRL-7', 'an ACK the sender asked not to get is not pending');
  assert.equal(pending?.text, undefined, 'the text is dropped once answered');
  reopened.delivered(key);
  assert.deepEqual(reopened.undelivered(), []);
  assert.equal(reopened.inboxEntry(key)?.applicationAck, 'MSH|…\rMSA|AA|CTRL-7\r');
  reopened.close();
  storage.close();
});

test('the sealed text has no PHI in the clear and opens only under the same key and row', () => {
  const sealed = sealInboxText(nodeKey, key, TEXT);
  assert.equal(Buffer.from(sealed).includes('Hopper'), false);
  assert.equal(openInboxText(nodeKey, key, sealed), TEXT);
  assert.throws(() => openInboxText(inboxKeyOf(new Uint8Array(32).fill(8)), key, sealed));
  assert.throws(() => openInboxText(nodeKey, { ...key, controlId: 'CTRL-9' }, sealed));
  // Fresh nonces: the same message sealed twice is two different ciphertexts.
  assert.notDeepEqual(sealInboxText(nodeKey, key, TEXT), sealed);
});

test('a feed outbox: messages in order with the cursor moved in the same step, kept across a reopen', () => {
  const storage = new MemoryStorage();
  const log = new Hl7MessageLog(storage.open('hl7'), nodeKey);
  assert.equal(log.feedCursor('EHR'), undefined);
  log.enqueue('EHR', [], 10);
  assert.equal(log.feedCursor('EHR'), 10);
  log.enqueue(
    'EHR',
    [
      { label: '11-0-0', text: 'first Hopper' },
      { label: '11-0-1', text: 'second' },
    ],
    11,
  );
  log.enqueue('OTHER', [{ label: '11-0-0', text: 'elsewhere' }], 11);
  log.close();

  const reopened = new Hl7MessageLog(storage.open('hl7'), nodeKey);
  assert.equal(reopened.feedCursor('EHR'), 11);
  const first = reopened.nextOutgoing('EHR');
  assert.equal(first?.text, 'first Hopper');
  reopened.sent(first.seq);
  assert.equal(reopened.nextOutgoing('EHR')?.text, 'second');
  reopened.sent(reopened.nextOutgoing('EHR')!.seq);
  assert.equal(reopened.nextOutgoing('EHR'), undefined);
  assert.equal(reopened.nextOutgoing('OTHER')?.text, 'elsewhere');
  reopened.close();
  storage.close();
});
