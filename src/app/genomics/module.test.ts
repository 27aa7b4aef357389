// The genomics module through the real BlockExecutor: a custodian registers a patient's genome as a
// commitment with DUO terms, the patient gives and withdraws research consent, and the researcher's one
// budget refuses the query that would overspend it, whichever custodian records it. Every refusal writes
// nothing (TestChain checks it), and no VRS id reaches the chain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alice,
  alicePseudonym,
  clinicAdmin,
  hospitalAdmin,
  hospitalNode,
  TestChain,
} from '../test-support.ts';
import {
  datasetSetId,
  QUERY_BUDGET_MILLIBITS,
  queriesCounted,
  readContainerGrant,
  readDatasetSet,
  readDatasetUsage,
  readGenomeDataset,
  readQueryBudget,
  readResearchConsent,
  readSetUsage,
} from './keys.ts';

const id = (n: number): string => n.toString(16).padStart(64, '0');
const GENOME = id(1);
const RESEARCHER = id(9);
const HMB = { permission: { code: 'HMB' }, modifiers: [{ code: 'NPU' }, { code: 'IRB' }] };

const dataset = (overrides: Record<string, unknown> = {}) => ({
  datasetId: GENOME,
  patient: alicePseudonym,
  root: id(2),
  variantCount: 12,
  dataUse: HMB,
  ...overrides,
});
const spend = (priceMilliBits: number, datasets: string[] = [GENOME], researchers = [RESEARCHER]) => ({
  researchers,
  queryHash: id(3),
  priceMilliBits,
  datasets,
});

function chainWithGenome(): TestChain {
  const chain = new TestChain();
  assert.equal(chain.submit(alice, 'membership.registerPatient', {}), 'ok');
  assert.equal(chain.submit(hospitalNode, 'genomics.registerDataset', dataset()), 'ok');
  chain.commit();
  return chain;
}

test('a custodian registers a genome of a registered patient once, with valid DUO terms', () => {
  const chain = new TestChain();
  assert.equal(
    chain.submit(hospitalNode, 'genomics.registerDataset', dataset()),
    'tx.rejected:genomics.unknown_patient',
  );
  assert.equal(chain.submit(alice, 'membership.registerPatient', {}), 'ok');
  assert.equal(chain.submit(alice, 'genomics.registerDataset', dataset()), 'tx.rejected:genomics.not_org');
  const bad = [
    { permission: { code: 'XYZ' }, modifiers: [] },
    { permission: { code: 'DS', diseases: [] }, modifiers: [] },
    { permission: { code: 'GRU' }, modifiers: [{ code: 'IRB' }, { code: 'IRB' }] },
    { permission: { code: 'GRU' }, modifiers: [{ code: 'GS', countries: ['a free text name'] }] },
    { permission: { code: 'GRU', note: 'x' }, modifiers: [] },
  ];
  for (const dataUse of bad) {
    assert.equal(
      chain.submit(hospitalNode, 'genomics.registerDataset', dataset({ dataUse })),
      'tx.invalid_payload',
    );
  }
  assert.equal(
    chain.submit(hospitalNode, 'genomics.registerDataset', { ...dataset(), vcf: 'x' }),
    'tx.invalid_payload',
  );
  assert.equal(chain.submit(hospitalNode, 'genomics.registerDataset', dataset()), 'ok');
  assert.equal(
    chain.submit(hospitalAdmin, 'genomics.registerDataset', dataset()),
    'tx.rejected:genomics.dataset_exists',
  );
  chain.commit();
  const stored = readGenomeDataset(chain.state, GENOME);
  assert.equal(stored?.orgId, 'st-mary');
  // modifiers are stored sorted by code: one use, one encoding
  assert.deepEqual(stored?.dataUse.modifiers, [{ code: 'IRB' }, { code: 'NPU' }]);
});

