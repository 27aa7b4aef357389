// Federated training end to end (issue 20 §3, "Done when"): three custodians as real node processes, each
// holding Synthea patients from the shared test data and seeded synthetic adults, one per site without a
// research consent. Shown here: a consent-filtered cohort committed at every custodian; three rounds of
// pairwise-masked secure aggregation driven by the hospital's node over the node-to-node channel, whose
// averages equal federated averaging replayed here on exactly the consenting patients, whose masked
// updates hide each site's own and whose commitments verify against the chain at another node; a patient
// withdrawing consent is left out of the next round (counts checked); the final model registered with a
// complete card; its AUC on a held-back split beside a central model and each site's own (docs/AI.md);
// and an inference on a new patient, logged, labelled AIAST and listed in their "AI and my data".
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  auc,
  decodeAverage,
  DEFAULT_TRAINING,
  localUpdate,
  parseElements,
  predict,
  sumMasked,
  train,
  trainingSet,
  updateCommitment,
  zeroWeights,
  type PatientResources,
  type TrainingSet,
} from '../../src/app/ai/index.ts';
import { DIABETES_QUERY, demoModelBody } from '../../src/app/ai/test-fixtures.ts';
import { grantPayload } from '../../src/app/consent/test-fixtures.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import { generateKeyPair, type KeyPair } from '../../src/node/keys.ts';
import {
  heldResources,
  syntheaBundle,
  syntheaPatientFiles,
  syntheticBundle,
  syntheticPatients,
  syntheticResources,
  type SyntheticPatient,
} from '../harness/ai-federated.ts';
import { http, postJson, waitFor, type HttpAnswer } from '../harness/http.ts';
import { patientToken, startNetwork, type RunningNetwork, type Staff } from '../harness/network.ts';

const SITES = ['clinic', 'hospital', 'lab'] as const;
type Site = (typeof SITES)[number];
/** Per site: the synthetic draw (seed, count, prevalence) and which Synthea files it holds. */
const SITE_DATA: Record<Site, { seed: number; count: number; prevalence: number; synthea: number[] }> = {
  clinic: { seed: 2, count: 24, prevalence: 0.2, synthea: [2, 3] },
  hospital: { seed: 1, count: 24, prevalence: 0.5, synthea: [0, 1] },
  lab: { seed: 3, count: 24, prevalence: 0.35, synthea: [4] },
};
const HELD_BACK = syntheticPatients(99, 150, 0.35);
/** The analyst's reference scaling for glucose (mg/dL) and BMI (kg/m²), in the query's order. */
const FEATURES = [
  { code: '2339-0', mean: 110, scale: 30 },
  { code: '39156-5', mean: 28, scale: 5 },
];
const ROUND_TIMEOUT_MS = 120_000;

interface Member {
  readonly key: KeyPair;
  readonly consentId: string;
  readonly held: PatientResources;
}

let net: RunningNetwork;
const staff = {} as Record<Site, Staff>;
/** Each site's patients who consented to research, in the order imported. */
const members = {} as Record<Site, Member[]>;
let cohortId = '';
let modelId = '';
const rounds: any[] = [];

const hex = () => randomBytes(32).toString('hex');
const call = (site: Site, path: string, body: unknown) =>
  postJson(`${net.url(site)}${path}`, body, staff[site].token);

async function enrol(site: Site, key: KeyPair, consents: boolean): Promise<string> {
  await net.commit(net.url(site), key, 'membership.registerPatient', { custodianOrgId: site });
  const consentId = hex();
  if (consents) {
    const grant = grantPayload({
      consentId,
      grantee: { kind: 'organisation', orgId: site },
      purposes: ['HRESCH'],
    });
    await net.commit(net.url(site), key, 'consent.grant', grant as CanonicalValue);
  }
  return consentId;
}

async function importBundle(site: Site, bundle: unknown): Promise<HttpAnswer> {
  const answer = await postJson(`${net.url(site)}/fhir/R4`, bundle, staff[site].token);
  assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 500));
  return answer;
}

