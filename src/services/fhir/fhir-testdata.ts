// Test-only: reads the shared FHIR test data in place (../shared/testdata/fhir, see its README); the
// data is third-party and is never copied into this repository.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../shared/testdata/fhir/', import.meta.url));

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface TestFile {
  file: string;
  json: Json;
}

function readDir(dir: string): TestFile[] {
  return readdirSync(root + dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(`${root}${dir}/${file}`, 'utf8')) as Json }));
}

/** The 72 HL7 R4 example resources, by file name. */
export function hl7Examples(): TestFile[] {
  return readDir('hl7-r4-examples');
}

export function hl7Example(file: string): Json {
  const found = hl7Examples().find((e) => e.file === file);
  if (found === undefined) throw new Error(`no example ${file}`);
  return found.json;
}

/** The Synthea transaction bundles in load order: hospital, practitioners, then the patients. */
export function syntheaBundles(): TestFile[] {
  const rank = (f: string): number => (f.startsWith('hospital') ? 0 : f.startsWith('practitioner') ? 1 : 2);
  return readDir('synthea').sort((a, b) => rank(a.file) - rank(b.file) || a.file.localeCompare(b.file));
}

/** The Da Vinci PAS example Bundles (requests and responses), by file name. */
export function pasBundles(): TestFile[] {
  return readDir('davinci-pas');
}

/** The resources of a PAS example Bundle, by file name. */
export function pasResources(file: string): Json[] {
  const found = pasBundles().find((b) => b.file === file);
  if (found === undefined) throw new Error(`no PAS example ${file}`);
  return (found.json.entry as { resource: Json }[]).map((e) => e.resource);
}
