// The import zones of the layers (docs/ARCHITECTURE.md "Layers"): which of our folders each folder may
// import. One table, read by the lint rule (eslint.config.js, carechain/import-zones) and by the test
// that walks the whole import graph (test/lint/layers.test.ts), so the two cannot disagree.
import { relative, resolve, sep } from 'node:path';

/**
 * Each folder's direct zone; a folder may also import whatever the folders it lists may import (so api,
 * which sits on node, may use core). `:types` admits `import type` only. `*` admits everything.
 * The client may import app's pure protocol code (pseudonyms, signed messages), as the web app does:
 * it builds and signs the patient's txs (a departure from the table, see ARCHITECTURE.md).
 */
export const ZONES = {
  core: [],
  consensus: ['core'],
  app: ['core'],
  contract: ['core', 'app:types'],
  node: ['core', 'consensus', 'app'],
  services: ['node', 'app', 'core', 'contract'],
  api: ['services', 'node', 'contract'],
  client: ['core', 'contract', 'app'],
  web: ['core', 'app', 'contract', 'client'],
  cli: ['*'],
};

/**
 * Imports that break the zones today, while the records domain settles in src/services: [importer
 * prefix, imported file]. Each is on its way out; remove the line with the import, never add one.
 */
export const KNOWN_BREACHES = [];

/** `src/<zone>/…` or `web/src/…`, relative to the repository root; null for files outside the zones. */
export function zoneOf(relativePath) {
  const parts = relativePath.split(/[\\/]/);
  if (parts[0] === 'web' && parts[1] === 'src') return 'web';
  if (parts[0] === 'src' && parts.length > 2) return parts[1];
  return null;
}

/** Per zone, every zone it may reach and whether only types: 'any' | 'types'. */
function reachable(zone) {
  const found = new Map([[zone, 'any']]);
  const visit = (from, kind) => {
    for (const entry of ZONES[from] ?? []) {
      const [to, restriction] = entry.split(':');
      if (to === '*') {
        for (const z of Object.keys(ZONES)) if (!found.has(z)) found.set(z, 'any');
        continue;
      }
      const k = kind === 'types' || restriction === 'types' ? 'types' : 'any';
      if (found.get(to) === 'any' || found.get(to) === k) continue;
      found.set(to, k);
      visit(to, k);
    }
  };
  visit(zone, 'any');
  return found;
}

const reach = Object.fromEntries(Object.keys(ZONES).map((z) => [z, reachable(z)]));

function isTestFile(relativePath) {
  return /\.test\.tsx?$/.test(relativePath);
}

/**
 * Why importing `to` from `from` (both relative to the repository root) breaks the zones, or null when
 * it is allowed. Tests beside the code may also use the shared test helpers under test/.
 */
export function zoneViolation(from, to, typeOnly) {
  const fromZone = zoneOf(from);
  if (fromZone === null) return null;
  const toZone = zoneOf(to);
  if (toZone === null) {
    if (to.startsWith(`test${sep}`) || to.startsWith('test/')) {
      return isTestFile(from) ? null : `${fromZone} may not import test code (${to})`;
    }
    return null;
  }
  if (fromZone === toZone) return null;
  if (KNOWN_BREACHES.some(([prefix, file]) => from.startsWith(prefix) && to === file)) return null;
  const zone = reach[fromZone];
  if (zone === undefined) return `${fromZone} is not a known layer: add it to scripts/import-zones.mjs`;
  const kind = zone.get(toZone);
  if (kind === 'any' || (kind === 'types' && typeOnly)) return null;
  if (kind === 'types') return `${fromZone} may import only types from ${toZone}`;
  const allowed = ZONES[fromZone].join(', ') || 'nothing of ours';
  return `${fromZone} may not import ${toZone} (it may import ${allowed})`;
}

/** The repository-relative path a relative import specifier names, or null for packages. */
export function resolveSpecifier(root, importerAbsolute, specifier) {
  if (!specifier.startsWith('.')) return null;
  return relative(root, resolve(importerAbsolute, '..', specifier));
}
