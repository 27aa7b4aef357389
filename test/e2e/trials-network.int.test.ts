// Issue 16's Done-when on real processes: a research sponsor, two hospital sites and a regulator, each a
// separate `carechain node` on loopback. The sponsor's staff register NCT02513394 from its
// ClinicalTrials.gov JSON at the sponsor's own node; patients enrol with their own keys at their sites'
// nodes; an amendment making a secondary outcome primary stops one patient's data until they re-consent;
// after lock and unblinding every allocation recomputes from the revealed seed; and the regulator's node
// — another organisation's — serves the verdict, whose every proof is checked here against the
// registration tx, itself proven in the chain against a checkpoint the genesis validators signed.
// An enrolment before the registration is final is refused (commits are held by pausing one of the
// three validators, so no timing decides it), and a second trial shows switching caught with proofs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  allocatedArm,
  outcomesRoot,
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
import { PatientClient } from '../../src/client/patient-client.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import type { InclusionProofHex } from '../../src/core/merkle/index.ts';
import { txHash, type SignedTx } from '../../src/core/tx.ts';
import { generateKeyPair, type KeyPair } from '../../src/node/keys.ts';
import { verifyTxProof } from '../../web/src/lib/verify-proof.ts';
import { http, waitFor, type HttpAnswer } from '../harness/http.ts';
import {
  allAtHeight,
  readGenesis,
  startNetwork,
  staffClient,
  type RunningNetwork,
  type Staff,
} from '../harness/network.ts';
import { pallasStudy } from '../harness/trials.ts';

const study = pallasStudy();
const SEED = '3c'.repeat(32);
const TRIALS = '/api/v1/trials';

/** Three validators of equal power (a sponsor and two sites) and a regulator that follows without voting. */
const MEMBERS = [
  { name: 'pallas-sponsor', type: 'research-sponsor', power: 10 },
  { name: 'hospital', type: 'hospital', power: 10 },
  { name: 'clinic', type: 'clinic', power: 10 },
  { name: 'regulator', type: 'regulator', power: 0 },
] as const;

interface Participant {
  readonly key: KeyPair;
  readonly site: 'hospital' | 'clinic';
  token: string;
  client: PatientClient;
}

let net: RunningNetwork;
let sponsor: Staff;
let hospitalStaff: Staff;
const people: Record<'alice' | 'bob' | 'carol', Participant> = {
  alice: { key: generateKeyPair(), site: 'hospital', token: '', client: undefined as never },
  bob: { key: generateKeyPair(), site: 'clinic', token: '', client: undefined as never },
  carol: { key: generateKeyPair(), site: 'clinic', token: '', client: undefined as never },
};

// One before for the whole set-up: node runs a file's top-level before hooks concurrently.
before(async () => {
  net = await startNetwork('carechain-trials-net-', MEMBERS, 'carechain-trials-net');
  [sponsor, hospitalStaff] = await Promise.all([
    net.registerStaff('pallas-sponsor', 'researcher'),
    net.registerStaff('hospital', 'physician'),
  ]);
  for (const p of Object.values(people)) {
    p.token = await net.registerPatient(p.site, p.key);
    p.client = new PatientClient(net.url(p.site), p.key.seed);
  }
});
after(() => net?.stop('SIGKILL'));

const atSponsor = () => staffClient(sponsor);
/** A public read at the regulator's node: another organisation than the sponsor's. */
const atRegulator = async (path: string) => {
  const answer = await http(`${net.url('regulator')}${path}`);
  assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
  return answer.body;
};

/** The sponsor's write at its own node; once committed, waits until every node has that block. */
async function sponsorWrites(path: string, body: unknown, status = 200): Promise<HttpAnswer> {
  const answer = await atSponsor().post(`${TRIALS}${path}`, body);
  assert.equal(answer.status, status, `${path}: ${JSON.stringify(answer.body)}`);
  await allAtHeight(net, answer.body.height, 120_000);
  return answer;
}

async function nonceOf(signer: KeyPair, at: string): Promise<number> {
  return ((await http(`${net.url(at)}/api/v1/accounts/${signer.publicKey}`)).body.nonce as number) ?? 0;
}

const submitRaw = (at: string, tx: SignedTx) =>
  http(`${net.url(at)}/api/v1/txs?wait=none`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tx),
  });

