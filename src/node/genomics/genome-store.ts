// The custodian's genome store (issue 19 §1): each genome as its Crypt4GH container, the secret salt of
// its on-chain commitment, and the index a beacon answers from. The index holds no VRS id and no allele:
// each variant is an HMAC of its VRS id under the node's index key, so the store's file alone does not
// say who carries what; the positions (contig accession and span) stay in the clear for range queries.
// Its own file (genomics.sqlite) or PostgreSQL schema.
import { PortStore } from '../storage/ddl.ts';

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS genomics_genomes (
  dataset_id TEXT PRIMARY KEY,
  patient TEXT NOT NULL,
  container BLOB NOT NULL,
  salt BLOB NOT NULL,
  segments_sha256 TEXT NOT NULL,
  variant_count INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS genomics_genomes_by_patient ON genomics_genomes (patient);
CREATE TABLE IF NOT EXISTS genomics_variants (
  variant_key TEXT NOT NULL,
  dataset_id TEXT NOT NULL,
  accession TEXT NOT NULL,
  start_pos INTEGER NOT NULL,
  end_pos INTEGER NOT NULL,
  PRIMARY KEY (variant_key, dataset_id)
);
DROP INDEX IF EXISTS genomics_variants_by_position;
CREATE INDEX IF NOT EXISTS genomics_variants_by_genome_position
  ON genomics_variants (dataset_id, accession, start_pos);
CREATE TABLE IF NOT EXISTS genomics_answered_spends (
  spend_tx TEXT PRIMARY KEY,
  spend_height INTEGER NOT NULL
);
`;

export interface IndexedVariant {
  /** HMAC of the VRS id under the node's index key. */
  readonly key: string;
  readonly accession: string;
  readonly start: number;
  readonly end: number;
}

export interface StoredGenome {
  readonly datasetId: string;
  readonly patient: string;
  readonly container: Uint8Array;
  readonly salt: Uint8Array;
  readonly segmentsSha256: string;
  readonly variantCount: number;
  readonly createdAtMs: number;
}

/** The longest span a range query may cover on one contig (bases): a bounded scan. */
export const RANGE_BASES_MAX = 10_000_000;

export class GenomeStore extends PortStore('genomics', SCHEMA_SQL) {
  /** Stores a genome and its index in one transaction. */
  put(genome: StoredGenome, variants: readonly IndexedVariant[]): void {
    const insertVariant =
      'INSERT INTO genomics_variants (variant_key, dataset_id, accession, start_pos, end_pos) VALUES (?, ?, ?, ?, ?)';
    this.port.transaction(() => {
      this.port.run(
        'INSERT INTO genomics_genomes (dataset_id, patient, container, salt, segments_sha256, variant_count, created_ms) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?)',
        [
          genome.datasetId,
          genome.patient,
          genome.container,
          genome.salt,
          genome.segmentsSha256,
          genome.variantCount,
          genome.createdAtMs,
        ],
      );
      this.port.batch(
        variants.map((v) => ({
          sql: insertVariant,
          params: [v.key, genome.datasetId, v.accession, v.start, v.end],
        })),
      );
    });
  }

  /**
   * Claims the one look a final budget spend buys (services/genomics/fan-out.ts): true the first time,
   * false ever after, across restarts. Claims of spends at or below `forgetAtOrBelow` are dropped: the
   * looks they bought are refused as too old anyway.
   */
  claimSpend(spendTx: string, spendHeight: number, forgetAtOrBelow: number): boolean {
    return this.port.transaction(() => {
      this.port.run('DELETE FROM genomics_answered_spends WHERE spend_height <= ?', [forgetAtOrBelow]);
      return (
        this.port.run(
          'INSERT INTO genomics_answered_spends (spend_tx, spend_height) VALUES (?, ?) ON CONFLICT DO NOTHING',
          [spendTx, spendHeight],
        ) === 1
      );
    });
  }

  /** Every genome this custodian holds, by dataset id (the beacon's candidates). */
  datasetIds(): string[] {
    return this.port
      .all<{ dataset_id: string }>('SELECT dataset_id FROM genomics_genomes ORDER BY dataset_id')
      .map((r) => r.dataset_id);
  }

  /** The genomes of one patient held here. */
  datasetIdsOf(patient: string): string[] {
    return this.port
      .all<{ dataset_id: string }>(
        'SELECT dataset_id FROM genomics_genomes WHERE patient = ? ORDER BY dataset_id',
        [patient],
      )
      .map((r) => r.dataset_id);
  }

  genome(datasetId: string): StoredGenome | undefined {
    const row = this.port.get<{
      dataset_id: string;
      patient: string;
      container: Uint8Array;
      salt: Uint8Array;
      segments_sha256: string;
      variant_count: number;
      created_ms: number;
    }>('SELECT * FROM genomics_genomes WHERE dataset_id = ?', [datasetId]);
    if (row === undefined) return undefined;
    return {
      datasetId: row.dataset_id,
      patient: row.patient,
      container: row.container,
      salt: row.salt,
      segmentsSha256: row.segments_sha256,
      variantCount: Number(row.variant_count),
      createdAtMs: Number(row.created_ms),
    };
  }

  /** Which of `datasetIds` carry the variant with this index key. */
  carriers(variantKey: string, datasetIds: ReadonlySet<string>): string[] {
    return this.port
      .all<{ dataset_id: string }>('SELECT dataset_id FROM genomics_variants WHERE variant_key = ?', [
        variantKey,
      ])
      .map((r) => r.dataset_id)
      .filter((id) => datasetIds.has(id));
  }

  /**
   * Which of `datasetIds` carry any variant starting in [start, end) on the contig: one index seek per
   * genome asked about (genomics_variants_by_genome_position), never a scan of the range across every
   * genome held, which at 100 genomes of 100k variants is millions of rows for a 10 Mb range.
   */
  carriersInRange(accession: string, start: number, end: number, datasetIds: ReadonlySet<string>): string[] {
    return this.carriersWhere('start_pos >= ? AND start_pos < ?', [start, end], accession, datasetIds);
  }

  /**
   * Which of `datasetIds` hold a variant on `accession` starting in [startMin, startMax] and ending in
   * [endMin, endMax] (a bracket query): one bounded index seek per genome, as for a range.
   */
  carriersInBracket(
    accession: string,
    bracket: { startMin: number; startMax: number; endMin: number; endMax: number },
    datasetIds: ReadonlySet<string>,
  ): string[] {
    const { startMin, startMax, endMin, endMax } = bracket;
    const where = 'start_pos >= ? AND start_pos <= ? AND end_pos >= ? AND end_pos <= ?';
    return this.carriersWhere(where, [startMin, startMax, endMin, endMax], accession, datasetIds);
  }

  /** The genomes, in id order, with at least one variant on `accession` meeting `positions`. */
  private carriersWhere(
    positions: string,
    params: readonly number[],
    accession: string,
    datasetIds: ReadonlySet<string>,
  ): string[] {
    const sql = `SELECT 1 AS hit FROM genomics_variants WHERE dataset_id = ? AND accession = ? AND ${positions} LIMIT 1`;
    return [...datasetIds]
      .sort()
      .filter((id) => this.port.get<{ hit: number }>(sql, [id, accession, ...params]) !== undefined);
  }

  /** Crypto-shredding: the container, salt and index of one genome are deleted. */
  erase(datasetId: string): void {
    this.port.transaction(() => {
      this.port.run('DELETE FROM genomics_variants WHERE dataset_id = ?', [datasetId]);
      this.port.run('DELETE FROM genomics_genomes WHERE dataset_id = ?', [datasetId]);
    });
  }
}
