// The trials API (issue 16) over real HTTP on a real node whose organisation sponsors the trial: the
// sponsor's staff register NCT02513394 from its ClinicalTrials.gov JSON and write through their node;
// the patient signs enrolment, re-consent and withdrawal with their own key (PatientClient). Shown here:
// enrolment before the registration is final refused, allocations recomputed from the revealed seed,
// re-consent after an amendment making a secondary outcome primary, a verdict with a verifying proof for
// every registered outcome from the file's resultsSection, switching detected over HTTP, and the export
// round trip: a registration exported as a FHIR ResearchStudy registers again with the same outcomes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  allocatedArm,
  seedCommitment,
  verifyOutcomeProof,
  type RegisteredOutcome,
} from '../../src/app/trials/index.ts';
import {
  COMMITMENTS,
  EXAMPLE_STUDY,
  exampleRegistration,
  secondaryMadePrimary,
  switchedOutcomes,
} from '../../src/app/trials/test-fixtures.ts';
import { PatientClient, PatientClientError } from '../../src/client/patient-client.ts';
import { signTx, TxError } from '../../src/core/tx.ts';
import { fhirKeys, testKey, type FhirTestNode } from '../harness/fhir-node.ts';
import { http, postJson } from '../harness/http.ts';
import { pallasStudy, startSponsorNode } from '../harness/trials.ts';

const study = pallasStudy();
const SEED = '7a'.repeat(32);

let t: FhirTestNode;
let patient: PatientClient;
before(async () => {
  t = await startSponsorNode('carechain-trials');
  patient = new PatientClient(t.url, fhirKeys.patient.seed);
});
after(() => t?.close());

const sponsor = (path: string, body: unknown) =>
  postJson(`${t.url}/api/v1/trials${path}`, body, t.tokens.doctor);
const read = async (path: string) => (await http(`${t.url}/api/v1/trials${path}`)).body;
const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof PatientClientError, String(err));
  return err.code;
};

/** Registers a study and commits the seed; answers the trial id. */
async function registered(body: object): Promise<string> {
  const answer = await sponsor('', { ...body, ...COMMITMENTS });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  const { id } = answer.body;
  assert.equal((await sponsor(`/${id}/seed`, { seedCommitment: seedCommitment(SEED) })).status, 200);
  return id;
}

test('the whole story: register from ClinicalTrials.gov JSON, enrol, amend, re-consent, unblind, verdict', async () => {
  const refused = await postJson(`${t.url}/api/v1/trials`, { study, ...COMMITMENTS }, t.tokens.patient);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'trials.not_sponsor');

  const id = await registered({ study });
  const page = await read(`/${id}`);
  assert.equal(page.versions[0].registration.identifiers.nct, 'NCT02513394');
  assert.equal(page.trial.primaryCompletionDate, '2020-11-30'); // the study's month, to its last day
  assert.equal(page.versions[0].registration.outcomes.length, 5);

  const enrolled = await patient.enrolInTrial(id, 'clinic', 1);
  assert.equal(await refusal(patient.enrolInTrial(id, 'clinic', 1)), 'trials.already_enrolled');
  assert.equal((await sponsor(`/${id}/allocations`, { enrolTxHash: enrolled.txHash })).status, 200);

  // Amendment: a secondary outcome made primary is material, so the patient's data stops flowing.
  const amended = secondaryMadePrimary(study);
  const amendment = await sponsor(`/${id}/amendments`, {
    study: amended,
    ...COMMITMENTS,
    reason: 'DRFS primary',
  });
  assert.equal(amendment.status, 200, JSON.stringify(amendment.body));
  assert.equal(amendment.body.version, 2);
  assert.equal(amendment.body.diff.material, true);
  assert.equal(amendment.body.diff.switched.length, 1);
  const mine = async () =>
    (
      await http(`${t.url}/api/v1/patients/me/trials`, {
        headers: { authorization: `Bearer ${t.tokens.patient}` },
      })
    ).body.trials[0];
  assert.deepEqual([(await mine()).needsReconsent, (await mine()).dataFlows], [true, false]);
  await patient.reconsentToTrial(id, 2);
  assert.deepEqual([(await mine()).consentedVersion, (await mine()).dataFlows], [2, true]);
  assert.deepEqual((await read(`/${id}`)).sites, [
    { siteOrgId: 'clinic', counts: { enrolled: 1, withdrawn: 0, reconsented: 1 } },
  ]);

  // Lock, unblind: every allocation recomputes from the revealed seed.
  assert.equal((await sponsor(`/${id}/unblind`, { seed: SEED })).body.error.code, 'trials.not_locked');
  assert.equal((await sponsor(`/${id}/lock`, { databaseDigest: 'cd'.repeat(32) })).status, 200);
  assert.equal((await sponsor(`/${id}/unblind`, { seed: SEED })).status, 200);
  const { seed, allocations } = await read(`/${id}/allocations`);
  assert.equal(seed, SEED);
  const arms = page.versions[0].registration.arms.map((a: { label: string }) => a.label);
  assert.deepEqual(
    allocations.map((a: { arm: string }) => a.arm),
    [arms[allocatedArm(SEED, enrolled.txHash, arms.length)]],
  );

  // Results from the file's resultsSection: every registered outcome (of version 1, in force at the
  // first enrolment) gets a verdict with a proof that verifies against the registration's root.
  assert.equal((await sponsor(`/${id}/results`, { study })).status, 200);
  const verdict = await read(`/${id}/verdict`);
  assert.equal(verdict.baselineVersion, 1);
  assert.equal(verdict.outcomesRoot, page.versions[0].outcomesRoot);
  const registeredOutcomes: RegisteredOutcome[] = page.versions[0].registration.outcomes;
  assert.equal(verdict.outcomes.length, registeredOutcomes.length);
  for (const entry of verdict.outcomes) {
    assert.equal(entry.verdict, 'prespecified', entry.registered.measure);
    assert.ok(verifyOutcomeProof(entry.registered, entry.proof, verdict.outcomesRoot));
  }
  assert.equal(await refusal(patient.withdrawFromTrial('ab'.repeat(32))), 'trials.unknown_trial');
  await patient.withdrawFromTrial(id);
  assert.equal((await mine()).status, 'withdrawn');
});

