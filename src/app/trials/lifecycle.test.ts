// The trials module on a real BlockExecutor chain: registration before enrolment, consent per version and
// re-consent after a material amendment, verifiable allocation, lock before unblinding, public counts,
// and the COMPare verdict of posted results against the registration in force at the first enrolment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patientPseudonym } from '../membership/pseudonym.ts';
import { alice, doctor } from '../test-support.ts';
import { allocatedArm } from './allocation.ts';
import { dataFlows } from './participants.ts';
import { allocations, countsBySite, resultsClock, trialSaes, trialVerdict } from './queries.ts';
import { participant, trial, trialVersion } from './store.ts';
import {
  bob,
  exampleRegistration,
  otherSponsorNode,
  registeredTrial,
  SEED,
  SITE,
  sponsorNode,
  trialsChain,
} from './test-fixtures.ts';
import type { TrialRegistration } from './types.ts';

const digest = (c: string) => c.repeat(64);
const enrol = (trialId: string, version = 1, siteOrgId = SITE) => ({ trialId, siteOrgId, version });

test('an enrolment in the registration’s own block, before the seed, or for an unknown trial is refused', () => {
  const chain = trialsChain();
  const registration = exampleRegistration();
  assert.equal(chain.submit(sponsorNode, 'trials.register', { registration }), 'ok');
  const id = chain.lastTxHash;
  assert.equal(chain.submit(alice, 'trials.enrol', enrol(id)), 'tx.rejected:trials.registration_not_final');
  chain.commit();
  assert.equal(chain.submit(alice, 'trials.enrol', enrol(id)), 'tx.rejected:trials.no_seed');
  assert.equal(chain.submit(alice, 'trials.enrol', enrol(digest('0'))), 'tx.rejected:trials.unknown_trial');
  assert.equal(
    chain.submit(sponsorNode, 'trials.register', { registration }),
    'tx.rejected:trials.already_registered',
  );
});

test('only a research sponsor registers, and only the trial’s own sponsor acts on it; only patients enrol', () => {
  const chain = trialsChain();
  const registration = exampleRegistration();
  assert.equal(chain.submit(doctor, 'trials.register', { registration }), 'tx.rejected:trials.not_sponsor');
  const id = registeredTrial(chain);
  const lock = { trialId: id, databaseDigest: digest('d') };
  assert.equal(chain.submit(otherSponsorNode, 'trials.lock', lock), 'tx.rejected:trials.not_sponsor');
  assert.equal(chain.submit(sponsorNode, 'trials.enrol', enrol(id)), 'tx.rejected:consent.not_patient');
});

function switchedToPrimary(registration: TrialRegistration): TrialRegistration {
  return {
    ...registration,
    outcomes: registration.outcomes.map((o) =>
      o.measure === 'All-cause mortality' ? { ...o, kind: 'primary' } : o,
    ),
  };
}

test('a secondary outcome made primary is material: data stops flowing until the participant re-consents', () => {
  const chain = trialsChain();
  const id = registeredTrial(chain);
  assert.equal(chain.submit(alice, 'trials.enrol', enrol(id)), 'ok');
  assert.equal(chain.submit(bob, 'trials.enrol', enrol(id)), 'ok');
  chain.commit();
  const aliceP = patientPseudonym(alice.key);
  assert.ok(dataFlows(chain.state, trial(chain.state, id)!, aliceP));
  const amend = {
    trialId: id,
    registration: switchedToPrimary(exampleRegistration()),
    reason: 'DSMB advice',
  };
  assert.equal(chain.submit(sponsorNode, 'trials.amend', amend), 'ok');
  chain.commit();
  const record = trial(chain.state, id)!;
  assert.deepEqual([record.version, record.materialVersion, record.baselineVersion], [2, 2, 1]);
  assert.deepEqual(trialVersion(chain.state, id, 2)!.diff!.switched, [
    { measure: 'All-cause mortality', from: 'secondary', to: 'primary' },
  ]);
  assert.equal(dataFlows(chain.state, record, aliceP), false);
  assert.equal(
    chain.submit(alice, 'trials.reconsent', { trialId: id, version: 1 }),
    'tx.rejected:trials.stale_version',
  );
  assert.equal(chain.submit(alice, 'trials.enrol', enrol(id, 2)), 'tx.rejected:trials.already_enrolled');
  assert.equal(chain.submit(alice, 'trials.reconsent', { trialId: id, version: 2 }), 'ok');
  chain.commit();
  assert.ok(dataFlows(chain.state, record, aliceP));
  assert.equal(dataFlows(chain.state, record, patientPseudonym(bob.key)), false);
  assert.equal(chain.submit(bob, 'trials.withdraw', { trialId: id }), 'ok');
  chain.commit();
  assert.equal(participant(chain.state, id, patientPseudonym(bob.key))!.status, 'withdrawn');
  assert.equal(
    chain.submit(bob, 'trials.reconsent', { trialId: id, version: 2 }),
    'tx.rejected:trials.withdrawn',
  );
  assert.deepEqual(countsBySite(chain.state, id), [
    { siteOrgId: SITE, counts: { enrolled: 2, withdrawn: 1, reconsented: 1 } },
  ]);
});

