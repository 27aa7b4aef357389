// The claims txs on a real executor: the documentation edit (issue 17 §2), duplicate flags across payers
// with replacement and void (§4), adjudication digests against published rule tables (§3), and the PA
// decision clock stamped by block time (§5). Each refusal also checks that the refused tx wrote nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjudicate, adjudicationDigest } from './adjudicate.ts';
import { DEMO_PLAN_ID, DEMO_RULE_TABLE } from './demo-table.ts';
import { payerMetrics } from './metrics.ts';
import { claimEntry, latestClaimsOf, latestPaRequestsOf, paRequestsOf, ruleTable } from './store.ts';
import { doctor } from '../test-support.ts';
import { acmeNode, alicePseudonym, betaNode, claimsChain } from './test-fixtures.ts';
import { ENCOUNTER, hospitalNode, id, submitPayload } from './test-fixtures.ts';

test('a claim whose lines cite nothing, a record not committed, or one committed in the same block is refused', () => {
  const chain = claimsChain();
  const undocumented = submitPayload('c-undoc', ['visit'], {});
  (undocumented as { lines: { documentation: unknown[] }[] }).lines[0]!.documentation = [];
  assert.equal(chain.submit(hospitalNode, 'claims.submit', undocumented), 'tx.rejected:claims.undocumented');
  const missing = submitPayload('c-missing', ['visit']);
  (missing as { lines: { documentation: unknown[] }[] }).lines[0]!.documentation = [
    { recordId: id('nothing'), version: 1 },
  ];
  assert.equal(
    chain.submit(hospitalNode, 'claims.submit', missing),
    'tx.rejected:claims.documentation_missing',
  );
  const v2 = submitPayload('c-v2', ['visit']);
  (v2 as { lines: { documentation: unknown[] }[] }).lines[0]!.documentation = [
    { recordId: ENCOUNTER, version: 2 },
  ];
  assert.equal(chain.submit(hospitalNode, 'claims.submit', v2), 'tx.rejected:claims.documentation_missing');
  assert.equal(chain.submit(hospitalNode, 'claims.submit', submitPayload('c-ok', ['visit'])), 'ok');
  assert.equal(claimEntry(chain.state, id('c-ok'))?.status, 'submitted');
  // Version 2 committed in the claim's own block is not documentation that existed before the claim.
  const encounterV2 = {
    practitioner: doctor.key,
    recordId: ENCOUNTER,
    version: 2,
    resourceType: 'Encounter',
    patientPseudonym: alicePseudonym,
    custodianOrgId: 'st-mary',
    commitment: id('commitment: encounter v2'),
  };
  assert.equal(chain.submit(hospitalNode, 'records.register', encounterV2), 'ok');
  assert.equal(chain.submit(hospitalNode, 'claims.submit', v2), 'tx.rejected:claims.documentation_late');
  chain.commit();
  assert.equal(chain.submit(hospitalNode, 'claims.submit', v2), 'ok');
});

test('only a member node submits, and only to a member insurer', () => {
  const chain = claimsChain();
  assert.equal(
    chain.submit(acmeNode, 'claims.submit', submitPayload('c', ['v'], { payerOrgId: 'st-mary' })),
    'tx.rejected:claims.not_insurer',
  );
  assert.equal(
    chain.submit(hospitalNode, 'claims.submit', submitPayload('c', ['v'], { payerOrgId: 'st-mary' })),
    'tx.rejected:claims.not_insurer',
  );
});

