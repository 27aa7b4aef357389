// The custodian's store of device readings (issue 18 §3): the readings stay here, off chain; the chain
// keeps one Merkle root per device and period. A reading is stored once per device and PHD identifier
// (conditional create: a re-sent reading is not stored again), and only after its batch's commitment is
// final, so a refused batch leaves nothing behind. Its own file (monitoring.sqlite) or PostgreSQL schema.
//
// Readings are health data, so nothing of them is stored in clear: each period's readings are one sealed
// batch (sealed-readings.ts, the vault's envelope code), and the index from reading id to period holds
// keyed tags of the ids. What stays in clear is what the chain already holds: the device's system id and
// the period's start and length.
import type { Reading } from '../../app/monitoring/batch.ts';
// The longest period a commitment may have: a time-range scan starts that far before the range.
import { PERIOD_MS_MAX } from '../../app/monitoring/commitments.ts';
import { SchemaStore } from '../storage/ddl.ts';
import type { SqlPort, Storage } from '../storage/port.ts';
import type { KeyPair } from '../keys.ts';
import { sealLegacyReadings, type PeriodLengthOf } from './legacy-readings.ts';
import { ReadingSealer, type BatchPlace } from './sealed-readings.ts';

const SCHEMA_SQL = `
-- One row per committed device period: its readings sealed for the custodian's node key.
CREATE TABLE IF NOT EXISTS monitoring_batches (
  system_id      TEXT NOT NULL,
  period_start   INTEGER NOT NULL,
  period_ms      INTEGER NOT NULL,
  nonce          BLOB NOT NULL,
  key_commitment BLOB NOT NULL,
  ciphertext     BLOB NOT NULL,
  envelope       BLOB NOT NULL,
  PRIMARY KEY (system_id, period_start)
);
-- Which period holds a reading: the reading id only as an HMAC tag (ReadingSealer.tag). One row per
-- reading, so the key is the row (no rowid beside it): one B-tree to write, not two.
CREATE TABLE IF NOT EXISTS monitoring_reading_tags (
  system_id    TEXT NOT NULL,
  reading_tag  TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  PRIMARY KEY (system_id, reading_tag)
) WITHOUT ROWID;
`;

/** One committed period's readings to store, with their index tags (ReadingStore.tags). */
export interface BatchToStore extends BatchPlace {
  readonly periodMs: number;
  readonly readings: readonly Reading[];
  readonly tags: readonly string[];
}

const INSERT_BATCH =
  'INSERT INTO monitoring_batches ' +
  '(system_id, period_start, period_ms, nonce, key_commitment, ciphertext, envelope) VALUES (?, ?, ?, ?, ?, ?, ?)';
const INSERT_TAG =
  'INSERT INTO monitoring_reading_tags (system_id, reading_tag, period_start) VALUES (?, ?, ?)';
/** Tags looked up per query: one prepared statement whatever the batch's size (a short chunk repeats a tag). */
const TAG_LOOKUP_CHUNK = 50;
const SELECT_TAGS =
  'SELECT reading_tag FROM monitoring_reading_tags WHERE system_id = ? AND reading_tag IN (' +
  Array.from({ length: TAG_LOOKUP_CHUNK }, () => '?').join(', ') +
  ')';

/** The most readings one search answers. */
export const READINGS_PAGE_MAX = 1000;
/** Sealed batches read per query while walking a time range. */
const BATCH_PAGE = 64;

interface BatchRow {
  system_id: string;
  period_start: number;
  nonce: Uint8Array;
  key_commitment: Uint8Array;
  ciphertext: Uint8Array;
  envelope: Uint8Array;
}

/** A stored reading and the period it was committed in (whose batch on chain names its patient). */
export interface StoredReading {
  readonly reading: Reading;
  readonly periodStartMs: number;
}

/** Oldest first; equal times by id, so a page boundary is the same on every call. */
const byTimeThenId = ({ reading: a }: StoredReading, { reading: b }: StoredReading): number =>
  a.timeMs - b.timeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

