// The claims API (issue 17) over real HTTP on a real node: the hospital documents a visit through FHIR,
// submits a claim citing it, the insurer adjudicates under its published rule table, and any caller reads
// the claim, replays the adjudication (the committed digest is reproduced; altered facts are not), finds
// the line's fingerprint, and reads a PA request's clock and the payer's metrics, which match figures
// computed here by hand from the committed block times. Unknown ids and a bad replay are refused. The
// hospital's staff submit a claim through their node's API (fingerprinted under the network key), and
// callers who are not its staff, undocumented lines and malformed claims are refused with nothing
// committed.
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
import { documentedVisit } from '../harness/claims.ts';
import { fhirKeys, startFhirTestNode, type FhirTestNode } from '../harness/fhir-node.ts';
import { patientPseudonymOfTest } from '../harness/fhir-node.ts';
import { http, postJson } from '../harness/http.ts';
import { claimContentCommitment } from '../../src/services/claims/commitment.ts';
import { custodialCommitment } from '../../src/services/records/custodial.ts';
import { issuePractitionerToken } from '../../src/api/auth/practitioner-login.ts';
import { generateKeyPair } from '../../src/node/keys.ts';

const pseudonym = patientPseudonymOfTest;
const hex = (n: number) => randomBytes(n).toString('hex');
const networkKey = new Uint8Array(randomBytes(32));

