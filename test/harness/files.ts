// Walking folders of test inputs: the shared test data (../shared/testdata, read in place, never copied)
// and our own sources (for lint-like tests).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An absolute path inside ../shared/testdata, beside this repository. */
export function sharedTestdata(...segments: string[]): string {
  return join(fileURLToPath(new URL('../../../shared/testdata/', import.meta.url)), ...segments);
}

/** Every file below dir whose name passes `keep`, depth first, in name order (so runs are repeatable). */
export function* filesUnder(dir: string, keep: (name: string) => boolean): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path, keep);
    else if (keep(entry.name)) yield path;
  }
}