/**
 * Runs `fn` while no block can commit: the clinic's validator is paused (SIGSTOP), leaving 20 of 30
 * voting power, which is not more than 2/3. A tx submitted meanwhile stays pending, whatever the load.
 */
async function withCommitsHeld<T>(fn: () => Promise<T>): Promise<T> {
  const clinic = net.nodes[net.names.indexOf('clinic')]!;
  clinic.child.kill('SIGSTOP');
  try {
    return await fn();
  } finally {
    clinic.child.kill('SIGCONT');
  }
}

/** Each registered outcome's proof verifies against the root; a registered outcome altered does not. */
function assertProofsVerify(
  outcomes: readonly { registered?: RegisteredOutcome; proof?: InclusionProofHex }[],
  root: string,
): void {
  for (const { registered, proof } of outcomes) {
    if (registered === undefined) continue;
    assert.ok(proof !== undefined && verifyOutcomeProof(registered, proof, root), registered.measure);
    const altered = { ...registered, timeFrame: `${registered.timeFrame} (amended)` };
    assert.equal(verifyOutcomeProof(altered, proof, root), false, 'a proof that cannot fail');
  }
}

let exampleId = '';
test('an enrolment in an unregistered trial, or before its registration is final, is refused', async () => {
  // The sponsor's researcher signs the registration with their own key (a research sponsor's active
  // practitioner may), so its hash, the trial id, is known before it is submitted.
  const registration = exampleRegistration();
  const register = net.signed(
    sponsor.key,
    'trials.register',
    { registration, primaryCompletionDate: '2027-06-30' } as unknown as CanonicalValue,
    (await nonceOf(sponsor.key, 'pallas-sponsor')) + 1,
  );
  exampleId = txHash(register);
  const alice = people.alice;
  const enrol = net.signed(
    alice.key,
    'trials.enrol',
    { trialId: exampleId, siteOrgId: 'hospital', version: 1 },
    (await nonceOf(alice.key, 'hospital')) + 1,
  );
  const unregistered = await submitRaw('hospital', enrol);
  assert.equal(unregistered.status, 422, JSON.stringify(unregistered.body));
  assert.equal(unregistered.body.error.details.reason, 'trials.unknown_trial');

  const notFinal = await withCommitsHeld(async () => {
    const pending = await submitRaw('pallas-sponsor', register);
    assert.equal(pending.status, 202, JSON.stringify(pending.body));
    return submitRaw('pallas-sponsor', enrol);
  });
  assert.equal(notFinal.status, 422, JSON.stringify(notFinal.body));
  assert.equal(notFinal.body.error.code, 'tx.rejected');
  assert.equal(notFinal.body.error.details.reason, 'trials.registration_not_final');

  // Commits resume; once final, the same enrolment is still refused until the seed is committed. A
  // bound on a hang, not a timing: the validators' rounds grew while one was paused, and the machine is
  // shared (a loaded run took 90 s here).
  const committed = await waitFor(
    async () => (await http(`${net.url('pallas-sponsor')}/api/v1/txs/${exampleId}`)).status === 200,
    300_000,
  );
  assert.ok(committed, 'the registration commits once the clinic’s validator runs again');
  const noSeed = await submitRaw('pallas-sponsor', enrol);
  assert.equal(noSeed.body.error?.details.reason, 'trials.no_seed', JSON.stringify(noSeed.body));
});

