// The governance API (issue 15) on a real node and store: the hospital's admin proposes a parameter
// change with a tx signed locally, the clinic's admin votes it through (2 of 2), and the list, the
// proposal with its votes and reasons, and the validator set read back; a tx of another type, a vote
// naming another proposal and an unknown id are refused with their codes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signTx } from '../../src/core/tx.ts';
import type { KeyPair } from '../../src/node/keys.ts';
import { fhirKeys, injectJson, startFhirTestNode, type FhirTestNode } from '../harness/fhir-node.ts';

let t: FhirTestNode;
before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-governance-api' });
});
after(() => t.close());

function signed(admin: KeyPair, type: string, payload: object): object {
  const nonce = t.node.mempool.nextNonce(admin.publicKey);
  return signTx(admin.seed, { chainId: t.chainId, type, payload: payload as never, nonce });
}

const post = (url: string, body: unknown) => injectJson(t.app, { method: 'POST', url, token: null, body });
const get = (url: string) => injectJson(t.app, { method: 'GET', url, token: null });

test('a proposal is made and voted through over the API, and reads back with its votes and reasons', async () => {
  const action = { kind: 'set-parameter', name: 'voting-period-blocks', value: 500 };
  const proposed = await post(
    '/api/v1/governance/proposals',
    signed(fhirKeys.hospitalAdmin, 'governance.propose', { action, reason: 'shorter votes' }),
  );
  assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
  const id = proposed.body.txHash as string;
  assert.equal(proposed.body.proposal.id, id);
  assert.equal(proposed.body.proposal.status, 'open');

  const voted = await post(
    `/api/v1/governance/proposals/${id}/votes`,
    signed(fhirKeys.clinicAdmin, 'governance.vote', { proposalId: id, choice: 'yes', reason: 'agreed' }),
  );
  assert.equal(voted.status, 200, JSON.stringify(voted.body));
  assert.equal(voted.body.proposal.status, 'open', 'one of two members is not more than 2/3');
  const second = await post(
    `/api/v1/governance/proposals/${id}/votes`,
    signed(fhirKeys.hospitalAdmin, 'governance.vote', { proposalId: id, choice: 'yes', reason: 'ours' }),
  );
  assert.equal(second.body.proposal.status, 'passed');

  const shown = await get(`/api/v1/governance/proposals/${id}`);
  assert.equal(shown.status, 200);
  assert.deepEqual(
    shown.body.votes.map((v: { orgId: string; reason: string }) => [v.orgId, v.reason]).sort(),
    [
      ['clinic', 'agreed'],
      ['hospital', 'ours'],
    ],
  );
  const listed = await get('/api/v1/governance/proposals?limit=5');
  assert.deepEqual(
    listed.body.proposals.map((p: { id: string }) => p.id),
    [id],
  );
  const validators = await get('/api/v1/governance/validators');
  assert.equal(validators.status, 200);
  assert.deepEqual(
    validators.body.validators.map((v: { publicKey: string }) => v.publicKey),
    [fhirKeys.nodeKey.publicKey],
  );
  assert.deepEqual(validators.body.history, []);
});

test('a tx of another type, a vote on another proposal and an unknown proposal are refused with their codes', async () => {
  const anchor = signed(fhirKeys.hospitalAdmin, 'notary.anchor', {
    digest: '11'.repeat(32),
    kind: 'document',
  });
  const wrongType = await post('/api/v1/governance/proposals', anchor);
  assert.equal(wrongType.status, 400);
  assert.equal(wrongType.body.error.code, 'governance.not_governance_tx');

  const listed = await get('/api/v1/governance/proposals');
  const id = listed.body.proposals[0].id as string;
  const elsewhere = signed(fhirKeys.clinicAdmin, 'governance.vote', {
    proposalId: '22'.repeat(32),
    choice: 'no',
    reason: '',
  });
  const mismatch = await post(`/api/v1/governance/proposals/${id}/votes`, elsewhere);
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.body.error.code, 'governance.not_governance_tx');

  const missing = await get(`/api/v1/governance/proposals/${'33'.repeat(32)}`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'governance.proposal_not_found');
});