/** A site's patients: its Synthea files and synthetic adults, all consenting, and one who is not. */
async function populate(site: Site): Promise<void> {
  const { seed, count, prevalence, synthea } = SITE_DATA[site];
  const files = syntheaPatientFiles();
  const drawn = syntheticPatients(seed, count + 1, prevalence);
  const keys = drawn.map(() => generateKeyPair());
  const consentIds = await Promise.all(keys.map((key, i) => enrol(site, key, i < count)));
  const entries = drawn.flatMap((p, i) => syntheticBundle(p, patientPseudonym(keys[i]!.publicKey), i).entry);
  await importBundle(site, { resourceType: 'Bundle', type: 'transaction', entry: entries });
  members[site] = drawn.slice(0, count).map((p, i) => ({
    key: keys[i]!,
    consentId: consentIds[i]!,
    held: heldResources({ entry: syntheticResources(p, '', 'x').map((resource) => ({ resource })) }),
  }));
  for (const index of synthea) {
    const key = generateKeyPair();
    const consentId = await enrol(site, key, true);
    const bundle = syntheaBundle(files[index]!, patientPseudonym(key.publicKey));
    await importBundle(site, bundle);
    members[site].push({ key, consentId, held: heldResources(bundle) });
  }
}

before(async () => {
  net = await startNetwork('ai-federated', [
    { name: 'hospital' },
    { name: 'clinic', type: 'clinic' },
    { name: 'lab', type: 'lab' },
  ]);
  for (const site of SITES) staff[site] = await net.registerStaff(site, 'physician');
  await Promise.all(SITES.map((site) => populate(site)));
});
after(() => net?.stop('SIGKILL'));

/** A site's training set over the given members, as the site builds it (the same pure function). */
const setOf = (held: readonly Member[]): TrainingSet =>
  trainingSet(
    held.map((m) => m.held),
    FEATURES,
    DIABETES_QUERY.condition,
  );

test('each custodian commits its consent-filtered cohort: the patient without a research consent is counted out', async () => {
  for (const site of SITES) {
    const answer = await call(site, '/api/v1/ai/cohorts', { query: DIABETES_QUERY, purpose: 'HRESCH' });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual([answer.body.included, answer.body.excludedForConsent], [members[site].length, 1], site);
    assert.ok(cohortId === '' || cohortId === answer.body.cohortId, 'one query, one cohort id everywhere');
    cohortId = answer.body.cohortId;
  }
  // The coordinator needs every site's commitment on its own copy of the chain.
  const seen = await waitFor(async () => {
    const view = await http(`${net.url('hospital')}/api/v1/ai/cohorts/${cohortId}`);
    return view.status === 200 && view.body.custodians.length === 3;
  }, 60_000);
  assert.ok(seen, 'the hospital sees all three cohort commitments');
});

/** Runs a round at the coordinator; a site still catching up with the chain is asked again. */
async function runRound(round: number): Promise<any> {
  const body = {
    ...(round === 1 ? {} : { modelId }),
    round,
    cohortId,
    sites: [...SITES],
    features: FEATURES,
  };
  let answer: HttpAnswer | undefined;
  const done = await waitFor(
    async () => {
      answer = await call('hospital', '/api/v1/ai/rounds', body);
      if (answer.status === 502 || answer.status === 503) return false;
      return true;
    },
    ROUND_TIMEOUT_MS,
    1_000,
  );
  assert.ok(done && answer !== undefined, `round ${round}: ${JSON.stringify(answer?.body)}`);
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body;
}

/** Federated averaging replayed here: each site's local step from `start`, averaged by sample count. */
function replayRound(start: readonly number[], included: Record<Site, readonly Member[]>): number[] {
  const updates = SITES.map((site) => localUpdate(setOf(included[site]), start));
  const total = updates.reduce((n, u) => n + u.sampleCount, 0);
  return start.map((_, i) => updates.reduce((s, u) => s + u.weights[i]! * u.sampleCount, 0) / total);
}

