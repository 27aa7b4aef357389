// The GA4GH Beacon v2 framework's JSON Schemas (../shared/testdata/beacon-v2/framework/json, read in
// place) compiled with Ajv's draft 2020-12 validator: each file is added under its own file URL, so the
// framework's relative $refs ("../../common/beaconCommonComponents.json#/$defs/...") resolve as written.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { filesUnder, sharedTestdata } from './files.ts';

const FRAMEWORK = sharedTestdata('beacon-v2', 'framework', 'json');
// ajv-formats is CommonJS: its function is the default export under tsx, or the module under tsc.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

export type BeaconResponseKind =
  | 'beaconInfoResponse'
  | 'beaconConfigurationResponse'
  | 'beaconMapResponse'
  | 'beaconEntryTypesResponse'
  | 'beaconFilteringTermsResponse'
  | 'beaconBooleanResponse'
  | 'beaconCountResponse'
  | 'beaconResultsetsResponse'
  | 'beaconErrorResponse';

let compiled: Ajv2020 | undefined;

function ajv(): Ajv2020 {
  if (compiled !== undefined) return compiled;
  const instance = new Ajv2020({ strict: false, allErrors: true });
  addFormats(instance);
  for (const path of filesUnder(FRAMEWORK, (name) => name.endsWith('.json'))) {
    if (path.includes('examples')) continue;
    const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    instance.addSchema({ ...schema, $id: pathToFileURL(path).href });
  }
  compiled = instance;
  return instance;
}

/** The validation errors of `body` against the framework's response schema `kind`; [] when it conforms. */
export function beaconSchemaErrors(kind: BeaconResponseKind, body: unknown): string[] {
  const url = pathToFileURL(`${FRAMEWORK}/responses/${kind}.json`).href;
  const validate = ajv().getSchema(url);
  if (validate === undefined) throw new Error(`no framework schema ${kind}`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
