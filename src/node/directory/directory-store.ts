// The custodian's directory: FHIR resources about the institution itself rather than about a patient
// (Organization, Practitioner, Location, …, e.g. Synthea's hospital and practitioner bundles). They are
// not health data, so they are neither encrypted nor registered on chain; they live beside the vault in
// their own SQLite file, versioned like records. Many writes land in one database transaction, so a FHIR
// transaction Bundle's directory entries are stored all or nothing.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const DIRECTORY_FILE = 'directory.sqlite';
/** Largest page a listing returns. */
export const DIRECTORY_PAGE_MAX = 100;

export interface DirectoryEntry {
  readonly resourceType: string;
  readonly id: string;
  readonly version: number;
  /** The resource as stored (with id and meta), JSON text. */
  readonly json: string;
}

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS directory_versions (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (resource_type, id, version)
) STRICT;
`;

export class DirectoryStore {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, DIRECTORY_FILE));
    this.db.pragma('journal_mode = WAL');
    // A directory write is acknowledged to the client like a record write: it must survive power loss.
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA_SQL);
  }

  close(): void {
    this.db.close();
  }

  /** Stores every entry in one database transaction; a version that exists already aborts them all. */
  putAll(entries: readonly DirectoryEntry[]): void {
    const insert = this.db.prepare(
      'INSERT INTO directory_versions (resource_type, id, version, json) VALUES (?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const e of entries) insert.run(e.resourceType, e.id, e.version, e.json);
    })();
  }

  latestVersion(resourceType: string, id: string): number {
    const row = this.db
      .prepare('SELECT MAX(version) AS v FROM directory_versions WHERE resource_type = ? AND id = ?')
      .get(resourceType, id) as { v: number | null };
    return row.v ?? 0;
  }

  /** One version, or the latest when version is omitted. */
  get(resourceType: string, id: string, version?: number): DirectoryEntry | undefined {
    const row = this.db
      .prepare(
        version === undefined
          ? 'SELECT * FROM directory_versions WHERE resource_type = ? AND id = ? ORDER BY version DESC LIMIT 1'
          : 'SELECT * FROM directory_versions WHERE resource_type = ? AND id = ? AND version = ?',
      )
      .get(...(version === undefined ? [resourceType, id] : [resourceType, id, version])) as
      { resource_type: string; id: string; version: number; json: string } | undefined;
    return row === undefined
      ? undefined
      : { resourceType: row.resource_type, id: row.id, version: row.version, json: row.json };
  }

  /** The latest version of each resource of a type, in id order, a page at a time. */
  list(resourceType: string, offset: number, limit: number): { entries: DirectoryEntry[]; total: number } {
    const total = (
      this.db
        .prepare('SELECT COUNT(DISTINCT id) AS n FROM directory_versions WHERE resource_type = ?')
        .get(resourceType) as { n: number }
    ).n;
    const rows = this.db
      .prepare(
        `SELECT d.resource_type, d.id, d.version, d.json FROM directory_versions d
         WHERE d.resource_type = ? AND d.version =
           (SELECT MAX(version) FROM directory_versions WHERE resource_type = d.resource_type AND id = d.id)
         ORDER BY d.id LIMIT ? OFFSET ?`,
      )
      .all(resourceType, Math.min(limit, DIRECTORY_PAGE_MAX), offset) as {
      resource_type: string;
      id: string;
      version: number;
      json: string;
    }[];
    return {
      entries: rows.map((r) => ({
        resourceType: r.resource_type,
        id: r.id,
        version: r.version,
        json: r.json,
      })),
      total,
    };
  }
}
