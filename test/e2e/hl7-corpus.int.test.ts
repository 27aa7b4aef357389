// HL7 v2 as other senders write it, and as attackers do, against a real `carechain node` over real MLLP
// sockets: messages in forms ../shared's samples do not use (LF endings, other delimiters, Latin-1,
// v2.3's `ORU` alone, SN comparators, notes, several result groups) are AA and their records read back
// right over FHIR; frames joined, split a byte at a time or never ended are handled as MLLP says; hostile
// messages are AR with their ERR, store nothing, and the node keeps serving. The mapping of each form is
// pinned in src/app/hl7/corpus.test.ts; this file checks the node end to end.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { mapHl7Message, type MappedMessage } from '../../src/app/hl7/messages.ts';
import { messageRecords } from '../../src/app/hl7/msh.ts';
import { mllpFrame } from '../../src/services/hl7/mllp-out.ts';
import { ackCodes, mllpExchange, mllpWrites } from '../harness/mllp.ts';
import { startHl7Node, type Hl7Node } from '../harness/hl7-node.ts';

const FACILITY = 'CORPUS LAB';

let hospital: Hl7Node;

before(async () => {
  hospital = await startHl7Node('hl7-corpus-', [FACILITY]);
});

after(() => hospital?.stop());

const read = (type: string, id: string) => hospital.read(type, id);

const msh = (controlId: string, rest = 'ORU^R01^ORU_R01|%|P|2.5.1') =>
  `MSH|^~\\&|LIS|${FACILITY}|CARECHAIN|HOSPITAL|20261207120000+0000||${rest.replace('%', controlId)}`;
const pid = (mrn: string, name = 'Tane^Mere') => `PID|1||${mrn}^^^CORPUS&1.2.3.4&ISO^MR||${name}||19880808|F`;
const OBR = 'OBR|1|ORD-1^PAS|FIL-1^LIS|24323-8^Metabolic panel^LN|||20261207100000+0000||||||||||||||||||F';

/** Each resource the message maps to is stored as mapped (these fields), read back over FHIR. */
async function assertStored(mapped: MappedMessage, label: string): Promise<void> {
  for (const expected of mapped.resources) {
    const type = String(expected.resourceType);
    const answer = await read(type, String(expected.id));
    assert.equal(answer.status, 200, `${label}: ${type}`);
    for (const field of [
      'status',
      'code',
      'name',
      'note',
      'result',
      'valueQuantity',
      'valueRatio',
      'valueString',
    ]) {
      assert.deepEqual(answer.body[field], expected[field], `${label}: ${type}.${field}`);
    }
  }
}

test('messages as other senders write them are AA and their records right over FHIR', async () => {
  // LF endings, other delimiters (! $ % \ *), an SN comparator, a note, two result groups.
  const swapped = (text: string) =>
    text.replace(/[|^~&]/g, (c) => ({ '|': '!', '^': '$', '~': '%', '&': '*' })[c]!);
  const delimited = swapped(
    [
      msh('CORPUS-LF-1'),
      pid('MRN-C1'),
      OBR,
      'OBX|1|SN|2345-7^Glucose^LN||<^2.2|mmol/L^^UCUM|||||F',
      'NTE|1||haemolysed \\T\\ re-run',
      'OBR|2|ORD-2^PAS|FIL-2^LIS|2951-2^Sodium^LN||||||||||||||||||||F',
      'OBX|1|SN|2951-2^Sodium^LN||^1^:^2||||||F',
      '',
    ].join('\n'),
  );
  // v2.3, MSH-9 `ORU` alone, the MRN second in PID-3, a TX result over two repetitions.
  const old = [
    msh('CORPUS-23-1', 'ORU|%|P|2.3'),
    'PID|1||123-45-6789^^^SSA^SS~MRN-C2^^^CORPUS&1.2.3.4&ISO^MR||Rewi^Hemi||19700101|M',
    OBR,
    'OBX|1|TX|8251-1^Comment^LN||first line~second line||||||F',
  ].join('\r');
  for (const [label, text] of [
    ['delimiters and LF', delimited],
    ['v2.3 ORU', old],
  ] as const) {
    const ack = await mllpExchange(hospital.hl7Port, text);
    assert.equal(ackCodes(ack).msa, 'AA', `${label}: ${ack}`);
    await assertStored(mapHl7Message(text), label);
  }
  const glucose = mapHl7Message(delimited).resources.find((r) => r.resourceType === 'Observation')!;
  const stored = (await read('Observation', String(glucose.id))).body;
  assert.equal(stored.valueQuantity.comparator, '<');
  assert.equal(stored.valueQuantity.value, 2.2);
  // \T\ is this message's subcomponent separator, which here is '*'.
  assert.deepEqual(stored.note, [{ text: 'haemolysed * re-run' }]);
  // The v2.3 message's own MessageHeader names the event MSH-9 implied.
  const mapped = mapHl7Message(old);
  const [header] = messageRecords({
    ...mapped,
    sender: FACILITY,
    written: mapped.resources,
    recordedAt: '-',
  });
  assert.equal((await read('MessageHeader', String(header.id))).body.eventCoding.code, 'R01');

  // Latin-1 bytes, as MSH-18 8859/1 says: the name is stored as written.
  const latin = [
    msh('CORPUS-L1-1', 'ORU^R01|%|P|2.5.1|||||||8859/1'),
    pid('MRN-C3', 'Müller^Zoë'),
    OBR,
    'OBX|1|NM|2345-7^Glucose^LN||5.1|mmol/L^^UCUM|||||F',
  ].join('\r');
  const latinFrame = Buffer.concat([
    Buffer.from([0x0b]),
    Buffer.from(latin, 'latin1'),
    Buffer.from([0x1c, 0x0d]),
  ]);
  assert.equal(ackCodes(await mllpExchange(hospital.hl7Port, latinFrame)).msa, 'AA');
  const patient = (await read('Patient', mapHl7Message(latin).patientId)).body;
  assert.deepEqual(patient.name, [{ family: 'Müller', given: ['Zoë'] }]);
});