test('switching is detected over HTTP: a dropped primary, an added outcome, a changed time frame', async () => {
  const id = await registered({ study: EXAMPLE_STUDY });
  const bob = testKey('patient bob');
  const other = new PatientClient(t.url, bob.seed);
  await t.submit(bob, 'membership.registerPatient', {});
  const { txHash } = await other.enrolInTrial(id, 'hospital', 1);
  assert.ok(txHash);
  assert.equal((await sponsor(`/${id}/lock`, { databaseDigest: 'ef'.repeat(32) })).status, 200);
  assert.equal((await sponsor(`/${id}/unblind`, { seed: SEED })).status, 200);
  assert.equal((await sponsor(`/${id}/results`, { outcomes: switchedOutcomes() })).status, 200);
  const verdict = await read(`/${id}/verdict`);
  assert.deepEqual(
    verdict.outcomes.map((o: { verdict: string }) => o.verdict),
    ['not_reported', 'prespecified', 'timeframe_changed', 'prespecified', 'added'],
  );
});

test('an enrolment in the registration’s own block is refused: the registration is not final yet', () => {
  const { node, chainId } = t;
  const register = signTx(fhirKeys.nodeKey.seed, {
    chainId,
    type: 'trials.register',
    payload: { registration: { ...exampleRegistration(), identifiers: { nct: 'NCT09999999' } } } as never,
    nonce: node.mempool.nextNonce(fhirKeys.nodeKey.publicKey),
  });
  const trialId = node.submit(register);
  const enrol = signTx(fhirKeys.patient.seed, {
    chainId,
    type: 'trials.enrol',
    payload: { trialId, siteOrgId: 'clinic', version: 1 },
    nonce: node.mempool.nextNonce(fhirKeys.patient.publicKey),
  });
  // Submitted before the registration's block can commit (no await between): refused at admission.
  assert.throws(
    () => node.submit(enrol),
    (err: unknown) => err instanceof TxError && err.details.reason === 'trials.registration_not_final',
  );
});

test('export round-trips, and FHIR ResearchStudy is read and searched by its NCT number', async () => {
  const { trials } = await read('?nct=NCT02513394');
  assert.equal(trials.length, 1);
  const exported = await read(`/${trials[0].id}/export`);
  const fhir = await http(`${t.url}/fhir/R4/ResearchStudy?identifier=NCT02513394`);
  assert.equal(fhir.body.total, 1);
  assert.deepEqual(fhir.body.entry[0].resource.objective, exported.researchStudy.objective);
  const one = await http(`${t.url}/fhir/R4/ResearchStudy/${trials[0].id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.title, exported.study.protocolSection.identificationModule.briefTitle);
  const subjects = await http(`${t.url}/fhir/R4/ResearchSubject`, {
    headers: { authorization: `Bearer ${t.tokens.patient}` },
  });
  assert.equal(subjects.body.entry[0].resource.status, 'withdrawn');
  // Failures at these FHIR routes are OperationOutcomes, as at every /fhir/R4 route (a repeated
  // single-valued parameter was a 500 when the routes sat in the domain scope).
  for (const [url, status] of [
    [`${t.url}/fhir/R4/ResearchStudy?identifier=NCT02513394&identifier=NCT02513394`, 400],
    [`${t.url}/fhir/R4/ResearchStudy/${'0'.repeat(64)}`, 404],
  ] as const) {
    const refused = await http(url);
    assert.equal(refused.status, status, url);
    assert.equal(refused.body.resourceType, 'OperationOutcome', url);
  }
});

test('a registration exported as a FHIR ResearchStudy registers again with the same outcomes and root', async () => {
  const { trials } = await read('?nct=NCT02513394');
  const original = await read(`/${trials[0].id}`);
  const exported = await read(`/${trials[0].id}/export`);
  // The same study under a registry number of its own (one trial per NCT number), sent in the FHIR form.
  const researchStudy = structuredClone(exported.researchStudy);
  const nct = researchStudy.identifier.find((i: { value: string }) => i.value === 'NCT02513394');
  nct.value = 'NCT09999998';
  const answer = await sponsor('', { researchStudy });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  const again = await read(`/${answer.body.id}`);
  const [inForce, registeredAgain] = [original.versions.at(-1), again.versions[0]];
  assert.deepEqual(registeredAgain.registration.outcomes, inForce.registration.outcomes);
  assert.equal(registeredAgain.outcomesRoot, inForce.outcomesRoot);
  // And back to ClinicalTrials.gov v2: the same outcomes module as the original's export.
  const reExported = await read(`/${answer.body.id}/export`);
  assert.deepEqual(
    reExported.study.protocolSection.outcomesModule,
    exported.study.protocolSection.outcomesModule,
  );
});