/** The round's masked updates hash to its participants' entries, and their sum to the aggregate. */
function assertVerifies(answer: any): void {
  const masked = answer.participants.map((p: any) => parseElements(p.masked, FEATURES.length + 2)!);
  answer.participants.forEach((p: any, i: number) => assert.equal(updateCommitment(masked[i]), p.updateHash));
  const sum = sumMasked(masked);
  assert.deepEqual(sum.map(String), answer.sum);
  assert.equal(updateCommitment(sum), answer.aggregateHash);
  assert.deepEqual(decodeAverage(sum).weights, answer.weights);
}

const close = (actual: readonly number[], expected: readonly number[], what: string) =>
  actual.forEach((w, i) =>
    assert.ok(Math.abs(w - expected[i]!) < 1e-5, `${what}: ${actual.join()} vs ${expected.join()}`),
  );

test('three rounds of secure aggregation train on the consenting patients; a withdrawal leaves one out of the next', async () => {
  const everyone = { ...members };
  let expected = zeroWeights(FEATURES.length);
  for (const round of [1, 2]) {
    const answer = await runRound(round);
    modelId = answer.modelId;
    rounds.push(answer);
    assertVerifies(answer);
    expected = replayRound(expected, everyone);
    close(answer.weights, expected, `round ${round}`);
    for (const p of answer.participants) {
      assert.deepEqual([p.sampleCount, p.excludedForConsent], [members[p.orgId as Site].length, 0], p.orgId);
      // Masked: the update's last element is the sample count in the clear, the pads hide it.
      assert.notEqual(p.masked.at(-1), String(p.sampleCount), `${p.orgId}'s update is masked`);
    }
  }
  // A clinic patient withdraws their research consent; the clinic's node must have it before round 3.
  const leaving = members.clinic[0]!;
  await net.commit(net.url('clinic'), leaving.key, 'consent.revoke', { consentId: leaving.consentId });
  const answer = await runRound(3);
  rounds.push(answer);
  assertVerifies(answer);
  const clinic = answer.participants.find((p: any) => p.orgId === 'clinic');
  assert.deepEqual([clinic.sampleCount, clinic.excludedForConsent], [members.clinic.length - 1, 1]);
  assert.equal(answer.sampleCount, rounds[1].sampleCount - 1);
  expected = replayRound(expected, { ...everyone, clinic: members.clinic.slice(1) });
  close(answer.weights, expected, 'round 3');

  // A round once committed is not rerun, and a site that committed no part of the cohort is not asked.
  const again = await call('hospital', '/api/v1/ai/rounds', {
    modelId,
    round: 3,
    cohortId,
    sites: [...SITES],
    features: FEATURES,
  });
  assert.deepEqual([again.status, again.body.error?.code], [422, 'ai.round_exists']);
  const stranger = await call('hospital', '/api/v1/ai/rounds', {
    modelId,
    round: 4,
    cohortId,
    sites: ['hospital', 'pharmacy'],
    features: FEATURES,
  });
  assert.deepEqual([stranger.status, stranger.body.error?.details?.field], [400, 'sites']);
  // Only the coordinator's own staff start a round: no token, or another organisation's staff, is refused.
  const round4 = { modelId, round: 4, cohortId, sites: [...SITES], features: FEATURES };
  const anonymous = await postJson(`${net.url('hospital')}/api/v1/ai/rounds`, round4);
  assert.equal(anonymous.status, 401, JSON.stringify(anonymous.body));
  const otherStaff = await postJson(`${net.url('hospital')}/api/v1/ai/rounds`, round4, staff.clinic.token);
  assert.ok([401, 403].includes(otherStaff.status), JSON.stringify(otherStaff.body));
});

test('the final model is registered with a complete card, and its rounds verify against the chain at another node', async () => {
  const artefact = {
    kind: 'logistic-regression',
    condition: DIABETES_QUERY.condition,
    features: FEATURES,
    weights: rounds[2].weights,
  };
  const registered = await call(
    'hospital',
    '/api/v1/ai/models',
    demoModelBody(cohortId, { modelId, name: 'carechain federated diabetes risk', artefact }),
  );
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  let lineage: HttpAnswer | undefined;
  const seen = await waitFor(async () => {
    lineage = await http(`${net.url('lab')}/api/v1/ai/models/${modelId}`);
    return lineage.status === 200 && lineage.body.rounds.length === 3;
  }, 60_000);
  assert.ok(seen, JSON.stringify(lineage?.body));
  assert.equal(lineage!.body.versions[0].record.cohortId, cohortId);
  for (const [i, onChain] of lineage!.body.rounds.entries()) {
    assert.equal(onChain.aggregateHash, rounds[i].aggregateHash);
    assert.deepEqual(
      onChain.participants,
      rounds[i].participants.map((p: any) => ({ orgId: p.orgId, updateHash: p.updateHash })),
    );
  }
});