test('research consent is the patient’s own: given, replaced, withdrawn; nobody else can give it', () => {
  const chain = chainWithGenome();
  const consent = { dataUse: { permission: { code: 'DS', diseases: ['MONDO:0005148'] }, modifiers: [] } };
  assert.equal(
    chain.submit(hospitalNode, 'genomics.consentResearch', consent),
    'tx.rejected:genomics.not_patient',
  );
  assert.equal(
    chain.submit(alice, 'genomics.withdrawResearch', {}),
    'tx.rejected:genomics.no_research_consent',
  );
  assert.equal(chain.submit(alice, 'genomics.consentResearch', consent), 'ok');
  chain.commit();
  assert.equal(readResearchConsent(chain.state, alicePseudonym)?.dataUse.permission.code, 'DS');
  assert.equal(chain.submit(alice, 'genomics.consentResearch', { dataUse: HMB }), 'ok');
  chain.commit();
  assert.equal(readResearchConsent(chain.state, alicePseudonym)?.dataUse.permission.code, 'HMB');
  assert.equal(chain.submit(alice, 'genomics.withdrawResearch', { reason: 'x' }), 'tx.invalid_payload');
  assert.equal(chain.submit(alice, 'genomics.withdrawResearch', {}), 'ok');
  chain.commit();
  assert.equal(readResearchConsent(chain.state, alicePseudonym), undefined);
});

test('one budget per researcher: spends add up across custodians and the overspending query is refused', () => {
  const chain = chainWithGenome();
  assert.equal(
    chain.submit(hospitalNode, 'genomics.spendBudget', spend(100, [id(7)])),
    'tx.rejected:genomics.unknown_dataset',
  );
  assert.equal(
    chain.submit(hospitalNode, 'genomics.spendBudget', spend(100, [GENOME, GENOME])),
    'tx.invalid_payload',
  );
  assert.equal(chain.submit(alice, 'genomics.spendBudget', spend(100)), 'tx.rejected:genomics.not_org');
  assert.equal(chain.submit(hospitalNode, 'genomics.spendBudget', spend(2000)), 'ok');
  // another custodian's beacon, fanning out to the hospital's genome: the same ledger, usage counted
  assert.equal(chain.submit(clinicAdmin, 'genomics.spendBudget', spend(1000)), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'genomics.spendBudget', spend(1)),
    'tx.rejected:genomics.budget_exhausted',
  );
  chain.commit();
  assert.deepEqual(readQueryBudget(chain.state, RESEARCHER), {
    limitMilliBits: QUERY_BUDGET_MILLIBITS,
    spentMilliBits: 3000,
    queries: 2,
  });
  assert.equal(readDatasetUsage(chain.state, GENOME).queries, 2);
  assert.equal(readQueryBudget(chain.state, id(10)).spentMilliBits, 0);
  // A linked identity pays too: an identity with budget left cannot carry an exhausted one.
  assert.equal(
    chain.submit(hospitalNode, 'genomics.spendBudget', spend(1, [], [RESEARCHER, id(10)])),
    'tx.rejected:genomics.budget_exhausted',
  );
  assert.equal(chain.submit(hospitalNode, 'genomics.spendBudget', spend(500, [], [id(10), id(11)])), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'genomics.spendBudget', spend(1, [], [id(11), id(10)])),
    'tx.invalid_payload',
  );
  assert.equal(chain.submit(hospitalNode, 'genomics.spendBudget', spend(1, [], [])), 'tx.invalid_payload');
  chain.commit();
  assert.equal(readQueryBudget(chain.state, id(11)).spentMilliBits, 500);
});