let t: FhirTestNode;
let observationId = '';
before(async () => {
  t = await startFhirTestNode({
    chainId: 'carechain-claims-api',
    listen: true,
    insurer: true,
    claimsNetworkKey: networkKey,
  });
  observationId = await documentedVisit(t);
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

/** A claim body for POST /api/v1/claims: the facts, each line citing the Observation. */
function claimBody(facts: ClaimFacts, documentation = [{ recordId: observationId, version: 1 }]) {
  return {
    payerOrgId: 'insurer',
    patientPseudonym: pseudonym,
    facts,
    lines: facts.items.map((item) => ({ sequence: item.sequence, documentation })),
  };
}

/** Another day's visit, so its lines are new whatever the tests above billed. */
const laterVisit: ClaimFacts = {
  ...visit,
  items: visit.items.map((item) => ({ ...item, serviceDate: '2026-11-20' })),
};

test('the provider’s staff submit a claim through their node: fingerprinted, committed, bound to its content', async () => {
  const answer = await postJson(`${t.url}${CLAIMS_API}`, claimBody(laterVisit), t.tokens.doctor);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const { claim } = answer.body;
  assert.deepEqual(
    [claim.providerOrgId, claim.payerOrgId, claim.patientPseudonym, claim.status, claim.use, claim.frequency],
    ['hospital', 'insurer', pseudonym, 'submitted', 'claim', '1'],
  );
  // Each line's fingerprint is the network key's over the line, as any member holding the key computes it.
  assert.deepEqual(
    claim.lines.map((l: { fingerprint: string; verdict: string }) => [l.fingerprint, l.verdict]),
    laterVisit.items.map((item) => [
      lineFingerprint(networkKey, lineIdentity(pseudonym, 'hospital', item)),
      'new',
    ]),
  );
  assert.deepEqual(claim.lines[0].documentation, [{ recordId: observationId, version: 1 }]);
  // The commitment binds the content under a salt only the hospital's node derives (from its seed).
  const salt = custodialCommitment(fhirKeys.nodeKey, `claim-content\n${claim.claimId}`);
  const { payerOrgId, patientPseudonym, facts, lines } = claimBody(laterVisit);
  assert.equal(
    claim.commitment,
    claimContentCommitment(salt, { payerOrgId, patientPseudonym, facts, lines }),
  );
  const read = await get(`/${claim.claimId}`);
  assert.equal(read.status, 200);
  assert.deepEqual(read.body.claim, claim);
  // The same lines again: flagged as duplicates of the claim that holds them.
  const again = await postJson(`${t.url}${CLAIMS_API}`, claimBody(laterVisit), t.tokens.doctor);
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.deepEqual(
    again.body.claim.lines.map((l: { verdict: string }) => l.verdict),
    ['duplicate', 'duplicate'],
  );
});

test('a claim from a caller who is not the provider’s staff, undocumented or malformed is refused, and nothing is committed', async () => {
  const fresh: ClaimFacts = { ...visit, items: [{ ...visit.items[0]!, serviceDate: '2026-11-27' }] };
  const fingerprint = lineFingerprint(networkKey, lineIdentity(pseudonym, 'hospital', fresh.items[0]!));
  const cases: [string, unknown, string | null, number, string | null][] = [
    ['no token', claimBody(fresh), null, 401, null],
    ['another organisation’s staff', claimBody(fresh), t.tokens.nurse, 403, 'claims.staff_only'],
    ['a patient', claimBody(fresh), t.tokens.patient, 403, 'claims.staff_only'],
    ['no documentation', claimBody(fresh, []), t.tokens.doctor, 422, 'claims.undocumented'],
    [
      'documentation not on chain',
      claimBody(fresh, [{ recordId: hex(32), version: 1 }]),
      t.tokens.doctor,
      422,
      'claims.documentation_missing',
    ],
    [
      'lines not matching the items',
      { ...claimBody(fresh), lines: [{ sequence: 2, documentation: [] }] },
      t.tokens.doctor,
      400,
      'claims.invalid_claim',
    ],
    [
      'a fractional charge',
      claimBody({ ...fresh, items: [{ ...fresh.items[0]!, chargeCents: 1.5 }] }),
      t.tokens.doctor,
      400,
      null,
    ],
    ['no facts', { ...claimBody(fresh), facts: undefined }, t.tokens.doctor, 400, null],
  ];
  for (const [what, body, token, status, code] of cases) {
    const answer = await postJson(`${t.url}${CLAIMS_API}`, body, token ?? undefined);
    assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
    if (code !== null) assert.equal(answer.body.error.code, code, what);
  }
  // None of them put the line on chain.
  assert.equal((await get(`/fingerprints/${fingerprint}`)).status, 404);
});

/** Submits the first visit line on another day through the hospital's API; returns the claim id. */
async function submitOneLine(serviceDate: string): Promise<string> {
  const facts = { ...visit, items: [{ ...visit.items[0]!, serviceDate }] };
  const submitted = await postJson(`${t.url}${CLAIMS_API}`, claimBody(facts), t.tokens.doctor);
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
  return submitted.body.claim.claimId as string;
}

test('the adjudication route is the payer’s claims office’s: the provider’s physician is refused', async () => {
  const claimId = await submitOneLine('2026-11-28');
  for (const [token, status] of [
    [undefined, 401],
    [t.tokens.doctor, 403],
    [t.tokens.patient, 403],
  ] as const) {
    const answer = await postJson(`${t.url}${CLAIMS_API}/${claimId}/adjudication`, {}, token);
    assert.equal(answer.status, status, JSON.stringify(answer.body));
  }
  assert.equal((await get(`/${claimId}`)).body.claim.status, 'submitted');
  // A patient reads their EOBs at a payer's node; this one holds none for them, and staff cannot list.
  const mine = await http(`${t.url}/api/v1/patients/me/explanation-of-benefits`, {
    headers: { authorization: `Bearer ${t.tokens.patient}` },
  });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  assert.deepEqual([mine.body.resourceType, mine.body.total], ['Bundle', 0]);
  const staff = await http(`${t.url}/api/v1/patients/me/explanation-of-benefits`, {
    headers: { authorization: `Bearer ${t.tokens.doctor}` },
  });
  assert.equal(staff.status, 403);
  assert.equal(staff.body.error.code, 'claims.patient_only');
});

test('the insurer workspace’s reads answer only the payer’s claims office, about claims sent to it', async () => {
  const claimId = await submitOneLine('2026-11-29');
  const read = (path: string, token?: string) =>
    http(
      `${t.url}${CLAIMS_API}${path}`,
      token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
    );
  for (const path of ['/workspace', `/${claimId}/documentation`]) {
    for (const [who, token, status] of [
      ['no token', undefined, 401],
      ['the provider’s physician', t.tokens.doctor, 403],
      ['another organisation’s nurse', t.tokens.nurse, 403],
      ['a patient', t.tokens.patient, 403],
    ] as const) {
      const answer = await read(path, token);
      assert.equal(answer.status, status, `${path}, ${who}: ${JSON.stringify(answer.body)}`);
      if (token !== undefined) assert.equal(answer.body.error.code, 'claims.staff_only', `${path}, ${who}`);
    }
  }
  // The hospital's own claims office, at the hospital's node, sees the hospital's queue as a payer (empty:
  // it is no insurer), and not the documentation of a claim the hospital sent to the insurer.
  const officer = generateKeyPair();
  await t.submit(fhirKeys.hospitalAdmin, 'membership.registerPractitioner', {
    orgId: 'hospital',
    practitionerKey: officer.publicKey,
    role: 'claims-officer',
  });
  const { accessToken } = await issuePractitionerToken(t.state(), t.issuer, {
    practitionerKey: officer.publicKey,
    orgId: 'hospital',
  });
  const queue = await read('/workspace', accessToken);
  assert.equal(queue.status, 200, JSON.stringify(queue.body));
  assert.deepEqual(
    [queue.body.payerOrgId, queue.body.claims, queue.body.priorAuth, queue.body.metrics],
    ['hospital', [], [], null],
  );
  const documentation = await read(`/${claimId}/documentation`, accessToken);
  assert.equal(documentation.status, 422, JSON.stringify(documentation.body));
  assert.equal(documentation.body.error.code, 'claims.not_payer_node');
  const unknown = await read(`/${hex(32)}/documentation`, accessToken);
  assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
});
