// The custodian's directory: FHIR resources about the institution itself rather than about a patient
// (Organization, Practitioner, Location, …, e.g. Synthea's hospital and practitioner bundles). They are
// not health data, so they are neither encrypted nor registered on chain; they live beside the vault in
// their own store of the node's storage (directory.sqlite, or the directory schema on PostgreSQL),
// versioned like records. Many writes land in one database transaction, so a FHIR
// transaction Bundle's directory entries are stored all or nothing.
import { PortStore } from '../storage/ddl.ts';

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

interface Row {
  resource_type: string;
  id: string;
  version: number;
  json: string;
}

const toEntry = (r: Row): DirectoryEntry => ({
  resourceType: r.resource_type,
  id: r.id,
  version: r.version,
  json: r.json,
});

export class DirectoryStore extends PortStore('directory', SCHEMA_SQL) {
  /** Stores every entry in one database transaction; a version that exists already aborts them all. */
  putAll(entries: readonly DirectoryEntry[]): void {
    const sql = 'INSERT INTO directory_versions (resource_type, id, version, json) VALUES (?, ?, ?, ?)';
    this.port.transaction(() =>
      this.port.batch(entries.map((e) => ({ sql, params: [e.resourceType, e.id, e.version, e.json] }))),
    );
  }

  latestVersion(resourceType: string, id: string): number {
    const row = this.port.get<{ v: number | null }>(
      'SELECT MAX(version) AS v FROM directory_versions WHERE resource_type = ? AND id = ?',
      [resourceType, id],
    );
    return row?.v ?? 0;
  }

  /** One version, or the latest when version is omitted. */
  get(resourceType: string, id: string, version?: number): DirectoryEntry | undefined {
    const row =
      version === undefined
        ? this.port.get<Row>(
            'SELECT * FROM directory_versions WHERE resource_type = ? AND id = ? ORDER BY version DESC LIMIT 1',
            [resourceType, id],
          )
        : this.port.get<Row>(
            'SELECT * FROM directory_versions WHERE resource_type = ? AND id = ? AND version = ?',
            [resourceType, id, version],
          );
    return row === undefined ? undefined : toEntry(row);
  }

  /** The latest version of each resource of a type, in id order, a page at a time. */
  list(resourceType: string, offset: number, limit: number): { entries: DirectoryEntry[]; total: number } {
    const total =
      this.port.get<{ n: number }>(
        'SELECT COUNT(DISTINCT id) AS n FROM directory_versions WHERE resource_type = ?',
        [resourceType],
      )?.n ?? 0;
    const rows = this.port.all<Row>(
      `SELECT d.resource_type, d.id, d.version, d.json FROM directory_versions d
       WHERE d.resource_type = ? AND d.version =
         (SELECT MAX(version) FROM directory_versions WHERE resource_type = d.resource_type AND id = d.id)
       ORDER BY d.id LIMIT ? OFFSET ?`,
      [resourceType, Math.min(limit, DIRECTORY_PAGE_MAX), offset],
    );
    return { entries: rows.map(toEntry), total };
  }
}
