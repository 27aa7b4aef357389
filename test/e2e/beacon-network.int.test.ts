// Beacon v2 end to end on real `carechain node` processes at two custodians (issue 19 "Done when"): each
// custodian's staff upload their patients' VCFs; a researcher with a GA4GH Passport (trusted by both
// nodes) asks either beacon and is answered for both custodians (the fan-out: one spend on chain, each
// custodian looking at its own genomes under its own reading of consent and DUO); boolean, count and
// record answers follow each person's research consent and the DUO terms; a withdrawal removes the person
// from the next count wherever it is asked; a Passport without the DAC's grant gets no records; and the
// researcher's one budget, kept on chain, is spent at either beacon until both answer 429. Every answer
// validates against the shared Beacon v2 framework schemas.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMMITTED_USE } from '../../src/app/genomics/duo/test-fixtures.ts';
import { patientPseudonym } from '../../src/app/membership/pseudonym.ts';
import { generateKeyPair, type KeyPair } from '../../src/node/keys.ts';
import {
  BROKER,
  passportWorld,
  recordVisas,
  type PassportWorld,
} from '../../src/services/genomics/passport-fixtures.ts';
import { beaconSchemaErrors, type BeaconResponseKind } from '../harness/beacon-schemas.ts';
import { http, waitFor, type HttpAnswer } from '../harness/http.ts';
import { RS7412_QUERY, rs7412Vcf } from '../harness/vcf.ts';
import { startNetwork, staffClient, type RunningNetwork, type Staff } from '../harness/network.ts';

const GRU = { permission: { code: 'GRU' }, modifiers: [] };
const HMB = { permission: { code: 'HMB' }, modifiers: [] };
const rs7412 = RS7412_QUERY;
const vcf = (carries: boolean) => rs7412Vcf(carries);

interface World {
  net: RunningNetwork;
  passports: PassportWorld;
  granted: string;
  statusOnly: string;
  spreader: string;
  patients: Record<'h1' | 'h2' | 'c1' | 'c2' | 'c3', KeyPair>;
}
const w = {} as World;

before(async () => {
  w.passports = await passportWorld();
  const trustJson = {
    brokers: Object.fromEntries(w.passports.trust.brokers),
    visaIssuers: Object.fromEntries(w.passports.trust.visaIssuers),
    controlledAccessResource: w.passports.trust.controlledAccessResource,
  };
  // At five people in the network this price lets about nine queries through per researcher.
  w.net = await startNetwork(
    'carechain-beacon-net-',
    ['hospital', { name: 'clinic', type: 'clinic' }],
    'carechain-beacon-net',
    undefined,
    { genomics: { pricingAlleleFrequency: 0.15, passportTrust: trustJson } },
  );
  const link = await w.passports.visa(w.passports.dac, 'r1', {
    type: 'LinkedIdentities',
    value: `r1,${BROKER}`,
    by: 'system',
  });
  w.granted = await w.passports.passport('r1', [...(await recordVisas(w.passports, 'r1')), link]);
  const status = await w.passports.visa(w.passports.dac, 'r2', {
    type: 'ResearcherStatus',
    value: 'x',
    by: 'so',
  });
  w.statusOnly = await w.passports.passport('r2', [status]);
  w.spreader = await w.passports.passport('r3', []);

  w.patients = {
    h1: generateKeyPair(),
    h2: generateKeyPair(),
    c1: generateKeyPair(),
    c2: generateKeyPair(),
    c3: generateKeyPair(),
  };
  const staff: Record<string, Staff> = {
    hospital: await w.net.registerStaff('hospital', 'physician'),
    clinic: await w.net.registerStaff('clinic', 'physician'),
  };
  // c3's genome is held under HMB terms: health research only, never ancestry.
  const plan = [
    ['h1', 'hospital', true, GRU],
    ['h2', 'hospital', false, GRU],
    ['c1', 'clinic', true, GRU],
    ['c2', 'clinic', true, GRU],
    ['c3', 'clinic', true, HMB],
  ] as const;
  for (const [name, org, carries, dataUse] of plan) {
    const key = w.patients[name];
    await w.net.registerPatient(org, key);
    await w.net.commit(w.net.url(org), key, 'genomics.consentResearch', { dataUse: GRU });
    const uploaded = await staffClient(staff[org]!).post('/api/v1/genomics/genomes', {
      patient: patientPseudonym(key.publicKey),
      vcf: vcf(carries),
      dataUse,
    });
    assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
  }
});
after(() => w.net?.stop());

function ask(org: string, passport: string, granularity = 'count'): Promise<HttpAnswer> {
  return http(`${w.net.url(org)}/beacon/v2/g_variants?${rs7412}&requestedGranularity=${granularity}`, {
    headers: { 'ga4gh-passport': passport },
  });
}

