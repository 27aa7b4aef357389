// Literal references (references.html#literal) and a type-aware walk to find them.
// The walk follows the official R4 JSON schema's definitions, so only Reference.reference is visited:
// three other elements are also called `reference` but are uris (Expression.reference,
// DetectedIssue.reference, Immunization.education.reference) and must not be judged as references.
import { issue, type Issue } from './operation-outcome.ts';
import { R4_RESOURCE_TYPES, type SchemaDefinitions, type SchemaNode } from './r4-schema.ts';

export type { SchemaDefinitions, SchemaNode } from './r4-schema.ts';

/** An id (datatypes.html#id): 1 to 64 of [A-Za-z0-9\-\.]. */
export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
const UUID_URN = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const OID_URN = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;

export type ReferenceForm =
  | { kind: 'relative'; type: string; id: string; version?: string }
  | { kind: 'contained'; id: string }
  | { kind: 'bundle-internal'; urn: string }
  | { kind: 'absolute'; url: string };

/**
 * Classifies a Reference.reference string, or returns why it is malformed. Accepted forms
 * (references.html#literal): `Type/id[/_history/vid]` with a known R4 type, `#id` for a contained
 * resource (references.html#contained), `urn:uuid:`/`urn:oid:` for a resource in the same Bundle
 * (bundle.html#references), and an absolute http(s) URL. Conditional references (`Type?search`) are
 * only meaningful inside a transaction or batch (http.html#trules): the planner (bundle.ts) replaces
 * them with `Type/id` before a resource gets here, so one that is left is refused.
 */
export function parseReference(value: string): ReferenceForm | { problem: string } {
  if (value.startsWith('#')) {
    const id = value.slice(1);
    // A bare '#' refers to the containing resource itself (references.html#contained).
    return id === '' || ID_PATTERN.test(id)
      ? { kind: 'contained', id }
      : { problem: 'malformed contained id' };
  }
  if (value.startsWith('urn:')) {
    if (UUID_URN.test(value) || OID_URN.test(value)) return { kind: 'bundle-internal', urn: value };
    return { problem: 'urn reference is neither urn:uuid:<uuid> nor urn:oid:<oid>' };
  }
  if (/^https?:\/\//.test(value)) {
    if (!URL.canParse(value) || /\s/.test(value)) return { problem: 'malformed absolute URL' };
    return { kind: 'absolute', url: value };
  }
  if (value.includes('?')) return { problem: 'conditional references are not supported' };
  const parts = value.split('/');
  const [type, id] = parts;
  if (parts.length !== 2 && !(parts.length === 4 && parts[2] === '_history')) {
    return { problem: 'reference is not Type/id, #id, urn:uuid:<uuid> or an absolute URL' };
  }
  if (type === undefined || !R4_RESOURCE_TYPES.has(type))
    return { problem: 'reference names no R4 resource type' };
  if (id === undefined || !ID_PATTERN.test(id)) return { problem: 'reference has a malformed id' };
  const version = parts[3];
  if (version === undefined) return { kind: 'relative', type, id };
  if (!ID_PATTERN.test(version)) return { problem: 'reference has a malformed version id' };
  return { kind: 'relative', type, id, version };
}

export interface WalkVisitor {
  /** A Reference.reference string at a FHIRPath-like path. */
  reference?(value: string, path: string): void;
  /** A resource nested in another (contained, Bundle.entry.resource, Parameters.parameter.resource). */
  resource?(resource: Readonly<Record<string, unknown>>, path: string): void;
}

/** Deepest nesting the walk follows; FHIR content is never this deep, hostile input may be. */
export const WALK_DEPTH_MAX = 64;

/**
 * Walks a resource along its schema definitions and reports references and nested resources.
 * Elements the schema does not know are skipped (schema validation reports them). Returns false if
 * the walk stopped at WALK_DEPTH_MAX.
 */
export function walkResource(
  resource: Readonly<Record<string, unknown>>,
  definitions: SchemaDefinitions,
  visitor: WalkVisitor,
  path = typeof resource.resourceType === 'string' ? resource.resourceType : 'Resource',
): boolean {
  return walkObject(resource, typeName(resource), definitions, visitor, path, 0);
}

function typeName(resource: Readonly<Record<string, unknown>>): string {
  return typeof resource.resourceType === 'string' ? resource.resourceType : '';
}

function walkObject(
  value: Readonly<Record<string, unknown>>,
  definition: string,
  definitions: SchemaDefinitions,
  visitor: WalkVisitor,
  path: string,
  depth: number,
): boolean {
  if (depth > WALK_DEPTH_MAX) return false;
  if (definition === 'Reference' && typeof value.reference === 'string') {
    visitor.reference?.(value.reference, `${path}.reference`);
  }
  const properties = Object.hasOwn(definitions, definition) ? definitions[definition]?.properties : undefined;
  if (properties === undefined) return true;
  let complete = true;
  for (const [key, child] of Object.entries(value)) {
    const node = Object.hasOwn(properties, key) ? properties[key] : undefined;
    const childDefinition = node === undefined ? undefined : definitionOf(node);
    if (childDefinition === undefined) continue;
    const items = Array.isArray(child) ? child : [child];
    items.forEach((item, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
      const itemPath = Array.isArray(child) ? `${path}.${key}[${index}]` : `${path}.${key}`;
      const record = item as Readonly<Record<string, unknown>>;
      if (childDefinition === 'ResourceList') {
        visitor.resource?.(record, itemPath);
        complete =
          walkObject(record, typeName(record), definitions, visitor, itemPath, depth + 1) && complete;
      } else {
        complete = walkObject(record, childDefinition, definitions, visitor, itemPath, depth + 1) && complete;
      }
    });
  }
  return complete;
}

function definitionOf(node: SchemaNode): string | undefined {
  const ref = node.$ref ?? node.items?.$ref;
  return ref?.startsWith('#/definitions/') === true ? ref.slice('#/definitions/'.length) : undefined;
}

/** Issues for every malformed Reference.reference in a resource (and its nested resources). */
export function referenceIssues(
  resource: Readonly<Record<string, unknown>>,
  definitions: SchemaDefinitions,
): Issue[] {
  const issues: Issue[] = [];
  const complete = walkResource(resource, definitions, {
    reference(value, path) {
      const form = parseReference(value);
      if ('problem' in form) issues.push(issue('value', form.problem, path));
    },
  });
  if (!complete) issues.push(issue('too-long', `content is nested deeper than ${WALK_DEPTH_MAX} levels`));
  return issues;
}
