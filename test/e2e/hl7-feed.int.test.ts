// Issue 21 §5, the outbound feed, on a real `carechain node` process: a downstream MLLP receiver (a legacy
// EHR) subscribed in node.json gets the custodian's committed records as HL7 v2, in commit order: the
// admission's Patient as ADT^A04, each lab report as ORU^R01 with its values; and a receiver that was
// down while results were committed gets them, in order, once it is back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseEr7 } from '../../src/app/hl7/er7.ts';
import { freePorts, waitFor } from '../harness/http.ts';
import { startHl7Node, type Hl7Node } from '../harness/hl7-node.ts';
import { ackCodes, mllpExchange, startMllpReceiver, type MllpReceiver } from '../harness/mllp.ts';

const FACILITY = 'GOOD HEALTH LAB';
const FEED = 'LEGACY EHR';
const PID = 'PID|1||MRN-F1^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||Franklin^Rosalind||19200725|F';

const admission = [
  `MSH|^~\\&|PAS|${FACILITY}|CARECHAIN|HOSPITAL|20261207090000+0000||ADT^A01^ADT_A01|FEED-ADT-1|P|2.5.1`,
  PID,
].join('\r');
const result = (controlId: string, hemoglobin: string) =>
  [
    `MSH|^~\\&|LIS|${FACILITY}|CARECHAIN|HOSPITAL|20261207120000+0000||ORU^R01^ORU_R01|${controlId}|P|2.5.1`,
    PID,
    'OBR|1|ORD-F^PAS|FIL-F^LIS|58410-2^CBC panel^LN|||20261207100000+0000||||||||||||||||||F',
    `OBX|1|NM|718-7^Hemoglobin^LN||${hemoglobin}|g/dL^^UCUM|12.0-15.5|N|||F`,
  ].join('\r');

let hospital: Hl7Node;
let receiverPort = 0;
let receiver: MllpReceiver | undefined;

before(async () => {
  [receiverPort] = (await freePorts(1)) as [number];
  receiver = await startMllpReceiver(receiverPort);
  hospital = await startHl7Node('hl7-feed-', [FACILITY], {
    feeds: [{ name: FEED, host: '127.0.0.1', port: receiverPort }],
  });
});

after(async () => {
  await receiver?.stop();
  await hospital?.stop();
});

/** Type (MSH-9) and, for an ORU, OBX-5 of each frame received. */
const received = () =>
  receiver!.frames.map((frame) => {
    const message = parseEr7(frame);
    const msh = message.segments[0]!;
    const obx = message.segments.find((s) => s.name === 'OBX');
    const pid = message.segments.find((s) => s.name === 'PID');
    return { type: `${msh.get(9, 1)}^${msh.get(9, 2)}`, value: obx?.get(5), mrn: pid?.get(3) };
  });

test('the committed admission and result reach the subscribed receiver as ADT and ORU, in order', async () => {
  assert.match(
    hospital.node.output(),
    new RegExp(`HL7 v2 feed "${FEED}" to 127\\.0\\.0\\.1:${receiverPort}`),
  );
  assert.equal(ackCodes(await mllpExchange(hospital.hl7Port, admission)).msa, 'AA');
  assert.equal(ackCodes(await mllpExchange(hospital.hl7Port, result('FEED-ORU-1', '13.1'))).msa, 'AA');
  assert.ok(
    await waitFor(() => received().some((m) => m.type === 'ORU^R01'), 120_000),
    `received: ${JSON.stringify(received())}`,
  );
  const [adt, oru] = received();
  assert.deepEqual(adt, { type: 'ADT^A04', value: undefined, mrn: 'MRN-F1' });
  assert.deepEqual(oru, { type: 'ORU^R01', value: '13.1', mrn: 'MRN-F1' });
  // The feed's own header: from the custodian, to the feed.
  assert.match(receiver!.frames[1]!, /^MSH\|\^~\\&\|CARECHAIN\|[a-z0-9-]+\|\|LEGACY EHR\|/);
});

test('a receiver down while results are committed gets them in order once it is back', async () => {
  await receiver!.stop();
  receiver = undefined;
  for (const [id, value] of [
    ['FEED-ORU-2', '13.4'],
    ['FEED-ORU-3', '13.9'],
  ] as const) {
    assert.equal(ackCodes(await mllpExchange(hospital.hl7Port, result(id, value))).msa, 'AA');
  }
  // The feed has tried the receiver and found it down (it says so once, in its log) …
  assert.ok(
    await waitFor(() => /hl7 feed waiting/.test(hospital.node.output()), 120_000),
    'the feed found the receiver down',
  );
  // … and the receiver comes back.
  receiver = await startMllpReceiver(receiverPort);
  assert.ok(
    await waitFor(() => received().filter((m) => m.type === 'ORU^R01').length >= 2, 120_000),
    `received: ${JSON.stringify(received())}`,
  );
  // Delivery is at least once: what comes after the restart is the missed results, in commit order.
  const values = received()
    .filter((m) => m.type === 'ORU^R01')
    .map((m) => m.value);
  assert.deepEqual(values.slice(-2), ['13.4', '13.9']);
  assert.ok(values.indexOf('13.4') < values.indexOf('13.9'));
});
