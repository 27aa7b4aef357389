// Planning a transaction or batch Bundle (http.html#transaction), as a pure function: check the
// Bundle, give POSTed resources their new ids, rewrite bundle-internal references, and order the
// operations. Executing them, all-or-nothing for a transaction, is the caller's job. A transaction
// plan fails whole, with every problem found (http.html#trules: "if any entry fails, the whole
// transaction fails"); a batch plans each entry on its own (http.html#brules).
//
// Conditional create (request.ifNoneExist, http.html#ccreate) and conditional references
// (`Type?search`, http.html#trules) are resolved through `findExisting`, which the caller supplies for the
// resource types it can search (the directory's: Organization, Practitioner, Location, … as Synthea's
// bundles name them); for any other type they are refused, not ignored.
import { invariant } from '../../core/errors.ts';
import { FhirError, issue, type Issue, type IssueType } from './operation-outcome.ts';
import { R4_RESOURCE_TYPES } from './r4-schema.ts';
import { ID_PATTERN, parseReference, WALK_DEPTH_MAX } from './references.ts';

export { transactionResponse, type EntryResult } from './bundle-response.ts';

/**
 * Entries accepted in one Bundle (STYLE §5): a real patient's export holds thousands of resources, and a
 * transaction of them registers in one tx of at most REGISTRATIONS_PER_BATCH_MAX (app/records/types.ts).
 */
export const BUNDLE_ENTRIES_MAX = 10_000;

export type Resource = Record<string, unknown>;

export interface PlannedOperation {
  /** Index of the entry in the request Bundle: the response keeps request order (http.html#transaction-response). */
  entryIndex: number;
  /**
   * `exists`: a conditional create whose search matched one stored resource; nothing is written.
   * `read`: a batch's GET (read, vread, history or search), answered as the same GET would be.
   */
  kind: 'create' | 'update' | 'delete' | 'exists' | 'read';
  resourceType: string;
  id: string;
  /** For create and update: a copy with its id set and bundle-internal references rewritten. */
  resource?: Resource;
  /** The version an If-Match header named (http.html#concurrency), from request.ifMatch `W/"v"`. */
  ifMatch?: string;
  /** For a read: request.url, relative to the base (`Type/id`, `Type?search`, …). */
  url?: string;
}

/**
 * Distinct conditional searches one Bundle may run: Synthea's hospital bundles name hundreds of
 * organisations, each by identifier (an index lookup); any other search is a scan of a directory type.
 */
export const CONDITIONAL_SEARCHES_MAX = 1_000;
/** GETs one batch may hold: each is a read, and a practitioner's read commits an access event. */
export const BATCH_READS_MAX = 100;

export interface TransactionPlan {
  type: 'transaction';
  /** In processing order: DELETE, then POST, then PUT (http.html#trules). */
  operations: PlannedOperation[];
}

export interface BatchPlan {
  type: 'batch';
  /** One per request entry, in request order; an entry has an operation or its issues. */
  entries: Array<{ entryIndex: number; operation?: PlannedOperation; issues: Issue[] }>;
}

export interface PlanDependencies {
  /** A fresh logical id (datatypes.html#id); injected so planning stays deterministic. */
  newId(): string;
  /** Checks each entry's resource (validate.ts); its expressions start with the resource type. */
  validateResource?(resource: unknown): { issues: Issue[] };
  /**
   * The ids of the stored resources of `type` that `search` (a query string, `identifier=sys|val`)
   * matches; undefined where conditional interactions are not supported for the type. May throw a
   * FhirError for a search it cannot run; its issues become the entry's.
   */
  findExisting?(type: string, search: string): readonly string[] | undefined;
}

const ORDER: Record<PlannedOperation['kind'], number> = {
  delete: 0,
  exists: 1,
  create: 1,
  update: 2,
  read: 3,
};
const ETAG = /^W\/"([A-Za-z0-9\-.]{1,64})"$/;

interface Draft {
  entryIndex: number;
  operation: PlannedOperation;
  /** The entry's fullUrl (urn, absolute or relative), by which other entries may reference it. */
  fullUrl?: string;
}

