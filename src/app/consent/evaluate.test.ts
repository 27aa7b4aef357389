import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { evaluateAccess, granteeCovers } from './evaluate.ts';
import {
  CONSENT_ACTIONS,
  type AccessRequest,
  type ConsentRecord,
  type Grantee,
  type Requester,
} from './types.ts';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const PATIENTS = [hex(0xa1), hex(0xa2)];
const KEYS = [hex(0xb1), hex(0xb2)];
const ORGS = ['st-mary', 'riverside'];
const ROLES = ['physician', 'nurse'] as const;
const TYPES = ['Observation', 'Condition', 'MedicationRequest'];

const base: ConsentRecord = {
  consentId: hex(1),
  patientPseudonym: PATIENTS[0]!,
  grantee: { kind: 'organisation', orgId: 'riverside' },
  resourceTypes: ['Observation'],
  purposes: ['TREAT'],
  actions: ['read'],
  period: { startMs: 100, endMs: 200 },
  provision: 'permit',
  grantedBy: hex(0xc1),
  requestId: null,
  height: 5,
  timeMs: 0,
  revokedAtHeight: null,
  revokedBy: null,
};
const nurse: Requester = { key: KEYS[0]!, orgId: 'riverside', role: 'nurse' };
const ask: AccessRequest = {
  patientPseudonym: PATIENTS[0]!,
  requester: nurse,
  resourceType: 'Observation',
  purpose: 'TREAT',
  action: 'read',
  atMs: 150,
  atHeight: 10,
};
const reason = (consents: ConsentRecord[], overrides: Partial<AccessRequest> = {}) =>
  evaluateAccess(consents, { ...ask, ...overrides }).reason;

test('a matching permit in force permits, and names the consent', () => {
  assert.deepEqual(evaluateAccess([base], ask), {
    decision: 'permit',
    reason: 'consent.permit',
    consentIds: [base.consentId],
  });
  assert.deepEqual(evaluateAccess([], ask), { decision: 'deny', reason: 'consent.none', consentIds: [] });
});

test('every condition of a consent must hold', () => {
  assert.equal(reason([base], { patientPseudonym: PATIENTS[1]! }), 'consent.none');
  assert.equal(reason([base], { requester: { ...nurse, orgId: 'st-mary' } }), 'consent.none');
  assert.equal(reason([base], { resourceType: 'Condition' }), 'consent.none');
  assert.equal(reason([base], { purpose: 'HRESCH' }), 'consent.none');
  assert.equal(reason([base], { purpose: 'treat' }), 'consent.none');
  assert.equal(reason([base], { action: 'write' }), 'consent.none');
  assert.equal(reason([{ ...base, resourceTypes: ['*'] }], { resourceType: 'Condition' }), 'consent.permit');
});

test('a consent is in force from its height, until its revocation height, within its period', () => {
  assert.equal(reason([base], { atHeight: 4 }), 'consent.none');
  assert.equal(reason([base], { atHeight: 5 }), 'consent.permit');
  const revoked = { ...base, revokedAtHeight: 8 };
  assert.equal(reason([revoked], { atHeight: 7 }), 'consent.permit');
  assert.equal(reason([revoked], { atHeight: 8 }), 'consent.none');
  // FHIR Period: both ends inclusive.
  assert.equal(reason([base], { atMs: 99 }), 'consent.none');
  assert.equal(reason([base], { atMs: 100 }), 'consent.permit');
  assert.equal(reason([base], { atMs: 200 }), 'consent.permit');
  assert.equal(reason([base], { atMs: 201 }), 'consent.none');
  assert.equal(
    reason([{ ...base, period: { startMs: 100, endMs: null } }], { atMs: 1e15 }),
    'consent.permit',
  );
});

test('grantees cover an organisation, one practitioner, or one role within one organisation', () => {
  const cases: [Grantee, boolean][] = [
    [{ kind: 'organisation', orgId: 'riverside' }, true],
    [{ kind: 'organisation', orgId: 'st-mary' }, false],
    [{ kind: 'practitioner', key: KEYS[0]! }, true],
    [{ kind: 'practitioner', key: KEYS[1]! }, false],
    [{ kind: 'role', orgId: 'riverside', role: 'nurse' }, true],
    [{ kind: 'role', orgId: 'riverside', role: 'physician' }, false],
    [{ kind: 'role', orgId: 'st-mary', role: 'nurse' }, false],
  ];
  for (const [grantee, expected] of cases)
    assert.equal(granteeCovers(grantee, nurse), expected, JSON.stringify(grantee));
});

// Small domains, so that random consents often match random requests (the mix is checked below).
const PURPOSES = ['TREAT', 'HRESCH'] as const;
const granteeArb: fc.Arbitrary<Grantee> = fc.oneof(
  fc.record({ kind: fc.constant('organisation' as const), orgId: fc.constantFrom(...ORGS) }),
  fc.record({ kind: fc.constant('practitioner' as const), key: fc.constantFrom(...KEYS) }),
  fc.record({
    kind: fc.constant('role' as const),
    orgId: fc.constantFrom(...ORGS),
    role: fc.constantFrom(...ROLES),
  }),
);
const periodArb = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.option(fc.integer({ min: 20, max: 150 })))
  .map(([startMs, length]) => ({ startMs, endMs: length === null ? null : startMs + length }));
