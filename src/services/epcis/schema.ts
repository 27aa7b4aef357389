// Validation against the official GS1 EPCIS 2.0 JSON Schema (draft-07). The schema is GS1's, under
// GS1's terms, so it is not copied into this repository: it is read from CARECHAIN_EPCIS_SCHEMA or, by
// default, from the shared test data beside the repository. Without it, capture answers 503
// epcis.schema_unavailable rather than accept documents it cannot check.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export const EPCIS_SCHEMA_ENV = 'CARECHAIN_EPCIS_SCHEMA';
/** How many schema errors an answer lists: the first few say what is wrong; all of them overwhelm. */
export const SCHEMA_ERRORS_REPORTED_MAX = 5;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function defaultSchemaPath(): string {
  return (
    process.env[EPCIS_SCHEMA_ENV] ?? resolve(REPO_ROOT, '../shared/testdata/epcis/gs1/EPCIS-JSON-Schema.json')
  );
}

export interface SchemaProblem {
  /** JSON pointer (RFC 6901) into the document. */
  readonly pointer: string;
  readonly message: string;
}

export type SchemaResult =
  | { readonly valid: true }
  | {
      readonly valid: false;
      readonly problems: readonly SchemaProblem[];
      readonly eventIndex: number | null;
    };

export interface EpcisValidator {
  validate(document: unknown): SchemaResult;
}

// ajv-formats is CommonJS: its default export arrives as the module object under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => void;

/** The event index a schema error points into (…/eventList/<i>/…), if any. */
export function eventIndexOf(pointer: string): number | null {
  const match = /\/eventList\/(\d+)(?:\/|$)/.exec(pointer);
  return match === null ? null : Number(match[1]);
}

function problemsOf(errors: readonly ErrorObject[]): SchemaProblem[] {
  // The if/then branches of the GS1 schema report a failing "if" too; those say nothing to a client.
  const useful = errors.filter((e) => e.keyword !== 'if');
  return (useful.length > 0 ? useful : errors).slice(0, SCHEMA_ERRORS_REPORTED_MAX).map((e) => ({
    pointer: e.instancePath === '' ? '/' : e.instancePath,
    message: `${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty).slice(0, 64)})` : ''}`,
  }));
}

/**
 * Compiles the schema at path (about a third of a second), or answers undefined when it cannot be
 * read or compiled: the caller then refuses captures with 503.
 */
export function loadEpcisValidator(path: string = defaultSchemaPath()): EpcisValidator | undefined {
  let validate: ValidateFunction;
  try {
    const schema = JSON.parse(readFileSync(path, 'utf8')) as object;
    // strict: false — the GS1 schema uses draft-07 idioms (if/then without type, unknown formats) that
    // ajv's strict mode flags as suspicious although they are valid draft-07.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile(schema);
  } catch {
    return undefined;
  }
  return {
    validate(document) {
      if (validate(document)) return { valid: true };
      const problems = problemsOf(validate.errors ?? []);
      const first = problems.map((p) => eventIndexOf(p.pointer)).find((i) => i !== null);
      return { valid: false, problems, eventIndex: first ?? null };
    },
  };
}
