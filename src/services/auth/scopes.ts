// SMART App Launch v2 scopes (scopes-and-launch-context.html): parsing, the canonical v2 spelling, and
// the one access check. A resource scope is `<context>/<type|*>.<permissions>`, where context is
// patient, user or system and permissions are letters of "cruds" in that order (SMART v2 §"Scopes for
// requesting FHIR resources"). SMART v1's `.read`, `.write` and `.*` are read as their v2 equivalents
// (`rs`, `cud`, `cruds`). Identity and launch scopes (openid, fhirUser, launch/patient, …) are kept but
// grant no access to resources. Anything else is refused, not ignored: we issue these tokens ourselves,
// so an unknown scope is a bug or an attack, and a silent drop would hide both.
import { AuthError } from './errors.ts';

export const SCOPE_CONTEXTS = ['patient', 'user', 'system'] as const;
export type ScopeContext = (typeof SCOPE_CONTEXTS)[number];

/** SMART v2 permissions: create, read, update, delete, search; always written in this order. */
export const INTERACTIONS = ['c', 'r', 'u', 'd', 's'] as const;
export type Interaction = (typeof INTERACTIONS)[number];

/** Scopes that carry identity or launch context only (SMART v2 §"Scopes for requesting context data"). */
export const NON_RESOURCE_SCOPES = [
  'openid',
  'fhirUser',
  'profile',
  'launch',
  'launch/patient',
  'launch/encounter',
  'offline_access',
  'online_access',
] as const;
export type NonResourceScopeName = (typeof NON_RESOURCE_SCOPES)[number];

export interface ResourceScope {
  readonly kind: 'resource';
  readonly context: ScopeContext;
  /** A FHIR resource type, or '*' for all of them. */
  readonly resourceType: string;
  /** Granted interactions, in "cruds" order, never empty. */
  readonly interactions: readonly Interaction[];
}

export interface NonResourceScope {
  readonly kind: 'non-resource';
  readonly name: NonResourceScopeName;
}

export type Scope = ResourceScope | NonResourceScope;

export interface AccessRequest {
  readonly context: ScopeContext;
  readonly resourceType: string;
  readonly interaction: Interaction;
}

/** Bounds on what a scope string may be (STYLE §5): a token or a request carries a few scopes, not thousands. */
export const SCOPE_CHARS_MAX = 128;
export const SCOPE_COUNT_MAX = 64;
export const SCOPE_STRING_CHARS_MAX = 4096;

// A Map, not an object literal: `patient/*.toString` must not find Object.prototype.toString.
const V1_PERMISSIONS: ReadonlyMap<string, readonly Interaction[]> = new Map([
  ['read', ['r', 's']],
  ['write', ['c', 'u', 'd']],
  ['*', ['c', 'r', 'u', 'd', 's']],
]);

// FHIR resource type names are letters only, starting upper case (datatypes.html#code, Resource.type).
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{0,63}$/;
const V2_PERMISSIONS = /^c?r?u?d?s?$/;
const CONTEXT_SET: ReadonlySet<string> = new Set(SCOPE_CONTEXTS);
const NON_RESOURCE_SET: ReadonlySet<string> = new Set(NON_RESOURCE_SCOPES);
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function malformed(message: string): AuthError {
  return new AuthError('auth.scope_malformed', message);
}

/** Parses one scope; throws AuthError('auth.scope_malformed') saying what is wrong with it. */
export function parseScope(text: string): Scope {
  if (text.length === 0 || text.length > SCOPE_CHARS_MAX || !SCOPE_TOKEN.test(text)) {
    throw malformed(`a scope is 1 to ${SCOPE_CHARS_MAX} printable characters without spaces or quotes`);
  }
  if (NON_RESOURCE_SET.has(text)) return { kind: 'non-resource', name: text as NonResourceScopeName };
  const shown = text.length <= 40 ? text : `${text.slice(0, 39)}…`;
  if (text.includes('?')) {
    // SMART v2 granular scopes (`?category=…`) restrict by search parameters we do not evaluate; taking
    // the scope without its restriction would grant more than was asked, so it is refused.
    throw malformed(`scope ${shown}: query restrictions (?param=value) are not supported`);
  }
  const slash = text.indexOf('/');
  const dot = text.lastIndexOf('.');
  if (slash < 0 || dot < slash) {
    throw malformed(`scope ${shown} is not <patient|user|system>/<Type|*>.<cruds> nor a known scope`);
  }
  const context = text.slice(0, slash);
  const resourceType = text.slice(slash + 1, dot);
  const permissions = text.slice(dot + 1);
  if (!CONTEXT_SET.has(context)) throw malformed(`scope ${shown}: context must be patient, user or system`);
  if (resourceType !== '*' && !RESOURCE_TYPE.test(resourceType)) {
    throw malformed(`scope ${shown}: resource type must be a FHIR type name or *`);
  }
  const interactions = V1_PERMISSIONS.get(permissions) ?? v2Interactions(permissions);
  if (interactions === undefined) {
    throw malformed(`scope ${shown}: permissions must be letters of "cruds" in that order, or read/write/*`);
  }
  return { kind: 'resource', context: context as ScopeContext, resourceType, interactions };
}