const consentArb: fc.Arbitrary<ConsentRecord> = fc
  .record({
    patientPseudonym: fc.constantFrom(PATIENTS[0]!, PATIENTS[0]!, PATIENTS[0]!, PATIENTS[1]!),
    grantee: granteeArb,
    resourceTypes: fc.oneof(fc.constant(['*']), fc.subarray(TYPES, { minLength: 1 })),
    purposes: fc.subarray([...PURPOSES], { minLength: 1 }),
    actions: fc.subarray([...CONSENT_ACTIONS], { minLength: 1 }),
    period: periodArb,
    provision: fc.constantFrom('permit' as const, 'deny' as const),
    height: fc.integer({ min: 1, max: 15 }),
    // Mostly unrevoked: a revoked consent matches nothing after its revocation.
    revokedAfter: fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 10 }) },
    ),
  })
  .map(({ revokedAfter, ...c }) => ({
    ...base,
    ...c,
    revokedAtHeight: revokedAfter === null ? null : c.height + revokedAfter,
  }));
// Distinct ids, as the chain guarantees within one patient.
const consentsArb: fc.Arbitrary<ConsentRecord[]> = fc
  .array(consentArb, { maxLength: 12, size: 'max' })
  .map((consents) => consents.map((c, i) => ({ ...c, consentId: hex(i + 1) })));
const requestArb: fc.Arbitrary<AccessRequest> = fc.record({
  patientPseudonym: fc.constantFrom(PATIENTS[0]!, PATIENTS[0]!, PATIENTS[0]!, PATIENTS[1]!),
  requester: fc.record({
    key: fc.constantFrom(...KEYS),
    orgId: fc.constantFrom(...ORGS),
    role: fc.constantFrom(...ROLES),
  }),
  resourceType: fc.constantFrom(...TYPES),
  purpose: fc.constantFrom(...PURPOSES),
  action: fc.constantFrom(...CONSENT_ACTIONS),
  atMs: fc.integer({ min: 30, max: 100 }),
  atHeight: fc.integer({ min: 0, max: 30 }),
});

test('the generators produce every kind of decision often enough to test something', () => {
  const counts = { 'consent.permit': 0, 'consent.denied': 0, 'consent.none': 0 };
  // Seeded, so this check is stable; the properties themselves run on fresh seeds.
  for (const [consents, request] of fc.sample(fc.tuple(consentsArb, requestArb), {
    numRuns: 1000,
    seed: 1,
  })) {
    counts[evaluateAccess(consents, request).reason]++;
  }
  for (const [reasonCode, n] of Object.entries(counts)) assert.ok(n >= 50, `${reasonCode}: ${n} of 1000`);
});

test('property: a matching deny in force wins over any permits', () => {
  fc.assert(
    fc.property(consentsArb, requestArb, fc.nat(), (consents, request, at) => {
      const deny: ConsentRecord = {
        ...base,
        consentId: hex(999),
        patientPseudonym: request.patientPseudonym,
        grantee: { kind: 'practitioner', key: request.requester.key },
        resourceTypes: [request.resourceType],
        purposes: [request.purpose as ConsentRecord['purposes'][number]],
        actions: [request.action as ConsentRecord['actions'][number]],
        period: { startMs: 0, endMs: null },
        provision: 'deny',
        height: request.atHeight,
      };
      const list = [...consents];
      list.splice(at % (list.length + 1), 0, deny);
      const result = evaluateAccess(list, request);
      assert.equal(result.decision, 'deny');
      assert.equal(result.reason, 'consent.denied');
      assert.ok(result.consentIds.includes(deny.consentId));
    }),
    { numRuns: 300 },
  );
});

test('property: the decision is backed by consents of the deciding kind', () => {
  fc.assert(
    fc.property(consentsArb, requestArb, (consents, request) => {
      const result = evaluateAccess(consents, request);
      const byId = new Map(consents.map((c) => [c.consentId, c]));
      const expectedKind = { 'consent.permit': 'permit', 'consent.denied': 'deny', 'consent.none': null }[
        result.reason
      ];
      assert.equal(result.decision === 'permit', result.reason === 'consent.permit');
      assert.equal(result.consentIds.length === 0, expectedKind === null);
      for (const consentId of result.consentIds) assert.equal(byId.get(consentId)?.provision, expectedKind);
    }),
  );
});

test('property: revocation at height h changes nothing before h and removes the consent from h on', () => {
  const args = fc.tuple(
    consentsArb,
    requestArb,
    fc.nat(),
    fc.integer({ min: 0, max: 15 }),
    fc.integer({ min: -3, max: 3 }),
  );
  fc.assert(
    fc.property(args, ([consents, request, pick, delay, offset]) => {
      fc.pre(consents.length > 0);
      const i = pick % consents.length;
      const live = consents.map((c, j) => (j === i ? { ...c, revokedAtHeight: null } : c));
      const h = live[i]!.height + delay;
      const revoked = live.map((c, j) => (j === i ? { ...c, revokedAtHeight: h } : c));
      const without = live.filter((_, j) => j !== i);
      // Ask around h, where an off-by-one would show.
      const at = { ...request, atHeight: Math.max(0, h + offset) };
      const expected = at.atHeight >= h ? evaluateAccess(without, at) : evaluateAccess(live, at);
      assert.deepEqual(evaluateAccess(revoked, at), expected);
    }),
    { numRuns: 300 },
  );
});

test('property: evaluation is deterministic and independent of consent order', () => {
  const withPermutation = consentsArb.chain((consents) =>
    fc.tuple(fc.constant(consents), fc.shuffledSubarray(consents, { minLength: consents.length })),
  );
  fc.assert(
    fc.property(withPermutation, requestArb, ([consents, shuffled], request) => {
      const first = evaluateAccess(consents, request);
      assert.deepEqual(evaluateAccess(consents, request), first);
      assert.deepEqual(evaluateAccess(shuffled, request), first);
      assert.deepEqual(evaluateAccess([...consents, ...consents], request), first);
    }),
  );
});
