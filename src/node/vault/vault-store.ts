// The custodian's off-chain vault on disk: encrypted record versions and the data keys wrapped for each
// recipient, in their own SQLite file (vault.sqlite) beside the ledger. WAL with synchronous=FULL, like
// ledger.sqlite: a version whose commitment goes on chain must still be here after a power loss.
//
// Erasure is crypto-shredding (DESIGN.md "Off-chain vault and access"): one database transaction deletes
// the ciphertexts and every wrapped key of the target. secure_delete=ON makes SQLite overwrite the freed
// cells and pages with zeros, and a TRUNCATE checkpoint then copies the zeroed pages into the main file
// and cuts the WAL to nothing, so no earlier page image with the ciphertext survives in either file.
// (Copies outside SQLite's reach, such as backups, filesystem snapshots or flash wear-levelling, still hold
// ciphertext; without the wrapped keys it is unreadable, which is the point of shredding keys too.)
//
// On PostgreSQL (the vault schema) a shred deletes the same rows in one transaction and then VACUUMs the
// two tables, which frees the dead tuples for reuse; PostgreSQL does not zero them, and its WAL and
// base backups keep older images for their retention period. The keys are gone either way, which is
// what makes the ciphertext unreadable (docs/ARCHITECTURE.md "Storage").
import { NodeError } from '../errors.ts';
import { createSchema } from '../storage/ddl.ts';
import type { SqlPort, Storage } from '../storage/port.ts';
import { VAULT_SCHEMA_SQL, VAULT_SCHEMA_VERSION } from './vault-schema.ts';

export const VAULT_FILE = 'vault.sqlite';
export const LIST_LIMIT_MAX = 10_000;
const ERASURE_CURSOR = 'erasure_cursor';

export interface StoredVersion {
  readonly chainId: string;
  readonly recordId: string;
  readonly version: number;
  readonly resourceType: string;
  readonly patientPseudonym: string;
  readonly ciphertext: Uint8Array;
  readonly nonce: Uint8Array;
  readonly salt: Uint8Array;
  readonly keyCommitment: Uint8Array;
  readonly commitment: string;
  readonly createdAtMs: number;
}

/** A version's metadata without its ciphertext, for listings. */
export type VersionSummary = Pick<
  StoredVersion,
  'recordId' | 'version' | 'resourceType' | 'commitment' | 'createdAtMs'
>;

export interface WrappedKey {
  readonly recipient: string;
  readonly envelope: Uint8Array;
}

export type ShredTarget = { readonly patientPseudonym: string } | { readonly recordId: string };

/**
 * What a shred removed, for the caller to sign and commit as the erasure receipt. versions[i] and
 * commitments[i] describe the same version; both are sorted by (recordId, version).
 */
export interface ShredReceiptBody {
  readonly recordIds: string[];
  readonly versions: { recordId: string; version: number }[];
  readonly commitments: string[];
  readonly shreddedAtMs: number;
}

interface VersionRow {
  chain_id: string;
  record_id: string;
  version: number;
  resource_type: string;
  patient_pseudonym: string;
  ciphertext: Uint8Array;
  nonce: Uint8Array;
  salt: Uint8Array;
  key_commitment: Uint8Array;
  commitment: string;
  created_at_ms: number;
}

const VERSION_COLUMNS =
  'chain_id, record_id, version, resource_type, patient_pseudonym, ciphertext, nonce, salt, key_commitment, commitment, created_at_ms';

function bytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function toVersion(row: VersionRow): StoredVersion {
  return {
    chainId: row.chain_id,
    recordId: row.record_id,
    version: row.version,
    resourceType: row.resource_type,
    patientPseudonym: row.patient_pseudonym,
    ciphertext: bytes(row.ciphertext),
    nonce: bytes(row.nonce),
    salt: bytes(row.salt),
    keyCommitment: bytes(row.key_commitment),
    commitment: row.commitment,
    createdAtMs: row.created_at_ms,
  };
}

type TargetRow = { record_id: string; version: number; commitment: string };

