// Where `carechain up` finds its demo data: test data kept outside the repository, named by an
// environment variable or else looked for in the shared test data beside the checkout.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** $`variable` if set and present, else ../shared/testdata/`path` if present; undefined without either. */
export function demoTestdata(variable: string, ...path: string[]): string | undefined {
  const candidates = [
    process.env[variable],
    resolve(fileURLToPath(new URL('../../../shared/testdata', import.meta.url)), ...path),
  ];
  return candidates.find((found): found is string => found !== undefined && existsSync(found));
}
