// The payer's two checks on what a provider sends (billing.ts, content-exchange.ts), with no IO: the
// disclosed content must be what the commitment on chain binds, and its facts must reproduce the
// fingerprints the provider committed, line by line. Each check is shown to fail on one changed field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineFingerprint, lineIdentity, type ClaimEntry, type ClaimFacts } from '../../app/claims/index.ts';
import { OFFICE_VISIT } from '../../app/claims/test-fixtures.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { checkFactsMatch } from './billing.ts';
import { claimContentCommitment } from './commitment.ts';
import { contentMatches, type ClaimContent } from './content-exchange.ts';

const key = new Uint8Array(32).fill(7);
const pseudonym = 'a1'.repeat(32);
const content: ClaimContent = {
  payerOrgId: 'insurer',
  patientPseudonym: pseudonym,
  facts: OFFICE_VISIT,
  lines: OFFICE_VISIT.items.map((i) => ({ sequence: i.sequence, documentation: [] })),
};
const salt = 'b2'.repeat(32);

function claimOf(facts: ClaimFacts): ClaimEntry {
  return {
    claimId: 'c3'.repeat(32),
    payerOrgId: 'insurer',
    patientPseudonym: pseudonym,
    commitment: claimContentCommitment(salt, content as unknown as CanonicalValue),
    use: 'claim',
    frequency: '1',
    replacesClaimId: null,
    providerOrgId: 'hospital',
    lines: facts.items.map((item) => ({
      sequence: item.sequence,
      fingerprint: lineFingerprint(key, lineIdentity(pseudonym, 'hospital', item)),
      verdict: 'new',
      documentation: [],
    })),
    status: 'submitted',
    adjudication: null,
    submittedAtHeight: 3,
    submittedAtMs: 0,
    txHash: 'd4'.repeat(32),
  };
}

test('disclosed content matches its commitment only as committed: one cent or another salt does not', () => {
  const claim = claimOf(OFFICE_VISIT);
  assert.equal(contentMatches(claim, { content, salt }), true);
  const dearer = {
    ...content,
    facts: {
      ...OFFICE_VISIT,
      items: [{ ...OFFICE_VISIT.items[0]!, chargeCents: 15_001 }, OFFICE_VISIT.items[1]!],
    },
  };
  assert.equal(contentMatches(claim, { content: dearer, salt }), false);
  assert.equal(contentMatches(claim, { content, salt: 'e5'.repeat(32) }), false);
  assert.equal(contentMatches(claim, { content: null as never, salt }), false);
});

test('facts reproduce the committed fingerprints, or the mismatching lines are named', () => {
  const claim = claimOf(OFFICE_VISIT);
  assert.doesNotThrow(() => checkFactsMatch(key, claim, OFFICE_VISIT));
  const moreUnits = {
    ...OFFICE_VISIT,
    items: [OFFICE_VISIT.items[0]!, { ...OFFICE_VISIT.items[1]!, units: 2 }],
  };
  assert.throws(
    () => checkFactsMatch(key, claim, moreUnits),
    (err: { code?: string; details?: { sequences?: string } }) =>
      err.code === 'claims.facts_mismatch' && err.details?.sequences === '2',
  );
  // A line more or less than committed, or another key, is a mismatch too.
  const oneLine = { ...OFFICE_VISIT, items: [OFFICE_VISIT.items[0]!] };
  assert.throws(() => checkFactsMatch(key, claim, oneLine), /do not match/);
  assert.throws(() => checkFactsMatch(new Uint8Array(32), claim, OFFICE_VISIT), /do not match/);
  // Charges are not part of a line's identity: a different charge is the same service.
  const dearer = {
    ...OFFICE_VISIT,
    items: [{ ...OFFICE_VISIT.items[0]!, chargeCents: 1 }, OFFICE_VISIT.items[1]!],
  };
  assert.doesNotThrow(() => checkFactsMatch(key, claim, dearer));
});
