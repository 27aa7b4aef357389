// An old data directory on a real SQLite file (issue 18, readings sealed at rest): a monitoring store of
// the layout before sealing (plaintext monitoring_readings) is migrated when it is opened. Its readings
// come back by id, period and time range from sealed batches with their period lengths from the chain,
// the plaintext table is gone, and neither the file nor its WAL holds any reading in clear afterwards,
// where the same scan found them all before the open.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Reading } from '../../app/monitoring/batch.ts';
import { PERIOD_MS_MAX } from '../../app/monitoring/commitments.ts';
import { seedOf, tempDir } from '../../../test/harness/chain.ts';
import { scanStores } from '../../../test/harness/phi-scan.ts';
import { keyPairFromSeed } from '../keys.ts';
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { ReadingStore } from './reading-store.ts';

const CHAIN = 'carechain-monitoring-legacy';
const custodian = keyPairFromSeed(seedOf('custodian node'));
const SYSTEM_ID = '001c050400007825';
const OTHER_ID = '001c050400007826';
const PERIOD_MS = 1000;
const T0 = 1_765_100_000_000;

/** The monitoring store's schema before readings were sealed (as of commit 90d4729). */
const OLD_LAYOUT = `
CREATE TABLE IF NOT EXISTS monitoring_readings (
  system_id TEXT NOT NULL,
  reading_id TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  code TEXT NOT NULL,
  value TEXT NOT NULL,
  unit TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  PRIMARY KEY (system_id, reading_id)
);
CREATE INDEX IF NOT EXISTS monitoring_readings_by_period ON monitoring_readings (system_id, period_start);
CREATE INDEX IF NOT EXISTS monitoring_readings_by_time ON monitoring_readings (system_id, time_ms);
`;

function readingsOf(periodStartMs: number, tag: string): Reading[] {
  return [
    { id: `old-${tag}-spo2`, code: '150456', value: `96.${tag}41`, unit: '%', timeMs: periodStartMs + 20 },
    {
      id: `old-${tag}-pulse`,
      code: '149530',
      value: `71.${tag}53`,
      unit: '/min',
      timeMs: periodStartMs + 700,
    },
  ];
}

const dir = tempDir();
after(() => dir.remove());

/** Writes the old layout's rows as the old ReadingStore.putBatch did, then closes the file. */
function writeOldStore(batches: ReadonlyArray<{ systemId: string; start: number; readings: Reading[] }>) {
  const storage = new SqliteStorage(dir.path);
  const port = storage.open('monitoring');
  port.exec(OLD_LAYOUT);
  port.transaction(() => {
    for (const { systemId, start, readings } of batches) {
      for (const r of readings) {
        port.run(
          'INSERT INTO monitoring_readings (system_id, reading_id, period_start, code, value, unit, time_ms) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?)',
          [systemId, r.id, start, r.code, r.value, r.unit, r.timeMs],
        );
      }
    }
  });
  port.close();
  storage.close();
}

function phiOf(readings: readonly Reading[]): string[] {
  return readings
    .flatMap((r) => [r.id, r.code, r.value, r.unit, String(r.timeMs)])
    .filter((s) => s.length >= 5);
}

test('an old-layout store is sealed on open: its readings come back, its plaintext table and every reading in clear are gone', () => {
  const batches = [
    { systemId: SYSTEM_ID, start: T0, readings: readingsOf(T0, '111') },
    { systemId: SYSTEM_ID, start: T0 + PERIOD_MS, readings: readingsOf(T0 + PERIOD_MS, '222') },
    // A period the chain does not know: kept, with the longest period length a batch may have.
    { systemId: OTHER_ID, start: T0, readings: readingsOf(T0, '333') },
  ];
  writeOldStore(batches);
  const phi = phiOf(batches.flatMap((b) => b.readings));
  assert.ok(phi.length >= 24);
  // The scan can fail: before the open, the old layout holds every reading in clear.
  const before = scanStores(dir.path, phi);
  const leaked = new Set(before.leaks.map((l) => l.phi));
  for (const r of batches.flatMap((b) => b.readings)) {
    assert.ok(leaked.has(r.id) && leaked.has(r.value), `the old file holds ${r.id} and its value in clear`);
  }

  const onChain = (systemId: string) => (systemId === SYSTEM_ID ? PERIOD_MS : undefined);
  const storage = new SqliteStorage(dir.path);
  const store = ReadingStore.open(storage, CHAIN, custodian, (systemId) => onChain(systemId));
  const raw = storage.open('monitoring');
  try {
    const first = batches[0]!.readings;
    assert.deepEqual(store.reading(SYSTEM_ID, first[1]!.id), { reading: first[1], periodStartMs: T0 });
    assert.deepEqual(store.period(SYSTEM_ID, T0 + PERIOD_MS), batches[1]!.readings);
    assert.deepEqual(store.period(OTHER_ID, T0), batches[2]!.readings);
    assert.deepEqual(
      store.between(SYSTEM_ID, T0, T0 + 2 * PERIOD_MS, 100).map((s) => s.reading.id),
      [...batches[0]!.readings, ...batches[1]!.readings].map((r) => r.id),
    );
    // Conditional create still holds for migrated readings: a re-sent one is known.
    assert.deepEqual(store.known(SYSTEM_ID, [first[0]!.id, 'never-sent']), new Set([first[0]!.id]));
    const lengths = raw.all<{ system_id: string; period_ms: number }>(
      'SELECT system_id, period_ms FROM monitoring_batches ORDER BY system_id, period_start',
    );
    assert.deepEqual(
      lengths.map((r) => [r.system_id, Number(r.period_ms)]),
      [
        [SYSTEM_ID, PERIOD_MS],
        [SYSTEM_ID, PERIOD_MS],
        [OTHER_ID, PERIOD_MS_MAX],
      ],
    );
    const table = raw.get("SELECT name FROM sqlite_master WHERE name LIKE 'monitoring_readings%'");
    assert.equal(table, undefined, 'the plaintext table and its indexes are dropped');
    const whileOpen = scanStores(dir.path, phi);
    assert.ok(whileOpen.bytesRead.monitoring > 0);
    assert.deepEqual(whileOpen.leaks, [], 'no reading in the file or its WAL once migrated');
  } finally {
    raw.close();
    store.close();
    storage.close();
  }

  // Opening again migrates nothing more and loses nothing.
  const again = new SqliteStorage(dir.path);
  const reopened = ReadingStore.open(again, CHAIN, custodian);
  try {
    assert.deepEqual(reopened.period(SYSTEM_ID, T0), batches[0]!.readings);
  } finally {
    reopened.close();
    again.close();
  }
  assert.deepEqual(scanStores(dir.path, phi).leaks, []);
});
