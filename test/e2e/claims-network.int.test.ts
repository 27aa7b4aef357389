// Claims and prior authorisation on real node processes (issue 17): a hospital, a clinic and two insurers.
// - PAS: the hospital's physician submits a PAS request Bundle to Claim/$submit at the hospital's node;
//   the insurer's claims officer decides at the insurer's node (the hospital's own officer cannot: the
//   chain takes a decision only from the payer's node); $inquire at the hospital then answers the
//   certification, and the clinic's node, which took part in neither, shows the decision clock met and
//   the payer's metrics from its own copy of the chain.
// - Claims: the hospital's physician submits, through the hospital's node, a claim for the imported
//   Synthea patient's encounter, citing the committed Encounter; the insurer's claims officer adjudicates
//   it through the insurer's node, which fetches the content from the hospital's node over the
//   node-to-node channel, checks it against the commitment, and keeps the EOB; the patient reads it
//   there (another patient reads none); the clinic replays the adjudication to the committed digest.
//   The same line sent to the second insurer is flagged as a duplicate there; a replacement (frequency
//   7) is not; a claim citing nothing committed, an adjudication by the wrong payer's node and one
//   whose content the provider cannot send are refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import {
  DEMO_RULE_TABLE,
  lineFingerprint,
  lineIdentity,
  type ClaimFacts,
} from '../../src/app/claims/index.ts';
import { demoAdjudication, OFFICE_VISIT } from '../../src/app/claims/test-fixtures.ts';
import { CLAIMS_API } from '../../src/contract/claims.ts';
import { PA_REQUEST_SYSTEM } from '../../src/services/claims/pas.ts';
import type { Json } from '../../src/services/fhir/fhir-testdata.ts';
import { pasRequestFor } from '../harness/claims.ts';
import { createFhirValidator } from '../../src/services/fhir/validate.ts';
import { generateKeyPair, readKeyFile } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import { http, postJson, waitFor } from '../harness/http.ts';
import { patientToken, type MemberSpec, type Staff } from '../harness/network.ts';
import { CLINIC, fhirCall, HOSPITAL, INSURER, recordsNetworkForTests } from '../harness/records-network.ts';

const INSURER_B: MemberSpec = { name: 'insurer-b', type: 'insurer', power: 0 };
const hex = (n: number) => randomBytes(n).toString('hex');
/**
 * The members' fingerprint key (a member-only secret; see ARCHITECTURE, where it lives), in one file
 * every node's node.json names as claims.networkKeyFile.
 */
const networkKey = new Uint8Array(randomBytes(32));
const keyDir = tempDir('carechain-claims-key-');
const networkKeyFile = join(keyDir.path, 'claims-network-key');
writeFileSync(networkKeyFile, `${Buffer.from(networkKey).toString('hex')}\n`, { mode: 0o600 });
after(() => keyDir.remove());
/** Generous: four node processes share two cores with other tests. */
const WAIT_MS = 60_000;

let physician: Staff;
let hospitalOfficer: Staff;
let insurerOfficer: Staff;

const records = recordsNetworkForTests(
  'carechain-claims-',
  [HOSPITAL, CLINIC, INSURER, INSURER_B],
  { hospital: ['physician', 'claims-officer'], insurer: ['claims-officer'] },
  undefined,
  async ({ network, staff }) => {
    [physician, hospitalOfficer, insurerOfficer] = staff as [Staff, Staff, Staff];
    for (const payer of ['insurer', 'insurer-b']) {
      await network.commit(network.url(payer), nodeKey(payer), 'claims.publishRules', {
        table: DEMO_RULE_TABLE,
      });
    }
  },
  { claims: { networkKeyFile } },
);

const nodeKey = (org: string) => readKeyFile(join(records.network.dir(org), 'node-key.json'));
const url = (org: string) => records.network.url(org);

/** Waits until `org`'s node answers `path` with 200 and `ready` holds of the body. */
async function readAt(org: string, path: string, ready: (body: any) => boolean = () => true): Promise<any> {
  let body: any;
  const ok = await waitFor(async () => {
    const answer = await http(`${url(org)}${path}`);
    body = answer.body;
    return answer.status === 200 && ready(body);
  }, WAIT_MS);
  assert.ok(ok, `${org} answers ${path}: ${JSON.stringify(body)}`);
  return body;
}

