// The caller's own consent events (GET /api/v1/events/mine, issue 14: the consent loop closed) over real
// HTTP: a practitioner's request reaches the patient it names and no other patient; the patient's answer
// reaches the practitioner who asked, and a grant the practitioners it covers, no one else. The events
// carry tx hashes and ids only: no pseudonym, no record kinds. Without a token the stream is refused, and
// one caller may hold only a few streams open at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { toHex } from '../../src/core/bytes.ts';
import { requestPayload } from '../../src/app/consent/test-fixtures.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import { STREAMS_PER_CALLER_MAX } from '../../src/services/consents/live.ts';
import { seedOf } from '../harness/chain.ts';
import { observationReadGrant } from '../harness/fhir-client.ts';
import {
  fhirKeys,
  patientPseudonymOfTest as alicePseudonym,
  startFhirTestNode,
  testKey,
  type FhirTestNode,
} from '../harness/fhir-node.ts';
import { openConsentEvents, waitFor, type ConsentEventStream } from '../harness/http.ts';

const bob = testKey('patient bob');
const bobPseudonym = patientPseudonym(bob.publicKey);
/** A patient of the second test only, whose streams the first test did not open. */
const carol = testKey('patient carol');
let testNode: FhirTestNode;
let bobToken: string;
let carolToken: string;
const streams: ConsentEventStream[] = [];

before(async () => {
  testNode = await startFhirTestNode({ chainId: 'carechain-consent-events-test', listen: true });
  const tokenOf = async (patient: typeof bob) => {
    await testNode.submit(patient, 'membership.registerPatient', { custodianOrgId: 'hospital' });
    const login = await testNode.patientLogin(patient);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    return login.body.access_token as string;
  };
  bobToken = await tokenOf(bob);
  carolToken = await tokenOf(carol);
});
after(async () => {
  for (const s of streams) s.close();
  await testNode?.close();
});

async function open(token?: string): Promise<ConsentEventStream> {
  const stream = await openConsentEvents(testNode.url, token);
  streams.push(stream);
  return stream;
}

const id = (label: string) => toHex(seedOf(label));
const requestFor = (requestId: string, patientPseudonym: string) =>
  requestPayload({ requestId, patientPseudonym }) as CanonicalValue;
const arrives = async (stream: ConsentEventStream, count: number) =>
  assert.ok(await waitFor(() => stream.events.length >= count, 20_000), `${count} event(s) arrive`);

test('a request reaches its patient only; the answer reaches the practitioner who asked; a grant whom it covers', async () => {
  const alice = await open(testNode.tokens.patient);
  const bobs = await open(bobToken);
  const doctor = await open(testNode.tokens.doctor);
  const nurse = await open(testNode.tokens.nurse);
  for (const s of [alice, bobs, doctor, nurse]) assert.equal(s.status, 200);

  const toAlice = id('events: request to alice');
  await testNode.submit(fhirKeys.doctor, 'consent.request', requestFor(toAlice, alicePseudonym));
  await arrives(alice, 1);
  assert.equal(alice.events[0]!.kind, 'consent.requested');
  assert.equal(alice.events[0]!.requestId, toAlice);
  // Bob's stream is open all along; the next event it gets is the request made to him, not Alice's.
  const toBob = id('events: request to bob');
  await testNode.submit(fhirKeys.doctor, 'consent.request', requestFor(toBob, bobPseudonym));
  await arrives(bobs, 1);
  assert.deepEqual(
    bobs.events.map((e) => [e.kind, e.requestId]),
    [['consent.requested', toBob]],
  );

  // Alice approves: the doctor who asked is told; the clinic's nurse is not.
  await testNode.submit(fhirKeys.patient, 'consent.respond', { requestId: toAlice, decision: 'approve' });
  await arrives(doctor, 1);
  assert.deepEqual(
    doctor.events.map((e) => [e.kind, e.requestId]),
    [['consent.answered', toAlice]],
  );
  // A grant to the clinic reaches the nurse (her organisation), and it is the first event she gets.
  const toClinic = id('events: grant to clinic');
  await testNode.submit(fhirKeys.patient, 'consent.grant', observationReadGrant(toClinic, 'clinic'));
  await arrives(nurse, 1);
  assert.deepEqual(
    nurse.events.map((e) => [e.kind, e.consentId]),
    [['consent.granted', toClinic]],
  );
  await arrives(alice, 3);
  assert.deepEqual(
    alice.events.map((e) => e.kind),
    ['consent.requested', 'consent.answered', 'consent.granted'],
  );
  assert.equal(bobs.events.length, 1, 'Bob heard nothing of Alice’s answer or grant');
  assert.equal(doctor.events.length, 1, 'the grant to the clinic is not the hospital doctor’s');

  // No pseudonym, no kind of record, in any stream; only the contract's fields in any event.
  for (const s of [alice, bobs, doctor, nurse]) {
    for (const secret of [alicePseudonym, bobPseudonym, 'Observation']) {
      assert.equal(s.text().includes(secret), false, `${secret.slice(0, 12)} is not in a stream`);
    }
    for (const e of s.events) {
      assert.deepEqual(
        Object.keys(e).filter((k) => !['kind', 'txHash', 'height', 'requestId', 'consentId'].includes(k)),
        [],
      );
    }
  }
});

test('the stream needs a token, and one caller holds at most a few at once', async () => {
  assert.equal((await open()).status, 401);
  const held: ConsentEventStream[] = [];
  for (let i = 0; i < STREAMS_PER_CALLER_MAX; i++) held.push(await open(carolToken));
  assert.deepEqual(
    held.map((s) => s.status),
    held.map(() => 200),
  );
  assert.equal((await open(carolToken)).status, 503);
  // Another caller is not crowded out by Carol's streams.
  assert.equal((await open(testNode.tokens.patient)).status, 200);
  held[0]!.close();
  assert.ok(await waitFor(async () => (await open(carolToken)).status === 200, 10_000));
});
