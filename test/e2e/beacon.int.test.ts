// Beacon v2 at one custodian node (issue 19 §1–§5), through its HTTP routes on a real node: staff upload
// three patients' VCFs (kept as Crypt4GH, committed as salted roots); boolean and count queries count only
// the people whose research consent and the dataset's DUO terms allow the stated use; a withdrawal takes
// a person out of the next count; record granularity is not given without a visa; the researcher's
// budget, kept on chain, ends in 429 with nothing looked at; /individuals counts the consented carriers;
// every answer, refusals included, validates against the Beacon v2 framework's response schemas. The
// patient releases a copy of their genome for a reader key (recorded first) and erases it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMITTED_USE } from '../../src/app/genomics/duo/test-fixtures.ts';
import { readContainerGrant, readGenomeDataset, readQueryBudget } from '../../src/app/genomics/keys.ts';
import { patientPseudonym } from '../../src/app/membership/pseudonym.ts';
import { fromUtf8, toHex } from '../../src/core/bytes.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import { crypt4ghKeyPair, readCrypt4gh } from '../../src/node/vault/crypt4gh.ts';
import { researcherId } from '../../src/services/genomics/beacon.ts';
import {
  BROKER,
  passportWorld,
  recordVisas,
  RESOURCE,
} from '../../src/services/genomics/passport-fixtures.ts';
import type { JSONWebKeySet } from 'jose';
import { beaconSchemaErrors, type BeaconResponseKind } from '../harness/beacon-schemas.ts';
import { fhirKeys, fhirTestNodeForTests, injectJson, testKey } from '../harness/fhir-node.ts';
import { RS7412_QUERY, rs7412Vcf } from '../harness/vcf.ts';

// The node's Passport trust, filled in by the Passport test with the keys of a fresh broker and DAC.
const trust = {
  brokers: new Map<string, JSONWebKeySet>(),
  visaIssuers: new Map<string, JSONWebKeySet>(),
  controlledAccessResource: RESOURCE,
};
// A common allele's price at three people is small, so a handful of queries fit in the 3-bit budget.
const t = fhirTestNodeForTests({
  chainId: 'carechain-beacon',
  genomics: { pricingAlleleFrequency: 0.3, passportTrust: trust },
});

const alice = fhirKeys.patient;
const bob = testKey('patient bob');
const carol = testKey('patient carol');
const HMB = { permission: { code: 'HMB' }, modifiers: [] };
const GRU = { permission: { code: 'GRU' }, modifiers: [] };

/** rs7412 carried or not, and a variant every genome carries (for range queries). */
const vcf = (carries: boolean) => rs7412Vcf(carries, ['19\t44909000\t.\tG\tA\t.\tPASS\t.\tGT\t1/1']);

const rs7412 = RS7412_QUERY;
/** Each patient's genome, as the upload answered it. */
const genomes = new Map<typeof alice, string>();
const get = (query: string, token = t.tokens.nurse) =>
  injectJson(t.app, { method: 'GET', url: `/beacon/v2/g_variants?${query}`, token });

/** A count query as the framework's POST body, with the nurse's committed use for `purpose`. */
const countByPost = (requestParameters: Record<string, unknown>, purpose: { kind: string }) =>
  injectJson(t.app, {
    method: 'POST',
    url: '/beacon/v2/g_variants',
    token: t.tokens.nurse,
    body: {
      meta: { apiVersion: 'v2.0.0' },
      query: { requestParameters, requestedGranularity: 'count' },
      statedUse: { purpose, project: 'p1', country: 'GB', ...COMMITTED_USE },
    },
  });

const individuals = (query: string, token = t.tokens.doctor) =>
  injectJson(t.app, { method: 'GET', url: `/beacon/v2/individuals?${query}`, token });

function conforms(kind: BeaconResponseKind, body: unknown): void {
  assert.deepEqual(beaconSchemaErrors(kind, body), [], JSON.stringify(body));
}

async function upload(patient: string, carries: boolean, dataUse: object = HMB) {
  return injectJson(t.app, {
    method: 'POST',
    url: '/api/v1/genomics/genomes',
    token: t.tokens.doctor,
    body: { patient, vcf: vcf(carries), dataUse },
  });
}