test('PAS across nodes: submitted at the hospital, decided by the insurer, the clock provable anywhere', async () => {
  const bundle = pasRequestFor('insurer', 'NET-PA-1');
  const fhir = fhirCall(url('hospital'), physician.token);
  const submitted = await fhir.post('/fhir/R4/Claim/$submit', bundle);
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
  const claimResponse = submitted.body.entry[0].resource;
  assert.equal(claimResponse.outcome, 'queued');
  const requestId = claimResponse.identifier.find((i: Json) => i.system === PA_REQUEST_SYSTEM).value;

  // The hospital's claims officer cannot decide: the hospital's node is not the payer's.
  const decision = { action: 'A1', authNumber: 'AUTH-NET-1' };
  const byHospital = await postJson(
    `${url('hospital')}${CLAIMS_API}/prior-auth/${requestId}/decision`,
    decision,
    hospitalOfficer.token,
  );
  assert.equal(byHospital.status, 422, JSON.stringify(byHospital.body));
  assert.equal(byHospital.body.error.code, 'claims.unknown_request');

  // The insurer's officer decides at the insurer's node once it has the request.
  await readAt('insurer', `${CLAIMS_API}/prior-auth/${requestId}`);
  const decided = await postJson(
    `${url('insurer')}${CLAIMS_API}/prior-auth/${requestId}/decision`,
    decision,
    insurerOfficer.token,
  );
  // 200 once committed; under load the node's own wait may run out first (503 claims.commit_timeout,
  // the tx still pending), so the decision is then read back from the insurer's chain.
  if (decided.status !== 200) {
    assert.equal(decided.status, 503, JSON.stringify(decided.body));
    assert.equal(decided.body.error.code, 'claims.commit_timeout');
  }
  const atInsurer = await readAt(
    'insurer',
    `${CLAIMS_API}/prior-auth/${requestId}`,
    (b) => b.request.decision !== null,
  );
  assert.equal(atInsurer.request.decision.action, 'A1');

  // The hospital's $inquire answers the certification once its node has the block.
  let inquired: any;
  const answered = await waitFor(async () => {
    inquired = await fhir.post('/fhir/R4/Claim/$inquire', bundle);
    return inquired.status === 200 && inquired.body.entry[0].resource.outcome === 'complete';
  }, WAIT_MS);
  assert.ok(answered, JSON.stringify(inquired?.body));
  assert.equal(inquired.body.entry[0].resource.preAuthRef, 'AUTH-NET-1');

  // The clinic took part in nothing and proves the clock from its own chain: urgent (levelOfServiceCode
  // U), deadline 72 h after the submission's block time, met.
  const clock = await readAt(
    'clinic',
    `${CLAIMS_API}/prior-auth/${requestId}`,
    (b) => b.request.decision !== null,
  );
  assert.equal(clock.request.priority, 'urgent');
  assert.equal(clock.deadlineMs, clock.request.submittedAtMs + 72 * 3600_000);
  assert.equal(clock.decidedInTime, true);
  const metrics = await readAt('clinic', `${CLAIMS_API}/metrics?payer=insurer`);
  const [m] = metrics.payers;
  assert.deepEqual([m.payerOrgId, m.decided, m.approved, m.denied], ['insurer', 1, 1, 0]);
  assert.equal(m.meanDecisionMs, clock.request.decision.decidedAtMs - clock.request.submittedAtMs);
});

/**
 * The claim a POST /api/v1/claims answered: its id from the answer, or, when the node's own wait for the
 * commit ran out under load (503 claims.commit_timeout), from the tx once the hospital has committed it.
 */
async function claimIdOf(answer: { status: number; body: any }): Promise<string> {
  if (answer.status === 200) return answer.body.claim.claimId as string;
  assert.equal(answer.status, 503, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, 'claims.commit_timeout');
  const stored = await readAt('hospital', `/api/v1/txs/${answer.body.error.details.txHash}`);
  return stored.tx.payload.claimId as string;
}

