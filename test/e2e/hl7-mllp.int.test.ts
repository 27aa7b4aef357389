// Issue 21 end to end: a real `carechain node` process with an MLLP listener configured in node.json, real
// MLLP sockets, and the records read back over FHIR. Every message in ../shared/testdata/hl7v2 of a
// supported type is acknowledged AA (which the node sends only once the records are committed) and its
// records are readable with the mapped types, identifiers and codes; unsupported types, unknown senders
// and malformed messages are refused and store nothing.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, before, test } from 'node:test';
import { isAckWanted, isEnhancedMode } from '../../src/app/hl7/ack.ts';
import { parseEr7 } from '../../src/app/hl7/er7.ts';
import {
  mapHl7Message,
  readHeader,
  SUPPORTED_TYPES,
  type MappedMessage,
} from '../../src/app/hl7/messages.ts';
import { messageRecords } from '../../src/app/hl7/msh.ts';
import { sharedTestdata } from '../harness/files.ts';
import { waitFor } from '../harness/http.ts';
import { ackCodes, mllpExchange, onTheWire } from '../harness/mllp.ts';
import { startHl7Node, type Hl7Node } from '../harness/hl7-node.ts';
import { scanStores } from '../harness/phi-scan.ts';
import { stopProcesses } from '../harness/process.ts';

const OWN_FACILITY = 'GOOD HEALTH LAB';

const samples = readdirSync(sharedTestdata('hl7v2'))
  .filter((name) => name.endsWith('.hl7'))
  .sort()
  .map((name) => {
    const text = onTheWire(readFileSync(sharedTestdata('hl7v2', name), 'utf8'));
    return { name, text, header: readHeader(parseEr7(text)) };
  });
const isSupported = (s: (typeof samples)[number]) =>
  (SUPPORTED_TYPES as readonly string[]).includes(s.header.type);
// An A40 merges a patient the node must hold already (the sample's prior patient is in no sample): the
// merge has its own test below.
const supported = samples.filter((s) => isSupported(s) && s.header.type !== 'ADT^A40');
const unsupported = samples.filter((s) => !isSupported(s));

let hospital: Hl7Node;
let hl7Port = 0;

before(async () => {
  // Every facility of the samples, and our own: each written as the interface's lab technician.
  hospital = await startHl7Node('hl7-mllp-', [OWN_FACILITY, ...supported.map((s) => s.header.sender)]);
  hl7Port = hospital.hl7Port;
  assert.match(hospital.node.output(), new RegExp(`HL7 v2 \\(MLLP\\) on 127\\.0\\.0\\.1:${hl7Port}`));
});

after(() => hospital?.stop());

/** An MSH from our own facility. */
const mshOf = (application: string, type: string, controlId: string, time: string) =>
  `MSH|^~\\&|${application}|${OWN_FACILITY}|CARECHAIN|HOSPITAL|${time}||${type}|${controlId}|P|2.5.1`;

const read = (type: string, id: string) => hospital.read(type, id);

/** The records of a mapped message, read back over FHIR, each compared by structure with the map. */
async function assertStored(mapped: MappedMessage, label: string): Promise<void> {
  for (const expected of mapped.resources) {
    const type = String(expected.resourceType);
    const answer = await read(type, String(expected.id));
    assert.equal(answer.status, 200, `${label}: ${type} ${JSON.stringify(answer.body).slice(0, 300)}`);
    const stored = answer.body as Record<string, unknown>;
    // What the map writes only once (an ORU's Patient, an order's Encounter) may be an earlier message's.
    if (mapped.writeOnce.has(`${type}/${String(expected.id)}`)) continue;
    for (const field of ['code', 'vaccineCode', 'status', 'valueQuantity', 'birthDate', 'class', 'subject']) {
      if (expected[field] !== undefined)
        assert.deepEqual(stored[field], expected[field], `${label}: ${type}.${field}`);
    }
    // A Patient new to carechain also gets its custodial pseudonym as one more identifier.
    for (const id of (expected.identifier as unknown[] | undefined) ?? []) {
      assert.ok(
        (stored.identifier as unknown[]).some((s) => isDeepStrictEqual(s, id)),
        `${label}: ${type}.identifier`,
      );
    }
  }
}