test('staff upload genomes; the informational endpoints conform to the framework', async () => {
  for (const key of [bob, carol]) {
    await t.submit(key, 'membership.registerPatient', { custodianOrgId: 'hospital' });
  }
  const refused = await injectJson(t.app, {
    method: 'POST',
    url: '/api/v1/genomics/genomes',
    token: t.tokens.doctor,
    body: {
      patient: patientPseudonym(alice.publicKey),
      vcf: vcf(true).replace('44909000', '1'),
      dataUse: HMB,
    },
  });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.code, 'genomics.invalid_vcf');
  assert.ok(!JSON.stringify(refused.body).includes('44908822'), 'no genotype in the error');
  const notStaff = await injectJson(t.app, {
    method: 'POST',
    url: '/api/v1/genomics/genomes',
    token: t.tokens.nurse,
    body: { patient: patientPseudonym(alice.publicKey), vcf: vcf(true), dataUse: HMB },
  });
  assert.equal(notStaff.status, 403);
  for (const [key, carries] of [
    [alice, true],
    [bob, true],
    [carol, false],
  ] as const) {
    const answer = await upload(patientPseudonym(key.publicKey), carries);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.variantCount, carries ? 2 : 1);
    genomes.set(key, answer.body.datasetId);
  }
  const documents: [string, BeaconResponseKind][] = [
    ['/beacon/v2/info', 'beaconInfoResponse'],
    ['/beacon/v2', 'beaconInfoResponse'],
    ['/beacon/v2/configuration', 'beaconConfigurationResponse'],
    ['/beacon/v2/map', 'beaconMapResponse'],
    ['/beacon/v2/entry_types', 'beaconEntryTypesResponse'],
    ['/beacon/v2/filtering_terms', 'beaconFilteringTermsResponse'],
  ];
  for (const [url, kind] of documents) {
    const answer = await injectJson(t.app, { method: 'GET', url, token: null });
    assert.equal(answer.status, 200, url);
    conforms(kind, answer.body);
  }
});