test('claims across nodes: submitted by the provider’s staff, adjudicated by the payer’s, replayed elsewhere; the patient reads the EOB; a duplicate to a second payer is flagged', async () => {
  const encounter = records.locations.find((l) => l.startsWith('Encounter/'))!.split('/')[1]!;
  const visit: ClaimFacts = { ...OFFICE_VISIT, items: [OFFICE_VISIT.items[0]!] };
  const documented = [{ recordId: encounter, version: 1 }];
  const claim = (payerOrgId: string, documentation: Json[], replaces: string | null = null) => ({
    payerOrgId,
    patientPseudonym: records.pseudonym,
    facts: visit,
    lines: [{ sequence: 1, documentation }],
    ...(replaces === null ? {} : { frequency: '7', replacesClaimId: replaces }),
  });
  const submit = (payload: Json) => postJson(`${url('hospital')}${CLAIMS_API}`, payload, physician.token);

  // Nothing committed to cite: refused with the documentation edit, at the hospital's node.
  for (const [documentation, code] of [
    [[], 'claims.undocumented'],
    [[{ recordId: hex(32), version: 1 }], 'claims.documentation_missing'],
  ] as const) {
    const refused = await submit(claim('insurer', [...documentation]));
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, code);
  }

  const firstId = await claimIdOf(await submit(claim('insurer', documented)));
  const first = await readAt('insurer', `${CLAIMS_API}/${firstId}`);
  // The line's fingerprint is the members' key's over the line, computed by the hospital's node.
  const fingerprint = lineFingerprint(
    networkKey,
    lineIdentity(records.pseudonym, 'hospital', visit.items[0]!),
  );
  assert.equal(first.claim.lines[0].fingerprint, fingerprint);

  // The hospital's own claims officer cannot adjudicate: the claim went to the insurer.
  const adjudicationPath = `${CLAIMS_API}/${firstId}/adjudication`;
  const byHospital = await postJson(`${url('hospital')}${adjudicationPath}`, {}, hospitalOfficer.token);
  assert.equal(byHospital.status, 422, JSON.stringify(byHospital.body));
  assert.equal(byHospital.body.error.code, 'claims.not_payer_node');
  // A claim the hospital's node signed outside its API has no content there to send: the insurer's node
  // cannot adjudicate what it cannot check against the commitment, and says so.
  const bare = {
    claimId: hex(32),
    payerOrgId: 'insurer',
    patientPseudonym: records.pseudonym,
    commitment: hex(32),
    use: 'claim',
    frequency: '1',
    replacesClaimId: null,
    lines: [{ sequence: 1, fingerprint: hex(32), documentation: documented }],
  };
  await records.network.commit(url('hospital'), nodeKey('hospital'), 'claims.submit', bare);
  await readAt('insurer', `${CLAIMS_API}/${bare.claimId}`);
  const contentless = await postJson(
    `${url('insurer')}${CLAIMS_API}/${bare.claimId}/adjudication`,
    {},
    insurerOfficer.token,
  );
  assert.equal(contentless.status, 503, JSON.stringify(contentless.body));
  assert.equal(contentless.body.error.code, 'claims.unavailable');

  // What the insurer's engine must answer under its rule table, and the digest it commits.
  const { adjudication, payload: expected } = demoAdjudication(firstId, visit);
  // The insurer's node fetches the content from the hospital's node, checks it against the commitment
  // and the fingerprints, adjudicates, and keeps the EOB.
  // A 503 claims.unavailable is transient (the hospital's node did not answer in time under load): asked
  // again until it answers otherwise.
  let adjudicated: { status: number; body: any } | undefined;
  await waitFor(async () => {
    adjudicated = await postJson(`${url('insurer')}${adjudicationPath}`, {}, insurerOfficer.token);
    return !(adjudicated.status === 503 && adjudicated.body?.error?.code === 'claims.unavailable');
  }, WAIT_MS);
  assert.ok(adjudicated !== undefined);
  // 200 once committed; under load the node's own wait may run out first (503, the tx still pending).
  if (adjudicated.status !== 200) {
    assert.equal(adjudicated.status, 503, JSON.stringify(adjudicated.body));
    assert.equal(adjudicated.body.error.code, 'claims.commit_timeout');
  } else assert.deepEqual(adjudicated.body.adjudication, adjudication);
  const atInsurer = await readAt(
    'insurer',
    `${CLAIMS_API}/${firstId}`,
    (b) => b.claim.status === 'adjudicated',
  );
  assert.equal(atInsurer.claim.adjudication.digest, expected.digest);

  // The clinic replays the insurer's adjudication from the facts and the committed table version.
  await readAt('clinic', `${CLAIMS_API}/${firstId}`, (b) => b.claim.status === 'adjudicated');
  const replayed = await postJson(`${url('clinic')}${CLAIMS_API}/${firstId}/replay`, { facts: visit });
  assert.equal(replayed.status, 200, JSON.stringify(replayed.body));
  assert.equal(replayed.body.matches, true);
  assert.deepEqual(replayed.body.adjudication, adjudication);

  // The patient reads the EOB at the insurer's node; another patient there reads none of it.
  // (Polled: a patient registered a moment ago is known at the insurer's node once it has the block.)
  const eobs = async (token: string) => {
    let answer: { status: number; body: any } | undefined;
    const headers = { authorization: `Bearer ${token}` };
    const path = `${url('insurer')}/api/v1/patients/me/explanation-of-benefits`;
    const ok = await waitFor(async () => (answer = await http(path, { headers })).status === 200, WAIT_MS);
    assert.ok(ok, JSON.stringify(answer?.body));
    return answer!.body;
  };
  const mine = await eobs(await patientToken(records.network, 'insurer', records.patient));
  assert.equal(mine.total, 1);
  const eob = mine.entry[0].resource;
  assert.deepEqual(createFhirValidator().validateResource(eob).issues, []);
  assert.equal(eob.claim.identifier.value, firstId);
  assert.equal(eob.patient.identifier.value, records.pseudonym);
  assert.deepEqual(eob.payment.amount, { value: adjudication.totalBenefitCents / 100, currency: 'USD' });
  assert.equal(eob.created, new Date(atInsurer.claim.adjudication.timeMs).toISOString());
  const stranger = generateKeyPair();
  await records.network.registerPatient('hospital', stranger);
  const theirs = await eobs(await patientToken(records.network, 'insurer', stranger));
  assert.equal(theirs.total, 0, JSON.stringify(theirs));

  // The same line to the second insurer: flagged there, though that payer never saw the first claim.
  const secondId = await claimIdOf(await submit(claim('insurer-b', documented)));
  const atB = await readAt('insurer-b', `${CLAIMS_API}/${secondId}`);
  assert.equal(atB.claim.lines[0].verdict, 'duplicate');
  // A replacement of the first claim repeating the line is not a duplicate.
  const replacementId = await claimIdOf(await submit(claim('insurer', documented, firstId)));
  const replaced = await readAt('insurer', `${CLAIMS_API}/${replacementId}`);
  assert.equal(replaced.claim.lines[0].verdict, 'replacement');
});