/** Plans a Bundle, or throws a FhirError (400) listing every problem that makes it unplannable. */
export function planBundle(bundle: unknown, deps: PlanDependencies): TransactionPlan | BatchPlan {
  const shape = checkShape(bundle);
  const drafts: Draft[] = [];
  const perEntry: Issue[][] = shape.entries.map(() => []);
  const fullUrls = new Map<string, number>();
  const conditional = conditionalResolver(deps);
  shape.entries.forEach((entry, i) => {
    const issues = perEntry[i] ?? [];
    const fullUrl = checkFullUrl(entry, i, fullUrls, issues);
    const operation = planEntry(entry, i, shape.type, deps, conditional, issues);
    if (operation === undefined) return;
    drafts.push({ entryIndex: i, operation, ...(fullUrl === undefined ? {} : { fullUrl }) });
  });
  if (shape.type === 'batch') {
    // A batch entry may not depend on another (http.html#brules), so no urn is resolvable.
    for (const d of drafts) rewriteReferences(d, new Map(), conditional, perEntry[d.entryIndex] ?? []);
    drafts
      .filter((d) => d.operation.kind === 'read')
      .slice(BATCH_READS_MAX)
      .forEach((d) =>
        perEntry[d.entryIndex]?.push(
          issue(
            'too-costly',
            `a batch holds at most ${BATCH_READS_MAX} GETs`,
            `Bundle.entry[${d.entryIndex}]`,
          ),
        ),
      );
    const byIndex = new Map(drafts.map((d) => [d.entryIndex, d.operation]));
    return {
      type: 'batch',
      entries: perEntry.map((issues, i) => {
        const operation = byIndex.get(i);
        return operation !== undefined && issues.length === 0
          ? { entryIndex: i, operation, issues }
          : { entryIndex: i, issues };
      }),
    };
  }
  const targets = referenceTargets(drafts);
  for (const d of drafts) rewriteReferences(d, targets, conditional, perEntry[d.entryIndex] ?? []);
  const problems = [...perEntry.flat(), ...identityOverlaps(drafts)];
  if (problems.length > 0) throw FhirError.of(problems);
  const operations = drafts
    .map((d) => d.operation)
    .sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.entryIndex - b.entryIndex);
  return { type: 'transaction', operations };
}

function checkShape(bundle: unknown): { type: 'transaction' | 'batch'; entries: unknown[] } {
  if (bundle === null || typeof bundle !== 'object' || Array.isArray(bundle)) {
    throw FhirError.of([issue('structure', 'a Bundle must be a JSON object')]);
  }
  const b = bundle as Resource;
  const issues: Issue[] = [];
  if (b.resourceType !== 'Bundle')
    issues.push(issue('invalid', 'resourceType must be Bundle', 'Bundle.resourceType'));
  if (b.type !== 'transaction' && b.type !== 'batch') {
    issues.push(issue('invalid', 'Bundle.type must be transaction or batch', 'Bundle.type'));
  }
  if (b.entry !== undefined && !Array.isArray(b.entry))
    issues.push(issue('structure', 'entry must be an array', 'Bundle.entry'));
  const entries = Array.isArray(b.entry) ? (b.entry as unknown[]) : [];
  if (entries.length > BUNDLE_ENTRIES_MAX) {
    issues.push(issue('too-costly', `more than ${BUNDLE_ENTRIES_MAX} entries`, 'Bundle.entry'));
  }
  if (issues.length > 0) throw FhirError.of(issues);
  return { type: b.type as 'transaction' | 'batch', entries };
}

/**
 * bdl-7: fullUrl is unique in the Bundle. Every form found in the wild is accepted: an absolute URL,
 * urn:uuid / urn:oid (bundle.html#bundle-unique), and a relative `Type/id`, which lenient servers
 * resolve against the base (bundle.html#references).
 */
function checkFullUrl(
  entry: unknown,
  i: number,
  seen: Map<string, number>,
  issues: Issue[],
): string | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const fullUrl = (entry as Resource).fullUrl;
  if (fullUrl === undefined) return undefined;
  const at = `Bundle.entry[${i}].fullUrl`;
  if (typeof fullUrl !== 'string') {
    issues.push(issue('structure', 'fullUrl must be a string', at));
    return undefined;
  }
  const form = parseReference(fullUrl);
  if ('problem' in form || form.kind === 'contained' || (form.kind === 'relative' && form.version)) {
    issues.push(
      issue('invalid', 'fullUrl must be an absolute URL, urn:uuid:<uuid>, urn:oid:<oid> or Type/id', at),
    );
    return undefined;
  }
  const first = seen.get(fullUrl);
  if (first !== undefined) {
    issues.push(issue('invalid', `fullUrl repeats that of Bundle.entry[${first}] (bdl-7)`, at));
    return undefined;
  }
  seen.set(fullUrl, i);
  return fullUrl;
}

