// The dataset owner's view (issue 19 §5, §6) on one real custodian node, through its HTTP routes: the
// hospital's staff see the genomes the hospital holds, with their terms and how many queries counted
// each, a count that rises after a Beacon query; whether a person's consent lets a query count them;
// another organisation's staff and a patient are refused; and no pseudonym, VRS id or position is in it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patientPseudonym } from '../../src/app/membership/pseudonym.ts';
import type { OwnedDatasetsBody } from '../../src/contract/genomics.ts';
import { fhirKeys, fhirTestNodeForTests, injectJson, testKey } from '../harness/fhir-node.ts';
import { RS7412_QUERY, rs7412Vcf } from '../harness/vcf.ts';

// A common allele's price is small, so the query fits the researcher's budget many times over.
const t = fhirTestNodeForTests({
  chainId: 'carechain-genome-owner',
  genomics: { pricingAlleleFrequency: 0.3 },
});

const alice = fhirKeys.patient;
const bob = testKey('patient bob');
const HMB = { permission: { code: 'HMB' }, modifiers: [{ code: 'NPU' }] };
const datasetOf = new Map<string, string>();

const owned = (token: string) =>
  injectJson(t.app, { method: 'GET', url: '/api/v1/genomics/datasets', token });
const byId = (body: OwnedDatasetsBody) => new Map(body.datasets.map((d) => [d.datasetId, d]));

test('staff see their genomes, terms and consent, and the usage rises after a Beacon query', async () => {
  await t.submit(bob, 'membership.registerPatient', { custodianOrgId: 'hospital' });
  for (const key of [alice, bob]) {
    const answer = await injectJson(t.app, {
      method: 'POST',
      url: '/api/v1/genomics/genomes',
      token: t.tokens.doctor,
      body: { patient: patientPseudonym(key.publicKey), vcf: rs7412Vcf(true), dataUse: HMB },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    datasetOf.set(key.publicKey, answer.body.datasetId);
  }
  // Alice consents to research; Bob does not, so no query may count him.
  await t.submit(alice, 'genomics.consentResearch', {
    dataUse: { permission: { code: 'GRU' }, modifiers: [] },
  });

  let answer = await owned(t.tokens.doctor);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.headers['cache-control'], 'no-store');
  let view = byId(answer.body);
  assert.equal(view.size, 2);
  const aliceSet = view.get(datasetOf.get(alice.publicKey)!)!;
  const bobSet = view.get(datasetOf.get(bob.publicKey)!)!;
  assert.deepEqual(aliceSet.dataUse, HMB);
  assert.equal(aliceSet.status, 'active');
  assert.equal(aliceSet.variantCount, 1);
  assert.ok(aliceSet.height >= 1);
  assert.equal(aliceSet.queriesCounted, 0);
  assert.equal(aliceSet.consentAllowsCounting, true);
  assert.equal(bobSet.consentAllowsCounting, false);
  assert.equal(answer.body.truncated, false);

  const query = await injectJson(t.app, {
    method: 'GET',
    url: `/beacon/v2/g_variants?${RS7412_QUERY}&requestedGranularity=count`,
    token: t.tokens.nurse,
  });
  assert.equal(query.status, 200, JSON.stringify(query.body));
  assert.equal(query.body.responseSummary.numTotalResults, 1);

  // The Beacon answers only once its spend is committed at this very node, so its count is here now.
  answer = await owned(t.tokens.doctor);
  view = byId(answer.body);
  assert.equal(view.get(datasetOf.get(alice.publicKey)!)!.queriesCounted, 1);
  assert.equal(view.get(datasetOf.get(bob.publicKey)!)!.queriesCounted, 0, 'Bob was not counted');
});

test('nothing in the view names a person or a variant', async () => {
  const answer = await owned(t.tokens.doctor);
  const text = JSON.stringify(answer.body);
  for (const key of [alice, bob]) {
    assert.ok(!text.includes(patientPseudonym(key.publicKey)), 'no pseudonym');
    assert.ok(!text.includes(key.publicKey), 'no patient key');
  }
  assert.ok(!text.includes('ga4gh:VA.'), 'no VRS id');
  assert.ok(!text.includes('44908822'), 'no position');
  assert.deepEqual(Object.keys(answer.body.datasets[0]).sort(), [
    'consentAllowsCounting',
    'dataUse',
    'datasetId',
    'height',
    'queriesCounted',
    'status',
    'variantCount',
  ]);
});

test('another organisation’s staff and a patient are refused', async () => {
  for (const token of [t.tokens.nurse, t.tokens.patient]) {
    const answer = await owned(token);
    assert.equal(answer.status, 403, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'genomics.not_staff');
    assert.equal(answer.body.datasets, undefined);
  }
  const anonymous = await injectJson(t.app, { method: 'GET', url: '/api/v1/genomics/datasets', token: null });
  assert.equal(anonymous.status, 401);
});
