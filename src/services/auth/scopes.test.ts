import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AuthError } from './errors.ts';
import {
  allows,
  assertAllowed,
  assertOnlyContext,
  formatScope,
  formatScopes,
  INTERACTIONS,
  NON_RESOURCE_SCOPES,
  parseScope,
  parseScopes,
  SCOPE_CONTEXTS,
  type AccessRequest,
  type Interaction,
} from './scopes.ts';

const req = (context: AccessRequest['context'], resourceType: string, interaction: Interaction) => ({
  context,
  resourceType,
  interaction,
});

test('v2 resource scopes parse into context, type and interactions in cruds order', () => {
  assert.deepEqual(parseScope('patient/*.rs'), {
    kind: 'resource',
    context: 'patient',
    resourceType: '*',
    interactions: ['r', 's'],
  });
  assert.deepEqual(parseScope('user/Observation.cruds'), {
    kind: 'resource',
    context: 'user',
    resourceType: 'Observation',
    interactions: ['c', 'r', 'u', 'd', 's'],
  });
  assert.deepEqual(parseScope('system/Patient.r'), {
    kind: 'resource',
    context: 'system',
    resourceType: 'Patient',
    interactions: ['r'],
  });
});

test('v1 scopes read as their v2 equivalents (SMART v2: read = rs, write = cud, * = cruds)', () => {
  assert.equal(formatScope(parseScope('patient/*.read')), 'patient/*.rs');
  assert.equal(formatScope(parseScope('patient/*.write')), 'patient/*.cud');
  assert.equal(formatScope(parseScope('user/Observation.*')), 'user/Observation.cruds');
  assert.deepEqual(parseScope('patient/Condition.read'), parseScope('patient/Condition.rs'));
});

test('identity and launch scopes are kept but grant no resource access', () => {
  const scopes = parseScopes('openid fhirUser launch/patient offline_access');
  assert.deepEqual(
    scopes.map((s) => s.kind),
    ['non-resource', 'non-resource', 'non-resource', 'non-resource'],
  );
  for (const context of SCOPE_CONTEXTS) {
    for (const interaction of INTERACTIONS) {
      assert.equal(allows(scopes, req(context, 'Patient', interaction)), false);
    }
  }
});

test('malformed scopes are refused with auth.scope_malformed and a message saying why', () => {
  const cases: [string, RegExp][] = [
    ['', /printable/],
    ['doctor/*.rs', /context must be/],
    ['patient/observation.rs', /FHIR type name/],
    ['patient/Obs-ervation.rs', /FHIR type name/],
    ['patient/*.sr', /cruds/],
    ['patient/*.rr', /cruds/],
    ['patient/*.', /cruds/],
    ['patient/*.x', /cruds/],
    ['patient/*.toString', /cruds/],
    ['patient/*.constructor', /cruds/],
    ['patient/*', /not <patient/],
    ['patient.rs', /not <patient/],
    ['something', /not <patient/],
    ['patient/Observation.rs?category=laboratory', /query restrictions/],
    ['patient/*.rs"', /printable/],
    ['p'.repeat(200), /printable/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseScope(text),
      (err: unknown) =>
        err instanceof AuthError && err.code === 'auth.scope_malformed' && message.test(err.message),
      text,
    );
  }
  for (const text of [
    ' patient/*.rs',
    'patient/*.rs  user/*.rs',
    'patient/*.rs ',
    'patient/*.rs\tuser/*.rs',
  ]) {
    assert.throws(() => parseScopes(text), { code: 'auth.scope_malformed' }, JSON.stringify(text));
  }
  assert.throws(() => parseScopes(Array(65).fill('openid').join(' ')), { code: 'auth.scope_malformed' });
});

test('parseScopes keeps one of each, in canonical spelling', () => {
  assert.equal(formatScopes(parseScopes('patient/*.read patient/*.rs openid openid')), 'patient/*.rs openid');
});

