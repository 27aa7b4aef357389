// Break-glass, the patient's access log and erasure on one custodian node (issue 4 "Access",
// "Erasure"), set up like fhir-gateway.int.test.ts: a real solo CarechainNode with its vault, the FHIR
// and records-admin routes over Fastify inject, and tokens minted in-process.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issuePractitionerToken } from '../../src/api/auth/practitioner-login.ts';
import { breakGlassReasonCommitment } from '../../src/node/storage/break-glass-reasons.ts';
import type { FhirValidator } from '../../src/services/fhir/validate.ts';
import { accessLog, breakGlassEvents, erasures, recordHead } from '../../src/app/records/index.ts';
import { fromHex, toHex } from '../../src/core/bytes.ts';
import { signTx } from '../../src/core/tx.ts';
import { systemClock } from '../../src/node/env.ts';
import type { KeyPair } from '../../src/node/keys.ts';
import type { CarechainNode } from '../../src/node/node.ts';
import { verifyDataDir } from '../../src/node/verify.ts';
import { Vault } from '../../src/node/vault/vault.ts';
import { SqliteStorage } from '../../src/node/storage/sqlite/sqlite-storage.ts';
import { VaultStore } from '../../src/node/vault/vault-store.ts';
import { seedOf } from '../harness/chain.ts';
import {
  fhirKeys,
  injectJson,
  patientPseudonymOfTest as pseudonym,
  startFhirTestNode,
  testKey as key,
  type FhirTestNode,
} from '../harness/fhir-node.ts';
import { chalmersPatient, heartRateObservation, observationReadGrant } from '../harness/fhir-client.ts';

const CHAIN_ID = 'carechain-admin-test';
const { nodeKey, hospitalAdmin, clinicAdmin, doctor, nurse, patient } = fhirKeys;
const officer = key('hospital privacy officer');
const REASON = 'Unconscious in the emergency department; allergies needed before anaesthesia.';

let testNode: FhirTestNode;
let dir: FhirTestNode['dir'];
let node: CarechainNode;
let validator: FhirValidator;
let app: FastifyInstance;
type Who = 'doctor' | 'officer' | 'nurse' | 'patient';
let tokens: Record<Who, string>;
const submit: FhirTestNode['submit'] = (...args) => testNode.submit(...args);
const state = () => testNode.state();
const page = { offset: 0, limit: 100 };

before(async () => {
  testNode = await startFhirTestNode({
    chainId: CHAIN_ID,
    practitioners: [
      { admin: hospitalAdmin, key: doctor, orgId: 'hospital', role: 'physician' },
      { admin: hospitalAdmin, key: officer, orgId: 'hospital', role: 'privacy-officer' },
      { admin: clinicAdmin, key: nurse, orgId: 'clinic', role: 'nurse' },
    ],
    recordsAdmin: true,
  });
  ({ dir, node, validator, app } = testNode);
  const officerToken = (
    await issuePractitionerToken(state(), testNode.issuer, {
      practitionerKey: officer.publicKey,
      orgId: 'hospital',
    })
  ).accessToken;
  tokens = { ...testNode.tokens, officer: officerToken };
});

after(() => testNode?.close());

async function call(
  method: 'GET' | 'POST',
  url: string,
  who: Who | null,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return injectJson(app, { method, url, token: who === null ? null : tokens[who], body, headers });
}

const fhirCreate = async (resource: object) => {
  const created = await app.inject({
    method: 'POST',
    url: `/fhir/R4/${(resource as { resourceType: string }).resourceType}`,
    headers: { authorization: `Bearer ${tokens.doctor}`, 'content-type': 'application/fhir+json' },
    payload: JSON.stringify(resource),
  });
  assert.equal(created.statusCode, 201, created.body);
  return created.json<Record<string, unknown> & { id: string }>();
};

let patientId = '';
let observation: Record<string, unknown> & { id: string } = { id: '' };
let breakGlassEventId = '';

test('the hospital writes a Patient and an allergy-relevant Observation', async () => {
  const created = await fhirCreate(chalmersPatient(pseudonym));
  patientId = created.id;
  observation = await fhirCreate(heartRateObservation(patientId));
});

