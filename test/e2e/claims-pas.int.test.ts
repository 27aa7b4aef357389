// Da Vinci PAS on a real node over real HTTP (issue 17 §5): every PAS request Bundle of the shared test
// data is accepted by Claim/$submit at the hospital's node (their payer is no member, so the node's
// default payer, the insurer, answers), and each answer is valid R4 and has the PAS response shape: A4
// (pended) with the request id. The insurer's node pends once more and then certifies; $inquire then
// answers the certification with its authorisation number, and the decision clock shows it on time.
// Refused, with an OperationOutcome and nothing committed: a Claim referencing a resource the Bundle does
// not carry, a Bundle that is not a PAS request, no token, staff of another organisation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bundle, ClaimResponse } from 'fhir/r4.js';
import { paRequest, paRequestsOf } from '../../src/app/claims/index.ts';
import { CLAIMS_API } from '../../src/contract/claims.ts';
import { PA_REQUEST_SYSTEM, PAS_PROFILES, X12_REVIEW_ACTION_SYSTEM } from '../../src/services/claims/pas.ts';
import { pasBundles, type Json } from '../../src/services/fhir/fhir-testdata.ts';
import { fhirKeys, fhirTestNodeForTests } from '../harness/fhir-node.ts';
import { http, postJson } from '../harness/http.ts';
import { issuePractitionerToken } from '../../src/api/auth/practitioner-login.ts';
import { generateKeyPair } from '../../src/node/keys.ts';

const t = fhirTestNodeForTests({
  chainId: 'carechain-claims-pas',
  listen: true,
  insurer: true,
  defaultPayerOrgId: 'insurer',
});

const requests = () => pasBundles().filter((b) => b.json.meta?.profile?.includes(PAS_PROFILES.requestBundle));

async function operation(name: '$submit' | '$inquire', bundle: unknown, token: string | undefined) {
  return http(`${t.url}/fhir/R4/Claim/${name}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/fhir+json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(bundle),
  });
}

/** The review action of each item of a PAS ClaimResponse, with its authorisation number if any. */
function reviewActions(response: ClaimResponse): { code: string; number: string | undefined }[] {
  return (response.item ?? []).map((item) => {
    const review = item.adjudication[0]?.extension?.find((e) => e.url === PAS_PROFILES.reviewAction);
    const code = review?.extension?.find((e) => e.url === PAS_PROFILES.reviewActionCode)?.valueCodeableConcept
      ?.coding?.[0];
    assert.equal(code?.system, X12_REVIEW_ACTION_SYSTEM);
    const number = review?.extension?.find((e) => e.url === 'number')?.valueString;
    return { code: code.code!, number };
  });
}

/** Valid R4 and the PAS response shape; the ClaimResponse it carries. */
function pasAnswer(body: Bundle, items: number): ClaimResponse {
  const checked = t.validator.validateResource(body);
  assert.equal(checked.valid, true, JSON.stringify(checked.issues));
  assert.equal(body.type, 'collection');
  assert.deepEqual(body.meta?.profile, [PAS_PROFILES.responseBundle]);
  const response = body.entry?.[0]?.resource as ClaimResponse;
  assert.equal(response.resourceType, 'ClaimResponse');
  assert.equal(response.use, 'preauthorization');
  assert.equal(response.item?.length, items);
  // The patient, insurer and requestor the ClaimResponse references travel with it.
  const carried = new Set(body.entry!.slice(1).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`));
  for (const ref of [response.patient, response.insurer, response.requestor]) {
    assert.ok(carried.has(ref!.reference!), `${ref!.reference} carried`);
  }
  return response;
}

const requestIdOf = (response: ClaimResponse) =>
  response.identifier!.find((i) => i.system === PA_REQUEST_SYSTEM)!.value!;

test('every PAS request Bundle of the test data is accepted, pended (A4) and answered as valid R4', async () => {
  const files = requests();
  assert.ok(files.length >= 2, 'the shared PAS requests are there');
  for (const { file, json } of files) {
    const answer = await operation('$submit', json, t.tokens.doctor);
    assert.equal(answer.status, 200, `${file}: ${JSON.stringify(answer.body)}`);
    const response = pasAnswer(answer.body, (json.entry[0].resource.item as unknown[]).length);
    assert.equal(response.outcome, 'queued', file);
    assert.deepEqual(
      reviewActions(response).map((a) => a.code),
      response.item!.map(() => 'A4'),
    );
    const entry = paRequest(t.state(), requestIdOf(response));
    assert.ok(entry, `${file}: committed`);
    assert.equal(entry.payerOrgId, 'insurer');
    assert.equal(entry.providerOrgId, 'hospital');
    // levelOfServiceCode U: the 72-hour clock.
    assert.equal(entry.priority, 'urgent');
  }
});