test('a lab report written for this test: AA, then the DiagnosticReport and Observations over FHIR', async () => {
  const text = [
    mshOf('LIS', 'ORU^R01^ORU_R01', 'E2E-LAB-1', '20261207120000+0000'),
    'PID|1||MRN-900^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||Okafor^Chidi||19700512|M',
    'OBR|1|ORD-9^PAS|FIL-9^LIS|58410-2^CBC panel^LN|||20261207100000+0000||||||||||||||||||F',
    'OBX|1|NM|718-7^Hemoglobin^LN||14.1|g/dL^^UCUM|13.5-17.5|N|||F|||20261207100000+0000',
  ].join('\r');
  const ack = await mllpExchange(hl7Port, text);
  assert.deepEqual(ackCodes(ack).msa, 'AA', ack);
  assert.match(ack, /\rMSA\|AA\|E2E-LAB-1/);
  const mapped = mapHl7Message(text);
  await assertStored(mapped, 'E2E-LAB-1');
  const observationId = String(mapped.resources.find((r) => r.resourceType === 'Observation')!.id);
  const observation = await read('Observation', observationId);
  assert.equal(observation.body.valueQuantity.value, 14.1);
  assert.equal(observation.body.meta.versionId, '1');

  // MSH → MessageHeader and Provenance, written with the records (this patient is new: all of them).
  const [header, provenance] = messageRecords({
    msh: mapped.msh,
    sender: mapped.header.sender,
    patientId: mapped.patientId,
    written: mapped.resources,
    recordedAt: 'set by the node',
  });
  const storedHeader = (await read('MessageHeader', String(header.id))).body;
  for (const field of ['eventCoding', 'sender', 'source', 'destination', 'focus'])
    assert.deepEqual(storedHeader[field], header[field], `MessageHeader.${field}`);
  const storedProvenance = (await read('Provenance', String(provenance.id))).body;
  for (const field of ['target', 'occurredDateTime', 'activity', 'agent', 'entity'])
    assert.deepEqual(storedProvenance[field], provenance[field], `Provenance.${field}`);
  assert.ok(!Number.isNaN(Date.parse(String(storedProvenance.recorded))), 'Provenance.recorded is a time');

  // Delivery is at least once: the same message re-sent gets the same ACK and stores nothing new.
  assert.equal(await mllpExchange(hl7Port, text), ack);
  const again = await read('Observation', observationId);
  assert.equal(again.body.meta.versionId, '1');
  assert.equal((await read('Provenance', String(provenance.id))).body.meta.versionId, '1');
  // A corrected result under a new control id is a new version of nothing: its own records.
  const corrected = text.replace('E2E-LAB-1', 'E2E-LAB-2').replace('|14.1|', '|14.3|');
  assert.equal(ackCodes(await mllpExchange(hl7Port, corrected)).msa, 'AA');
  const next = mapHl7Message(corrected).resources.find((r) => r.resourceType === 'Observation')!;
  assert.equal((await read('Observation', String(next.id))).body.valueQuantity.value, 14.3);
});

test('every supported sample of ../shared/testdata/hl7v2 is acknowledged AA (CA first in enhanced mode) and readable over FHIR', async () => {
  assert.ok(supported.length >= 10, `only ${supported.length} supported samples`);
  for (const sample of supported) {
    const ack = await mllpExchange(hl7Port, sample.text);
    const mapped = mapHl7Message(sample.text);
    // A sample valuing MSH-15/16 asks for enhanced mode: CA once durable (unless MSH-15 wants it on
    // errors only, as VXU.hl7's ER does: then the first answer is the application ACK), final later.
    const enhanced = isEnhancedMode(sample.header);
    const first = enhanced && isAckWanted(sample.header.acceptAckType, 'CA') ? 'CA' : 'AA';
    assert.equal(ackCodes(ack).msa, first, `${sample.name}: ${ack}`);
    if (enhanced) {
      const written = mapped.resources.filter(
        (r) => !mapped.writeOnce.has(`${String(r.resourceType)}/${String(r.id)}`),
      );
      const last = written.at(-1)!;
      const final = await waitFor(
        async () => (await read(String(last.resourceType), String(last.id))).status === 200,
        120_000,
      );
      assert.ok(final, `${sample.name}: not final after its CA`);
    }
    await assertStored(mapped, sample.name);
  }
});

test('ADT^A40 merges two patients on chain, and a read of the merged id redirects to the surviving one', async () => {
  const admit = (mrn: string, family: string, controlId: string) =>
    [
      mshOf('PAS', 'ADT^A01^ADT_A01', controlId, '20261207140000+0000'),
      `PID|1||${mrn}^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||${family}^Ines||19650101|F`,
    ].join('\r');
  const prior = admit('MRN-A40-OLD', 'Duplicata', 'E2E-A40-1');
  const surviving = admit('MRN-A40-NEW', 'Duplicata', 'E2E-A40-2');
  for (const text of [prior, surviving]) assert.equal(ackCodes(await mllpExchange(hl7Port, text)).msa, 'AA');
  // PID the surviving patient (as admitted), MRG the prior one.
  const [, survivingPid] = surviving.split('\r');
  const mrg = 'MRG|MRN-A40-OLD^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR';
  const merge = [
    mshOf('PAS', 'ADT^A40^ADT_A39', 'E2E-A40-3', '20261207141000+0000'),
    'EVN|A40',
    survivingPid,
    mrg,
  ].join('\r');
  // A merge of a patient the node does not hold is AE and changes nothing.
  const stranger = merge.replace('MRG|MRN-A40-OLD', 'MRG|MRN-A40-NONE').replace('E2E-A40-3', 'E2E-A40-4');
  const refused = ackCodes(await mllpExchange(hl7Port, stranger));
  assert.deepEqual([refused.msa, refused.err], ['AE', '204']);

  const ack = await mllpExchange(hl7Port, merge);
  assert.equal(ackCodes(ack).msa, 'AA', ack);
  const priorId = mapHl7Message(prior).patientId;
  const moved = await fetch(`${hospital.net.url('hospital')}/fhir/R4/Patient/${priorId}`, {
    headers: { authorization: `Bearer ${hospital.token}` },
    redirect: 'manual',
  });
  assert.equal(moved.status, 301);
  const location = moved.headers.get('location') ?? '';
  assert.match(location, /\/fhir\/R4\/Patient\/[0-9a-f]{64}$/);
  const followed = await fetch(location, { headers: { authorization: `Bearer ${hospital.token}` } });
  assert.equal(followed.status, 200);
  const patient = (await followed.json()) as { id: string; identifier: { value: string }[] };
  assert.equal(patient.id, mapHl7Message(surviving).patientId);
  assert.ok(patient.identifier.some((i) => i.value === 'MRN-A40-NEW'));
  // The surviving patient reads as ever; a re-sent A40 is answered as before and merges nothing again.
  assert.equal((await read('Patient', mapHl7Message(surviving).patientId)).status, 200);
  assert.equal(await mllpExchange(hl7Port, merge), ack);
});