function conforms(kind: BeaconResponseKind, answer: HttpAnswer): void {
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.deepEqual(beaconSchemaErrors(kind, answer.body), [], JSON.stringify(answer.body));
}

/** A POST query stating ancestry research (which HMB terms refuse), at count granularity. */
function askForAncestry(org: string, passport: string): Promise<HttpAnswer> {
  return http(`${w.net.url(org)}/beacon/v2/g_variants`, {
    method: 'POST',
    headers: { 'ga4gh-passport': passport, 'content-type': 'application/json' },
    body: JSON.stringify({
      meta: { apiVersion: 'v2.0.0' },
      query: {
        requestParameters: { referenceName: '19', start: 44908821, referenceBases: 'C', alternateBases: 'T' },
        requestedGranularity: 'count',
      },
      statedUse: { purpose: { kind: 'ancestry' }, project: 'p1', country: 'GB', ...COMMITTED_USE },
    }),
  });
}

test('either beacon answers for both custodians: boolean, count and record per consent and DUO; a withdrawal takes a person out', async () => {
  for (const org of ['hospital', 'clinic']) {
    const yes = await ask(org, w.granted, 'boolean');
    conforms('beaconBooleanResponse', yes);
    assert.deepEqual(yes.body.responseSummary, { exists: true });
    assert.deepEqual(yes.body.info.custodians, { asked: 2, answered: 2 });
  }

  // h1 at the hospital, c1, c2 and c3 at the clinic carry rs7412; h2 does not.
  const count = await ask('hospital', w.granted);
  conforms('beaconCountResponse', count);
  assert.equal(count.body.responseSummary.numTotalResults, 4);

  // Records: one result set per custodian, named by its beacon's id, with its own pseudonymous ids.
  const records = await ask('clinic', w.granted, 'record');
  conforms('beaconResultsetsResponse', records);
  const sets = records.body.response.resultSets as { id: string; results: { caseLevelData: unknown[] }[] }[];
  const beaconIds = await Promise.all(
    ['hospital', 'clinic'].map(
      async (org) => (await http(`${w.net.url(org)}/beacon/v2/info`)).body.response.id,
    ),
  );
  assert.deepEqual(sets.map((set) => set.id).sort(), [...beaconIds].sort());
  const carriersBySet = new Map(sets.map((set) => [set.id, set.results[0]!.caseLevelData.length]));
  assert.equal(carriersBySet.get(beaconIds[0]), 1);
  assert.equal(carriersBySet.get(beaconIds[1]), 3);

  // Ancestry research: the clinic reads c3's HMB terms itself and leaves c3 out.
  const ancestry = await askForAncestry('hospital', w.granted);
  conforms('beaconCountResponse', ancestry);
  assert.equal(ancestry.body.responseSummary.numTotalResults, 3);

  // Without the DAC's grant: a count, never records.
  const noVisa = await ask('hospital', w.statusOnly, 'record');
  conforms('beaconCountResponse', noVisa);
  assert.equal(noVisa.body.meta.returnedGranularity, 'count');
  assert.equal(noVisa.body.response, undefined);
  assert.equal(noVisa.body.responseSummary.numTotalResults, 4);

  // c1 withdraws at the clinic (committed there); the hospital's beacon, fanning out, no longer counts
  // them: the clinic looks at its own latest state, which holds the withdrawal.
  await w.net.commit(w.net.url('clinic'), w.patients.c1, 'genomics.withdrawResearch', {});
  const afterWithdrawal = await ask('hospital', w.statusOnly);
  conforms('beaconCountResponse', afterWithdrawal);
  assert.equal(afterWithdrawal.body.responseSummary.numTotalResults, 3);
});

test('one budget across both beacons: queries alternate between them until both answer 429', async () => {
  const orgs = ['hospital', 'clinic'];
  let asked = 0;
  let refusedAt: string | undefined;
  while (refusedAt === undefined && asked < 100) {
    const org = orgs[asked % 2]!;
    const answer = await ask(org, w.spreader);
    asked += 1;
    if (answer.status === 429) refusedAt = org;
    else assert.equal(answer.status, 200, JSON.stringify(answer.body));
  }
  assert.ok(refusedAt !== undefined, 'the budget ran out');
  // Each beacon alone would have let the researcher ask more; the shared ledger refuses at both.
  for (const org of orgs) {
    const refused = await waitFor(async () => (await ask(org, w.spreader)).status === 429, 30_000);
    assert.ok(refused, `${org} refuses once the shared budget is spent`);
    const answer = await ask(org, w.spreader);
    assert.equal(answer.body.info.code, 'genomics.budget_exhausted');
  }
});
