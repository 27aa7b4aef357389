// The AI API (issue 20) over real HTTP on one real custodian node: two patients held at the hospital, one
// consenting to research. Shown here: a cohort committed with the consenting patient in and the other
// counted out; a model refused while its card lacks HTI-1 attributes, then registered with its card as a
// DocumentReference and its AI Device, both valid R4, whose hashes are the chain's; a lineage; analytics
// that spend ε on chain before they answer and are refused once the budget is spent; an inference
// refused without a treatment consent, then labelled AIAST with a Provenance, logged as an access event
// the patient sees, and listed in "AI and my data"; a withdrawn consent leaving the patient out of the
// next cohort; a withdrawn model refusing inference.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import { readCohort, readModel } from '../../src/app/ai/index.ts';
import { COMPLETE_CARD, DIABETES_QUERY, demoModelBody } from '../../src/app/ai/test-fixtures.ts';
import { grantPayload } from '../../src/app/consent/test-fixtures.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import { toHex } from '../../src/core/bytes.ts';
import { seedOf } from '../harness/chain.ts';
import { chalmersPatient } from '../harness/fhir-client.ts';
import {
  fhirKeys,
  patientPseudonymOfTest as alice,
  startFhirTestNode,
  testKey,
  type FhirTestNode,
} from '../harness/fhir-node.ts';
import { http, postJson } from '../harness/http.ts';

const researchConsent = toHex(seedOf('ai research consent'));
const treatmentConsent = toHex(seedOf('ai treatment consent'));
const bobKey = testKey('patient bob of the ai test');
const bob = patientPseudonym(bobKey.publicKey);

let t: FhirTestNode;
const patientIds: Record<string, string> = {};

/** The patient lets the hospital read their Conditions and Observations for the purpose. */
const grant = (consentId: string, purpose: 'HRESCH' | 'TREAT') =>
  grantPayload({
    consentId,
    grantee: { kind: 'organisation', orgId: 'hospital' },
    purposes: [purpose],
  }) as CanonicalValue;

const observation = (patientId: string, code: string, value: number, unit: string) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  subject: { reference: `Patient/${patientId}` },
  effectiveDateTime: '2026-11-01T09:00:00Z',
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
});

async function fhirCreate(resource: object): Promise<string> {
  const type = (resource as { resourceType: string }).resourceType;
  const answer = await postJson(`${t.url}/fhir/R4/${type}`, resource, t.tokens.doctor);
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body.id as string;
}

before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-ai-api', listen: true, recordsAdmin: true });
  await t.submit(bobKey, 'membership.registerPatient', { custodianOrgId: 'hospital' });
  for (const [who, pseudonym, glucose, bmi] of [
    ['alice', alice, 182, 34.5],
    ['bob', bob, 88, 22.1],
  ] as const) {
    const id = await fhirCreate(chalmersPatient(pseudonym));
    patientIds[who] = id;
    await fhirCreate(observation(id, '2339-0', glucose, 'mg/dL'));
    await fhirCreate(observation(id, '39156-5', bmi, 'kg/m2'));
  }
  await fhirCreate({
    resourceType: 'Condition',
    subject: { reference: `Patient/${patientIds.alice}` },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
  });
  await t.submit(fhirKeys.patient, 'consent.grant', grant(researchConsent, 'HRESCH'));
});
after(() => t?.close());

const ai = (path: string, body: unknown, who: 'doctor' | 'nurse' | 'patient' = 'doctor') =>
  postJson(`${t.url}/api/v1/ai${path}`, body, t.tokens[who]);
const read = async (path: string, who?: 'doctor' | 'nurse' | 'patient') =>
  http(`${t.url}${path}`, {
    headers: who === undefined ? {} : { authorization: `Bearer ${t.tokens[who]}` },
  });
const modelBody = demoModelBody;

let cohortId = '';
let modelId = '';

test('a cohort counts the consenting patient in and the other out; only the custodian’s staff commit one', async () => {
  for (const who of ['patient', 'nurse'] as const) {
    const refused = await ai('/cohorts', { query: DIABETES_QUERY }, who);
    assert.equal(refused.status, 403, who);
    assert.equal(refused.body.error.code, 'ai.not_staff', who);
  }
  const answer = await ai('/cohorts', { query: DIABETES_QUERY, purpose: 'HRESCH' });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  assert.deepEqual([answer.body.included, answer.body.excludedForConsent], [1, 1]);
  cohortId = answer.body.cohortId;
  const onChain = readCohort(t.state(), cohortId, 'hospital');
  assert.equal(onChain?.membersRoot, answer.body.membersRoot);
  assert.equal(onChain?.queryHash, answer.body.queryHash);
  const view = await read(`/api/v1/ai/cohorts/${cohortId}`);
  assert.deepEqual(
    view.body.custodians.map((c: { orgId: string }) => c.orgId),
    ['hospital'],
  );
  // No pseudonym travels to the chain or the public view.
  assert.equal(JSON.stringify(view.body).includes(alice), false);
  const again = await ai('/cohorts', { query: DIABETES_QUERY });
  assert.equal(again.body.error.code, 'ai.cohort_exists');
  const bad = await ai('/cohorts', { query: { ...DIABETES_QUERY, condition: 'diabetes' } });
  assert.deepEqual([bad.status, bad.body.error.details.field], [400, 'query.condition']);
});

