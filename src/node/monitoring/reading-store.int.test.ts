// The monitoring store on a real SQLite file (issue 18: readings are health data, sealed at rest): what
// goes in comes back, by id, by period and by time range; the file and its WAL hold no reading's id,
// code, value, unit or time in any encoding the PHI scan knows; a batch moved to another row, or opened
// with another node's key, gives nothing back.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Reading } from '../../app/monitoring/batch.ts';
import { coreErrorCodeOf } from '../../core/test-support.ts';
import { seedOf, tempDir } from '../../../test/harness/chain.ts';
import { scanStores } from '../../../test/harness/phi-scan.ts';
import { keyPairFromSeed } from '../keys.ts';
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { ReadingStore, type StoredReading } from './reading-store.ts';

const CHAIN = 'carechain-monitoring-store';
const custodian = keyPairFromSeed(seedOf('custodian node'));
const otherNode = keyPairFromSeed(seedOf('other node'));
const SYSTEM_ID = '001c050400007825';
const PERIOD_MS = 1000;
const T0 = 1_765_000_000_000;

/** Three readings per period, each field distinctive enough for the PHI scan to look for it. */
function readingsOf(periodStartMs: number, tag: string): Reading[] {
  return [
    { id: `phd-${tag}-spo2`, code: '150456', value: `97.${tag}41`, unit: '%', timeMs: periodStartMs + 10 },
    {
      id: `phd-${tag}-pulse`,
      code: '149530',
      value: `72.${tag}53`,
      unit: '/min',
      timeMs: periodStartMs + 10,
    },
    {
      id: `phd-${tag}-bp/150020`,
      code: '150020',
      value: `120.${tag}67`,
      unit: 'mm[Hg]',
      timeMs: periodStartMs + 500,
    },
  ];
}

const dir = tempDir();
after(() => dir.remove());
const periods = [0, 1, 2].map((i) => T0 + i * PERIOD_MS);
const sent = periods.map((start, i) => readingsOf(start, `${i}${i}${i}`));

function openStore(key = custodian): ReadingStore {
  return ReadingStore.open(new SqliteStorage(dir.path), CHAIN, key);
}

/** Every string a reading carries (its time as decimal text too) that a leak could show. */
function phiOf(readings: readonly Reading[]): string[] {
  return readings
    .flatMap((r) => [r.id, r.code, r.value, r.unit, String(r.timeMs)])
    .filter((s) => s.length >= 5);
}

test('readings come back by id, period and time range; the file and its WAL hold none of them in clear', () => {
  const store = openStore();
  periods.forEach((start, i) => store.putBatch(SYSTEM_ID, start, PERIOD_MS, sent[i]!));

  assert.deepEqual(store.known(SYSTEM_ID, [sent[1]![0]!.id, 'phd-never-sent']), new Set([sent[1]![0]!.id]));
  assert.deepEqual(store.reading(SYSTEM_ID, sent[1]![2]!.id), {
    reading: sent[1]![2],
    periodStartMs: periods[1],
  });
  assert.equal(store.reading('001c050400007826', sent[1]![2]!.id), undefined, 'ids are per device');
  assert.deepEqual(store.period(SYSTEM_ID, periods[2]!), sent[2]);

  // A range from inside the first period to inside the third, oldest first, ties by id; then a page of 4.
  const stored = sent.flatMap((readings, i) =>
    readings.map((reading) => ({ reading, periodStartMs: periods[i]! })),
  );
  const byTime = ({ reading: a }: StoredReading, { reading: b }: StoredReading) =>
    a.timeMs - b.timeMs || (a.id < b.id ? -1 : 1);
  const inRange = stored.filter(
    ({ reading: r }) => r.timeMs >= T0 + 100 && r.timeMs < T0 + 2 * PERIOD_MS + 100,
  );
  assert.deepEqual(store.between(SYSTEM_ID, T0 + 100, T0 + 2 * PERIOD_MS + 100, 100), inRange.sort(byTime));
  assert.deepEqual(store.between(SYSTEM_ID, T0, T0 + 3 * PERIOD_MS, 4), stored.sort(byTime).slice(0, 4));
  assert.deepEqual(store.between(SYSTEM_ID, T0 + 3 * PERIOD_MS, T0 + 9 * PERIOD_MS, 100), []);

  // The scan can fail: the system id (on chain anyway, and the store's key) is found in clear.
  const phi = phiOf(sent.flat());
  assert.ok(phi.length >= 30, 'every id, code, value and time is looked for');
  const whileOpen = scanStores(dir.path, [...phi, SYSTEM_ID]);
  assert.ok(whileOpen.bytesRead.monitoring > 0, 'the monitoring store was read');
  assert.deepEqual(
    whileOpen.leaks.map((l) => l.phi),
    whileOpen.leaks.map(() => SYSTEM_ID),
    'only the system id is in clear',
  );
  assert.ok(whileOpen.leaks.length > 0, 'the scan finds what is stored in clear');
  store.close();
  // Closed: the WAL is checkpointed into the main file, which holds none of them either.
  const closed = scanStores(dir.path, phi);
  assert.ok(closed.bytesRead.monitoring > 0);
  assert.deepEqual(closed.leaks, []);
});

