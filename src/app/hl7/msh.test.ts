// MSH → MessageHeader and Provenance (the IG's MSH[MessageHeader] and MSH[Provenance-Source] maps),
// compared by structure: who sent it to whom, which event, which records it wrote, and when.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEr7 } from './er7.ts';
import { mapHl7Message } from './messages.ts';
import { messageRecords } from './msh.ts';

const LAB = [
  'MSH|^~\\&|LIS^1.2.3.4^ISO|GOOD HEALTH LAB^2.16.840.1.113883.19.5^ISO|CARECHAIN|HOSPITAL|20261207120000+0000||ORU^R01^ORU_R01|LAB-0001|P|2.5.1',
  'PID|1||MRN-77^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||Brien^Siobhan||19790304|F',
  'OBR|1|ORD-1|FIL-1|58410-2^CBC panel^LN|||20261207100000+0000||||||||||||||||||F',
  'OBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL^^UCUM|12.0-15.5|N|||F',
].join('\r');
const RECORDED = '2026-12-07T12:00:03.000Z';

function recordsOf(text: string) {
  const mapped = mapHl7Message(text);
  const written = mapped.resources.filter((r) => r.resourceType !== 'Patient');
  const [header, provenance] = messageRecords({
    msh: parseEr7(text).segments[0]!,
    sender: mapped.header.sender,
    patientId: mapped.patientId,
    written,
    recordedAt: RECORDED,
  });
  return { mapped, written, header, provenance };
}

test('MSH → MessageHeader: event, sender, source, destination, and the records as focus (Patient first)', () => {
  const { mapped, written, header } = recordsOf(LAB);
  const refs = [
    `Patient/${mapped.patientId}`,
    ...written.map((r) => `${String(r.resourceType)}/${String(r.id)}`),
  ];
  assert.deepEqual(
    { ...header, id: undefined },
    {
      resourceType: 'MessageHeader',
      id: undefined,
      eventCoding: { system: 'http://terminology.hl7.org/CodeSystem/v2-0003', code: 'R01' },
      destination: [
        {
          name: 'CARECHAIN',
          _endpoint: {
            extension: [
              { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
            ],
          },
          receiver: { display: 'HOSPITAL' },
        },
      ],
      sender: {
        identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:oid:2.16.840.1.113883.19.5' },
        display: 'GOOD HEALTH LAB',
      },
      source: { name: 'LIS', endpoint: 'urn:oid:1.2.3.4' },
      focus: refs.map((reference) => ({ reference })),
    },
  );
  assert.match(String(header.id), /^v2-[0-9a-f]{40}$/);
});

test('MSH → Provenance: the records and the header as targets, MSH-7 as occurred, MSH-10 as the source entity', () => {
  const { header, provenance } = recordsOf(LAB);
  const targets = (provenance.target as { reference: string }[]).map((t) => t.reference);
  assert.deepEqual(targets, [
    ...(header.focus as { reference: string }[]).map((f) => f.reference),
    `MessageHeader/${String(header.id)}`,
  ]);
  assert.equal(provenance.occurredDateTime, '2026-12-07T12:00:00+00:00');
  assert.equal(provenance.recorded, RECORDED);
  assert.deepEqual(provenance.entity, [
    { role: 'source', what: { identifier: { value: 'LAB-0001' }, display: 'HL7 v2 ORU^R01 message' } },
  ]);
  assert.deepEqual((provenance.agent as { who: unknown }[])[0]!.who, header.sender);
});

test('ids: the same message keeps them; a reused control id with another type or time gets its own', () => {
  const { header, provenance } = recordsOf(LAB);
  assert.equal(recordsOf(LAB).header.id, header.id);
  assert.notEqual(provenance.id, header.id);
  const sameIdOtherTime = LAB.replace('20261207120000+0000||ORU', '20261207130000+0000||ORU');
  assert.notEqual(recordsOf(sameIdOtherTime).header.id, header.id);
});

test('a sender without HD universal ids: display only, and no destination when MSH-5 and MSH-6 are empty', () => {
  const bare = LAB.replace(/^MSH\|[^\r]*/, 'MSH|^~\\&|LIS|LAB|||||ORU^R01|LAB-9|P|2.5.1');
  const { header, provenance } = recordsOf(bare);
  assert.deepEqual(header.sender, { display: 'LAB' });
  assert.equal(header.destination, undefined);
  assert.equal(provenance.occurredDateTime, undefined, 'no MSH-7, no occurred time');
});
