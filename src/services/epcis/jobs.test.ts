// Capture jobs over a state, a mempool and a clock the test holds: the states a network test cannot
// catch on time (a job still pending, one the mempool dropped after accepting it) and the list's bounds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAPTURE_JOBS_REMEMBERED_MAX, CaptureJobs } from './jobs.ts';
import { CAPTURE_COUNT_KEY, captureKey, captureTxKey } from '../../app/supply/store.ts';
import type { Capture } from '../../app/supply/types.ts';
import type { SignedTx } from '../../core/tx.ts';
import { TxError } from '../../core/tx.ts';

const hash = (n: number) => n.toString(16).padStart(64, '0');

function world() {
  const state = new Map<string, string>();
  const pending = new Set<string>();
  let now = Date.parse('2026-12-07T10:00:00Z');
  const jobs = new CaptureJobs({
    state: { get: (key) => state.get(key) },
    isPending: (txHash) => pending.has(txHash),
    blockTimeMs: (height) => Date.parse('2026-12-07T00:00:00Z') + height * 1000,
    nowMs: () => now,
  });
  /** Commits capture `id` of orgId at height id + 1. */
  const commit = (id: number, orgId: string, txHash = hash(id + 1)) => {
    const record: Capture = {
      captureId: id,
      txHash,
      height: id + 1,
      orgId,
      firstSeq: id,
      eventCount: 1,
      context: null,
    };
    state.set(captureKey(id), JSON.stringify(record));
    state.set(captureTxKey(txHash), JSON.stringify(id));
    state.set(CAPTURE_COUNT_KEY, JSON.stringify(id + 1));
    pending.delete(txHash);
  };
  return { jobs, pending, commit, tick: (ms: number) => (now += ms) };
}

test('a pending capture is running since it was accepted; committed, it succeeded at its block time', () => {
  const w = world();
  w.pending.add(hash(1));
  w.jobs.accepted(hash(1));
  w.tick(5000);
  assert.deepEqual(w.jobs.job(hash(1)), {
    captureID: hash(1),
    createdAt: '2026-12-07T10:00:00.000Z',
    captureErrorBehaviour: 'rollback',
    errors: [],
    running: true,
    success: false,
  });
  w.commit(0, 'acme');
  const done = w.jobs.job(hash(1));
  assert.equal(done?.running, false);
  assert.equal(done?.success, true);
  assert.equal(done?.finishedAt, '2026-12-07T00:00:01.000Z');
  assert.deepEqual(w.jobs.job('0'), done);
});

test('a capture the mempool dropped failed, with the ledger’s reason; an unknown one is no job', () => {
  const w = world();
  w.pending.add(hash(7));
  w.jobs.accepted(hash(7));
  w.pending.delete(hash(7));
  const error = new TxError('tx.rejected', 'event 0: this eventID was captured before', {
    reason: 'supply.duplicate_event_id',
  });
  w.jobs.dropped([{ hash: hash(7), error, tx: {} as SignedTx }]);
  const job = w.jobs.job(hash(7));
  assert.equal(job?.running, false);
  assert.equal(job?.success, false);
  assert.deepEqual(job?.errors, [
    { code: 'supply.duplicate_event_id', message: 'event 0: this eventID was captured before' },
  ]);
  assert.equal(w.jobs.job(hash(8)), undefined, 'neither pending nor committed nor remembered');
  assert.equal(w.jobs.job('x'), undefined);
  assert.equal(w.jobs.job('1'), undefined);
});

test('the jobs remembered are bounded: the oldest is forgotten first', () => {
  const w = world();
  for (let n = 0; n <= CAPTURE_JOBS_REMEMBERED_MAX; n++) w.jobs.accepted(hash(n));
  w.jobs.dropped(
    [0, 1].map((n) => ({ hash: hash(n), error: new TxError('tx.rejected', 'no'), tx: {} as SignedTx })),
  );
  assert.equal(w.jobs.job(hash(0)), undefined, 'forgotten');
  assert.equal(w.jobs.job(hash(1))?.success, false);
});

test('the list is one organisation’s, newest first, paged by a token', () => {
  const w = world();
  ['acme', 'other', 'acme', 'acme', 'other'].forEach((org, id) => w.commit(id, org));
  const first = w.jobs.list('acme', 2);
  assert.deepEqual(
    first.jobs.map((j) => j.captureID),
    [hash(4), hash(3)],
  );
  assert.equal(first.nextBefore, 2);
  const second = w.jobs.list('acme', 2, first.nextBefore);
  assert.deepEqual(
    second.jobs.map((j) => j.captureID),
    [hash(1)],
  );
  assert.equal(second.nextBefore, null);
});