test('an added secondary outcome is not material; a re-timed primary is', () => {
  const chain = trialsChain();
  const id = registeredTrial(chain);
  const base = exampleRegistration();
  const added = {
    ...base,
    outcomes: [
      ...base.outcomes,
      { kind: 'secondary' as const, measure: 'EQ-5D', timeFrame: '12 months', description: '' },
    ],
  };
  assert.equal(
    chain.submit(sponsorNode, 'trials.amend', { trialId: id, registration: added, reason: 'QoL' }),
    'ok',
  );
  chain.commit();
  assert.equal(trial(chain.state, id)!.materialVersion, 1);
  const retimed = {
    ...added,
    outcomes: added.outcomes.map((o) => (o.kind === 'primary' ? { ...o, timeFrame: '48 months' } : o)),
  };
  assert.equal(
    chain.submit(sponsorNode, 'trials.amend', { trialId: id, registration: retimed, reason: 'events' }),
    'ok',
  );
  chain.commit();
  assert.equal(trial(chain.state, id)!.materialVersion, 3);
  assert.equal(trialVersion(chain.state, id, 3)!.diff!.timeFrameChanged.length, 1);
});

test('allocation: blind until unblinding, which needs the lock and the committed seed; then anyone recomputes it', () => {
  const chain = trialsChain();
  const id = registeredTrial(chain);
  assert.equal(chain.submit(alice, 'trials.enrol', enrol(id)), 'ok');
  const aliceTx = chain.lastTxHash;
  assert.equal(chain.submit(bob, 'trials.enrol', enrol(id)), 'ok');
  chain.commit();
  assert.equal(chain.submit(sponsorNode, 'trials.allocate', { trialId: id, enrolTxHash: aliceTx }), 'ok');
  assert.equal(
    chain.submit(sponsorNode, 'trials.allocate', { trialId: id, enrolTxHash: aliceTx }),
    'tx.rejected:trials.already_allocated',
  );
  assert.equal(
    chain.submit(sponsorNode, 'trials.commitSeed', { trialId: id, seedCommitment: digest('1') }),
    'tx.rejected:trials.seed_fixed',
  );
  assert.equal(
    chain.submit(sponsorNode, 'trials.unblind', { trialId: id, seed: SEED }),
    'tx.rejected:trials.not_locked',
  );
  chain.commit();
  assert.ok(allocations(chain.state, trial(chain.state, id)!).every((a) => a.arm === null));
  assert.equal(chain.submit(sponsorNode, 'trials.lock', { trialId: id, databaseDigest: digest('d') }), 'ok');
  chain.commit();
  assert.equal(chain.submit(alice, 'trials.withdraw', { trialId: id }), 'ok');
  assert.equal(
    chain.submit(sponsorNode, 'trials.amend', {
      trialId: id,
      registration: exampleRegistration(),
      reason: 'x',
    }),
    'tx.rejected:trials.locked',
  );
  assert.equal(
    chain.submit(sponsorNode, 'trials.unblind', { trialId: id, seed: digest('7') }),
    'tx.rejected:trials.seed_mismatch',
  );
  assert.equal(chain.submit(sponsorNode, 'trials.unblind', { trialId: id, seed: SEED }), 'ok');
  chain.commit();
  const record = trial(chain.state, id)!;
  const arms = exampleRegistration().arms.map((a) => a.label);
  const recomputed = allocations(chain.state, record);
  assert.deepEqual(
    recomputed.map((a) => a.arm),
    recomputed.map((a) => arms[allocatedArm(SEED, a.enrolTxHash, arms.length)]),
  );
  assert.equal(recomputed[0]!.allocatedHeight !== null && recomputed[1]!.allocatedHeight === null, true);
  assert.deepEqual(
    record.unblinding!.armCounts,
    arms.map((label) => recomputed.filter((a) => a.arm === label).length),
  );
});

