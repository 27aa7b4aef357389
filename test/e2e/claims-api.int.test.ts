// The claims API (issue 17) over real HTTP on a real node: the hospital documents a visit through FHIR,
// submits a claim citing it, the insurer adjudicates under its published rule table, and any caller reads
// the claim, replays the adjudication (the committed digest is reproduced; altered facts are not), finds
// the line's fingerprint, and reads a PA request's clock and the payer's metrics, which match figures
// computed here by hand from the committed block times. Unknown ids and a bad replay are refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  DEMO_RULE_TABLE,
  lineFingerprint,
  lineIdentity,
  type ClaimFacts,
} from '../../src/app/claims/index.ts';
import { demoAdjudication, OFFICE_VISIT } from '../../src/app/claims/test-fixtures.ts';
import { CLAIMS_API } from '../../src/contract/claims.ts';
import { chalmersPatient, heartRateObservation } from '../harness/fhir-client.ts';
import { fhirKeys, injectJson, startFhirTestNode, type FhirTestNode } from '../harness/fhir-node.ts';
import { patientPseudonymOfTest } from '../harness/fhir-node.ts';
import { http, postJson } from '../harness/http.ts';

const pseudonym = patientPseudonymOfTest;
const hex = (n: number) => randomBytes(n).toString('hex');
const networkKey = new Uint8Array(randomBytes(32));

let t: FhirTestNode;
let observationId = '';
before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-claims-api', listen: true, insurer: true });
  const fhir = (type: string, body: unknown) =>
    injectJson(t.app, { method: 'POST', url: `/fhir/R4/${type}`, token: t.tokens.doctor, body });
  const patient = await fhir('Patient', chalmersPatient(pseudonym));
  assert.equal(patient.status, 201, JSON.stringify(patient.body));
  const observation = await fhir('Observation', heartRateObservation(patient.body.id));
  assert.equal(observation.status, 201, JSON.stringify(observation.body));
  observationId = observation.body.id;
  await t.submit(fhirKeys.insurerNode, 'claims.publishRules', { table: DEMO_RULE_TABLE });
});
after(() => t?.close());

const get = (path: string) => http(`${t.url}${CLAIMS_API}${path}`);

const visit = OFFICE_VISIT;

/** Submits the facts' lines as a claim from the hospital's node, each citing the Observation. */
async function submitClaim(facts: ClaimFacts, payerOrgId = 'insurer'): Promise<string> {
  const claimId = hex(32);
  const lines = facts.items.map((item) => ({
    sequence: item.sequence,
    fingerprint: lineFingerprint(networkKey, lineIdentity(pseudonym, 'hospital', item)),
    documentation: [{ recordId: observationId, version: 1 }],
  }));
  const payload = {
    claimId,
    payerOrgId,
    patientPseudonym: pseudonym,
    commitment: hex(32),
    use: facts.use,
    frequency: '1',
    replacesClaimId: null,
    lines,
  };
  await t.submit(fhirKeys.nodeKey, 'claims.submit', payload);
  return claimId;
}

test('a documented claim is adjudicated, read back, and replayed to the committed digest by anyone', async () => {
  const claimId = await submitClaim(visit);
  const { adjudication, payload } = demoAdjudication(claimId, visit);
  const { digest } = payload;
  await t.submit(fhirKeys.insurerNode, 'claims.adjudicate', payload);

  const read = await get(`/${claimId}`);
  assert.equal(read.status, 200, JSON.stringify(read.body));
  assert.equal(read.body.claim.status, 'adjudicated');
  assert.equal(read.body.claim.adjudication.digest, digest);
  assert.deepEqual(
    read.body.claim.lines.map((l: { verdict: string }) => l.verdict),
    ['new', 'new'],
  );

  const replayed = await postJson(`${t.url}${CLAIMS_API}/${claimId}/replay`, { facts: visit });
  assert.equal(replayed.status, 200, JSON.stringify(replayed.body));
  assert.equal(replayed.body.matches, true);
  assert.equal(replayed.body.digest, digest);
  assert.deepEqual(replayed.body.adjudication, adjudication);
  // The payer cannot have adjudicated other facts than it committed to: one cent more changes the digest.
  const altered = { ...visit, items: [{ ...visit.items[0]!, chargeCents: 15_001 }, visit.items[1]!] };
  const other = await postJson(`${t.url}${CLAIMS_API}/${claimId}/replay`, { facts: altered });
  assert.equal(other.status, 200);
  assert.equal(other.body.matches, false);

  const fingerprint = read.body.claim.lines[0].fingerprint as string;
  const found = await get(`/fingerprints/${fingerprint}`);
  assert.equal(found.status, 200);
  assert.deepEqual(found.body.entry, { claimId, payerOrgId: 'insurer', voided: false });

  const rules = await get('/rules/insurer');
  assert.equal(rules.status, 200);
  assert.equal(rules.body.latestVersion, 1);
  assert.deepEqual(rules.body.table, DEMO_RULE_TABLE);
});