test('a pended request resolves: the payer pends, then certifies, and $inquire answers it on time', async () => {
  const bundle = structuredClone<Json>(requests()[0]!.json);
  bundle.entry[0].resource.identifier[0].value = 'PENDED-1';
  const submitted = await operation('$submit', bundle, t.tokens.doctor);
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
  const requestId = requestIdOf(pasAnswer(submitted.body, 1));

  const decide = (action: string, authNumber: string | null) =>
    t.submit(fhirKeys.insurerNode, 'claims.paDecide', { requestId, action, authNumber });
  await decide('A4', null);
  const pended = await operation('$inquire', bundle, t.tokens.doctor);
  assert.equal(pended.status, 200, JSON.stringify(pended.body));
  assert.equal(pasAnswer(pended.body, 1).outcome, 'queued');

  await decide('A1', 'AUTH-PAS-1');
  const answered = await operation('$inquire', bundle, t.tokens.doctor);
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  const response = pasAnswer(answered.body, 1);
  assert.equal(response.outcome, 'complete');
  assert.equal(response.preAuthRef, 'AUTH-PAS-1');
  assert.deepEqual(reviewActions(response), [{ code: 'A1', number: 'AUTH-PAS-1' }]);
  // A resubmission of the same trace number is the same request, answered as it stands.
  const again = await operation('$submit', bundle, t.tokens.doctor);
  assert.equal(requestIdOf(pasAnswer(again.body, 1)), requestId);
  assert.equal(pasAnswer(again.body, 1).outcome, 'complete');

  const clock = await http(`${t.url}${CLAIMS_API}/prior-auth/${requestId}`);
  assert.equal(clock.status, 200);
  assert.equal(clock.body.request.pendedAtMs.length, 1);
  assert.equal(clock.body.decidedInTime, true);
  assert.equal(clock.body.deadlineMs, clock.body.request.submittedAtMs + 72 * 3600_000);
  // The decision's block time is the ClaimResponse's created.
  assert.equal(response.created, new Date(clock.body.request.decision.decidedAtMs).toISOString());
});

test('refusals are OperationOutcomes and commit nothing', async () => {
  const before = paRequestsOf(t.state(), 'insurer').length;
  const base = requests()[0]!.json;
  const variant = (change: (b: Json) => void) => {
    const b = structuredClone<Json>(base);
    b.entry[0].resource.identifier[0].value = 'REFUSED-1';
    change(b);
    return b;
  };
  const missingPatient = variant((b) => {
    b.entry = b.entry.filter((e: Json) => e.resource.resourceType !== 'Patient');
  });
  const cases: [string, unknown, string | undefined, number, string][] = [
    ['a referenced resource missing', missingPatient, t.tokens.doctor, 422, 'business-rule'],
    ['not a collection', variant((b) => (b.type = 'batch')), t.tokens.doctor, 400, 'invalid'],
    [
      'not a preauthorization',
      variant((b) => (b.entry[0].resource.use = 'claim')),
      t.tokens.doctor,
      400,
      'invalid',
    ],
    ['not valid R4', variant((b) => (b.entry[0].resource.status = 42)), t.tokens.doctor, 400, 'structure'],
    ['no token', base, undefined, 401, 'login'],
    ['another organisation’s staff', base, t.tokens.nurse, 403, 'forbidden'],
    ['a patient', base, t.tokens.patient, 403, 'forbidden'],
  ];
  for (const [what, bundle, token, status, code] of cases) {
    const answer = await operation('$submit', bundle, token);
    assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.resourceType, 'OperationOutcome', what);
    assert.equal(answer.body.issue[0].code, code, what);
  }
  const missing = await operation('$submit', missingPatient, t.tokens.doctor);
  assert.deepEqual(missing.body.issue[0].expression, ['Claim.patient.reference']);
  // An inquiry about a request never submitted is a 404 OperationOutcome.
  const unknown = await operation(
    '$inquire',
    variant(() => undefined),
    t.tokens.doctor,
  );
  assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
  assert.equal(unknown.body.resourceType, 'OperationOutcome');
  assert.equal(paRequestsOf(t.state(), 'insurer').length, before, 'nothing committed');
});

test('the decision route: only the payer’s node may decide, only staff may ask', async () => {
  const bundle = structuredClone<Json>(requests()[0]!.json);
  bundle.entry[0].resource.identifier[0].value = 'DECIDE-1';
  const submitted = await operation('$submit', bundle, t.tokens.doctor);
  const requestId = requestIdOf(pasAnswer(submitted.body, 1));
  const url = `${t.url}${CLAIMS_API}/prior-auth/${requestId}/decision`;
  const decision = { action: 'A1', authNumber: 'AUTH-X' };
  // The hospital's claims officer asks the hospital's node, which is not the payer's: the chain refuses.
  const officer = generateKeyPair();
  await t.submit(fhirKeys.hospitalAdmin, 'membership.registerPractitioner', {
    orgId: 'hospital',
    practitionerKey: officer.publicKey,
    role: 'claims-officer',
  });
  const officerToken = (
    await issuePractitionerToken(t.state(), t.issuer, {
      practitionerKey: officer.publicKey,
      orgId: 'hospital',
    })
  ).accessToken;
  const notPayer = await postJson(url, decision, officerToken);
  assert.equal(notPayer.status, 422, JSON.stringify(notPayer.body));
  assert.equal(notPayer.body.error.code, 'claims.unknown_request');
  // A physician and a patient may not decide at all.
  for (const token of [t.tokens.doctor, t.tokens.patient]) {
    const refused = await postJson(url, decision, token);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'claims.staff_only');
  }
  const anonymous = await postJson(url, decision);
  assert.equal(anonymous.status, 401);
  const bad = await postJson(url, { action: 'A9', authNumber: null }, officerToken);
  assert.equal(bad.status, 400);
  assert.equal(paRequest(t.state(), requestId)?.decision, null, 'still undecided');
});
