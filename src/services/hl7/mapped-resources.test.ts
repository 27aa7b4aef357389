// What the HL7 maps produce must be R4 the records gateway accepts: every resource mapped from every
// supported sample in ../shared/testdata/hl7v2 (and a lab report with every value type), with its
// MessageHeader and Provenance, validates against the official R4 JSON schema the gateway validates
// writes with (fhir/validate.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedTestdata } from '../../../test/harness/files.ts';
import { mapHl7Message, MappingError } from '../../app/hl7/messages.ts';
import { messageRecords } from '../../app/hl7/msh.ts';
import { createFhirValidator } from '../fhir/validate.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { hl7Timestamp } from './ingest.ts';

const validator = createFhirValidator();

test('every resource mapped from the supported samples is valid R4', () => {
  let checked = 0;
  for (const name of readdirSync(sharedTestdata('hl7v2')).filter((n) => n.endsWith('.hl7'))) {
    let resources;
    try {
      const mapped = mapHl7Message(readFileSync(sharedTestdata('hl7v2', name), 'utf8'));
      // With the message's own MessageHeader and Provenance (app/hl7/msh.ts), as the ingest writes them.
      const own = messageRecords({
        msh: mapped.msh,
        sender: mapped.header.sender,
        patientId: mapped.patientId,
        written: mapped.resources,
        recordedAt: '2026-12-07T09:00:00.000Z',
      });
      resources = [...mapped.resources, ...own];
    } catch (err) {
      if (err instanceof MappingError) continue;
      throw err;
    }
    for (const resource of resources) {
      const result = validator.validateResource(resource);
      assert.ok(
        result.valid,
        `${name} ${String(resource.resourceType)}: ${JSON.stringify(result.issues).slice(0, 600)}`,
      );
      checked += 1;
    }
  }
  assert.ok(checked >= 40, `only ${checked} resources checked`);
});

test('the validator does refuse a broken mapping (the test above can fail)', () => {
  const [patient] = mapHl7Message(
    'MSH|^~\\&|A|F|B|G|20260101||ADT^A01|1|P|2.5\rPID|1||42^^^X^MR||Doe^J||19800101|F',
  ).resources;
  assert.equal(validator.validateResource({ ...patient, birthDate: '1980-1-1' }).valid, false);
  assert.equal(validator.validateResource(patient).valid, true);
});

test('one key runs in order, other keys do not wait for it', async () => {
  const queue = new KeyedQueue();
  const events: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = queue.run('a', async () => {
    await gate;
    events.push('a1');
  });
  const second = queue.run('a', () => {
    events.push('a2');
    return Promise.resolve();
  });
  await queue.run('b', () => {
    events.push('b1');
    return Promise.resolve();
  });
  assert.deepEqual(events, ['b1']);
  release();
  await Promise.all([first, second]);
  assert.deepEqual(events, ['b1', 'a1', 'a2']);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(queue.size, 0);
  // A failed task does not stop the ones queued after it.
  await assert.rejects(queue.run('c', () => Promise.reject(new Error('x'))));
  assert.equal(await queue.run('c', () => Promise.resolve('ok')), 'ok');
});

test('hl7Timestamp is an HL7 DTM with its zone', () => {
  assert.equal(hl7Timestamp(Date.UTC(2026, 11, 7, 9, 5, 3)), '20261207090503+0000');
});