test('the same line billed again is flagged as a duplicate on chain', async () => {
  const claimId = await submitClaim({ ...visit, items: [visit.items[0]!] });
  const read = await get(`/${claimId}`);
  assert.equal(read.body.claim.lines[0].verdict, 'duplicate');
});

test('a PA request shows its deadline and whether the decision met it, and metrics match hand-computed figures', async () => {
  const request = (priority: string) => ({
    requestId: hex(32),
    payerOrgId: 'insurer',
    patientPseudonym: pseudonym,
    commitment: hex(32),
    priority,
  });
  const urgent = request('urgent');
  const standard = request('standard');
  const pending = request('standard');
  for (const r of [urgent, standard, pending]) await t.submit(fhirKeys.nodeKey, 'claims.paSubmit', r);
  const decide = (requestId: string, action: string, authNumber: string | null) =>
    t.submit(fhirKeys.insurerNode, 'claims.paDecide', { requestId, action, authNumber });
  await decide(urgent.requestId, 'A4', null);
  await decide(urgent.requestId, 'A1', 'AUTH-0001');
  await decide(standard.requestId, 'A3', null);

  const shown = await get(`/prior-auth/${urgent.requestId}`);
  assert.equal(shown.status, 200, JSON.stringify(shown.body));
  const entry = shown.body.request;
  assert.equal(entry.pendedAtMs.length, 1);
  assert.equal(entry.decision.action, 'A1');
  assert.equal(entry.decision.authNumber, 'AUTH-0001');
  assert.equal(shown.body.deadlineMs, entry.submittedAtMs + 72 * 3600_000);
  assert.equal(shown.body.decidedInTime, true);
  const open = await get(`/prior-auth/${pending.requestId}`);
  assert.equal(open.body.decidedInTime, null);

  const denied = (await get(`/prior-auth/${standard.requestId}`)).body.request;
  const times = [
    entry.decision.decidedAtMs - entry.submittedAtMs,
    denied.decision.decidedAtMs - denied.submittedAtMs,
  ].sort((a, b) => a - b);
  const metrics = await get('/metrics?payer=insurer');
  assert.equal(metrics.status, 200, JSON.stringify(metrics.body));
  const [m, ...others] = metrics.body.payers;
  assert.equal(others.length, 0, 'one payer asked for');
  // 3 requests, 2 decided (one A1 after an A4 pend, one A3), none overdue: 1/2 approved, 1/2 denied.
  assert.deepEqual(
    [m.payerOrgId, m.requests, m.decided, m.approved, m.denied, m.overdue],
    ['insurer', 3, 2, 1, 1, 0],
  );
  assert.deepEqual([m.approvalRateBasisPoints, m.denialRateBasisPoints], [5000, 5000]);
  // Two decision times: the mean and the median are both their floored midpoint; both were on time.
  const midpoint = Math.floor((times[0]! + times[1]!) / 2);
  assert.deepEqual(
    [m.meanDecisionMs, m.medianDecisionMs, m.withinDeadlineBasisPoints],
    [midpoint, midpoint, 10_000],
  );
});

test('unknown ids, a claim not yet adjudicated and malformed facts are refused with their codes', async () => {
  const unknown = hex(32);
  const refusals: [string, Promise<{ status: number; body: any }>, number][] = [
    ['claims.claim_not_found', get(`/${unknown}`), 404],
    ['claims.fingerprint_not_found', get(`/fingerprints/${unknown}`), 404],
    ['claims.request_not_found', get(`/prior-auth/${unknown}`), 404],
    ['claims.rule_table_not_found', get('/rules/insurer?version=9'), 404],
    ['claims.claim_not_found', postJson(`${t.url}${CLAIMS_API}/${unknown}/replay`, { facts: visit }), 404],
  ];
  const submitted = await submitClaim({
    ...visit,
    items: [{ ...visit.items[0]!, serviceDate: '2026-11-03' }],
  });
  refusals.push([
    'claims.not_adjudicated',
    postJson(`${t.url}${CLAIMS_API}/${submitted}/replay`, { facts: visit }),
    422,
  ]);
  refusals.push([
    'claims.invalid_claim',
    postJson(`${t.url}${CLAIMS_API}/${submitted}/replay`, {
      facts: { ...visit, items: [{ ...visit.items[0]!, serviceDate: '2026-13-40' }] },
    }),
    400,
  ]);
  for (const [code, answer, status] of refusals) {
    const { status: got, body } = await answer;
    assert.equal(got, status, `${code}: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, code);
  }
  const shapeless = await postJson(`${t.url}${CLAIMS_API}/${submitted}/replay`, { facts: { items: 1 } });
  assert.equal(shapeless.status, 400);
});