test('the same line to a second payer is flagged a duplicate; a replacement of the first claim is not; a void frees the line', () => {
  const chain = claimsChain();
  assert.equal(chain.submit(hospitalNode, 'claims.submit', submitPayload('first', ['visit', 'lab'])), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'claims.submit', submitPayload('to-beta', ['visit'], { payerOrgId: 'beta' })),
    'ok',
  );
  assert.deepEqual(
    claimEntry(chain.state, id('to-beta'))!.lines.map((l) => l.verdict),
    ['duplicate'],
  );
  const replacement = submitPayload('first-fixed', ['visit', 'xray'], {
    frequency: '7',
    replacesClaimId: id('first'),
  });
  assert.equal(chain.submit(hospitalNode, 'claims.submit', replacement), 'ok');
  assert.deepEqual(
    claimEntry(chain.state, id('first-fixed'))!.lines.map((l) => l.verdict),
    ['replacement', 'new'],
  );
  assert.equal(claimEntry(chain.state, id('first'))!.status, 'replaced');
  // The lab line the replacement dropped is free again; the visit is now the replacement's.
  assert.equal(chain.submit(hospitalNode, 'claims.submit', submitPayload('lab-again', ['lab'])), 'ok');
  assert.deepEqual(
    claimEntry(chain.state, id('lab-again'))!.lines.map((l) => l.verdict),
    ['new'],
  );
  const badVoid = submitPayload('void-x', ['other'], { frequency: '8', replacesClaimId: id('first-fixed') });
  assert.equal(chain.submit(hospitalNode, 'claims.submit', badVoid), 'tx.rejected:claims.void_unmatched');
  const voiding = submitPayload('void', ['visit', 'xray'], {
    frequency: '8',
    replacesClaimId: id('first-fixed'),
  });
  assert.equal(chain.submit(hospitalNode, 'claims.submit', voiding), 'ok');
  assert.equal(claimEntry(chain.state, id('first-fixed'))!.status, 'voided');
  assert.equal(chain.submit(hospitalNode, 'claims.submit', submitPayload('visit-again', ['visit'])), 'ok');
  assert.deepEqual(
    claimEntry(chain.state, id('visit-again'))!.lines.map((l) => l.verdict),
    ['new'],
  );
});

test('the payer records an adjudication against a table it published; another payer, or an unknown version, is refused', () => {
  const chain = claimsChain();
  assert.equal(chain.submit(hospitalNode, 'claims.submit', submitPayload('c', ['visit'])), 'ok');
  const facts = {
    planId: DEMO_PLAN_ID,
    use: 'claim' as const,
    type: 'professional' as const,
    deductibleMetCents: 0,
    authorisedCodes: [],
    items: [
      { sequence: 1, code: '99213', modifiers: [], units: 1, chargeCents: 15_000, serviceDate: '2026-03-02' },
    ],
  };
  const answer = adjudicate(facts, ruleTable(chain.state, 'acme', 1)!);
  const payload = {
    claimId: id('c'),
    tableVersion: 1,
    digest: adjudicationDigest(answer),
    outcome: answer.outcome,
    totalBenefitCents: answer.totalBenefitCents,
    totalPatientCents: answer.totalPatientCents,
  };
  assert.equal(chain.submit(betaNode, 'claims.adjudicate', payload), 'tx.rejected:claims.unknown_claim');
  assert.equal(
    chain.submit(acmeNode, 'claims.adjudicate', { ...payload, tableVersion: 2 }),
    'tx.rejected:claims.unknown_rule_table',
  );
  assert.equal(chain.submit(acmeNode, 'claims.adjudicate', payload), 'ok');
  assert.equal(
    claimEntry(chain.state, id('c'))!.adjudication!.digest,
    adjudicationDigest(adjudicate(facts, DEMO_RULE_TABLE)),
  );
  assert.equal(chain.submit(acmeNode, 'claims.adjudicate', payload), 'tx.rejected:claims.not_submitted');
  assert.equal(
    chain.submit(acmeNode, 'claims.publishRules', { table: DEMO_RULE_TABLE }),
    'tx.rejected:claims.rule_table_version',
  );
});