test('counts follow research consent and DUO; a withdrawal removes the person from the next count', async () => {
  // No one has consented yet: nobody is counted, whatever the genomes hold.
  let answer = await get(`${rs7412}&requestedGranularity=count`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  conforms('beaconCountResponse', answer.body);
  assert.deepEqual(answer.body.responseSummary, { exists: false, numTotalResults: 0 });

  await t.submit(alice, 'genomics.consentResearch', { dataUse: HMB });
  await t.submit(bob, 'genomics.consentResearch', { dataUse: GRU });
  await t.submit(carol, 'genomics.consentResearch', { dataUse: GRU });
  answer = await get(`${rs7412}&requestedGranularity=count`);
  assert.deepEqual(answer.body.responseSummary, { exists: true, numTotalResults: 2 });

  answer = await get(rs7412);
  conforms('beaconBooleanResponse', answer.body);
  assert.equal(answer.body.meta.returnedGranularity, 'boolean');
  assert.deepEqual(answer.body.responseSummary, { exists: true });

  // A range query: every consented person carries a variant in 19:44908000-44910000.
  answer = await get('referenceName=19&start=44908000&end=44910000&requestedGranularity=count');
  assert.equal(answer.body.responseSummary.numTotalResults, 3);
  // A bracket query: that variant (0-based start 44908999, end 44909000) starts and ends in the brackets;
  // an end bracket it does not reach finds nobody.
  answer = await get(
    'referenceName=19&start=44908990,44909010&end=44908995,44909005&requestedGranularity=count',
  );
  conforms('beaconCountResponse', answer.body);
  assert.equal(answer.body.responseSummary.numTotalResults, 3);
  answer = await get(
    'referenceName=19&start=44908990,44909010&end=44909001,44909005&requestedGranularity=count',
  );
  assert.deepEqual(answer.body.responseSummary, { exists: false, numTotalResults: 0 });
  // The framework's POST body writes start and end as arrays: a bracket of two positions each.
  answer = await countByPost(
    { referenceName: '19', start: [44908990, 44909010], end: [44908995, 44909005] },
    { kind: 'health' },
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.responseSummary.numTotalResults, 3);

  // /individuals counts the same consented carriers, as individuals, and never lists them. (The doctor
  // asks: the nurse's budget is spent to its end by the last test.)
  let people = await individuals(`${rs7412}&requestedGranularity=count`);
  assert.equal(people.status, 200, JSON.stringify(people.body));
  conforms('beaconCountResponse', people.body);
  assert.deepEqual(people.body.meta.returnedSchemas, [
    { entityType: 'individual', schema: 'beacon-individual-v2.0.0' },
  ]);
  assert.deepEqual(people.body.responseSummary, { exists: true, numTotalResults: 2 });
  people = await individuals(`${rs7412}&requestedGranularity=record`);
  assert.equal(people.body.meta.returnedGranularity, 'count');
  assert.equal(people.body.response, undefined);
  people = await individuals('referenceName=19&start=44908821&referenceBases=C&alternateBases=G');
  conforms('beaconBooleanResponse', people.body);
  assert.deepEqual(people.body.responseSummary, { exists: false });

  // Ancestry research: the datasets' HMB terms refuse it for everyone.
  const ancestry = await countByPost(
    { referenceName: '19', start: 44908821, referenceBases: 'C', alternateBases: 'T' },
    { kind: 'ancestry' },
  );
  assert.equal(ancestry.status, 200, JSON.stringify(ancestry.body));
  conforms('beaconCountResponse', ancestry.body);
  assert.equal(ancestry.body.responseSummary.numTotalResults, 0);

  await t.submit(alice, 'genomics.withdrawResearch', {});
  answer = await get(`${rs7412}&requestedGranularity=count`);
  assert.equal(answer.body.responseSummary.numTotalResults, 1);
  people = await individuals(`${rs7412}&requestedGranularity=count`);
  assert.equal(people.body.responseSummary.numTotalResults, 1);

  // Record granularity needs a Passport visa: the answer stays a count, and says so.
  answer = await get(`${rs7412}&requestedGranularity=record`);
  assert.equal(answer.body.meta.returnedGranularity, 'count');
  assert.equal(answer.body.response, undefined);

  const mine = await injectJson(t.app, {
    method: 'GET',
    url: '/api/v1/genomics/genomes/mine',
    token: t.tokens.patient,
  });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  assert.equal(mine.body.genomes.length, 1);
  assert.ok(mine.body.genomes[0].queriesCounted >= 1);
  assert.equal(mine.body.researchConsent, null);
});

test('records only under a Passport whose visas grant them; a bad Passport is 401', async () => {
  const world = await passportWorld();
  for (const [iss, keys] of world.trust.brokers) trust.brokers.set(iss, keys);
  for (const [iss, keys] of world.trust.visaIssuers) trust.visaIssuers.set(iss, keys);
  const link = await world.visa(world.dac, 'r1', {
    type: 'LinkedIdentities',
    value: `r1,${BROKER}`,
    by: 'system',
  });
  const ask = (passport: string, query = `${rs7412}&requestedGranularity=record`) =>
    injectJson(t.app, {
      method: 'GET',
      url: `/beacon/v2/g_variants?${query}`,
      token: null,
      headers: { 'ga4gh-passport': passport },
    });

  const granted = await ask(await world.passport('r1', [...(await recordVisas(world, 'r1')), link]));
  assert.equal(granted.status, 200, JSON.stringify(granted.body));
  conforms('beaconResultsetsResponse', granted.body);
  assert.equal(granted.body.meta.returnedGranularity, 'record');
  const [set] = granted.body.response.resultSets;
  assert.equal(set.results[0].variantInternalId, 'ga4gh:VA.0AePZIWZUNsUlQTamyLrjm2HWUw2opLt');
  assert.equal(set.results[0].caseLevelData.length, granted.body.responseSummary.numTotalResults);

  // Without the DAC's grant the same researcher gets a count, and no records.
  const statusOnly = [
    await world.visa(world.dac, 'r1', { type: 'ResearcherStatus', value: 'x', by: 'so' }),
    link,
  ];
  const counted = await ask(await world.passport('r1', statusOnly));
  assert.equal(counted.status, 200);
  assert.equal(counted.body.meta.returnedGranularity, 'count');
  assert.equal(counted.body.response, undefined);

  const untrusted = await ask(await world.passport('r1', statusOnly, world.untrusted));
  assert.equal(untrusted.status, 401);
  conforms('beaconErrorResponse', untrusted.body);
  assert.equal(untrusted.body.info.code, 'genomics.invalid_passport');
});

test('bad queries are 400 and cost nothing; the budget on chain ends in 429', async () => {
  const researcher = researcherId(fhirKeys.nurse.publicKey);
  const before = readQueryBudget(t.state(), researcher).spentMilliBits;
  for (const query of [
    'referenceName=19&start=44908821',
    'referenceName=MT&start=1&end=5',
    'referenceName=19&start=10&end=5',
    'referenceName=19&start=1&end=20000000',
    'referenceName=19&start=44909010,44908990&end=44908995,44909005',
    'referenceName=19&start=1,20000000&end=20000001,20000002',
    'referenceName=19&start=44908990,44909010&end=44909005',
    'referenceName=19&start=44908990,44909010&end=44908995,44909005&referenceBases=G&alternateBases=A',
    'referenceName=19&start=1,2,3&end=4,5',
    'referenceName=19&start=400000000&end=400000001',
    `${rs7412}&assemblyId=GRCh37`,
  ]) {
    const answer = await get(query);
    assert.equal(answer.status, 400, query);
    conforms('beaconErrorResponse', answer.body);
    assert.equal(answer.body.error.errorCode, 400);
  }
  // /individuals allows no unfiltered query (the configuration says so): without a variant it is a 400.
  const unfiltered = await individuals('requestedGranularity=count', t.tokens.nurse);
  assert.equal(unfiltered.status, 400);
  conforms('beaconErrorResponse', unfiltered.body);
  assert.equal(unfiltered.body.info.code, 'request.invalid');
  assert.equal(readQueryBudget(t.state(), researcher).spentMilliBits, before);
  const patientAsks = await get(rs7412, t.tokens.patient);
  assert.equal(patientAsks.status, 403);
  const anonymous = await injectJson(t.app, {
    method: 'GET',
    url: `/beacon/v2/g_variants?${rs7412}`,
    token: null,
  });
  assert.equal(anonymous.status, 401);
  const nowhere = await injectJson(t.app, { method: 'GET', url: '/beacon/v2/biosamples', token: null });
  assert.equal(nowhere.status, 404);
  for (const refused of [patientAsks, anonymous, nowhere]) conforms('beaconErrorResponse', refused.body);
  assert.equal(anonymous.body.info.code, 'auth.missing');

  let status = 200;
  let asked = 0;
  while (status === 200 && asked < 200) {
    status = (await get(rs7412)).status;
    asked += 1;
  }
  assert.equal(status, 429, `refused after ${asked} queries`);
  const spent = readQueryBudget(t.state(), researcher);
  assert.ok(spent.spentMilliBits <= spent.limitMilliBits);
  const again = await get(rs7412);
  assert.equal(again.status, 429);
  conforms('beaconErrorResponse', again.body);
  assert.equal(again.body.info.code, 'genomics.budget_exhausted');
  assert.deepEqual(readQueryBudget(t.state(), researcher), spent, 'a refused query spends nothing');
  // Another researcher's budget is their own.
  assert.equal((await get(rs7412, t.tokens.doctor)).status, 200);
});

test('the patient releases their genome for a reader key once it is on record, and erases it with a receipt', async () => {
  const [aliceGenome, bobGenome] = [genomes.get(alice)!, genomes.get(bob)!];
  const bobLogin = await t.patientLogin(bob);
  assert.equal(bobLogin.status, 200);
  const bobToken: string = bobLogin.body.access_token;
  const reader = crypt4ghKeyPair();
  const recipient = toHex(sha256(reader.publicKey));
  const post = (datasetId: string, action: 'grants' | 'erasure', token: string, body: object = {}) =>
    injectJson(t.app, {
      method: 'POST',
      url: `/api/v1/genomics/genomes/${datasetId}/${action}`,
      token,
      body,
    });
  const grant = (datasetId: string, token: string) =>
    post(datasetId, 'grants', token, { recipientKey: toHex(reader.publicKey) });

  // Someone else's genome, a genome nobody holds, and staff asking: refused, and nothing released.
  for (const [answer, code] of [
    [await grant(bobGenome, t.tokens.patient), 'genomics.unknown_dataset'],
    [await grant('ab'.repeat(32), t.tokens.patient), 'genomics.unknown_dataset'],
    [await grant(aliceGenome, t.tokens.doctor), 'genomics.not_patient'],
  ] as const) {
    assert.equal(answer.status, 422, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, code);
  }
  assert.equal((await post(aliceGenome, 'grants', t.tokens.patient, { recipientKey: 'k' })).status, 400);
  assert.equal(readContainerGrant(t.state(), aliceGenome, recipient), undefined);

  const released = await grant(aliceGenome, t.tokens.patient);
  assert.equal(released.status, 200, JSON.stringify(released.body));
  assert.equal(readContainerGrant(t.state(), aliceGenome, recipient)?.releases, 1, 'recorded before release');
  const container = new Uint8Array(Buffer.from(released.body.container, 'base64'));
  assert.equal(fromUtf8(readCrypt4gh(container, reader.secretKey)), vcf(true));
  assert.throws(() => readCrypt4gh(container, crypt4ghKeyPair().secretKey), 'no other key opens it');

  // Erasure: Bob (consented, GRU) is counted until his genome is shredded, then never again.
  const range = 'referenceName=19&start=44908000&end=44910000&requestedGranularity=count';
  assert.equal((await individuals(range)).body.responseSummary.numTotalResults, 2);
  const notHers = await post(bobGenome, 'erasure', t.tokens.patient);
  assert.equal(notHers.status, 422);
  assert.equal(readGenomeDataset(t.state(), bobGenome)?.status, 'active');
  const erased = await post(bobGenome, 'erasure', bobToken);
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.equal(erased.body.datasetId, bobGenome);
  assert.match(erased.body.txHash, /^[0-9a-f]{64}$/);
  assert.equal(readGenomeDataset(t.state(), bobGenome)?.status, 'erased');
  assert.equal((await individuals(range)).body.responseSummary.numTotalResults, 1);
  const mine = await injectJson(t.app, {
    method: 'GET',
    url: '/api/v1/genomics/genomes/mine',
    token: bobToken,
  });
  assert.deepEqual(mine.body.genomes, []);
  for (const again of [await post(bobGenome, 'erasure', bobToken), await grant(bobGenome, bobToken)]) {
    assert.equal(again.status, 422);
    assert.equal(again.body.error.code, 'genomics.unknown_dataset');
  }
});