test('a batch moved to another period, or opened with another node’s key, gives nothing back', () => {
  const storage = new SqliteStorage(dir.path);
  const store = ReadingStore.open(storage, CHAIN, custodian);
  const raw = storage.open('monitoring');
  try {
    // Another node's key: its tags find no reading, and the sealed batch does not open.
    const stranger = openStore(otherNode);
    assert.equal(stranger.reading(SYSTEM_ID, sent[0]![0]!.id), undefined);
    assert.equal(
      coreErrorCodeOf(() => stranger.period(SYSTEM_ID, periods[0]!)),
      'envelope.open_failed',
    );
    stranger.close();

    // Period 1's sealed bytes copied over period 0's row: the AAD binds each to its own period.
    raw.run(
      'UPDATE monitoring_batches SET (nonce, key_commitment, ciphertext, envelope) = ' +
        '(SELECT nonce, key_commitment, ciphertext, envelope FROM monitoring_batches WHERE system_id = ? AND period_start = ?) ' +
        'WHERE system_id = ? AND period_start = ?',
      [SYSTEM_ID, periods[1]!, SYSTEM_ID, periods[0]!],
    );
    assert.equal(
      coreErrorCodeOf(() => store.reading(SYSTEM_ID, sent[0]![0]!.id)),
      'envelope.open_failed',
    );
    // Untouched periods still open.
    assert.deepEqual(store.period(SYSTEM_ID, periods[2]!), sent[2]);
  } finally {
    raw.close();
    store.close();
  }
});

test('periods stored in one turn are written together; one that cannot be stored fails alone', async () => {
  const own = tempDir();
  const store = ReadingStore.open(new SqliteStorage(own.path), CHAIN, custodian);
  try {
    // 120 readings a period: the index is asked in chunks, and a short last chunk answers right.
    const many = (start: number, tag: string): Reading[] =>
      Array.from({ length: 120 }, (_, k) => ({
        id: `phd-${tag}-${k}`,
        code: '150456',
        value: String(90 + (k % 10)),
        unit: '%',
        timeMs: start + k,
      }));
    const batchOf = (start: number, readings: Reading[]) => ({
      systemId: SYSTEM_ID,
      periodStartMs: start,
      periodMs: PERIOD_MS,
      readings,
      tags: store.tags(
        SYSTEM_ID,
        readings.map((r) => r.id),
      ),
    });
    const first = many(T0, 'a');
    const second = many(T0 + PERIOD_MS, 'b');
    // The second write of period T0 collides with the first: it alone is refused.
    const written = await Promise.allSettled([
      store.putBatchSoon(batchOf(T0, first)),
      store.putBatchSoon(batchOf(T0 + PERIOD_MS, second)),
      store.putBatchSoon(batchOf(T0, many(T0, 'c'))),
    ]);
    assert.deepEqual(
      written.map((w) => w.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
    assert.deepEqual(store.period(SYSTEM_ID, T0), first);
    assert.deepEqual(store.period(SYSTEM_ID, T0 + PERIOD_MS), second);
    const asked = [first[0]!.id, second[119]!.id, 'phd-c-0', first[61]!.id, 'phd-never-sent'];
    assert.deepEqual(store.known(SYSTEM_ID, asked), new Set([first[0]!.id, second[119]!.id, first[61]!.id]));
    assert.equal(
      store.known(
        SYSTEM_ID,
        second.map((r) => r.id),
      ).size,
      120,
    );
    assert.equal(store.reading(SYSTEM_ID, 'phd-c-5'), undefined, 'nothing of the refused period is kept');
  } finally {
    store.close();
    own.remove();
  }
});
