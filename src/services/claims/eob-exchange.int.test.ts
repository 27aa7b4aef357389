// The payer's side of a patient's forwarded EOB listing (eob-exchange.ts) on a real node: it answers only a
// member node that shows the patient's own signed delegation to that very node, and then only that
// patient's EOBs whose adjudication the chain carries, sealed so that only the asking node opens them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { demoAdjudication, OFFICE_VISIT } from '../../app/claims/test-fixtures.ts';
import { signDelegation } from '../../contract/delegation.ts';
import { ClaimDocumentStore, openClaimDocument, sealedFromHex } from '../../node/claims/claim-documents.ts';
import {
  fhirKeys,
  patientPseudonymOfTest,
  startFhirTestNode,
  type FhirTestNode,
} from '../../../test/harness/fhir-node.ts';
import { documentedVisit } from '../../../test/harness/claims.ts';
import { servePatientEobs } from './eob-exchange.ts';

/** A fresh 32-byte id. */
const newId = (): string => randomBytes(32).toString('hex');
/** The member node that asks: the insurer's key stands for any node the patient signed in at. */
const asking = fhirKeys.insurerNode;

let t: FhirTestNode;
let documents: ClaimDocumentStore;
let claimId = '';
const eob = { resourceType: 'ExplanationOfBenefit', id: '', status: 'active' };
before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-eob-exchange', insurer: true });
  documents = ClaimDocumentStore.open(t.node.storage, t.chainId, t.node.key);
  // A claim on chain for the patient (its documentation: a committed Observation), adjudicated, and its
  // EOB kept here; a second EOB whose adjudication the chain does not carry.
  const observationId = await documentedVisit(t);
  claimId = newId();
  eob.id = claimId;
  const visit = { ...OFFICE_VISIT, items: [OFFICE_VISIT.items[0]!] };
  await t.submit(fhirKeys.nodeKey, 'claims.submit', {
    claimId,
    payerOrgId: 'insurer',
    patientPseudonym: patientPseudonymOfTest,
    commitment: newId(),
    use: 'claim',
    frequency: '1',
    replacesClaimId: null,
    lines: [{ sequence: 1, fingerprint: newId(), documentation: [{ recordId: observationId, version: 1 }] }],
  });
  const { payload } = demoAdjudication(claimId, visit);
  await t.submit(fhirKeys.insurerNode, 'claims.adjudicate', payload);
  const kept = { patientPseudonym: patientPseudonymOfTest, createdAtMs: 1, kind: 'eob' as const };
  documents.put({ ...kept, claimId, digest: payload.digest, document: eob });
  documents.put({
    ...kept,
    claimId: newId(),
    digest: newId(),
    document: { resourceType: 'ExplanationOfBenefit' },
  });
});
after(() => t?.close());

const delegationTo = (nodeKey: string, orgId: string, nowMs = Date.now()) =>
  signDelegation(fhirKeys.patient.seed, t.chainId, { nodeKey, orgId }, { nowMs, scopes: 'patient/*.rs' });
const ask = (from: string, params: object) => servePatientEobs(t.node, documents, Date.now(), from, params);
const asPatient = (delegation: unknown) => ({
  publicKey: fhirKeys.patient.publicKey,
  scopes: 'patient/*.rs',
  delegation,
});

test('with the patient’s delegation to the asking node: their adjudicated EOBs, sealed to that node alone', () => {
  const { eobs } = ask(asking.publicKey, asPatient(delegationTo(asking.publicKey, 'insurer')));
  assert.deepEqual(
    eobs.map((e) => e.claimId),
    [claimId],
    'the EOB whose adjudication the chain does not carry is not sent',
  );
  const sealed = sealedFromHex(eobs[0]!.sealed)!;
  assert.deepEqual(openClaimDocument(t.chainId, claimId, 'eob', sealed, asking), eob);
  assert.throws(() => openClaimDocument(t.chainId, claimId, 'eob', sealed, fhirKeys.nodeKey));
});

test('refused: no delegation, one naming another node, an expired one, a practitioner’s key, a caller that is no node', () => {
  const refusals: [string, string, object][] = [
    ['no delegation', asking.publicKey, asPatient(undefined)],
    [
      'a delegation to another node',
      asking.publicKey,
      asPatient(delegationTo(fhirKeys.nodeKey.publicKey, 'hospital')),
    ],
    [
      'an expired delegation',
      asking.publicKey,
      asPatient(delegationTo(asking.publicKey, 'insurer', Date.now() - 3 * 3600_000)),
    ],
    [
      'a practitioner’s key',
      asking.publicKey,
      { ...asPatient(delegationTo(asking.publicKey, 'insurer')), publicKey: fhirKeys.doctor.publicKey },
    ],
    [
      'asked by a key that is no node',
      fhirKeys.patient.publicKey,
      asPatient(delegationTo(asking.publicKey, 'insurer')),
    ],
  ];
  for (const [what, from, params] of refusals) assert.throws(() => ask(from, params), Error, what);
});
