// Issue 21, enhanced acknowledgement mode (MSH-15/16 valued) on a real `carechain node` process: CA once
// the message is durable in the node, the application ACK once its records are final; and a node killed
// with SIGKILL between the two, while its inbox holds accepted messages, processes them when it starts
// again and delivers their application ACKs to the sender's own MLLP listener (node.json
// senders[].ackTo), even when that listener is itself down for a while. No message is lost, none is
// stored twice, and the inbox holds no PHI in any encoding.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { mapHl7Message } from '../../src/app/hl7/messages.ts';
import { HL7_HOLD_ENV } from '../../src/cli/test-hooks.ts';
import { freePorts, waitFor } from '../harness/http.ts';
import { startHl7Node, type Hl7Node } from '../harness/hl7-node.ts';
import {
  ackCodes,
  mllpAnswers,
  mllpExchange,
  startMllpReceiver,
  type MllpReceiver,
} from '../harness/mllp.ts';
import { scanStores } from '../harness/phi-scan.ts';
import { fhirCall } from '../harness/records-network.ts';
import { startNodeProcess, stopProcesses, type NodeProcess } from '../harness/process.ts';

/** Takes its application ACKs back on the connection its messages came on. */
const SAME_CONNECTION = 'GOOD HEALTH LAB';
/** Takes its application ACKs on a listener of its own. */
const OWN_LISTENER = 'ACK LISTENING LAB';

/** A lab result in enhanced mode: MSH-15 (accept ACK) and MSH-16 (application ACK) as given. */
function labResult(facility: string, controlId: string, mrn: string, family: string, modes: string): string {
  return [
    `MSH|^~\\&|LIS|${facility}|CARECHAIN|HOSPITAL|20261207120000+0000||ORU^R01^ORU_R01|${controlId}|P|2.5.1|||${modes}`,
    `PID|1||${mrn}^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||${family}^Augusta||19800101|F`,
    'OBR|1|ORD-1^PAS|FIL-1^LIS|58410-2^CBC panel^LN|||20261207100000+0000||||||||||||||||||F',
    `OBX|1|NM|718-7^Hemoglobin^LN||13.9|g/dL^^UCUM|12.0-15.5|N|||F`,
  ].join('\r');
}

let hospital: Hl7Node;
let current: NodeProcess | undefined;
let receiverPort = 0;
let receiver: MllpReceiver | undefined;

before(async () => {
  [receiverPort] = (await freePorts(1)) as [number];
  hospital = await startHl7Node('hl7-enhanced-', [SAME_CONNECTION, OWN_LISTENER], {
    ackTo: { [OWN_LISTENER]: { host: '127.0.0.1', port: receiverPort } },
  });
  current = hospital.node;
});

after(async () => {
  await receiver?.stop();
  await stopProcesses([current], 'SIGKILL');
  await hospital?.stop();
});

const observationOf = (text: string) =>
  String(mapHl7Message(text).resources.find((r) => r.resourceType === 'Observation')!.id);
const read = (type: string, id: string) =>
  fhirCall(hospital.net.url('hospital'), hospital.token).get(`/fhir/R4/${type}/${id}`);

test('CA, then AA on the same connection once final; a re-send gets both again and stores nothing new', async () => {
  const text = labResult(SAME_CONNECTION, 'ENH-1', 'MRN-E1', 'Lovelace', 'AL|AL');
  const [accept, application] = await mllpAnswers(hospital.hl7Port, text, 2, 120_000);
  assert.equal(ackCodes(accept!).msa, 'CA', accept);
  assert.equal(ackCodes(application!).msa, 'AA', application);
  assert.match(application!, /\rMSA\|AA\|ENH-1/);
  // AA means final: the node that sent it serves the records.
  const observation = await read('Observation', observationOf(text));
  assert.equal(observation.status, 200);
  assert.equal(observation.body.meta.versionId, '1');

  const again = await mllpAnswers(hospital.hl7Port, text, 2, 120_000);
  assert.deepEqual(
    again.map((ack) => ackCodes(ack).msa),
    ['CA', 'AA'],
  );
  assert.equal((await read('Observation', observationOf(text))).body.meta.versionId, '1');

  // MSH-16 NE: the sender wants no application ACK; the message is still processed.
  const quiet = labResult(SAME_CONNECTION, 'ENH-2', 'MRN-E2', 'Lovelace', 'AL|NE');
  assert.equal(ackCodes(await mllpExchange(hospital.hl7Port, quiet)).msa, 'CA');
  assert.ok(
    await waitFor(async () => (await read('Observation', observationOf(quiet))).status === 200, 60_000),
    'the MSH-16 NE message was processed',
  );
});