test('AUC on a held-back split: the federated model beside a central one and each site alone (docs/AI.md)', (t) => {
  const heldBack = trainingSet(
    HELD_BACK.map((p: SyntheticPatient) =>
      heldResources({ entry: syntheticResources(p, '', 'x').map((resource) => ({ resource })) }),
    ),
    FEATURES,
    DIABETES_QUERY.condition,
  );
  const score = (weights: readonly number[]) => auc(predict(weights, heldBack.features), heldBack.labels);
  const trained = { ...members, clinic: members.clinic.slice(1) };
  const union = setOf(SITES.flatMap((site) => trained[site]));
  const scores: Record<string, number> = {
    federated: score(rounds[2].weights),
    central: score(train(union, zeroWeights(FEATURES.length), DEFAULT_TRAINING)),
  };
  for (const site of SITES) scores[site] = score(train(setOf(trained[site]), zeroWeights(FEATURES.length)));
  const line = Object.entries(scores)
    .map(([k, v]) => `${k} ${v.toFixed(3)}`)
    .join(', ');
  t.diagnostic(`AUC on ${HELD_BACK.length} held-back patients: ${line}`);
  console.log(`ai-federated AUC: ${line}`);
  assert.ok(scores.federated! > 0.75, line);
  assert.ok(scores.federated! >= scores.central! - 0.05, `federated within 0.05 of central: ${line}`);
});

test('an inference on a new patient is logged, labelled AIAST and listed in their "AI and my data"; a member sees the model', async () => {
  const key = generateKeyPair();
  await enrol('hospital', key, false);
  const grant = grantPayload({
    consentId: hex(),
    grantee: { kind: 'organisation', orgId: 'hospital' },
    purposes: ['TREAT'],
  });
  await net.commit(net.url('hospital'), key, 'consent.grant', grant as CanonicalValue);
  const imported = await importBundle(
    'hospital',
    syntheticBundle({ glucose: 190, bmi: 35.5, diabetic: false }, patientPseudonym(key.publicKey), 1),
  );
  const patient = String(imported.body.entry[0].response.location).split('/')[1];
  const inference = await call('hospital', '/api/v1/ai/inferences', { modelId, version: 1, patient });
  assert.equal(inference.status, 201, JSON.stringify(inference.body));
  assert.ok(
    inference.body.probability > 0.5,
    `glucose 190 and BMI 35.5 score high: ${inference.body.probability}`,
  );
  for (const resource of [inference.body.riskAssessment, inference.body.provenance]) {
    assert.deepEqual(
      resource.meta.security.map((l: { code: string }) => l.code),
      ['AIAST'],
    );
  }
  const token = await patientToken(net, 'hospital', key);
  const mine = (path: string) =>
    http(`${net.url('hospital')}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const log = await mine('/api/v1/patients/me/access-log');
  assert.ok(
    log.body.items.some((e: any) => e.requester === staff.hospital.key.publicKey && e.outcome === 'granted'),
    JSON.stringify(log.body),
  );
  const ai = await mine('/api/v1/patients/me/ai');
  assert.deepEqual(
    ai.body.inferences.map((i: any) => [i.riskAssessmentId, i.modelId]),
    [[inference.body.riskAssessment.id, modelId]],
  );

  const member = members.hospital[0]!;
  const memberToken = await patientToken(net, 'hospital', member.key);
  const theirs = await http(`${net.url('hospital')}/api/v1/patients/me/ai`, {
    headers: { authorization: `Bearer ${memberToken}` },
  });
  assert.deepEqual(
    theirs.body.training.map((c: any) => [c.cohortId, c.models.map((m: any) => m.modelId)]),
    [[cohortId, [modelId]]],
  );
});