test('without consent the clinic is denied; break-glass for ETREAT with a reason releases the record', async () => {
  const denied = await call('GET', `/fhir/R4/Observation/${observation.id}`, 'nurse');
  assert.equal(denied.status, 403);

  const read = await call('POST', '/api/v1/records/break-glass', 'nurse', {
    resourceType: 'Observation',
    id: observation.id,
    purpose: 'ETREAT',
    reason: REASON,
  });
  assert.equal(read.status, 200, JSON.stringify(read.body));
  assert.deepEqual(read.body.resource, observation);
  assert.equal(read.headers['cache-control'], 'no-store');
  breakGlassEventId = read.body.eventId;
  // The event was committed before the release, flagged, with only a commitment to the reason.
  const [event] = accessLog(state(), pseudonym, page).items;
  assert.equal(event?.eventId, breakGlassEventId);
  assert.equal(event?.txHash, read.body.txHash);
  assert.equal(event?.isBreakGlass, true);
  assert.equal(event?.outcome, 'granted');
  assert.equal(event?.reasonCode, 'break-glass');
  assert.equal(event?.purpose, 'ETREAT');
  assert.match(event?.breakGlass?.reasonCommitment ?? '', /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(node.ledger.store.tx(read.body.txHash)).includes('anaesthesia'));
});

test('break-glass is refused for another purpose, without a reason, and to a non-practitioner', async () => {
  const before = accessLog(state(), pseudonym, page).total;
  const body = { resourceType: 'Observation', id: observation.id, purpose: 'ETREAT', reason: REASON };
  const treat = await call('POST', '/api/v1/records/break-glass', 'nurse', { ...body, purpose: 'TREAT' });
  assert.equal(treat.status, 400);
  assert.equal(treat.body.resourceType, 'OperationOutcome');
  const noReason = await call('POST', '/api/v1/records/break-glass', 'nurse', { ...body, reason: '  ' });
  assert.equal(noReason.status, 400);
  const byPatient = await call('POST', '/api/v1/records/break-glass', 'patient', body);
  assert.equal(byPatient.status, 403);
  assert.equal(byPatient.body.resourceType, 'OperationOutcome');
  const anonymous = await call('POST', '/api/v1/records/break-glass', null, body);
  assert.equal(anonymous.status, 401);
  assert.equal(accessLog(state(), pseudonym, page).total, before);
  assert.equal(breakGlassEvents(state(), 'hospital', page).total, 1);
});

test('the patient sees the break-glass flagged, as JSON and as a valid AuditEvent Bundle', async () => {
  const log = await call('GET', '/api/v1/patients/me/access-log', 'patient');
  assert.equal(log.status, 200, JSON.stringify(log.body));
  assert.equal(log.body.total, 2);
  assert.equal(log.body.items[0].eventId, breakGlassEventId);
  assert.equal(log.body.items[0].isBreakGlass, true);
  assert.equal(log.body.items[1].isBreakGlass, false);
  assert.equal(log.body.items[1].outcome, 'denied');

  const bundle = await call('GET', '/api/v1/patients/me/audit-events?_count=10', 'patient');
  assert.equal(bundle.status, 200);
  assert.match(String(bundle.headers['content-type']), /^application\/fhir\+json/);
  const result = validator.validateResource(bundle.body);
  assert.ok(result.valid, JSON.stringify(result.issues));
  assert.equal(bundle.body.resourceType, 'Bundle');
  assert.equal(bundle.body.total, 2);
  const first = bundle.body.entry[0].resource;
  assert.equal(first.resourceType, 'AuditEvent');
  assert.equal(first.id, breakGlassEventId);
  assert.deepEqual(
    first.meta.security.map((c: { code: string }) => c.code),
    ['BTG'],
  );
  for (const entry of bundle.body.entry) assert.ok(validator.validateResource(entry.resource).valid);

  // Only the patient reads their own log here.
  assert.equal((await call('GET', '/api/v1/patients/me/access-log', 'nurse')).status, 403);
  assert.equal((await call('GET', '/api/v1/patients/me/audit-events', null)).status, 401);
  assert.equal((await call('GET', '/api/v1/patients/me/access-log?_count=x', 'patient')).status, 400);
});