/**
 * What each reference to an entry becomes (http.html#trules): its fullUrl, in whichever form, maps to
 * the entry's `Type/id` here; for a POSTed entry, whose id the server replaces, so does the relative
 * `Type/oldId` its http(s) or relative fullUrl ends with (references resolve against the base,
 * bundle.html#references), unless two entries end the same way.
 */
function referenceTargets(drafts: readonly Draft[]): Map<string, string> {
  const targets = new Map<string, string>();
  const tails = new Map<string, string | null>();
  for (const d of drafts) {
    if (d.fullUrl === undefined) continue;
    const local = `${d.operation.resourceType}/${d.operation.id}`;
    targets.set(d.fullUrl, local);
    if (d.fullUrl.startsWith('urn:')) continue;
    const tail = /(?:^|\/)([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/.exec(d.fullUrl)?.[1];
    if (tail !== undefined && tail !== local) tails.set(tail, tails.has(tail) ? null : local);
  }
  for (const [tail, local] of tails) if (local !== null && !targets.has(tail)) targets.set(tail, local);
  return targets;
}

interface Request {
  method: 'POST' | 'PUT' | 'DELETE' | 'GET';
  type: string;
  id?: string;
  ifMatch?: string;
  /** POST only: the search of a conditional create (http.html#ccreate). */
  ifNoneExist?: string;
  /** GET only: the url as sent. */
  url?: string;
}

/** Checks entry.request (bundle.html#Bundle.entry.request); unsupported forms are refused, not ignored. */
function checkRequest(
  e: Resource,
  at: string,
  bundleType: 'transaction' | 'batch',
  issues: Issue[],
): Request | undefined {
  const fail = (code: IssueType, text: string, where: string): undefined => {
    issues.push(issue(code, text, `${at}.request${where}`));
    return undefined;
  };
  const request = e.request as Resource | null | undefined;
  // bdl-3: every entry of a batch or transaction has a request with method and url.
  if (typeof request !== 'object' || request === null) return fail('required', REQUEST_REQUIRED, '');
  const { method, url } = request;
  if (typeof method !== 'string' || typeof url !== 'string') return fail('required', REQUEST_REQUIRED, '');
  if (method === 'GET' && bundleType === 'batch') return checkReadUrl(url, fail);
  if (method === 'GET') {
    return fail('not-supported', 'GET is supported in a batch Bundle, not in a transaction', '.method');
  }
  if (method !== 'POST' && method !== 'PUT' && method !== 'DELETE') {
    return fail('not-supported', `method ${method.slice(0, 10)} is not supported in a Bundle`, '.method');
  }
  if (url.includes('?') || request.ifNoneMatch !== undefined) {
    return fail('not-supported', 'conditional update, delete and ifNoneMatch are not supported', '');
  }
  const { ifNoneExist } = request;
  if (ifNoneExist !== undefined && (method !== 'POST' || typeof ifNoneExist !== 'string')) {
    return fail('invalid', 'ifNoneExist is a search string, on POST only', '.ifNoneExist');
  }
  const [type, id, ...more] = url.split('/');
  const wantsId = method !== 'POST';
  if (
    type === undefined ||
    !R4_RESOURCE_TYPES.has(type) ||
    more.length > 0 ||
    (id !== undefined) !== wantsId
  ) {
    return fail('invalid', `request.url must be ${wantsId ? 'Type/id' : 'Type'} for ${method}`, '.url');
  }
  if (id !== undefined && !ID_PATTERN.test(id))
    return fail('invalid', 'request.url has a malformed id', '.url');
  if (typeof ifNoneExist === 'string') return { method, type, ifNoneExist };
  if (request.ifMatch === undefined) return id === undefined ? { method, type } : { method, type, id };
  const m = typeof request.ifMatch === 'string' ? ETAG.exec(request.ifMatch) : null;
  if (m?.[1] === undefined || id === undefined) {
    return fail('invalid', 'ifMatch must be W/"<versionId>" on PUT or DELETE', '.ifMatch');
  }
  return { method, type, id, ifMatch: m[1] };
}

const REQUEST_REQUIRED = 'entry.request with method and url is required (bdl-3)';
/** A read's url: relative to the base, a known type first, printable and short (no absolute URLs). */
const READ_URL = /^([A-Z][A-Za-z]+)(?:[/?][\x21-\x7e]*)?$/;
const READ_URL_LENGTH_MAX = 2_048;

function checkReadUrl(
  url: string,
  fail: (code: IssueType, text: string, where: string) => undefined,
): Request | undefined {
  const type = READ_URL.exec(url)?.[1];
  if (url.length > READ_URL_LENGTH_MAX || type === undefined || !R4_RESOURCE_TYPES.has(type)) {
    return fail('invalid', 'request.url of a GET is relative to the base: Type/id, Type?search, …', '.url');
  }
  return { method: 'GET', type, url };
}

function planEntry(
  entry: unknown,
  i: number,
  bundleType: 'transaction' | 'batch',
  deps: PlanDependencies,
  conditional: ConditionalResolver,
  issues: Issue[],
): PlannedOperation | undefined {
  const at = `Bundle.entry[${i}]`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    issues.push(issue('structure', 'an entry must be an object', at));
    return undefined;
  }
  const request = checkRequest(entry as Resource, at, bundleType, issues);
  if (request === undefined) return undefined;
  const { method, type, id = '' } = request;
  if (method === 'GET') return { entryIndex: i, kind: 'read', resourceType: type, id, url: request.url! };
  const ifMatch = request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch };
  if (method === 'DELETE') return { entryIndex: i, kind: 'delete', resourceType: type, id, ...ifMatch };
  const resource = (entry as Resource).resource as Resource | null | undefined;
  const fail = (code: IssueType, text: string, where: string): undefined => {
    issues.push(issue(code, text, `${at}.resource${where}`));
    return undefined;
  };
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    return fail('required', `entry.resource is required for ${method}`, '');
  }
  if (resource.resourceType !== type)
    return fail('invalid', 'resource type differs from request.url', '.resourceType');
  // http.html#update: the id in the body must equal the id in the URL.
  if (method === 'PUT' && resource.id !== id) {
    return fail('invalid', 'resource.id differs from the id in request.url', '.id');
  }
  if (request.ifNoneExist !== undefined) {
    const found = conditional(type, request.ifNoneExist, `${at}.request.ifNoneExist`, issues);
    if (found === null) return undefined;
    // http.html#ccreate: one match, the POST is ignored and the match stands for the entry.
    if (found !== undefined) return { entryIndex: i, kind: 'exists', resourceType: type, id: found };
  }
  for (const found of deps.validateResource?.(resource).issues ?? [])
    issues.push(reroot(found, type, `${at}.resource`));
  // http.html#create: the server assigns the id; one the client sent is replaced.
  const newId = method === 'POST' ? deps.newId() : id;
  invariant(ID_PATTERN.test(newId), 'newId() returns a valid FHIR id');
  const kind = method === 'POST' ? 'create' : 'update';
  return {
    entryIndex: i,
    kind,
    resourceType: type,
    id: newId,
    resource: { ...resource, id: newId },
    ...ifMatch,
  };
}