let id = '';
const enrolments: string[] = [];
test('the sponsor registers NCT02513394 at its node; patients enrol with their own keys at their sites', async () => {
  // Another organisation's staff at their own node cannot register: the chain refuses a non-sponsor.
  const notSponsor = await staffClient(hospitalStaff).post(TRIALS, { study, ...COMMITMENTS });
  assert.equal(notSponsor.status, 403, JSON.stringify(notSponsor.body));
  assert.equal(notSponsor.body.error.code, 'trials.not_sponsor');

  id = (await sponsorWrites('', { study, ...COMMITMENTS }, 201)).body.id;
  await sponsorWrites(`/${id}/seed`, { seedCommitment: seedCommitment(SEED) });
  const listed = await atRegulator(`${TRIALS}?nct=NCT02513394`);
  assert.deepEqual(
    listed.trials.map((t: { id: string; sponsorOrgId: string }) => [t.id, t.sponsorOrgId]),
    [[id, 'pallas-sponsor']],
  );

  let enrolledAt = 0;
  for (const p of Object.values(people)) {
    const { txHash: enrolTxHash, height } = await p.client.enrolInTrial(id, p.site, 1);
    enrolments.push(enrolTxHash);
    enrolledAt = Math.max(enrolledAt, height);
  }
  // Each enrolment answered once its site's node committed it; the sponsor's node admits an allocation
  // only for an enrolment in its own state, and may apply that block a few milliseconds later.
  await allAtHeight(net, enrolledAt, 120_000);
  for (const enrolTxHash of enrolments) await sponsorWrites(`/${id}/allocations`, { enrolTxHash });
  const page = await atRegulator(`${TRIALS}/${id}`);
  assert.deepEqual(sitesOf(page), [
    ['clinic', { enrolled: 2, withdrawn: 0, reconsented: 0 }],
    ['hospital', { enrolled: 1, withdrawn: 0, reconsented: 0 }],
  ]);
  // Counts are public; who enrolled is not.
  const published = JSON.stringify([page, await atRegulator(`${TRIALS}/${id}/allocations`)]);
  for (const p of Object.values(people)) {
    assert.ok(!published.includes(p.key.publicKey) && !published.includes(p.client.pseudonym));
  }
});

const sitesOf = (page: { sites: { siteOrgId: string; counts: object }[] }) =>
  [...page.sites].sort((a, b) => a.siteOrgId.localeCompare(b.siteOrgId)).map((s) => [s.siteOrgId, s.counts]);

const mine = async (p: Participant) =>
  (
    await http(`${net.url(p.site)}/api/v1/patients/me/trials`, {
      headers: { authorization: `Bearer ${p.token}` },
    })
  ).body.trials.find((t: { trialId: string }) => t.trialId === id);

test('an amendment making a secondary outcome primary needs re-consent; withdrawal is one signed tx', async () => {
  const amended = secondaryMadePrimary(study);
  const amendment = await sponsorWrites(`/${id}/amendments`, {
    study: amended,
    ...COMMITMENTS,
    reason: 'DRFS made a primary outcome',
  });
  assert.equal(amendment.body.version, 2);
  assert.equal(amendment.body.diff.material, true);
  assert.equal(amendment.body.diff.switched.length, 1);

  const { alice, bob, carol } = people;
  for (const p of [alice, carol]) {
    assert.deepEqual([(await mine(p)).needsReconsent, (await mine(p)).dataFlows], [true, false]);
  }
  const reconsent = await alice.client.reconsentToTrial(id, 2);
  const withdrawal = await bob.client.withdrawFromTrial(id);
  await allAtHeight(net, Math.max(reconsent.height, withdrawal.height), 120_000);
  assert.deepEqual(
    [(await mine(alice)).consentedVersion, (await mine(alice)).dataFlows, (await mine(carol)).dataFlows],
    [2, true, false],
  );
  assert.equal((await mine(bob)).status, 'withdrawn');
  // The withdrawal and the re-consent are visible to the sponsor (and anyone) as counts per site.
  const page = await atRegulator(`${TRIALS}/${id}`);
  assert.deepEqual(sitesOf(page), [
    ['clinic', { enrolled: 2, withdrawn: 1, reconsented: 0 }],
    ['hospital', { enrolled: 1, withdrawn: 0, reconsented: 1 }],
  ]);
  assert.deepEqual(
    page.versions.map((v: { version: number; reason: string | null }) => [v.version, v.reason]),
    [
      [1, null],
      [2, 'DRFS made a primary outcome'],
    ],
  );
});