test('a model with an incomplete card is refused and nothing is committed; a complete one is registered', async () => {
  const { updateSchedule: _dropped, ...incomplete } = COMPLETE_CARD;
  const refused = await ai('/models', modelBody(cohortId, { card: incomplete }));
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.code, 'ai.incomplete_card');
  assert.equal(refused.body.error.details.missing, 'updateSchedule');
  assert.deepEqual((await read('/api/v1/ai/models')).body.models, []);
  const unknownCohort = await ai('/models', modelBody('ab'.repeat(32)));
  assert.equal(unknownCohort.body.error.code, 'ai.unknown_cohort');

  const answer = await ai('/models', modelBody(cohortId));
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  modelId = answer.body.modelId;
  for (const resource of [answer.body.documentReference, answer.body.device]) {
    const result = t.validator.validateResource(resource);
    assert.ok(result.valid, JSON.stringify(result.issues));
  }
  const record = readModel(t.state(), modelId, 1);
  assert.equal(record?.cardHash, answer.body.cardHash);
  assert.equal(record?.artefactHash, answer.body.artefactHash);
  assert.equal(record?.cohortId, cohortId);
  const version = await read(`/api/v1/ai/models/${modelId}/versions/1`);
  assert.equal(version.status, 200);
  assert.equal(version.body.documentsMatch, true);
  assert.equal(version.body.documentReference.resourceType, 'DocumentReference');

  const second = await ai('/models', modelBody(cohortId, { modelId, version: 2, parentVersion: 1 }));
  assert.equal(second.status, 201, JSON.stringify(second.body));
  const lineage = await read(`/api/v1/ai/models/${modelId}`);
  assert.deepEqual(
    lineage.body.versions.map((v: { version: number; record: { parentVersion: number | null } }) => [
      v.version,
      v.record.parentVersion,
    ]),
    [
      [1, null],
      [2, 1],
    ],
  );
  assert.equal((await read(`/api/v1/ai/models/${'0'.repeat(64)}`)).status, 404);
  assert.equal((await ai('/models', modelBody(cohortId), 'nurse')).body.error.code, 'ai.not_staff');
});

test('analytics spend ε on chain before answering; the query that would overspend is refused', async () => {
  const dataset = await ai('/datasets', { cohortId, limitMilli: 1500 });
  assert.equal(dataset.status, 201, JSON.stringify(dataset.body));
  const datasetId = dataset.body.datasetId;
  const query = { kind: 'count', resourceType: 'Condition', code: '44054006' };
  const first = await ai('/analytics', { datasetId, epsilonMilli: 1000, query });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.ok(Number.isInteger(first.body.value));
  assert.equal(first.body.remainingMilli, 500);
  const overspend = await ai('/analytics', { datasetId, epsilonMilli: 1000, query });
  assert.equal(overspend.status, 429);
  assert.equal(overspend.body.error.code, 'ai.budget_exhausted');
  assert.equal(overspend.body.error.details.remainingMilli, 500);
  const budget = await read(`/api/v1/ai/datasets/${datasetId}/budget`, 'doctor');
  assert.deepEqual([budget.body.spentMilli, budget.body.remainingMilli], [1000, 500]);
  assert.equal((await ai('/analytics', { datasetId, epsilonMilli: 500, query })).status, 200);
});

test('an inference is a logged read: refused without consent, then labelled AIAST with a Provenance the patient sees', async () => {
  const body = { modelId, version: 1, patient: patientIds.alice };
  const refused = await ai('/inferences', body);
  assert.equal(refused.status, 403, JSON.stringify(refused.body));
  assert.equal(refused.body.error.code, 'ai.read_refused');
  await t.submit(fhirKeys.patient, 'consent.grant', grant(treatmentConsent, 'TREAT'));

  const answer = await ai('/inferences', body);
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  const { riskAssessment, provenance, probability } = answer.body;
  assert.ok(probability > 0.5, `glucose 182 and BMI 34.5 score high: ${probability}`);
  for (const resource of [riskAssessment, provenance]) {
    const result = t.validator.validateResource(resource);
    assert.ok(result.valid, JSON.stringify(result.issues));
    assert.deepEqual(
      resource.meta.security.map((label: { code: string }) => label.code),
      ['AIAST'],
    );
  }
  assert.equal(riskAssessment.performer.identifier.value, `${modelId}/1`);
  assert.deepEqual(provenance.target[0], { reference: `RiskAssessment/${riskAssessment.id}` });
  assert.equal(provenance.agent[0].who.identifier.value, `${modelId}/1`);

  const log = await read('/api/v1/patients/me/access-log', 'patient');
  const events = log.body.items.filter(
    (e: { requester: string }) => e.requester === fhirKeys.doctor.publicKey,
  );
  assert.deepEqual(
    events.map((e: { outcome: string }) => e.outcome),
    ['granted', 'denied'],
  );
  const mine = await read('/api/v1/patients/me/ai', 'patient');
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  assert.deepEqual(
    mine.body.inferences.map((i: { riskAssessmentId: string; version: number }) => [
      i.riskAssessmentId,
      i.version,
    ]),
    [[riskAssessment.id, 1]],
  );
  assert.equal(mine.body.training.length, 1);
  assert.deepEqual(
    mine.body.training[0].models.map((m: { version: number }) => m.version),
    [1, 2],
  );
  assert.equal((await read('/api/v1/patients/me/ai', 'doctor')).body.error.code, 'ai.patient_only');
});

test('a withdrawn consent leaves the patient out of the next cohort; a withdrawn model runs no more', async () => {
  await t.submit(fhirKeys.patient, 'consent.revoke', { consentId: researchConsent });
  const next = await ai('/cohorts', { query: { ...DIABETES_QUERY, name: 'second round' } });
  assert.equal(next.status, 201, JSON.stringify(next.body));
  assert.deepEqual([next.body.included, next.body.excludedForConsent], [0, 2]);

  const withdrawn = await ai(`/models/${modelId}/versions/1/withdrawal`, {});
  assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
  const refused = await ai('/inferences', { modelId, version: 1, patient: patientIds.alice });
  assert.equal(refused.body.error.code, 'ai.model_withdrawn');
});
