// What a records search answers and needs from the gateway: its own file so that search.ts and
// patient-search.ts (which search.ts calls) both use it without importing each other.
import type { AccessLogPort } from './access-log.ts';
import type { Resource } from './resources.ts';
import type { RecordHead } from '../../app/records/index.ts';
import type { Clock } from '../../node/env.ts';

/** One page of a search: the resources on it, how many matched in all, and where the next page starts. */
export interface SearchResult {
  /** How many matched in all; absent where telling would reveal what was not released. */
  readonly total?: number;
  readonly resources: Resource[];
  readonly nextCursor?: string;
}

/** What a search needs from the gateway besides logging access. */
export interface SearchPort extends AccessLogPort {
  readonly clock: Clock;
  readonly open: (head: RecordHead) => Resource;
  /** The ids of the records of a type sealed in this node's vault, at most `limit`. */
  readonly recordIdsOfType: (type: string, limit: number) => string[];
  /** The latest version of every directory entry of a type; too many is a 400 (directory-lookup.ts). */
  readonly directoryList: (type: string) => Resource[];
}
