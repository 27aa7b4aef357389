// The demo's HL7 v2 traffic (src/cli/demo-hl7-messages.ts) on a real `carechain node` with the demo
// lab as its sender: every message is answered AA over real MLLP, the records arrive over FHIR (the blood
// counts' Observations, the immunisation), the message log lists them, and sending them again (a resumed
// demo) is acknowledged without storing anything new.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mapHl7Message } from '../../src/app/hl7/messages.ts';
import { demoHl7Messages, sendDemoHl7Messages } from '../../src/cli/demo-hl7-messages.ts';
import { DEMO_HL7_FACILITY } from '../../src/cli/demo-hl7.ts';
import { HL7_API } from '../../src/contract/hl7.ts';
import { startHl7Node, type Hl7Node } from '../harness/hl7-node.ts';
import { http } from '../harness/http.ts';

const NOW_MS = Date.parse('2026-12-07T12:00:00Z');
let hospital: Hl7Node;

before(async () => {
  hospital = await startHl7Node('demo-hl7-', [DEMO_HL7_FACILITY]);
});
after(() => hospital?.stop());

const read = (type: string, id: string) => hospital.read(type, id);

async function messageLog(): Promise<any> {
  const answer = await http(`${hospital.net.url('hospital')}${HL7_API}/messages`, {
    headers: { authorization: `Bearer ${hospital.token}` },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

test('the demo lab’s messages are answered AA, land as FHIR records and fill the message log', async () => {
  const lines: string[] = [];
  const sent = await sendDemoHl7Messages(hospital.hl7Port, (line) => lines.push(line), NOW_MS);
  const messages = demoHl7Messages(NOW_MS);
  assert.equal(sent, messages.length);
  assert.match(lines[0]!, /Sending 5 HL7 v2 messages/);
  assert.deepEqual(
    messages.map((m) => m.label.split(' ')[0]),
    ['ADT^A04', 'ORU^R01', 'ADT^A04', 'ORU^R01', 'VXU^V04'],
  );

  // The records, read back by the ids the map gives them.
  const resourcesOf = (i: number) => mapHl7Message(messages[i]!.text).resources;
  const hemoglobin = resourcesOf(1).find(
    (r) => r.resourceType === 'Observation' && JSON.stringify(r.code).includes('718-7'),
  )!;
  const observation = await read('Observation', String(hemoglobin.id));
  assert.equal(observation.status, 200, JSON.stringify(observation.body));
  assert.equal(observation.body.valueQuantity.value, 13.2);
  assert.equal(observation.body.valueQuantity.code, 'g/dL');
  const report = resourcesOf(3).find((r) => r.resourceType === 'DiagnosticReport')!;
  const storedReport = await read('DiagnosticReport', String(report.id));
  assert.equal(storedReport.status, 200);
  assert.equal(storedReport.body.code.coding[0].code, '58410-2');
  assert.equal(storedReport.body.result.length, 3);
  const immunization = resourcesOf(4).find((r) => r.resourceType === 'Immunization')!;
  const storedImmunization = await read('Immunization', String(immunization.id));
  assert.equal(storedImmunization.status, 200);
  assert.equal(storedImmunization.body.vaccineCode.coding[0].code, '150');
  assert.equal(storedImmunization.body.lotNumber, 'DEMO-LOT-7');

  // The message log: five messages, each final with AA, of the demo lab.
  const log = await messageLog();
  assert.equal(log.messages.length, 5);
  for (const row of log.messages) {
    assert.equal(row.sendingFacility, DEMO_HL7_FACILITY);
    assert.equal(row.ackCode, 'AA');
    assert.equal(typeof row.txHash, 'string');
  }

  // A resumed demo sends them again: acknowledged, and nothing new is stored.
  await sendDemoHl7Messages(hospital.hl7Port, () => {}, NOW_MS);
  assert.equal((await read('Observation', String(hemoglobin.id))).body.meta.versionId, '1');
  assert.equal((await messageLog()).messages.length, 5);
});