test('after lock and unblinding, every allocation recomputes from the revealed seed at the regulator', async () => {
  const early = await atSponsor().post(`${TRIALS}/${id}/unblind`, { seed: SEED });
  assert.equal(early.body.error.code, 'trials.not_locked');
  await sponsorWrites(`/${id}/lock`, { databaseDigest: 'd4'.repeat(32) });
  const wrongSeed = await atSponsor().post(`${TRIALS}/${id}/unblind`, { seed: '3d'.repeat(32) });
  assert.equal(wrongSeed.body.error.code, 'trials.seed_mismatch');
  await sponsorWrites(`/${id}/unblind`, { seed: SEED });

  const { seed, seedCommitment: committed, allocations } = await atRegulator(`${TRIALS}/${id}/allocations`);
  assert.equal(
    seedCommitment(seed),
    committed,
    'the revealed seed opens the commitment made before enrolment',
  );
  const page = await atRegulator(`${TRIALS}/${id}`);
  const arms = page.versions[0].registration.arms.map((a: { label: string }) => a.label);
  assert.deepEqual(
    allocations.map((a: { enrolTxHash: string; arm: string }) => [a.enrolTxHash, a.arm]),
    enrolments.map((hash) => [hash, arms[allocatedArm(seed, hash, arms.length)]]),
  );
});

/**
 * Trusting only its own genesis file, the regulator checks that the registration tx is in the chain (a
 * checkpoint the genesis validators signed, an RFC 9162 inclusion proof) and that its outcomes hash to
 * the root every verdict proof leads to. Answers the registration's outcomes.
 */
async function provenRegistration(trialId: string, verdictRoot: string): Promise<RegisteredOutcome[]> {
  const stored = await atRegulator(`/api/v1/txs/${trialId}`);
  const proof = await atRegulator(`/api/v1/proofs/inclusion/${trialId}`);
  const steps = verifyTxProof({
    genesis: readGenesis(net.dir('regulator')),
    txHash: trialId,
    tx: stored.tx,
    proof,
  });
  for (const step of steps) assert.ok(step.ok, `${step.label}: ${step.detail}`);
  assert.equal(stored.tx.type, 'trials.register');
  const registered: RegisteredOutcome[] = stored.tx.payload.registration.outcomes;
  assert.equal(outcomesRoot(registered), verdictRoot);
  return registered;
}

test('results from the file’s resultsSection: a verdict per registered outcome, each proven at the regulator', async () => {
  await sponsorWrites(`/${id}/results`, { study });
  const verdict = await atRegulator(`${TRIALS}/${id}/verdict`);
  assert.equal(verdict.baselineVersion, 1, 'judged against the outcomes in force at the first enrolment');
  const registered = await provenRegistration(id, verdict.outcomesRoot);
  assert.equal(verdict.outcomes.length, registered.length);
  assert.deepEqual(
    verdict.outcomes.map((o: { registered: RegisteredOutcome }) => o.registered.measure).sort(),
    registered.map((o) => o.measure).sort(),
  );
  for (const entry of verdict.outcomes) assert.equal(entry.verdict, 'prespecified', entry.registered.measure);
  assertProofsVerify(verdict.outcomes, verdict.outcomesRoot);
});

test('switching is caught on the network: a dropped primary, an added outcome, a changed time frame', async () => {
  await sponsorWrites(`/${exampleId}/seed`, { seedCommitment: seedCommitment(SEED) });
  const { height } = await people.carol.client.enrolInTrial(exampleId, 'clinic', 1);
  await allAtHeight(net, height, 120_000);
  await sponsorWrites(`/${exampleId}/lock`, { databaseDigest: 'e5'.repeat(32) });
  await sponsorWrites(`/${exampleId}/unblind`, { seed: SEED });
  const [stroke, mortality, sinus] = EXAMPLE_STUDY.protocolSection.outcomesModule.secondaryOutcomes;
  await sponsorWrites(`/${exampleId}/results`, { outcomes: switchedOutcomes() });
  const verdict = await atRegulator(`${TRIALS}/${exampleId}/verdict`);
  assert.deepEqual(
    verdict.outcomes.map((o: { verdict: string; registered?: RegisteredOutcome }) => [
      o.verdict,
      o.registered?.measure ?? null,
    ]),
    [
      ['not_reported', EXAMPLE_STUDY.protocolSection.outcomesModule.primaryOutcomes[0].measure],
      ['prespecified', stroke.measure],
      ['timeframe_changed', mortality.measure],
      ['prespecified', sinus.measure],
      ['added', null],
    ],
  );
  await provenRegistration(exampleId, verdict.outcomesRoot);
  assertProofsVerify(verdict.outcomes, verdict.outcomesRoot);
});
