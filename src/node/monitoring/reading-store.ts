// The custodian's store of device readings (issue 18 §3): the readings stay here, off chain; the chain
// keeps one Merkle root per device and period. A reading is stored once per device and PHD identifier
// (conditional create: a re-sent reading is not stored again), and only after its batch's commitment is
// final, so a refused batch leaves nothing behind. Its own file (monitoring.sqlite) or PostgreSQL schema.
import type { Reading } from '../../app/monitoring/batch.ts';
import { SchemaStore } from '../storage/ddl.ts';
import type { SqlPort, Storage } from '../storage/port.ts';

const SCHEMA_SQL = `
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

/** The most readings one search answers. */
export const READINGS_PAGE_MAX = 1000;

interface Row {
  reading_id: string;
  code: string;
  value: string;
  unit: string;
  time_ms: number;
}

const toReading = (r: Row): Reading => ({
  id: r.reading_id,
  code: r.code,
  value: r.value,
  unit: r.unit,
  timeMs: Number(r.time_ms),
});

export class ReadingStore extends SchemaStore {
  constructor(port: SqlPort) {
    super(port, SCHEMA_SQL);
  }

  static open(storage: Storage): ReadingStore {
    return new ReadingStore(storage.open('monitoring'));
  }

  /** Which of these PHD identifiers of the device are stored already. */
  known(systemId: string, ids: readonly string[]): Set<string> {
    const found = new Set<string>();
    for (const id of ids) {
      const row = this.port.get<{ n: number }>(
        'SELECT 1 AS n FROM monitoring_readings WHERE system_id = ? AND reading_id = ?',
        [systemId, id],
      );
      if (row !== undefined) found.add(id);
    }
    return found;
  }

  /** Stores a committed period's readings in one transaction. */
  putBatch(systemId: string, periodStartMs: number, readings: readonly Reading[]): void {
    const sql =
      'INSERT INTO monitoring_readings (system_id, reading_id, period_start, code, value, unit, time_ms) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?)';
    this.port.transaction(() =>
      this.port.batch(
        readings.map((r) => ({
          sql,
          params: [systemId, r.id, periodStartMs, r.code, r.value, r.unit, r.timeMs],
        })),
      ),
    );
  }

  /** Every reading of one committed period (to serve an inclusion proof). */
  period(systemId: string, periodStartMs: number): Reading[] {
    return this.port
      .all<Row>('SELECT * FROM monitoring_readings WHERE system_id = ? AND period_start = ?', [
        systemId,
        periodStartMs,
      ])
      .map(toReading);
  }

  /** One reading by its PHD identifier. */
  reading(systemId: string, id: string): { reading: Reading; periodStartMs: number } | undefined {
    const row = this.port.get<Row & { period_start: number }>(
      'SELECT * FROM monitoring_readings WHERE system_id = ? AND reading_id = ?',
      [systemId, id],
    );
    return row === undefined
      ? undefined
      : { reading: toReading(row), periodStartMs: Number(row.period_start) };
  }

  /** The device's readings with fromMs ≤ time < toMs, oldest first, at most `limit`. */
  between(systemId: string, fromMs: number, toMs: number, limit: number): Reading[] {
    return this.port
      .all<Row>(
        'SELECT * FROM monitoring_readings WHERE system_id = ? AND time_ms >= ? AND time_ms < ? ' +
          'ORDER BY time_ms, reading_id LIMIT ?',
        [systemId, fromMs, toMs, Math.min(limit, READINGS_PAGE_MAX)],
      )
      .map(toReading);
  }
}
