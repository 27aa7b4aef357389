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
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeError } from '../errors.ts';
import { VAULT_SCHEMA_SQL, VAULT_SCHEMA_VERSION } from './vault-schema.ts';

export const VAULT_FILE = 'vault.sqlite';
export const LIST_LIMIT_MAX = 10_000;

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
  ciphertext: Buffer;
  nonce: Buffer;
  salt: Buffer;
  key_commitment: Buffer;
  commitment: string;
  created_at_ms: number;
}

const VERSION_COLUMNS =
  'chain_id, record_id, version, resource_type, patient_pseudonym, ciphertext, nonce, salt, key_commitment, commitment, created_at_ms';

function bytes(buffer: Buffer): Uint8Array {
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

export class VaultStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, VAULT_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(VAULT_SCHEMA_SQL);
    this.db
      .prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)')
      .run('schema_version', String(VAULT_SCHEMA_VERSION));
    this.statements = this.prepare();
    // A crash between a shred's commit and its wipe leaves old page images in the WAL: wipe them now.
    this.wipe();
  }

  private prepare() {
    const db = this.db;
    return {
      version: db.prepare<[string, number], VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM record_versions WHERE record_id = ? AND version = ?`,
      ),
      latest: db.prepare<[string], VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM record_versions WHERE record_id = ? ORDER BY version DESC LIMIT 1`,
      ),
      insertVersion: db.prepare(
        `INSERT INTO record_versions (${VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertKey: db.prepare(
        'INSERT INTO wrapped_keys (record_id, version, recipient, envelope) VALUES (?, ?, ?, ?)',
      ),
      wrappedKey: db.prepare<[string, number, string], { envelope: Buffer }>(
        'SELECT envelope FROM wrapped_keys WHERE record_id = ? AND version = ? AND recipient = ?',
      ),
      byPatient: db.prepare<[string, number], VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM record_versions WHERE patient_pseudonym = ?
           ORDER BY record_id, version LIMIT ?`,
      ),
      shredTargetsByPatient: db.prepare<[string], { record_id: string; version: number; commitment: string }>(
        `SELECT record_id, version, commitment FROM record_versions WHERE patient_pseudonym = ?
           ORDER BY record_id, version`,
      ),
      shredTargetsByRecord: db.prepare<[string], { record_id: string; version: number; commitment: string }>(
        'SELECT record_id, version, commitment FROM record_versions WHERE record_id = ? ORDER BY version',
      ),
      isShredded: db.prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM shredded WHERE record_id = ?',
      ),
      isVersionShredded: db.prepare<[string, number], { n: number }>(
        'SELECT count(*) AS n FROM shredded WHERE record_id = ? AND version = ?',
      ),
      insertShredded: db.prepare(
        'INSERT INTO shredded (record_id, version, commitment, shredded_at_ms) VALUES (?, ?, ?, ?)',
      ),
      deleteKeys: db.prepare('DELETE FROM wrapped_keys WHERE record_id = ? AND version = ?'),
      deleteVersion: db.prepare('DELETE FROM record_versions WHERE record_id = ? AND version = ?'),
    };
  }

  close(): void {
    this.db.close();
  }

  /**
   * Stores a new version with its wrapped keys, all-or-nothing: a version is never on disk without a key
   * that opens it. Versions of one record keep their chain, resource type and patient.
   */
  put(version: StoredVersion, wrappedKeys: readonly WrappedKey[]): void {
    const s = this.statements;
    const { recordId } = version;
    this.db.transaction(() => {
      if (s.isShredded.get(recordId)!.n > 0) throw shreddedError(recordId);
      if (s.version.get(recordId, version.version) !== undefined) {
        throw new NodeError('vault.version_exists', 'this record version is already in the vault', {
          recordId,
          version: version.version,
        });
      }
      const previous = s.latest.get(recordId);
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
      s.insertVersion.run(
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
      );
      for (const key of wrappedKeys) s.insertKey.run(recordId, version.version, key.recipient, key.envelope);
    })();
  }

  /** The given version, or the latest one; throws vault.shredded or vault.not_found. */
  get(recordId: string, version?: number): StoredVersion {
    const row =
      version === undefined
        ? this.statements.latest.get(recordId)
        : this.statements.version.get(recordId, version);
    if (row !== undefined) return toVersion(row);
    const shredded =
      version === undefined
        ? this.statements.isShredded.get(recordId)!.n > 0
        : this.statements.isVersionShredded.get(recordId, version)!.n > 0;
    if (shredded) throw shreddedError(recordId);
    throw new NodeError('vault.not_found', 'no such record version in the vault', {
      recordId,
      version: version ?? null,
    });
  }

  /** The envelope of one recipient; throws vault.no_key when the version has none for them. */
  wrappedKeyFor(recordId: string, version: number, recipient: string): Uint8Array {
    this.get(recordId, version);
    const row = this.statements.wrappedKey.get(recordId, version, recipient);
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
    this.db.transaction(() => {
      this.get(recordId, version);
      if (this.statements.wrappedKey.get(recordId, version, key.recipient) !== undefined) {
        throw new NodeError('vault.recipient_exists', 'the recipient already has a key for this version', {
          recordId,
          version,
        });
      }
      this.statements.insertKey.run(recordId, version, key.recipient, key.envelope);
    })();
  }

  /** The patient's versions, metadata only, ordered by (recordId, version), at most `limit`. */
  listByPatient(patientPseudonym: string, limit = 1000): VersionSummary[] {
    const bounded = Math.max(0, Math.min(Math.trunc(limit), LIST_LIMIT_MAX));
    return this.statements.byPatient.all(patientPseudonym, bounded).map((row) => ({
      recordId: row.record_id,
      version: row.version,
      resourceType: row.resource_type,
      commitment: row.commitment,
      createdAtMs: row.created_at_ms,
    }));
  }

  /**
   * Crypto-shredding: deletes every version of the target and every wrapped key of those versions in one
   * database transaction, leaves a tombstone, then wipes the freed bytes from both database files.
   */
  shred(target: ShredTarget, shreddedAtMs: number): ShredReceiptBody {
    const s = this.statements;
    const receipt = this.db.transaction((): ShredReceiptBody => {
      const rows =
        'recordId' in target
          ? s.shredTargetsByRecord.all(target.recordId)
          : s.shredTargetsByPatient.all(target.patientPseudonym);
      if (rows.length === 0) {
        if ('recordId' in target && s.isShredded.get(target.recordId)!.n > 0) {
          throw shreddedError(target.recordId);
        }
        throw new NodeError('vault.not_found', 'nothing in the vault matches the shred target');
      }
      for (const row of rows) {
        s.insertShredded.run(row.record_id, row.version, row.commitment, shreddedAtMs);
        s.deleteKeys.run(row.record_id, row.version);
        s.deleteVersion.run(row.record_id, row.version);
      }
      return {
        recordIds: [...new Set(rows.map((r) => r.record_id))],
        versions: rows.map((r) => ({ recordId: r.record_id, version: r.version })),
        commitments: rows.map((r) => r.commitment),
        shreddedAtMs,
      };
    })();
    this.wipe();
    return receipt;
  }

  /** Moves the zeroed pages into the main file and truncates the WAL that held the old page images. */
  private wipe(): void {
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result === undefined || result.busy !== 0) {
      // Only another connection reading an old snapshot can block it; the vault owns its file alone.
      throw new NodeError('vault.wipe_incomplete', 'the shred is committed but the WAL was not wiped yet');
    }
  }
}

function shreddedError(recordId: string): NodeError {
  return new NodeError('vault.shredded', 'the record was erased from the vault', { recordId });
}
