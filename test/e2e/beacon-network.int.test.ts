// Beacon v2 end to end on real `carechain node` processes at two custodians (issue 19 "Done when"): each
// custodian's staff upload their patients' VCFs; a researcher with a GA4GH Passport (trusted by both
// nodes) asks both beacons; boolean, count and record answers follow each person's research consent and
// the DUO terms; a withdrawal removes the person from the next count; a Passport without the DAC's grant
// gets no records; and the researcher's one budget, kept on chain, is spent at either beacon until both
// answer 429. Every answer validates against the shared Beacon v2 framework schemas.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
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
const rs7412 = RS7412_QUERY;
const vcf = (carries: boolean) => rs7412Vcf(carries);

interface World {
  net: RunningNetwork;
  passports: PassportWorld;
  granted: string;
  statusOnly: string;
  patients: Record<'h1' | 'h2' | 'c1' | 'c2', KeyPair>;
}
const w = {} as World;

before(async () => {
  w.passports = await passportWorld();
  const trustJson = {
    brokers: Object.fromEntries(w.passports.trust.brokers),
    visaIssuers: Object.fromEntries(w.passports.trust.visaIssuers),
    controlledAccessResource: w.passports.trust.controlledAccessResource,
  };
  // A common allele's price at one or two people per beacon lets a handful of queries through.
  w.net = await startNetwork(
    'carechain-beacon-net-',
    ['hospital', { name: 'clinic', type: 'clinic' }],
    'carechain-beacon-net',
    undefined,
    { genomics: { pricingAlleleFrequency: 0.3, passportTrust: trustJson } },
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

  w.patients = { h1: generateKeyPair(), h2: generateKeyPair(), c1: generateKeyPair(), c2: generateKeyPair() };
  const staff: Record<string, Staff> = {
    hospital: await w.net.registerStaff('hospital', 'physician'),
    clinic: await w.net.registerStaff('clinic', 'physician'),
  };
  const plan = [
    ['h1', 'hospital', true],
    ['h2', 'hospital', false],
    ['c1', 'clinic', true],
    ['c2', 'clinic', true],
  ] as const;
  for (const [name, org, carries] of plan) {
    const key = w.patients[name];
    await w.net.registerPatient(org, key);
    await w.net.commit(w.net.url(org), key, 'genomics.consentResearch', { dataUse: GRU });
    const uploaded = await staffClient(staff[org]!).post('/api/v1/genomics/genomes', {
      patient: patientPseudonym(key.publicKey),
      vcf: vcf(carries),
      dataUse: GRU,
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

test('boolean, count and record answers at both custodians follow consent; a withdrawal takes a person out', async () => {
  const hospital = await ask('hospital', w.granted, 'boolean');
  conforms('beaconBooleanResponse', hospital);
  assert.deepEqual(hospital.body.responseSummary, { exists: true });

  const clinic = await ask('clinic', w.granted);
  conforms('beaconCountResponse', clinic);
  assert.equal(clinic.body.responseSummary.numTotalResults, 2);

  const records = await ask('clinic', w.granted, 'record');
  conforms('beaconResultsetsResponse', records);
  assert.equal(records.body.response.resultSets[0].results[0].caseLevelData.length, 2);

  // Without the DAC's grant: a count, never records.
  const noVisa = await ask('hospital', w.statusOnly, 'record');
  conforms('beaconCountResponse', noVisa);
  assert.equal(noVisa.body.meta.returnedGranularity, 'count');
  assert.equal(noVisa.body.response, undefined);

  await w.net.commit(w.net.url('clinic'), w.patients.c1, 'genomics.withdrawResearch', {});
  const afterWithdrawal = await ask('clinic', w.statusOnly);
  conforms('beaconCountResponse', afterWithdrawal);
  assert.equal(afterWithdrawal.body.responseSummary.numTotalResults, 1);
});

test('one budget across both beacons: queries alternate between them until both answer 429', async () => {
  const orgs = ['hospital', 'clinic'];
  let asked = 0;
  let refusedAt: string | undefined;
  while (refusedAt === undefined && asked < 100) {
    const org = orgs[asked % 2]!;
    const answer = await ask(org, w.granted);
    asked += 1;
    if (answer.status === 429) refusedAt = org;
    else assert.equal(answer.status, 200, JSON.stringify(answer.body));
  }
  assert.ok(refusedAt !== undefined, 'the budget ran out');
  // Each beacon alone would have let the researcher ask more; the shared ledger refuses at both.
  for (const org of orgs) {
    const refused = await waitFor(async () => (await ask(org, w.granted)).status === 429, 30_000);
    assert.ok(refused, `${org} refuses once the shared budget is spent`);
    const answer = await ask(org, w.granted);
    assert.equal(answer.body.info.code, 'genomics.budget_exhausted');
  }
});