/** Moves an issue found in a resource ('Patient.name') to its place in the Bundle. */
function reroot(found: Issue, type: string, at: string): Issue {
  if (found.expression === undefined) return { ...found, expression: [at] };
  return {
    ...found,
    expression: found.expression.map((e) => (e.startsWith(type) ? at + e.slice(type.length) : e)),
  };
}

/**
 * Rewrites every `reference` string naming a bundle entry's urn (http.html#trules) in a deep copy of
 * the operation's resource, and reports urn references that name no entry. Keys named `reference`
 * are rewritten wherever they are: trules asks the same for uri elements, and a urn:uuid is unique.
 */
function rewriteReferences(
  draft: Draft,
  targets: ReadonlyMap<string, string>,
  conditional: ConditionalResolver,
  issues: Issue[],
): void {
  const resource = draft.operation.resource;
  if (resource === undefined) return;
  const at = `Bundle.entry[${draft.entryIndex}].resource`;
  let tooDeep = false;
  const walk = (value: unknown, path: string, depth: number): unknown => {
    if (depth > WALK_DEPTH_MAX) tooDeep = true;
    if (tooDeep || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v, k) => walk(v, `${path}[${k}]`, depth + 1));
    const out: Resource = {};
    for (const [key, child] of Object.entries(value as Resource)) {
      if (key === 'reference' && typeof child === 'string' && /^urn:(uuid|oid):/.test(child)) {
        const target = targets.get(child);
        if (target === undefined) {
          issues.push(issue('invalid', 'urn reference names no entry of this Bundle', `${path}.reference`));
        }
        out[key] = target ?? child;
      } else if (key === 'reference' && typeof child === 'string' && isConditionalReference(child)) {
        const question = child.indexOf('?');
        const type = child.slice(0, question);
        const found = conditional(type, child.slice(question + 1), `${path}.reference`, issues);
        out[key] = typeof found === 'string' ? `${type}/${found}` : child;
        if (found === undefined) {
          issues.push(issue('not-found', 'conditional reference matches no resource', `${path}.reference`));
        }
      } else if (key === 'reference' && typeof child === 'string') {
        // An entry's absolute or relative fullUrl; anything else refers outside the Bundle and stays.
        out[key] = targets.get(child) ?? child;
      } else out[key] = walk(child, `${path}.${key}`, depth + 1);
    }
    return out;
  };
  const rewritten = walk(resource, at, 0) as Resource;
  // The validator's walk may have said so already for this resource.
  if (tooDeep && !issues.some((i) => i.code === 'too-long' && i.expression?.[0] === at)) {
    issues.push(issue('too-long', `content is nested deeper than ${WALK_DEPTH_MAX} levels`, at));
  }
  draft.operation.resource = rewritten;
}

