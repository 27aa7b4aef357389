// Data directories from before readings were sealed (commit 67cb8d7) keep a monitoring_readings table
// with every reading's id, MDC code, value, unit and time in clear. Opening such a store seals those
// readings into monitoring_batches (one sealed batch per device and period, as putBatch would have
// stored them), indexes their ids as tags, and drops the plaintext table, all in one database
// transaction: a crash leaves either the old layout (migrated on the next open) or the new one, never
// both or neither. On SQLite the freed pages are then overwritten (secure_delete) and the file vacuumed
// and its WAL truncated, so no reading survives in a free page or an old WAL frame.
import type { Reading } from '../../app/monitoring/batch.ts';
import { PERIOD_MS_MAX } from '../../app/monitoring/commitments.ts';
import type { SqlPort } from '../storage/port.ts';

const LEGACY_TABLE = 'monitoring_readings';

interface LegacyRow {
  system_id: string;
  reading_id: string;
  period_start: number;
  code: string;
  value: string;
  unit: string;
  time_ms: number;
}

/** The period length a committed batch has on chain; undefined when the chain has no such batch. */
export type PeriodLengthOf = (systemId: string, periodStartMs: number) => number | undefined;

/** Stores one period's readings as the current layout does (ReadingStore.putBatch). */
export type PutBatch = (
  systemId: string,
  periodStartMs: number,
  periodMs: number,
  readings: readonly Reading[],
) => void;

function legacyTableExists(port: SqlPort): boolean {
  const row =
    port.dialect === 'sqlite'
      ? port.get<{ n: number }>("SELECT 1 AS n FROM sqlite_master WHERE type = 'table' AND name = ?", [
          LEGACY_TABLE,
        ])
      : port.get<{ n: number }>(
          'SELECT 1 AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?',
          [LEGACY_TABLE],
        );
  return row !== undefined;
}

/**
 * Seals an old store's plaintext readings and drops their table; returns how many readings moved (0 for
 * a store that never had the old layout). `periodMsOf` gives each batch's length from the chain; a
 * period the chain does not know (none should exist: readings were stored only after their commit) is
 * kept with the longest period a batch may have, which only widens time-range scans over it.
 */
export function sealLegacyReadings(port: SqlPort, putBatch: PutBatch, periodMsOf: PeriodLengthOf): number {
  if (!legacyTableExists(port)) return 0;
  const rows = port.all<LegacyRow>(
    `SELECT system_id, reading_id, period_start, code, value, unit, time_ms FROM ${LEGACY_TABLE} ` +
      'ORDER BY system_id, period_start, time_ms, reading_id',
  );
  const periods = new Map<string, { systemId: string; periodStartMs: number; readings: Reading[] }>();
  for (const row of rows) {
    const periodStartMs = Number(row.period_start);
    const key = `${row.system_id}/${periodStartMs}`;
    let period = periods.get(key);
    if (period === undefined) {
      period = { systemId: row.system_id, periodStartMs, readings: [] };
      periods.set(key, period);
    }
    const { reading_id: id, code, value, unit } = row;
    period.readings.push({ id, code, value, unit, timeMs: Number(row.time_ms) });
  }
  if (port.dialect === 'sqlite') port.exec('PRAGMA secure_delete = ON');
  port.transaction(() => {
    for (const { systemId, periodStartMs, readings } of periods.values()) {
      putBatch(systemId, periodStartMs, periodMsOf(systemId, periodStartMs) ?? PERIOD_MS_MAX, readings);
    }
    port.run(`DELETE FROM ${LEGACY_TABLE}`);
    port.exec(`DROP TABLE ${LEGACY_TABLE}`);
  });
  if (port.dialect === 'sqlite') {
    port.exec('VACUUM');
    port.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }
  return rows.length;
}
