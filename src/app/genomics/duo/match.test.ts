import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { DataUse, DuoModifier } from './codes.ts';
import { plainWords } from './codes.ts';
import { matchDataUse, useAllowedFor, type ResearchPurpose, type StatedUse } from './match.ts';
import { COMMITTED_USE } from './test-fixtures.ts';

const use = (overrides: Partial<StatedUse> = {}): StatedUse => ({
  purpose: { kind: 'health' },
  researcher: 'r1',
  project: 'p1',
  institution: 'i1',
  country: 'NL',
  ...COMMITTED_USE,
  ...overrides,
});
const terms = (permission: DataUse['permission'], ...modifiers: DuoModifier[]): DataUse => ({
  permission,
  modifiers,
});
const NOW = 1_700_000_000_000;

test('permissions: GRU allows any research, HMB health only, DS its diseases, POA ancestry only', () => {
  assert.ok(matchDataUse(terms({ code: 'GRU' }), use({ purpose: { kind: 'ancestry' } }), NOW).allowed);
  assert.ok(!matchDataUse(terms({ code: 'HMB' }), use({ purpose: { kind: 'ancestry' } }), NOW).allowed);
  assert.ok(!matchDataUse(terms({ code: 'HMB' }), use({ purpose: { kind: 'general' } }), NOW).allowed);
  const ds = terms({ code: 'DS', diseases: ['MONDO:0004975'] });
  assert.ok(matchDataUse(ds, use({ purpose: { kind: 'disease', disease: 'MONDO:0004975' } }), NOW).allowed);
  assert.ok(!matchDataUse(ds, use({ purpose: { kind: 'disease', disease: 'MONDO:0005148' } }), NOW).allowed);
  assert.ok(!matchDataUse(terms({ code: 'POA' }), use(), NOW).allowed);
  assert.ok(!matchDataUse(terms({ code: 'GRU' }), use({ purpose: { kind: 'clinical-care' } }), NOW).allowed);
  assert.ok(
    matchDataUse(terms({ code: 'GRU' }, { code: 'CC' }), use({ purpose: { kind: 'clinical-care' } }), NOW)
      .allowed,
  );
});

test('modifiers name every condition the use fails', () => {
  const verdict = matchDataUse(
    terms(
      { code: 'GRU' },
      { code: 'NPU' },
      { code: 'IRB' },
      { code: 'GS', countries: ['NL'] },
      { code: 'TS', untilMs: NOW - 1 },
    ),
    use({ forProfit: true, ethicsApproved: false, country: 'US' }),
    NOW,
  );
  assert.deepEqual(verdict, { allowed: false, reasons: ['NPU', 'IRB', 'GS', 'TS'] });
});

test('the person’s consent narrows the dataset’s terms; no consent allows nothing', () => {
  const dataset = terms({ code: 'GRU' });
  const consent = terms({ code: 'HMB' }, { code: 'NCU' });
  assert.ok(useAllowedFor(dataset, consent, use(), NOW).allowed);
  assert.deepEqual(useAllowedFor(dataset, consent, use({ commercial: true }), NOW), {
    allowed: false,
    reasons: ['NCU'],
  });
  assert.equal(useAllowedFor(dataset, undefined, use(), NOW).allowed, false);
});

const purposes: fc.Arbitrary<ResearchPurpose> = fc.oneof(
  fc.constant({ kind: 'general' as const }),
  fc.constant({ kind: 'health' as const }),
  fc.constant({ kind: 'ancestry' as const }),
  fc.constant({ kind: 'methods' as const }),
  fc.constant({ kind: 'disease' as const, disease: 'MONDO:0004975' }),
);

test('adding a modifier never turns a refusal into an allowance (property)', () => {
  const modifiers: DuoModifier[] = [
    { code: 'NPU' },
    { code: 'NMDS' },
    { code: 'IRB' },
    { code: 'NPOA' },
    { code: 'PUB' },
  ];
  fc.assert(
    fc.property(
      purposes,
      fc.subarray(modifiers),
      fc.constantFrom(...modifiers),
      fc.boolean(),
      (purpose, base, extra, forProfit) => {
        const stated = use({ purpose, forProfit });
        const before = matchDataUse(terms({ code: 'HMB' }, ...base), stated, NOW).allowed;
        const after = matchDataUse(terms({ code: 'HMB' }, ...base, extra), stated, NOW).allowed;
        assert.ok(!after || before);
      },
    ),
  );
});

test('every code has a plain-words sentence', () => {
  assert.match(plainWords({ code: 'HMB' }), /medical/);
  assert.match(plainWords({ code: 'GS', countries: ['NL', 'BE'] }), /NL, BE/);
});