test('allows: type, wildcard, interaction and context all have to match', () => {
  const scopes = parseScopes('patient/Observation.rs user/*.r');
  assert.equal(allows(scopes, req('patient', 'Observation', 'r')), true);
  assert.equal(allows(scopes, req('patient', 'Observation', 's')), true);
  assert.equal(allows(scopes, req('patient', 'Observation', 'c')), false);
  assert.equal(allows(scopes, req('patient', 'Condition', 'r')), false);
  assert.equal(allows(scopes, req('user', 'Condition', 'r')), true);
  assert.equal(allows(scopes, req('user', 'Condition', 's')), false);
  // Contexts never stand in for each other.
  assert.equal(allows(scopes, req('system', 'Observation', 'r')), false);
  assert.equal(allows(parseScopes('user/*.cruds'), req('patient', 'Observation', 'r')), false);
  assert.equal(allows([], req('patient', 'Observation', 'r')), false);
});

test('assertAllowed names the scope that was missing; assertOnlyContext refuses other contexts', () => {
  assert.throws(
    () => assertAllowed(parseScopes('patient/*.rs'), req('patient', 'Observation', 'c')),
    (err: unknown) =>
      err instanceof AuthError &&
      err.code === 'auth.insufficient_scope' &&
      err.details.requiredScope === 'patient/Observation.c',
  );
  assert.doesNotThrow(() => assertAllowed(parseScopes('patient/*.rs'), req('patient', 'Observation', 's')));
  assert.doesNotThrow(() => assertOnlyContext(parseScopes('patient/*.rs openid launch/patient'), 'patient'));
  assert.throws(() => assertOnlyContext(parseScopes('patient/*.rs user/*.r'), 'patient'), {
    code: 'auth.scope_not_allowed',
  });
});

// Property tests over the whole grammar.
const context = fc.constantFrom(...SCOPE_CONTEXTS);
const resourceType = fc.oneof(
  fc.constant('*'),
  fc.constantFrom('Patient', 'Observation', 'Condition', 'Consent'),
);
const permissions = fc
  .subarray([...INTERACTIONS], { minLength: 1 })
  .map((letters) => INTERACTIONS.filter((i) => letters.includes(i)).join(''));
const resourceScope = fc.tuple(context, resourceType, permissions).map(([c, t, p]) => `${c}/${t}.${p}`);
const anyScope = fc.oneof(resourceScope, fc.constantFrom(...NON_RESOURCE_SCOPES));
const request = fc.record({
  context,
  resourceType: fc.constantFrom('Patient', 'Observation', 'Condition', 'Consent'),
  interaction: fc.constantFrom(...INTERACTIONS),
});

test('property: v2 scopes round-trip through parse and format', () => {
  fc.assert(
    fc.property(fc.uniqueArray(anyScope, { minLength: 1, maxLength: 10 }), (texts) => {
      assert.equal(formatScopes(parseScopes(texts.join(' '))), texts.join(' '));
    }),
  );
});

test('property: allows is exactly "some scope matches", and more scopes never allow less', () => {
  fc.assert(
    fc.property(fc.array(resourceScope, { maxLength: 6 }), resourceScope, request, (texts, extra, r) => {
      const scopes = texts.map(parseScope);
      const expected = texts.some((t) => {
        const [c, rest] = t.split('/') as [string, string];
        const [type, perms] = rest.split('.') as [string, string];
        return c === r.context && (type === '*' || type === r.resourceType) && perms.includes(r.interaction);
      });
      assert.equal(allows(scopes, r), expected);
      if (expected) assert.equal(allows([...scopes, parseScope(extra)], r), true);
    }),
  );
});

test('property: a v1 scope allows exactly what its v2 equivalent allows', () => {
  const v1 = { read: 'rs', write: 'cud', '*': 'cruds' } as const;
  fc.assert(
    fc.property(context, resourceType, fc.constantFrom('read', 'write', '*'), request, (c, t, p, r) => {
      assert.equal(allows([parseScope(`${c}/${t}.${p}`)], r), allows([parseScope(`${c}/${t}.${v1[p]}`)], r));
    }),
  );
});

test('property: arbitrary text either parses or fails with auth.scope_malformed, never otherwise', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (text) => {
      try {
        parseScopes(text);
      } catch (err) {
        assert.ok(err instanceof AuthError && err.code === 'auth.scope_malformed');
      }
    }),
  );
});
