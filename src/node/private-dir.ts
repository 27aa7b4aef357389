// Data at rest (issue 10, finding 15): a node's folders are its own. Every data directory is made (or,
// when it exists from an older run, set to) mode 0700, and the files already in it to 0600, whatever
// the process umask; `carechain` also sets its umask to 077 (cli/main.ts), so files made later, SQLite's
// WAL and shared-memory files included, are 0600 too. On Windows the modes are ignored.
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Makes `dir` (and missing parents) and closes it to everyone but its owner; returns `dir`. */
export function makePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(join(dir, entry.name), PRIVATE_FILE_MODE);
  }
  return dir;
}