function v2Interactions(permissions: string): Interaction[] | undefined {
  if (permissions.length === 0 || !V2_PERMISSIONS.test(permissions)) return undefined;
  return [...permissions] as Interaction[];
}

/** Parses a space-separated scope string (RFC 6749 §3.3). Duplicates are kept once. */
export function parseScopes(text: string): Scope[] {
  if (text.length > SCOPE_STRING_CHARS_MAX) {
    throw malformed(`scope string is longer than ${SCOPE_STRING_CHARS_MAX} characters`);
  }
  const parts = text.split(' ');
  if (parts.some((p) => p.length === 0)) {
    throw malformed('scopes are separated by single spaces, with none leading or trailing');
  }
  if (parts.length > SCOPE_COUNT_MAX) throw malformed(`more than ${SCOPE_COUNT_MAX} scopes`);
  const seen = new Map<string, Scope>();
  for (const part of parts) {
    const scope = parseScope(part);
    seen.set(formatScope(scope), scope);
  }
  return [...seen.values()];
}

/** Scopes given either way: a space-separated string is parsed, a parsed list is taken as is. */
export function scopesOf(scopes: string | readonly Scope[]): readonly Scope[] {
  return typeof scopes === 'string' ? parseScopes(scopes) : scopes;
}

/** The canonical (v2) spelling of a scope: v1 forms come back as v2. */
export function formatScope(scope: Scope): string {
  return scope.kind === 'non-resource'
    ? scope.name
    : `${scope.context}/${scope.resourceType}.${scope.interactions.join('')}`;
}

export function formatScopes(scopes: readonly Scope[]): string {
  return scopes.map(formatScope).join(' ');
}

/**
 * True when some scope grants the interaction on the type in the request's context. Contexts never
 * stand in for each other: a `user/` scope does not answer a `patient/` request, since the caller's
 * kind (practitioner or patient) decides the context. Scopes only bound what a token may ask for; the
 * consent decision is the gateway's, after this check passes (SMART v2: scopes do not grant beyond
 * the user's own permissions).
 */
export function allows(scopes: readonly Scope[], request: AccessRequest): boolean {
  return scopes.some(
    (s) =>
      s.kind === 'resource' &&
      s.context === request.context &&
      (s.resourceType === '*' || s.resourceType === request.resourceType) &&
      s.interactions.includes(request.interaction),
  );
}

/** The narrowest scope that would allow the request: named in 403 challenges (RFC 6750 §3, scope). */
export function requiredScope(request: AccessRequest): string {
  return `${request.context}/${request.resourceType}.${request.interaction}`;
}

/** Throws AuthError('auth.insufficient_scope') unless the scopes allow the request. */
export function assertAllowed(scopes: readonly Scope[], request: AccessRequest): void {
  if (!allows(scopes, request)) {
    const needed = requiredScope(request);
    throw new AuthError('auth.insufficient_scope', `the token's scopes do not include ${needed}`, {
      requiredScope: needed,
    });
  }
}

/** A token request's scopes, parsed, and refused (assertOnlyContext) unless all are of the token's context. */
export function scopesInContext(
  requested: string | readonly Scope[],
  context: ScopeContext,
): readonly Scope[] {
  const scopes = scopesOf(requested);
  assertOnlyContext(scopes, context);
  return scopes;
}

/** Throws AuthError('auth.scope_not_allowed') if a resource scope is in a context other than the one given. */
export function assertOnlyContext(scopes: readonly Scope[], context: ScopeContext): void {
  for (const scope of scopes) {
    if (scope.kind === 'resource' && scope.context !== context) {
      throw new AuthError(
        'auth.scope_not_allowed',
        `this token may carry ${context}/ resource scopes only, not ${formatScope(scope)}`,
      );
    }
  }
}