test('unsupported message types are refused AR with an ERR that says so', async () => {
  assert.ok(unsupported.length > 0);
  for (const sample of unsupported.slice(0, 12)) {
    const ack = await mllpExchange(hl7Port, sample.text);
    const { msa, err } = ackCodes(ack);
    assert.equal(msa, 'AR', `${sample.name}: ${ack}`);
    assert.ok(err === '200' || err === '201' || err === '100' || err === '204', `${sample.name}: ${ack}`);
  }
});

test('unknown senders, malformed messages and frames that are not HL7 are refused, and nothing is stored', async () => {
  const good = [
    `MSH|^~\\&|LIS|${OWN_FACILITY}|CARECHAIN|HOSPITAL|20261207130000+0000||ORU^R01^ORU_R01|E2E-BAD-1|P|2.5.1`,
    'PID|1||MRN-901^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||Doe^Jo||19700512|M',
    'OBX|1|NM|718-7^Hemoglobin^LN||14.1|g/dL^^UCUM||||F',
  ].join('\r');
  const cases: [string, string, string][] = [
    [good.replace(OWN_FACILITY, 'ROGUE LAB'), 'AR', '204'],
    [good.replace('MRN-901^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR', ''), 'AE', '101'],
    [good.replace('|2.5.1', '|9.9'), 'AR', '203'],
    [good.replace('ORU^R01^ORU_R01', 'SIU^S12^SIU_S12'), 'AR', '200'],
  ];
  for (const [text, msa, err] of cases) {
    const ack = ackCodes(await mllpExchange(hl7Port, text));
    assert.deepEqual([ack.msa, ack.err], [msa, err], text.slice(0, 120));
    assert.ok(ack.errText !== undefined && ack.errText.length > 0);
  }
  const notHl7 = ackCodes(await mllpExchange(hl7Port, 'GET / HTTP/1.1'));
  assert.equal(notHl7.msa, 'AR');
  // The valid message's patient was never written by any of the refused ones.
  const patientId = mapHl7Message(good).patientId;
  assert.equal((await read('Patient', patientId)).status, 404);
  // And the listener still serves: the same message from the configured sender is taken.
  assert.equal(ackCodes(await mllpExchange(hl7Port, good)).msa, 'AA');
  assert.equal((await read('Patient', patientId)).status, 200);
});

test('/metrics counts each channel by ACK code and times message to final; strangers are "unknown"', async () => {
  const response = await fetch(`${hospital.net.url('hospital')}/metrics`);
  const text = await response.text();
  assert.equal(response.status, 200);
  assert.match(text, new RegExp(`carechain_hl7_messages_total\\{sender="${OWN_FACILITY}",ack="AA"\\} [1-9]`));
  assert.match(text, /carechain_hl7_messages_total\{sender="unknown",ack="AR"\} [1-9]/);
  assert.match(
    text,
    new RegExp(`carechain_hl7_message_to_final_seconds_count\\{sender="${OWN_FACILITY}"\\} [1-9]`),
  );
  assert.doesNotMatch(text, /ROGUE LAB/);
});

// Last: it stops the node so that every store is flushed before it is read.
test('no store of the node holds the messages’ PHI in any encoding, the HL7 message log included', async () => {
  await stopProcesses([hospital.node], 'SIGTERM');
  const phi = ['Okafor', 'Chidi', 'MRN-900', '1970-05-12', 'Huckleberry', 'EVERYMAN', 'Elise', 'Wong'];
  const report = scanStores(join(hospital.net.dir('hospital'), 'data'), phi);
  assert.ok(report.bytesRead.hl7 > 0, 'the hl7 store was read');
  assert.ok(report.bytesRead.vault > 0, 'the vault was read');
  assert.deepEqual(report.leaks, []);
});
