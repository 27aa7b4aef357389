// Finding 9 (issue 10): the node's own txs share one nonce sequence, so one that failed when its block
// was applied poisoned every one queued behind it: each was dropped for the nonce gap, and its read or
// write waited out its timeout and answered 503. Here, on a real custodian node (SQLite, its records
// gateway and vault), a clinic nurse's read is decided at the last block's time under a consent that
// runs out before the next block's: its access event is admitted, then refused when the block is
// applied. Two reads by the hospital's own doctor (under a consent without end) and a write are in
// flight behind it, with the next nonces. They must still commit, re-signed with fresh nonces, and the
// nurse's read must not release the record. Time is the node's clock, moved by the test.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Caller } from '../../src/services/auth/caller.ts';
import { scopesOf } from '../../src/services/auth/scopes.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { toHex } from '../../src/core/bytes.ts';
import { signTx } from '../../src/core/tx.ts';
import { observationReadGrant } from '../harness/fhir-client.ts';
import {
  fhirKeys,
  patientPseudonymOfTest as pseudonym,
  startFhirTestNode,
  type FhirTestNode,
} from '../harness/fhir-node.ts';

/** How long the nurse's consent lasts, and how far the clock then jumps (past it, not to an empty block). */
const CONSENT_MS = 30_000;
const JUMP_MS = 60_000;

let offsetMs = 0;
const clock = { nowMs: () => Date.now() + offsetMs };
let custodian: FhirTestNode;
let patientId = '';
let observationId = '';

const practitioner = (key: { publicKey: string }, orgId: string, role: 'physician' | 'nurse'): Caller => ({
  kind: 'practitioner',
  publicKey: key.publicKey,
  orgId,
  role,
  scopes: scopesOf('user/*.rs user/*.cu'),
  context: 'user',
});
const doctor = practitioner(fhirKeys.doctor, 'hospital', 'physician');
const nurse = practitioner(fhirKeys.nurse, 'clinic', 'nurse');

before(async () => {
  // No empty blocks while the test holds time still: the clock's jump must not commit a block by itself.
  custodian = await startFhirTestNode({
    chainId: 'carechain-finding-09',
    clock,
    emptyBlockIntervalMs: 3_600_000,
  });
  const patient = await custodian.gateway.create(doctor, {
    resourceType: 'Patient',
    identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
    gender: 'female',
  });
  patientId = patient.id as string;
  const observation = await custodian.gateway.create(doctor, observationOf(72));
  observationId = observation.id as string;
});

after(() => custodian?.close());

function observationOf(value: number) {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${patientId}` },
    valueQuantity: { value, unit: '/min' },
  };
}

const consentId = () => toHex(new Uint8Array(randomBytes(32)));

/** The answer of a gateway call: its resource, or the status of the FhirError it threw. */
async function outcome(call: Promise<unknown>): Promise<{ status: number; resource?: unknown }> {
  try {
    return { status: 200, resource: await call };
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status !== 'number') throw err;
    return { status };
  }
}

test('finding 9: an access event refused at commit does not make the reads and writes queued behind it time out', async () => {
  const { node, gateway } = custodian;
  await custodian.submit(fhirKeys.patient, 'consent.grant', observationReadGrant(consentId(), 'hospital'));
  // BFT time: a block's time is its predecessor's commit time. The clock jumps past the consent's end
  // before the block holding the grant is committed, so that block's time is before the end and its
  // commit (the next block's time) after it: reads decided at the last block's time are granted, and
  // their access events refused in the next block.
  const endMs = clock.nowMs() + CONSENT_MS;
  const expiring = {
    ...(observationReadGrant(consentId(), 'clinic') as object),
    period: { startMs: 0, endMs },
  };
  const nonce = node.mempool.nextNonce(fhirKeys.patient.publicKey);
  const grant = node.submit(
    signTx(fhirKeys.patient.seed, {
      chainId: custodian.chainId,
      type: 'consent.grant',
      payload: expiring,
      nonce,
    }),
  );
  offsetMs += JUMP_MS;
  assert.ok(await node.waitForCommit(grant, 10_000), 'the expiring consent was committed');
  assert.ok(node.ledger.tip().timeMs < endMs, 'the last block is before the consent ends');

  const gaps: string[] = [];
  node.on('dropped', ({ error }) => {
    if (error.code === 'tx.nonce_gap') gaps.push(error.code);
  });
  const nurseRead = outcome(gateway.read(nurse, 'Observation', observationId, 'TREAT'));
  const doctorReads = [1, 2].map(() => outcome(gateway.read(doctor, 'Observation', observationId, 'TREAT')));
  const write = outcome(gateway.create(doctor, observationOf(80)));

  const [refused, ...later] = await Promise.all([nurseRead, ...doctorReads, write]);
  assert.notEqual(refused.status, 200, 'the nurse read released the record after its consent ran out');
  // The poisoning happened: txs queued behind the refused one were dropped for the nonce gap.
  assert.ok(gaps.length > 0, 'no tx was left behind a nonce gap');
  for (const answer of later) assert.equal(answer.status, 200, JSON.stringify(answer));
  assert.equal((later[0].resource as { id: string }).id, observationId);
  assert.equal((later[2]!.resource as { resourceType: string }).resourceType, 'Observation');
});