interface PendingWrite {
  readonly batch: BatchToStore;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class ReadingStore extends SchemaStore {
  private readonly sealer: ReadingSealer;
  private pending: PendingWrite[] = [];

  /**
   * Opens the store; a data directory of the old layout has its plaintext readings sealed and their
   * table dropped first (legacy-readings.ts), each batch's period length looked up with `periodMsOf`.
   */
  constructor(port: SqlPort, sealer: ReadingSealer, periodMsOf: PeriodLengthOf = () => undefined) {
    super(port, SCHEMA_SQL);
    this.sealer = sealer;
    sealLegacyReadings(port, (...batch) => this.putBatch(...batch), periodMsOf);
  }

  /** The store of `custodian`'s node: batches are sealed for, and opened with, its key. */
  static open(
    storage: Storage,
    chainId: string,
    custodian: KeyPair,
    periodMsOf?: PeriodLengthOf,
  ): ReadingStore {
    return new ReadingStore(storage.open('monitoring'), new ReadingSealer(chainId, custodian), periodMsOf);
  }

  /** The index tags of the device's reading ids: computed once per batch, to look up and to store. */
  tags(systemId: string, ids: readonly string[]): string[] {
    return ids.map((id) => this.sealer.tag(systemId, id));
  }

  /** Which of these PHD identifiers of the device are stored already. */
  known(systemId: string, ids: readonly string[]): Set<string> {
    const tags = this.tags(systemId, ids);
    const stored = this.storedTags(systemId, tags);
    return new Set(ids.filter((_, i) => stored.has(tags[i]!)));
  }

  /** Which of these tags of the device are in the index: a query per TAG_LOOKUP_CHUNK, not per reading. */
  storedTags(systemId: string, tags: readonly string[]): Set<string> {
    const found = new Set<string>();
    for (let at = 0; at < tags.length; at += TAG_LOOKUP_CHUNK) {
      const chunk = tags.slice(at, at + TAG_LOOKUP_CHUNK);
      while (chunk.length < TAG_LOOKUP_CHUNK) chunk.push(chunk[0]!);
      for (const row of this.port.all<{ reading_tag: string }>(SELECT_TAGS, [systemId, ...chunk])) {
        found.add(row.reading_tag);
      }
    }
    return found;
  }

  /** Seals and stores a committed period's readings in one transaction. */
  putBatch(systemId: string, periodStartMs: number, periodMs: number, readings: readonly Reading[]): void {
    const tags = this.tags(
      systemId,
      readings.map((r) => r.id),
    );
    this.putBatches([{ systemId, periodStartMs, periodMs, readings, tags }]);
  }

  /**
   * Seals and stores committed periods in one transaction (one commit to disk for all): all of them, or,
   * if one cannot be stored, none.
   */
  putBatches(batches: readonly BatchToStore[]): void {
    const rows = batches.flatMap(({ systemId, periodStartMs, periodMs, readings, tags }) => {
      const sealed = this.sealer.seal({ systemId, periodStartMs }, readings);
      const { nonce, keyCommitment, ciphertext, envelope } = sealed;
      return [
        {
          sql: INSERT_BATCH,
          params: [systemId, periodStartMs, periodMs, nonce, keyCommitment, ciphertext, envelope],
        },
        ...tags.map((tag) => ({ sql: INSERT_TAG, params: [systemId, tag, periodStartMs] })),
      ];
    });
    this.port.transaction(() => this.port.batch(rows));
  }

  /**
   * Stores a committed period with the others committed in the same turn of the event loop (a block
   * commits many devices' periods at once), in one transaction: one commit to disk for all of them rather
   * than one each. Resolves once its readings are on disk, so an answer still means durable; if the
   * shared write fails, each period is written alone, so one that cannot be stored fails only itself.
   */
  putBatchSoon(batch: BatchToStore): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.writePending());
    });
  }

  private writePending(): void {
    const pending = this.pending;
    this.pending = [];
    try {
      this.putBatches(pending.map((p) => p.batch));
      for (const p of pending) p.resolve();
    } catch {
      for (const p of pending) {
        try {
          this.putBatches([p.batch]);
          p.resolve();
        } catch (err) {
          p.reject(err);
        }
      }
    }
  }

  /** Every reading of one committed period (to serve an inclusion proof); empty if none is stored. */
  period(systemId: string, periodStartMs: number): Reading[] {
    const row = this.port.get<BatchRow>(
      'SELECT * FROM monitoring_batches WHERE system_id = ? AND period_start = ?',
      [systemId, periodStartMs],
    );
    return row === undefined ? [] : this.open(row);
  }

  /** One reading by its PHD identifier. */
  reading(systemId: string, id: string): StoredReading | undefined {
    const row = this.port.get<{ period_start: number }>(
      'SELECT period_start FROM monitoring_reading_tags WHERE system_id = ? AND reading_tag = ?',
      [systemId, this.sealer.tag(systemId, id)],
    );
    if (row === undefined) return undefined;
    const periodStartMs = Number(row.period_start);
    const reading = this.period(systemId, periodStartMs).find((r) => r.id === id);
    return reading === undefined ? undefined : { reading, periodStartMs };
  }

  /**
   * The device's readings with fromMs ≤ time < toMs, oldest first, at most `limit`. Walks the sealed
   * batches that overlap the range in period order and stops once `limit` readings come before the next
   * batch's start (no reading of a batch is older than its period's start), so a page opens about
   * `limit` batches at most, however long the range.
   */
  between(systemId: string, fromMs: number, toMs: number, limit: number): StoredReading[] {
    const max = Math.min(limit, READINGS_PAGE_MAX);
    if (max <= 0 || toMs <= fromMs) return [];
    let found: StoredReading[] = [];
    let afterStart = fromMs - PERIOD_MS_MAX;
    for (;;) {
      const rows = this.port.all<BatchRow & { period_ms: number }>(
        'SELECT * FROM monitoring_batches WHERE system_id = ? AND period_start > ? AND period_start < ? ' +
          'ORDER BY period_start LIMIT ?',
        [systemId, afterStart, toMs, BATCH_PAGE],
      );
      for (const row of rows) {
        const start = Number(row.period_start);
        if (found.length >= max && found[max - 1]!.reading.timeMs < start) return found;
        if (start + Number(row.period_ms) <= fromMs) continue;
        for (const reading of this.open(row)) {
          if (reading.timeMs >= fromMs && reading.timeMs < toMs)
            found.push({ reading, periodStartMs: start });
        }
        // Keep only the oldest `max`: a reading pushed out now can never come back into the page.
        if (found.length >= max) found = found.sort(byTimeThenId).slice(0, max);
      }
      if (rows.length < BATCH_PAGE) return found.sort(byTimeThenId);
      afterStart = Number(rows[rows.length - 1]!.period_start);
    }
  }

  private open(row: BatchRow): Reading[] {
    const place: BatchPlace = { systemId: row.system_id, periodStartMs: Number(row.period_start) };
    return this.sealer.open(place, {
      nonce: row.nonce,
      keyCommitment: row.key_commitment,
      ciphertext: row.ciphertext,
      envelope: row.envelope,
    });
  }
}
