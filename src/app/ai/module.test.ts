// The AI module through the real BlockExecutor: a cohort committed per custodian, federated rounds in
// order over custodians of that cohort, model versions with lineage and withdrawal, and the ε ledger that
// refuses the query which would overspend. Every refusal writes nothing (TestChain checks it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alice, clinicAdmin, hospitalAdmin, hospitalNode, TestChain } from '../test-support.ts';
import { readBudget, readCohort, readModel, readRound } from './keys.ts';

const id = (n: number): string => n.toString(16).padStart(64, '0');
const COHORT = id(1);
const MODEL = id(2);
const DATASET = id(3);

const cohort = (overrides: Record<string, unknown> = {}) => ({
  cohortId: COHORT,
  queryHash: id(10),
  purpose: 'AITRAIN',
  membersRoot: id(11),
  included: 40,
  excludedForConsent: 3,
  ...overrides,
});
const round = (n: number, participants: { orgId: string; updateHash: string }[]) => ({
  modelId: MODEL,
  round: n,
  cohortId: COHORT,
  participants,
  aggregateHash: id(100 + n),
});
const model = (version: number, parentVersion: number | null) => ({
  modelId: MODEL,
  version,
  parentVersion,
  artefactHash: id(20 + version),
  cardHash: id(30),
  deviceHash: id(31),
  intendedUseHash: id(32),
  cohortId: COHORT,
  changePlanHash: id(33),
});
const bothSites = [
  { orgId: 'riverside', updateHash: id(40) },
  { orgId: 'st-mary', updateHash: id(41) },
];

test('a cohort is committed once per custodian, one query and purpose everywhere; patients cannot commit', () => {
  const chain = new TestChain();
  assert.equal(chain.submit(alice, 'membership.registerPatient', {}), 'ok');
  assert.equal(chain.submit(alice, 'ai.commitCohort', cohort()), 'tx.rejected:ai.not_org');
  assert.equal(chain.submit(hospitalNode, 'ai.commitCohort', cohort()), 'ok');
  assert.equal(chain.submit(hospitalAdmin, 'ai.commitCohort', cohort()), 'tx.rejected:ai.cohort_exists');
  assert.equal(
    chain.submit(clinicAdmin, 'ai.commitCohort', cohort({ queryHash: id(12) })),
    'tx.rejected:ai.cohort_mismatch',
  );
  assert.equal(chain.submit(clinicAdmin, 'ai.commitCohort', cohort({ included: 20 })), 'ok');
  chain.commit();
  assert.equal(readCohort(chain.state, COHORT, 'riverside')?.included, 20);
  assert.equal(readCohort(chain.state, COHORT, 'st-mary')?.excludedForConsent, 3);
  assert.equal(
    chain.submit(hospitalNode, 'ai.commitCohort', { ...cohort(), name: 'a patient list' }),
    'tx.invalid_payload',
  );
});

test('rounds go in order, over sites that committed the cohort, each round once', () => {
  const chain = new TestChain();
  assert.equal(chain.submit(hospitalNode, 'ai.commitCohort', cohort()), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'ai.commitRound', round(1, bothSites)),
    'tx.rejected:ai.not_in_cohort',
  );
  assert.equal(chain.submit(clinicAdmin, 'ai.commitCohort', cohort()), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'ai.commitRound', round(2, bothSites)),
    'tx.rejected:ai.round_out_of_order',
  );
  assert.equal(
    chain.submit(hospitalNode, 'ai.commitRound', round(1, [...bothSites].reverse())),
    'tx.invalid_payload',
  );
  assert.equal(
    chain.submit(hospitalNode, 'ai.commitRound', round(1, bothSites.slice(0, 1))),
    'tx.invalid_payload',
  );
  assert.equal(chain.submit(hospitalNode, 'ai.commitRound', round(1, bothSites)), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'ai.commitRound', round(1, bothSites)),
    'tx.rejected:ai.round_exists',
  );
  assert.equal(chain.submit(hospitalNode, 'ai.commitRound', round(2, bothSites)), 'ok');
  chain.commit();
  assert.deepEqual(readRound(chain.state, MODEL, 2)?.participants, bothSites);
});

test('model versions form a lineage owned by one organisation, and a model can be withdrawn', () => {
  const chain = new TestChain();
  assert.equal(
    chain.submit(hospitalNode, 'ai.registerModel', model(1, null)),
    'tx.rejected:ai.unknown_cohort',
  );
  assert.equal(chain.submit(hospitalNode, 'ai.commitCohort', cohort()), 'ok');
  assert.equal(chain.submit(hospitalNode, 'ai.registerModel', model(1, 1)), 'tx.invalid_payload');
  assert.equal(chain.submit(hospitalNode, 'ai.registerModel', model(1, null)), 'ok');
  assert.equal(chain.submit(hospitalNode, 'ai.registerModel', model(1, null)), 'tx.rejected:ai.model_exists');
  assert.equal(chain.submit(clinicAdmin, 'ai.registerModel', model(2, 1)), 'tx.rejected:ai.unknown_parent');
  assert.equal(chain.submit(hospitalAdmin, 'ai.registerModel', model(3, 2)), 'tx.rejected:ai.unknown_parent');
  assert.equal(chain.submit(hospitalAdmin, 'ai.registerModel', model(2, 1)), 'ok');
  assert.equal(
    chain.submit(clinicAdmin, 'ai.withdrawModel', { modelId: MODEL, version: 1 }),
    'tx.rejected:ai.not_model_owner',
  );
  assert.equal(chain.submit(hospitalNode, 'ai.withdrawModel', { modelId: MODEL, version: 1 }), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'ai.withdrawModel', { modelId: MODEL, version: 1 }),
    'tx.rejected:ai.model_withdrawn',
  );
  chain.commit();
  assert.equal(readModel(chain.state, MODEL, 1)?.status, 'withdrawn');
  assert.equal(readModel(chain.state, MODEL, 2)?.parentVersion, 1);
});

test('the custodian records each release’s ε; the query that would overspend is refused', () => {
  const chain = new TestChain();
  const spend = (epsilonMilli: number, signer = hospitalNode) =>
    chain.submit(signer, 'ai.spendBudget', { datasetId: DATASET, analyst: id(50), epsilonMilli });
  assert.equal(spend(100), 'tx.rejected:ai.unknown_dataset');
  assert.equal(
    chain.submit(hospitalNode, 'ai.registerDataset', { datasetId: DATASET, limitMilli: 1000 }),
    'ok',
  );
  assert.equal(spend(100, clinicAdmin), 'tx.rejected:ai.not_dataset_owner');
  assert.equal(spend(600), 'ok');
  assert.equal(spend(400), 'ok');
  assert.equal(spend(1), 'tx.rejected:ai.budget_exhausted');
  chain.commit();
  assert.deepEqual(readBudget(chain.state, DATASET, id(50)), { limitMilli: 1000, spentMilli: 1000 });
  // another analyst has a budget of their own
  assert.equal(
    chain.submit(hospitalNode, 'ai.spendBudget', { datasetId: DATASET, analyst: id(51), epsilonMilli: 1000 }),
    'ok',
  );
});