function toResults(chain: ReturnType<typeof trialsChain>, id: string, outcomes: unknown[]): string {
  return chain.submit(sponsorNode, 'trials.results', { trialId: id, outcomes, resultsDigest: digest('e') });
}

function unblinded(): { chain: ReturnType<typeof trialsChain>; id: string } {
  const chain = trialsChain();
  const id = registeredTrial(chain);
  assert.equal(chain.submit(alice, 'trials.enrol', enrol(id)), 'ok');
  chain.commit();
  assert.equal(
    chain.submit(sponsorNode, 'trials.amend', {
      trialId: id,
      registration: switchedToPrimary(exampleRegistration()),
      reason: 'late switch',
    }),
    'ok',
  );
  chain.commit();
  assert.equal(
    toResults(chain, id, [{ kind: 'primary', measure: 'x', timeFrame: '' }]),
    'tx.rejected:trials.not_unblinded',
  );
  assert.equal(chain.submit(sponsorNode, 'trials.lock', { trialId: id, databaseDigest: digest('d') }), 'ok');
  chain.commit();
  assert.equal(chain.submit(sponsorNode, 'trials.unblind', { trialId: id, seed: SEED }), 'ok');
  chain.commit();
  return { chain, id };
}

test('results that drop the primary, add an outcome, re-time one and switch one get exactly those verdicts', () => {
  const { chain, id } = unblinded();
  const reported = [
    { kind: 'secondary', measure: 'Recurrent ischaemic stroke', timeFrame: '24 months' },
    { kind: 'primary', measure: 'All-cause mortality', timeFrame: '36 months' },
    { kind: 'secondary', measure: 'Sinus rhythm at 12 months', timeFrame: '12 months' },
    { kind: 'secondary', measure: 'Quality of life (EQ-5D)', timeFrame: '12 months' },
  ];
  assert.equal(
    toResults(chain, id, [{ ...reported[0], registeredMeasure: 'Nothing registered' }]),
    'tx.rejected:trials.unknown_outcome',
  );
  assert.equal(toResults(chain, id, reported), 'ok');
  chain.commit();
  assert.equal(toResults(chain, id, reported), 'tx.rejected:trials.results_posted');
  const verdict = trialVerdict(chain.state, trial(chain.state, id)!)!;
  // Judged against version 1 (in force at the first enrolment), not the amended version 2.
  assert.equal(verdict.baselineVersion, 1);
  assert.deepEqual(
    verdict.outcomes.map((e) => e.verdict),
    ['not_reported', 'timeframe_changed', 'switched', 'prespecified', 'added'],
  );
  assert.ok(verdict.outcomes.slice(0, 4).every((e) => e.proof !== undefined));
});

test('an explicit link is recorded and pairs a reworded outcome', () => {
  const { chain, id } = unblinded();
  const reported = { kind: 'secondary', measure: 'Death from any cause', timeFrame: '36 months' };
  assert.equal(toResults(chain, id, [reported]), 'ok');
  chain.commit();
  const link = {
    trialId: id,
    reportedMeasure: 'Death from any cause',
    registeredMeasure: 'All-cause mortality',
  };
  assert.equal(chain.submit(sponsorNode, 'trials.link', link), 'ok');
  chain.commit();
  const verdict = trialVerdict(chain.state, trial(chain.state, id)!)!;
  const mortality = verdict.outcomes.find((e) => e.registered?.measure === 'All-cause mortality')!;
  assert.deepEqual([mortality.verdict, mortality.matchedBy], ['prespecified', 'link']);
});

test('SAE reports past their 7- or 15-day deadline are flagged late; the results clock turns overdue', () => {
  const chain = trialsChain();
  const id = registeredTrial(chain);
  const day = 86_400_000;
  const report = (d: string, severity: string, daysAgo: number) =>
    chain.submit(sponsorNode, 'trials.sae', {
      trialId: id,
      digest: digest(d),
      severity,
      awareAtMs: chain.timeMs - daysAgo * day,
    });
  assert.equal(report('1', 'fatal_or_life_threatening', 8), 'ok');
  assert.equal(report('2', 'other', 8), 'ok');
  assert.equal(report('2', 'other', 1), 'tx.rejected:trials.duplicate_sae');
  chain.commit();
  assert.deepEqual(
    trialSaes(chain.state, id).map((s) => s.late),
    [true, false],
  );
  const record = trial(chain.state, id)!;
  assert.equal(resultsClock(chain.state, record, record.resultsDueMs! - 1), 'pending');
  assert.equal(resultsClock(chain.state, record, record.resultsDueMs! + 1), 'overdue');
});