test('the privacy officer lists break-glass events with the written reason; nobody else does', async () => {
  const list = await call('GET', '/api/v1/records/break-glass', 'officer');
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.equal(list.body.total, 1);
  const [item] = list.body.items;
  assert.equal(item.eventId, breakGlassEventId);
  assert.equal(item.requester, nurse.publicKey);
  assert.equal(item.reason, REASON);
  assert.equal(item.reasonMatchesCommitment, true);
  assert.equal(
    breakGlassReasonCommitment(fromHex(item.reasonSalt), REASON),
    item.breakGlass.reasonCommitment,
  );
  for (const who of ['doctor', 'nurse', 'patient'] as const) {
    const refused = await call('GET', '/api/v1/records/break-glass', who);
    assert.equal(refused.status, 403, who);
    assert.equal(refused.body.resourceType, 'OperationOutcome');
  }
});

test('erasure: the patient’s signed request, shredding and receipt; then 410 for everyone, verify ok', async () => {
  await submit(patient, 'consent.grant', observationReadGrant(toHex(seedOf('consent admin 1'))));
  assert.equal((await call('GET', `/fhir/R4/Observation/${observation.id}`, 'nurse')).status, 200);

  const request = (signer: KeyPair) =>
    signTx(signer.seed, {
      chainId: CHAIN_ID,
      type: 'records.requestErasure',
      payload: { patientPseudonym: pseudonym, recordIds: 'all' },
      nonce: node.mempool.nextNonce(signer.publicKey),
    });
  // Only the patient's own signature counts; the API never signs for them, nor forwards for others.
  const forged = await call('POST', '/api/v1/patients/me/erasure', 'patient', { tx: request(nurse) });
  assert.equal(forged.status, 403);
  const byNurse = await call('POST', '/api/v1/patients/me/erasure', 'nurse', { tx: request(patient) });
  assert.equal(byNurse.status, 403);

  const erased = await call('POST', '/api/v1/patients/me/erasure', 'patient', { tx: request(patient) });
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.match(erased.body.requestTxHash, /^[0-9a-f]{64}$/);
  assert.equal(erased.body.receipts.length, 1);
  const [receipt] = erased.body.receipts;
  assert.deepEqual(receipt.recordIds, [observation.id, patientId].sort());
  assert.equal(receipt.commitments.length, 2);
  const onChain = erasures(state(), pseudonym, page).items;
  assert.equal(onChain.length, 1);
  assert.equal(onChain[0]!.txHash, receipt.txHash);
  assert.equal(onChain[0]!.signedBy, nodeKey.publicKey);
  assert.notEqual(recordHead(state(), observation.id)?.erasedAtHeight, null);

  for (const who of ['patient', 'nurse', 'doctor'] as const) {
    const read = await call('GET', `/fhir/R4/Observation/${observation.id}`, who);
    assert.equal(read.status, 410, `${who}: ${JSON.stringify(read.body)}`);
    assert.equal(read.body.resourceType, 'OperationOutcome');
    assert.equal(read.body.issue[0].code, 'deleted');
  }
  const glass = await call('POST', '/api/v1/records/break-glass', 'nurse', {
    resourceType: 'Observation',
    id: observation.id,
    purpose: 'ETREAT',
    reason: REASON,
  });
  assert.equal(glass.status, 410);

  // The vault no longer holds the ciphertext or any key: not even the custodian opens it.
  const store = VaultStore.open(new SqliteStorage(dir.path));
  try {
    const vault = new Vault({}, { store, clock: systemClock });
    assert.throws(() => vault.open(observation.id, 1, nodeKey), { code: 'vault.shredded' });
    assert.throws(() => vault.open(patientId, 1, patient), { code: 'vault.shredded' });
  } finally {
    store.close();
  }
  // A second request is refused: nothing is left to erase.
  const again = await call('POST', '/api/v1/patients/me/erasure', 'patient', { tx: request(patient) });
  assert.equal(again.status, 422);

  const verified = verifyDataDir(dir.path);
  assert.ok(verified.ok, JSON.stringify(verified));
});