/** `Type?search` (http.html#trules), told from `Type/id` and absolute URLs whose query is theirs. */
function isConditionalReference(reference: string): boolean {
  return /^[A-Z][A-Za-z]+\?/.test(reference);
}

/**
 * Resolves one conditional search to the id of its one match (undefined: no match), or records why it
 * cannot and answers null: the type is not searchable here, the search is malformed, several resources
 * match (412, http.html#ccreate), or the Bundle has run its CONDITIONAL_SEARCHES_MAX distinct searches.
 * Each distinct search is run once per Bundle.
 */
type ConditionalResolver = (
  type: string,
  search: string,
  at: string,
  issues: Issue[],
) => string | undefined | null;

/** What one conditional search came to: the matching ids, why it could not run, or unsupported. */
type Lookup = { readonly ids: readonly string[] } | { readonly refused: readonly Issue[] } | undefined;

function conditionalResolver(deps: PlanDependencies): ConditionalResolver {
  const answers = new Map<string, Lookup>();
  const lookUp = (type: string, search: string): Lookup => {
    if (!R4_RESOURCE_TYPES.has(type))
      return { refused: [issue('invalid', 'the search names no R4 resource type')] };
    try {
      const ids = deps.findExisting?.(type, search);
      return ids === undefined ? undefined : { ids };
    } catch (err) {
      if (err instanceof FhirError) return { refused: err.issues };
      throw err;
    }
  };
  return (type, search, at, issues) => {
    const key = `${type}?${search}`;
    if (!answers.has(key) && answers.size >= CONDITIONAL_SEARCHES_MAX) {
      issues.push(
        issue('too-costly', `a Bundle runs at most ${CONDITIONAL_SEARCHES_MAX} conditional searches`, at),
      );
      return null;
    }
    if (!answers.has(key)) answers.set(key, lookUp(type, search));
    const answer = answers.get(key);
    if (answer === undefined) {
      issues.push(
        issue('not-supported', `conditional interactions are not supported for ${type.slice(0, 64)}`, at),
      );
      return null;
    }
    if ('refused' in answer) {
      for (const found of answer.refused) issues.push({ ...found, expression: [at] });
      return null;
    }
    if (answer.ids.length > 1) {
      issues.push(issue('multiple-matches', `the search matches ${answer.ids.length} resources`, at));
      return null;
    }
    return answer.ids[0];
  };
}

/** http.html#trules: the same resource may not be the target of two operations of one transaction. */
function identityOverlaps(drafts: readonly Draft[]): Issue[] {
  const seen = new Map<string, number>();
  const issues: Issue[] = [];
  for (const d of drafts) {
    if (d.operation.kind === 'read') continue;
    const key = `${d.operation.resourceType}/${d.operation.id}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, d.entryIndex);
    else
      issues.push(
        issue(
          'invalid',
          `same resource as Bundle.entry[${first}]`,
          `Bundle.entry[${d.entryIndex}].request.url`,
        ),
      );
  }
  return issues;
}
