// The custodian side of the Beacon fan-out (fan-out.ts) on a real node, chain and genome store: a look is
// answered only for a final spend signed by the node that asks, bound to this very question, once, and
// counts only the genomes that spend paid for whose consent and DUO terms still allow the stated use.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMMITTED_USE } from '../../app/genomics/duo/test-fixtures.ts';
import type { StatedUse } from '../../app/genomics/duo/match.ts';
import { patientPseudonym } from '../../app/membership/pseudonym.ts';
import { toHex } from '../../core/bytes.ts';
import { systemClock } from '../../node/env.ts';
import { GRCH38_REFGET } from '../../app/genomics/vrs/grch38.ts';
import {
  fhirKeys,
  injectJson,
  startFhirTestNode,
  type FhirTestNode,
} from '../../../test/harness/fhir-node.ts';
import { rs7412Vcf } from '../../../test/harness/vcf.ts';
import { researcherId } from './beacon.ts';
import { LookServer, spendQueryHash, type LookRequest, type QueryBinding } from './fan-out.ts';
import { genomicsServices } from './index.ts';
import { GenomicsLedger } from './ledger.ts';
import type { VariantQuery } from './variant-query.ts';

const GRU = { permission: { code: 'GRU' }, modifiers: [] };
const use: StatedUse = {
  purpose: { kind: 'health' },
  researcher: 'r1',
  project: 'p1',
  institution: 'i1',
  country: 'GB',
  ...COMMITTED_USE,
};
const rs7412: VariantQuery = {
  kind: 'sequence',
  accession: GRCH38_REFGET.get('19')!,
  start: 44908821,
  referenceBases: 'C',
  alternateBases: 'T',
};
const w = {} as { ledger: GenomicsLedger; server: LookServer; datasetId: string; nodeKey: string };
let t: FhirTestNode;

before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-fan-out' });
  w.ledger = new GenomicsLedger(t.node);
  w.nodeKey = t.node.key.publicKey;
  w.server = new LookServer(t.node, genomicsServices(t.node).beacon, systemClock);
  await t.submit(fhirKeys.patient, 'genomics.consentResearch', { dataUse: GRU });
  const uploaded = await injectJson(t.app, {
    method: 'POST',
    url: '/api/v1/genomics/genomes',
    token: t.tokens.doctor,
    body: { patient: patientPseudonym(fhirKeys.patient.publicKey), vcf: rs7412Vcf(true), dataUse: GRU },
  });
  assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
  w.datasetId = uploaded.body.datasetId;
});
after(() => t?.close());

let nonces = 0;
/** Commits a spend for this question (as the entry beacon does) and answers the look request for it. */
async function paidLook(datasets: string[], variant: VariantQuery = rs7412): Promise<LookRequest> {
  nonces += 1;
  const binding: QueryBinding = {
    nonce: toHex(new Uint8Array(16).fill(nonces)),
    researchers: [researcherId('r1')],
    variant,
    use,
    records: false,
  };
  const spend = await w.ledger.commit('genomics.spendBudget', {
    researchers: binding.researchers,
    queryHash: spendQueryHash(binding),
    priceMilliBits: 1,
    datasets,
  });
  return { ...binding, spendTxHash: spend.txHash, datasets };
}

test('a paid look counts the carriers the spend paid for, once', async () => {
  const request = await paidLook([w.datasetId]);
  assert.deepEqual(await w.server.serve(w.nodeKey, request), { count: 1 });
  await assert.rejects(w.server.serve(w.nodeKey, request), /one look/);
  // A restarted service (nothing kept in memory, the same genome store) still knows the spend is used.
  const restarted = new LookServer(t.node, genomicsServices(t.node).beacon, systemClock);
  await assert.rejects(restarted.serve(w.nodeKey, request), /one look/);

  // A genome the spend did not pay for is not counted, whatever the request lists.
  const unpaid = await paidLook([]);
  assert.deepEqual(await w.server.serve(w.nodeKey, { ...unpaid, datasets: [w.datasetId] }), { count: 0 });
});

test('a look for another question, from another key, for no spend or malformed is refused', async () => {
  const request = await paidLook([w.datasetId]);
  const otherVariant = { ...rs7412, alternateBases: 'G' };
  await assert.rejects(
    w.server.serve(w.nodeKey, { ...request, variant: otherVariant }),
    /not for this question/,
  );
  await assert.rejects(w.server.serve(w.nodeKey, { ...request, records: true }), /not for this question/);
  await assert.rejects(
    w.server.serve(w.nodeKey, { ...request, use: { ...use, purpose: { kind: 'ancestry' } } }),
    /not for this question/,
  );
  await assert.rejects(w.server.serve(fhirKeys.hospitalAdmin.publicKey, request), /only a member node/);
  await assert.rejects(w.server.serve(w.nodeKey, { ...request, datasets: ['x'] }), /malformed/);
  await assert.rejects(
    w.server.serve(w.nodeKey, { ...request, spendTxHash: 'ab'.repeat(32) }),
    /no such spend/,
  );
  // None of these used the spend up: the right question is still answered.
  assert.deepEqual(await w.server.serve(w.nodeKey, request), { count: 1 });
});

test('a withdrawal after the spend and before the look takes the person out', async () => {
  const request = await paidLook([w.datasetId]);
  await t.submit(fhirKeys.patient, 'genomics.withdrawResearch', {});
  assert.deepEqual(await w.server.serve(w.nodeKey, request), { count: 0 });
});