test('two messages in one write, and one sent a byte a write after noise, are each answered AA in order', async () => {
  const lab = (controlId: string, mrn: string) =>
    [msh(controlId), pid(mrn), OBR, 'OBX|1|NM|2345-7^Glucose^LN||6.0|mmol/L^^UCUM|||||F'].join('\r');
  const [a, b] = [lab('CORPUS-TWO-A', 'MRN-C4'), lab('CORPUS-TWO-B', 'MRN-C5')];
  const answers = await mllpWrites(hospital.hl7Port, [Buffer.concat([mllpFrame(a), mllpFrame(b)])], 2);
  assert.deepEqual(
    answers.map((ack) => [ackCodes(ack).msa, /\rMSA\|\w+\|([\w-]+)/.exec(ack)?.[1]]),
    [
      ['AA', 'CORPUS-TWO-A'],
      ['AA', 'CORPUS-TWO-B'],
    ],
  );
  const bytes = Buffer.concat([Buffer.from('\r\n'), mllpFrame(lab('CORPUS-BYTES', 'MRN-C6'))]);
  const [ack] = await mllpWrites(
    hospital.hl7Port,
    [...bytes].map((byte) => Buffer.from([byte])),
    1,
  );
  assert.equal(ackCodes(ack!).msa, 'AA', ack);
  for (const text of [a, b, lab('CORPUS-BYTES', 'MRN-C6')]) await assertStored(mapHl7Message(text), 'framed');
});

test('hostile messages are AR with their ERR, store nothing, and the node keeps serving', async () => {
  const good = [msh('CORPUS-BAD-1'), pid('MRN-C9'), OBR, 'OBX|1|NM|2345-7^Glucose^LN||5.0||||||F'].join('\r');
  const cases: [string, string, string][] = [
    [good.replace('Tane', 'Ta\0ne'), 'AR', '100'],
    [good.replace('|CORPUS-BAD-1|', `|${'9'.repeat(500_000)}|`), 'AR', '101'],
    [good.replace('|CORPUS-BAD-1|', '||'), 'AR', '101'],
    [good.replace(FACILITY, 'UNCONFIGURED LAB'), 'AR', '204'],
    [good.replace('ORU^R01^ORU_R01', 'MDM^T01'), 'AR', '201'],
    [good.replace('|LIS|', `|${'A'.repeat(300_000)}|`).replace('ORU^R01^ORU_R01', 'ORU^R30'), 'AR', '201'],
    [good.replace('ORU^R01^ORU_R01', 'BAR^P01'), 'AR', '200'],
    [good.replace('^MR||', `^MR~${'1^^^X^PI~'.repeat(5_000)}||`), 'AR', '100'],
    [`${good}\r${Array.from({ length: 5_000 }, (_, i) => `OBX|${i}|ST|x^y||z`).join('\r')}`, 'AR', '100'],
    [
      good.replace('OBX|1|NM|2345-7^Glucose^LN||5.0', `OBX|1|TX|2345-7^Glucose^LN||${'x'.repeat(1_100_000)}`),
      'AR',
      '100',
    ],
  ];
  for (const [text, msa, err] of cases) {
    const ack = await mllpExchange(hospital.hl7Port, text);
    const codes = ackCodes(ack);
    assert.deepEqual([codes.msa, codes.err], [msa, err], text.slice(0, 100));
    assert.ok((codes.errText ?? '').length > 0, 'ERR-8 says why');
    assert.ok(ack.length < 4_096, `an ACK of ${ack.length} characters`);
  }
  // A frame that never ends: the connection is dropped past the bound.
  const closed = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: hospital.hl7Port });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(true));
    const chunk = Buffer.alloc(1 << 20, 0x41);
    const write = (left: number): void => {
      if (left > 0 && !socket.destroyed)
        socket.write(left === 6 ? Buffer.concat([Buffer.from([0x0b]), chunk]) : chunk, () => write(left - 1));
    };
    write(6);
  });
  assert.equal(closed, true);
  // What the message log keeps of a hostile MSH is clipped to its schema (hl7-log-entries.ts): the page answers.
  const log = await fetch(`${hospital.net.url('hospital')}/api/v1/hl7/messages?limit=100`, {
    headers: { authorization: `Bearer ${hospital.token}` },
  });
  assert.equal(log.status, 200);
  const rows = ((await log.json()) as { messages: Record<string, unknown>[] }).messages;
  assert.ok(
    rows.some((row) => row.messageType === 'ORU^R30'),
    'the refused ORU^R30 has its row',
  );
  for (const row of rows) {
    for (const field of ['controlId', 'sendingApplication', 'sendingFacility', 'messageType'])
      assert.ok(String(row[field]).length <= 200, `${field} of ${String(row[field]).length} characters`);
  }
  // None of them wrote the patient; the same message, well formed, is taken.
  const patientId = mapHl7Message(good).patientId;
  assert.equal((await read('Patient', patientId)).status, 404);
  assert.equal(ackCodes(await mllpExchange(hospital.hl7Port, good)).msa, 'AA');
  assert.equal((await read('Patient', patientId)).status, 200);
});