const SQL = {
  version: `SELECT ${VERSION_COLUMNS} FROM record_versions WHERE record_id = ? AND version = ?`,
  latest: `SELECT ${VERSION_COLUMNS} FROM record_versions WHERE record_id = ? ORDER BY version DESC LIMIT 1`,
  // What a put checks, without reading a ciphertext: whether the version exists, and whom the record is.
  versionExists: 'SELECT 1 AS n FROM record_versions WHERE record_id = ? AND version = ?',
  latestIdentity: `SELECT chain_id, resource_type, patient_pseudonym FROM record_versions WHERE record_id = ?
    ORDER BY version DESC LIMIT 1`,
  insertVersion: `INSERT INTO record_versions (${VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertKey: 'INSERT INTO wrapped_keys (record_id, version, recipient, envelope) VALUES (?, ?, ?, ?)',
  wrappedKey: 'SELECT envelope FROM wrapped_keys WHERE record_id = ? AND version = ? AND recipient = ?',
  recordsOfType:
    'SELECT DISTINCT record_id FROM record_versions WHERE resource_type = ? ORDER BY record_id LIMIT ?',
  byPatient: `SELECT ${VERSION_COLUMNS} FROM record_versions WHERE patient_pseudonym = ?
    ORDER BY record_id, version LIMIT ?`,
  shredTargetsByPatient: `SELECT record_id, version, commitment FROM record_versions WHERE patient_pseudonym = ?
    ORDER BY record_id, version`,
  shredTargetsByRecord:
    'SELECT record_id, version, commitment FROM record_versions WHERE record_id = ? ORDER BY version',
  isShredded: 'SELECT count(*) AS n FROM shredded WHERE record_id = ?',
  isVersionShredded: 'SELECT count(*) AS n FROM shredded WHERE record_id = ? AND version = ?',
  insertShredded: 'INSERT INTO shredded (record_id, version, commitment, shredded_at_ms) VALUES (?, ?, ?, ?)',
  deleteKeys: 'DELETE FROM wrapped_keys WHERE record_id = ? AND version = ?',
  deleteVersion: 'DELETE FROM record_versions WHERE record_id = ? AND version = ?',
};

export class VaultStore {
  private readonly port: SqlPort;

  constructor(port: SqlPort) {
    this.port = port;
    if (port.dialect === 'sqlite') {
      port.exec('PRAGMA secure_delete = ON');
      port.exec('PRAGMA foreign_keys = ON');
    }
    createSchema(port, VAULT_SCHEMA_SQL);
    port.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING', [
      'schema_version',
      String(VAULT_SCHEMA_VERSION),
    ]);
    // A crash between a shred's commit and its wipe leaves old page images in the WAL: wipe them now.
    this.wipe();
  }

  static open(storage: Storage): VaultStore {
    return new VaultStore(storage.open('vault'));
  }

  private count(sql: string, params: (string | number)[]): number {
    return this.port.get<{ n: number }>(sql, params)?.n ?? 0;
  }

  close(): void {
    this.port.close();
  }

  /**
   * How many of the chain's erasure requests this custodian has finished (services/records/
   * erasure-jobs.ts): kept beside the shredded data, so a restart resumes at the first unfinished one.
   */
  erasureCursor(): number {
    const row = this.port.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [ERASURE_CURSOR]);
    return row === undefined ? 0 : Number(row.value);
  }

  setErasureCursor(n: number): void {
    this.port.run(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [ERASURE_CURSOR, String(n)],
    );
  }

  /**
   * Stores a new version with its wrapped keys, all-or-nothing: a version is never on disk without a key
   * that opens it. Versions of one record keep their chain, resource type and patient.
   */
  put(version: StoredVersion, wrappedKeys: readonly WrappedKey[]): void {
    this.putAll([{ version, wrappedKeys }]);
  }

  /** put() for several versions in one transaction: all are stored, or none (one commit, one fsync). */
  putAll(versions: readonly { version: StoredVersion; wrappedKeys: readonly WrappedKey[] }[]): void {
    this.port.transaction(() => {
      for (const { version, wrappedKeys } of versions) this.insertVersion(version, wrappedKeys);
    });
  }

  /** One version's rows, checked first; the caller holds the transaction. */
  private insertVersion(version: StoredVersion, wrappedKeys: readonly WrappedKey[]): void {
    const { recordId } = version;
    if (this.count(SQL.isShredded, [recordId]) > 0) throw shreddedError(recordId);
    if (this.port.get(SQL.versionExists, [recordId, version.version]) !== undefined) {
      throw new NodeError('vault.version_exists', 'this record version is already in the vault', {
        recordId,
        version: version.version,
      });
    }
    const previous = this.port.get<Pick<VersionRow, 'chain_id' | 'resource_type' | 'patient_pseudonym'>>(
      SQL.latestIdentity,
      [recordId],
    );
    if (
      previous !== undefined &&
      (previous.chain_id !== version.chainId ||
        previous.resource_type !== version.resourceType ||
        previous.patient_pseudonym !== version.patientPseudonym)
    ) {
      throw new NodeError(
        'vault.record_mismatch',
        'a new version must keep the chain, resource type and patient of its record',
        { recordId },
      );
    }
    this.port.run(SQL.insertVersion, [
      version.chainId,
      recordId,
      version.version,
      version.resourceType,
      version.patientPseudonym,
      version.ciphertext,
      version.nonce,
      version.salt,
      version.keyCommitment,
      version.commitment,
      version.createdAtMs,
    ]);
    this.port.batch(
      wrappedKeys.map((key) => ({
        sql: SQL.insertKey,
        params: [recordId, version.version, key.recipient, key.envelope],
      })),
    );
  }

  /** The given version, or the latest one; throws vault.shredded or vault.not_found. */
  get(recordId: string, version?: number): StoredVersion {
    const row =
      version === undefined
        ? this.port.get<VersionRow>(SQL.latest, [recordId])
        : this.port.get<VersionRow>(SQL.version, [recordId, version]);
    if (row !== undefined) return toVersion(row);
    const shredded =
      version === undefined
        ? this.count(SQL.isShredded, [recordId]) > 0
        : this.count(SQL.isVersionShredded, [recordId, version]) > 0;
    if (shredded) throw shreddedError(recordId);
    throw new NodeError('vault.not_found', 'no such record version in the vault', {
      recordId,
      version: version ?? null,
    });
  }

  /** The envelope of one recipient; throws vault.no_key when the version has none for them. */
  wrappedKeyFor(recordId: string, version: number, recipient: string): Uint8Array {
    this.get(recordId, version);
    const row = this.port.get<{ envelope: Uint8Array }>(SQL.wrappedKey, [recordId, version, recipient]);
    if (row === undefined) {
      throw new NodeError('vault.no_key', 'the record version has no key wrapped for this recipient', {
        recordId,
        version,
      });
    }
    return bytes(row.envelope);
  }

  /** Adds one recipient's envelope to a stored version; a recipient already present is refused. */
  addRecipient(recordId: string, version: number, key: WrappedKey): void {
    this.port.transaction(() => {
      this.get(recordId, version);
      if (this.port.get(SQL.wrappedKey, [recordId, version, key.recipient]) !== undefined) {
        throw new NodeError('vault.recipient_exists', 'the recipient already has a key for this version', {
          recordId,
          version,
        });
      }
      this.port.run(SQL.insertKey, [recordId, version, key.recipient, key.envelope]);
    });
  }

  /** The patient's versions, metadata only, ordered by (recordId, version), at most `limit`. */
  listByPatient(patientPseudonym: string, limit = 1000): VersionSummary[] {
    const bounded = Math.max(0, Math.min(Math.trunc(limit), LIST_LIMIT_MAX));
    return this.port.all<VersionRow>(SQL.byPatient, [patientPseudonym, bounded]).map((row) => ({
      recordId: row.record_id,
      version: row.version,
      resourceType: row.resource_type,
      commitment: row.commitment,
      createdAtMs: row.created_at_ms,
    }));
  }

  /** The ids of the records of one resource type held here (for the custodian's own search), at most `limit`. */
  recordIdsOfType(resourceType: string, limit: number): string[] {
    const bounded = Math.max(0, Math.min(Math.trunc(limit), LIST_LIMIT_MAX));
    return this.port
      .all<{ record_id: string }>(SQL.recordsOfType, [resourceType, bounded])
      .map((row) => row.record_id);
  }

  /**
   * Crypto-shredding: deletes every version of the target and every wrapped key of those versions in one
   * database transaction, leaves a tombstone, then wipes the freed bytes from both database files.
   */
  shred(target: ShredTarget, shreddedAtMs: number): ShredReceiptBody {
    const receipt = this.port.transaction((): ShredReceiptBody => {
      const rows =
        'recordId' in target
          ? this.port.all<TargetRow>(SQL.shredTargetsByRecord, [target.recordId])
          : this.port.all<TargetRow>(SQL.shredTargetsByPatient, [target.patientPseudonym]);
      if (rows.length === 0) {
        if ('recordId' in target && this.count(SQL.isShredded, [target.recordId]) > 0) {
          throw shreddedError(target.recordId);
        }
        throw new NodeError('vault.not_found', 'nothing in the vault matches the shred target');
      }
      this.port.batch(
        rows.flatMap((row) => [
          { sql: SQL.insertShredded, params: [row.record_id, row.version, row.commitment, shreddedAtMs] },
          { sql: SQL.deleteKeys, params: [row.record_id, row.version] },
          { sql: SQL.deleteVersion, params: [row.record_id, row.version] },
        ]),
      );
      return {
        recordIds: [...new Set(rows.map((r) => r.record_id))],
        versions: rows.map((r) => ({ recordId: r.record_id, version: r.version })),
        commitments: rows.map((r) => r.commitment),
        shreddedAtMs,
      };
    });
    this.wipe();
    return receipt;
  }

  /** Moves the zeroed pages into the main file and truncates the WAL that held the old page images. */
  private wipe(): void {
    if (this.port.dialect === 'postgres') {
      this.port.exec('VACUUM record_versions, wrapped_keys');
      return;
    }
    const [result] = this.port.all<{ busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)');
    if (result === undefined || result.busy !== 0) {
      // Only another connection reading an old snapshot can block it; the vault owns its file alone.
      throw new NodeError('vault.wipe_incomplete', 'the shred is committed but the WAL was not wiped yet');
    }
  }
}

function shreddedError(recordId: string): NodeError {
  return new NodeError('vault.shredded', 'the record was erased from the vault', { recordId });
}