test('a spend may name a declared set of genomes: one usage for the set, counted for each of its genomes', () => {
  const chain = chainWithGenome();
  const setId = datasetSetId([GENOME]);
  const bySet = (datasetSet: string) => ({
    researchers: [RESEARCHER],
    queryHash: id(3),
    priceMilliBits: 1,
    datasetSet,
  });
  assert.equal(
    chain.submit(hospitalNode, 'genomics.spendBudget', bySet(setId)),
    'tx.rejected:genomics.unknown_dataset_set',
  );
  assert.equal(
    chain.submit(hospitalNode, 'genomics.declareDatasetSet', { datasets: [id(7)] }),
    'tx.rejected:genomics.unknown_dataset',
  );
  assert.equal(
    chain.submit(alice, 'genomics.declareDatasetSet', { datasets: [GENOME] }),
    'tx.rejected:genomics.not_org',
  );
  assert.equal(chain.submit(hospitalNode, 'genomics.declareDatasetSet', { datasets: [GENOME] }), 'ok');
  // Declared again (two queries raced): nothing changes, and the spend on top of it is admitted.
  assert.equal(chain.submit(clinicAdmin, 'genomics.declareDatasetSet', { datasets: [GENOME] }), 'ok');
  assert.equal(chain.submit(hospitalNode, 'genomics.spendBudget', bySet(setId)), 'ok');
  // Both forms at once, or neither, is no spend.
  assert.equal(
    chain.submit(hospitalNode, 'genomics.spendBudget', { ...bySet(setId), datasets: [GENOME] }),
    'tx.invalid_payload',
  );
  const { datasetSet: _, ...neither } = bySet(setId);
  assert.equal(chain.submit(hospitalNode, 'genomics.spendBudget', neither), 'tx.invalid_payload');
  assert.equal(chain.submit(hospitalNode, 'genomics.spendBudget', spend(1)), 'ok');
  chain.commit();
  assert.deepEqual(readDatasetSet(chain.state, setId)?.datasets, [GENOME]);
  assert.equal(readSetUsage(chain.state, setId).queries, 1);
  assert.equal(readDatasetUsage(chain.state, GENOME).queries, 1);
  assert.equal(queriesCounted(chain.state, GENOME, [setId]), 2);
  assert.equal(readQueryBudget(chain.state, RESEARCHER).spentMilliBits, 2);
  // The set names its genomes, never their variants; an erased genome leaves the set as declared (the
  // custodian's look checks each genome is active), and a spend on the set still pays.
  assert.equal(chain.submit(hospitalNode, 'genomics.eraseDataset', { datasetId: GENOME }), 'ok');
  assert.equal(chain.submit(hospitalNode, 'genomics.spendBudget', bySet(setId)), 'ok');
  chain.commit();
  assert.equal(readSetUsage(chain.state, setId).queries, 2);
});

test('an erased genome is counted no more and cannot be erased twice or by another custodian', () => {
  const chain = chainWithGenome();
  assert.equal(
    chain.submit(clinicAdmin, 'genomics.eraseDataset', { datasetId: GENOME }),
    'tx.rejected:genomics.not_custodian',
  );
  assert.equal(chain.submit(hospitalNode, 'genomics.eraseDataset', { datasetId: GENOME }), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'genomics.eraseDataset', { datasetId: GENOME }),
    'tx.rejected:genomics.unknown_dataset',
  );
  assert.equal(
    chain.submit(hospitalNode, 'genomics.spendBudget', spend(1)),
    'tx.rejected:genomics.unknown_dataset',
  );
  chain.commit();
  assert.equal(readGenomeDataset(chain.state, GENOME)?.status, 'erased');
  assert.ok(chain.committedEntries().every(([, value]) => !value.includes('ga4gh:VA.')));
});

test('a release of the container is recorded by its custodian only, for a held genome, per reader key', () => {
  const chain = chainWithGenome();
  const grant = { datasetId: GENOME, recipient: id(20) };
  assert.equal(
    chain.submit(clinicAdmin, 'genomics.grantContainer', grant),
    'tx.rejected:genomics.not_custodian',
  );
  assert.equal(chain.submit(alice, 'genomics.grantContainer', grant), 'tx.rejected:genomics.not_org');
  assert.equal(
    chain.submit(hospitalNode, 'genomics.grantContainer', { ...grant, recipient: 'k' }),
    'tx.invalid_payload',
  );
  assert.equal(
    chain.submit(hospitalNode, 'genomics.grantContainer', { ...grant, datasetId: id(21) }),
    'tx.rejected:genomics.unknown_dataset',
  );
  assert.equal(chain.submit(hospitalNode, 'genomics.grantContainer', grant), 'ok');
  chain.commit();
  assert.equal(chain.submit(hospitalNode, 'genomics.grantContainer', grant), 'ok');
  chain.commit();
  assert.equal(readContainerGrant(chain.state, GENOME, id(20))?.releases, 2);
  assert.equal(readContainerGrant(chain.state, GENOME, id(22)), undefined);
  // Once erased, nothing of it is released.
  assert.equal(chain.submit(hospitalNode, 'genomics.eraseDataset', { datasetId: GENOME }), 'ok');
  assert.equal(
    chain.submit(hospitalNode, 'genomics.grantContainer', grant),
    'tx.rejected:genomics.unknown_dataset',
  );
});