test('in enhanced mode refusals are CR and CE, with the ERR saying why, and store nothing', async () => {
  const unsupported = labResult(SAME_CONNECTION, 'ENH-3', 'MRN-E3', 'Hopper', 'AL|AL').replace(
    'ORU^R01^ORU_R01',
    'SIU^S12^SIU_S12',
  );
  const stranger = labResult('ROGUE LAB', 'ENH-4', 'MRN-E3', 'Hopper', 'AL|AL');
  const noPatientId = labResult(SAME_CONNECTION, 'ENH-5', '', 'Hopper', 'AL|AL');
  const cases: [string, string, string][] = [
    [unsupported, 'CR', '200'],
    [stranger, 'CR', '204'],
    [noPatientId, 'CE', '101'],
  ];
  for (const [text, msa, err] of cases) {
    const ack = ackCodes(await mllpExchange(hospital.hl7Port, text));
    assert.deepEqual([ack.msa, ack.err], [msa, err], text.slice(0, 100));
  }
  const patient = mapHl7Message(labResult(SAME_CONNECTION, 'ENH-3', 'MRN-E3', 'Hopper', 'AL|AL')).patientId;
  assert.equal((await read('Patient', patient)).status, 404);
});

test('killed with SIGKILL between CA and the application ACK: after restart every AA is delivered, to a listener that was down too', async () => {
  const dir = hospital.net.dir('hospital');
  // The hold hook: the node accepts (CA) and processes nothing, so the kill falls between the two.
  await stopProcesses([current], 'SIGKILL');
  current = await startNodeProcess(dir, undefined, { [HL7_HOLD_ENV]: 'inbox' });
  const messages = [
    labResult(OWN_LISTENER, 'KILL-1', 'MRN-K1', 'Hopper', 'AL|AL'),
    labResult(OWN_LISTENER, 'KILL-2', 'MRN-K1', 'Hopper', 'AL|AL').replace('|13.9|', '|14.2|'),
    labResult(OWN_LISTENER, 'KILL-3', 'MRN-K2', 'Lamarr', 'AL|AL'),
  ];
  for (const text of messages) {
    assert.equal(ackCodes(await mllpExchange(hospital.hl7Port, text)).msa, 'CA');
  }
  // Accepted, not final: nothing is on the ledger yet.
  for (const text of messages) assert.equal((await read('Observation', observationOf(text))).status, 404);
  await stopProcesses([current], 'SIGKILL');

  // What the inbox holds while the node is down is sealed: the messages' PHI is in no store.
  const phi = ['Hopper', 'Lamarr', 'Augusta', 'MRN-K1', 'MRN-K2'];
  const scan = scanStores(join(dir, 'data'), phi);
  assert.ok(scan.bytesRead.hl7 > 0, 'the hl7 store was read');
  assert.deepEqual(scan.leaks, []);

  // The node starts again while the sender's listener is down: it processes the inbox regardless.
  current = await startNodeProcess(dir);
  for (const text of messages) {
    assert.ok(
      await waitFor(async () => (await read('Observation', observationOf(text))).status === 200, 120_000),
      `${text.slice(60, 110)}: the accepted message was processed after the restart`,
    );
  }
  assert.equal((await read('Observation', observationOf(messages[1]!))).body.valueQuantity.value, 14.2);

  // The sender's listener comes up: the application ACKs it missed are delivered, each once at least.
  receiver = await startMllpReceiver(receiverPort);
  const answered = () => new Set(receiver!.frames.map((f) => /\rMSA\|AA\|([^|\r]+)/.exec(f)?.[1]));
  assert.ok(
    await waitFor(() => ['KILL-1', 'KILL-2', 'KILL-3'].every((id) => answered().has(id)), 120_000),
    `application ACKs received: ${receiver.frames.map((f) => f.split('\r')[1]).join(', ')}`,
  );
  // Per patient in order: KILL-2 was accepted after KILL-1 for the same patient.
  const order = receiver.frames.map((f) => /\rMSA\|AA\|([^|\r]+)/.exec(f)?.[1]);
  assert.ok(order.indexOf('KILL-1') < order.indexOf('KILL-2'), order.join(', '));

  // Stored once: a re-send is accepted again and writes no new version.
  assert.equal(ackCodes(await mllpExchange(hospital.hl7Port, messages[0]!)).msa, 'CA');
  assert.equal((await read('Observation', observationOf(messages[0]!))).body.meta.versionId, '1');
});