test('PA: block times stamp submission, pends and decision, and metrics follow from the chain alone', () => {
  const chain = claimsChain();
  const request = (n: string, priority: string) => ({
    requestId: id(n),
    payerOrgId: 'acme',
    patientPseudonym: alicePseudonym,
    commitment: id(`pa ${n}`),
    priority,
  });
  assert.equal(chain.submit(hospitalNode, 'claims.paSubmit', request('urgent', 'urgent')), 'ok');
  assert.equal(chain.submit(hospitalNode, 'claims.paSubmit', request('standard', 'standard')), 'ok');
  chain.commit();
  const submittedMs = paRequestsOf(chain.state, 'acme')[0]!.submittedAtMs;
  const decide = (n: string, action: string, authNumber: string | null = null) =>
    chain.submit(acmeNode, 'claims.paDecide', { requestId: id(n), action, authNumber });
  assert.equal(decide('urgent', 'A4'), 'ok');
  chain.advance(80 * 3600_000); // past the urgent 72 h
  assert.equal(decide('urgent', 'A1', 'AUTH-1'), 'ok');
  assert.equal(decide('urgent', 'A3'), 'tx.rejected:claims.already_decided');
  assert.equal(
    chain.submit(betaNode, 'claims.paDecide', { requestId: id('standard'), action: 'A3', authNumber: null }),
    'tx.rejected:claims.unknown_request',
  );
  assert.equal(decide('standard', 'A3'), 'ok');
  const requests = paRequestsOf(chain.state, 'acme');
  assert.equal(requests[0]!.pendedAtMs.length, 1);
  assert.equal(requests[0]!.decision!.authNumber, 'AUTH-1');
  const [m] = payerMetrics(
    requests.map((r) => ({
      payerOrgId: r.payerOrgId,
      priority: r.priority,
      submittedMs: r.submittedAtMs,
      decision: r.decision === null ? null : { action: r.decision.action, decidedMs: r.decision.decidedAtMs },
    })),
    chain.timeMs,
  );
  assert.equal(requests[0]!.decision!.decidedAtMs - submittedMs > 72 * 3600_000, true);
  assert.equal(m!.approvalRateBasisPoints, 5000);
  assert.equal(m!.withinDeadlineBasisPoints, 5000, 'the urgent one was late, the standard one on time');
});

test('each payer’s queue lists the claims and PA requests sent to it, newest first, and no other payer’s', () => {
  const chain = claimsChain();
  for (const [claim, payerOrgId] of [
    ['a1', 'acme'],
    ['b1', 'beta'],
    ['a2', 'acme'],
  ] as const) {
    assert.equal(
      chain.submit(hospitalNode, 'claims.submit', submitPayload(claim, [claim], { payerOrgId })),
      'ok',
    );
  }
  const refused = submitPayload('refused', ['r'], { payerOrgId: 'st-mary' });
  assert.equal(chain.submit(hospitalNode, 'claims.submit', refused), 'tx.rejected:claims.not_insurer');
  const ids = (payer: string, limit: number) =>
    latestClaimsOf(chain.state, payer, limit).map((c) => c.claimId);
  assert.deepEqual(ids('acme', 10), [id('a2'), id('a1')]);
  assert.deepEqual(ids('acme', 1), [id('a2')], 'bounded by the limit');
  assert.deepEqual(ids('beta', 10), [id('b1')]);
  assert.deepEqual(ids('st-mary', 10), []);
  const pa = (n: string, payerOrgId: string) => ({
    requestId: id(n),
    payerOrgId,
    patientPseudonym: alicePseudonym,
    commitment: id(`pa ${n}`),
    priority: 'standard',
  });
  assert.equal(chain.submit(hospitalNode, 'claims.paSubmit', pa('p1', 'acme')), 'ok');
  assert.equal(chain.submit(hospitalNode, 'claims.paSubmit', pa('p2', 'beta')), 'ok');
  assert.equal(chain.submit(hospitalNode, 'claims.paSubmit', pa('p3', 'acme')), 'ok');
  const requests = (payer: string) => latestPaRequestsOf(chain.state, payer, 10).map((r) => r.requestId);
  assert.deepEqual(requests('acme'), [id('p3'), id('p1')]);
  assert.deepEqual(requests('beta'), [id('p2')]);
});
