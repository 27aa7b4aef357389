// Demo HL7 v2 traffic for `carechain up`: the demo lab's interface engine registers two walk-in patients
// (ADT^A04), sends a blood count for each (ORU^R01) and an immunisation for one (VXU^V04) to the demo
// hospital's MLLP listener, as a hospital's lab system would. So the integration staff's message log
// (`/integration`) has messages to show, and the hospital holds records that came in over HL7. The
// patients are made up and not yet known to carechain: the HL7 path pre-registers them under the
// hospital's custodial keys (issue 13). Each message is sent on its own connection and must be answered
// AA, which the listener sends only once the message's records are final on chain.
import { ackCodeOf } from '../app/hl7/ack.ts';
import { DEMO_HL7_FACILITY } from './demo-hl7.ts';
import { mllpExchange } from './mllp-client.ts';

interface WalkIn {
  readonly mrn: string;
  readonly family: string;
  readonly given: string;
  readonly birthDate: string;
  readonly sex: 'F' | 'M';
}

const WALK_INS: readonly WalkIn[] = [
  { mrn: 'DEMO-MRN-1001', family: 'Okafor', given: 'Ada', birthDate: '19780412', sex: 'F' },
  { mrn: 'DEMO-MRN-1002', family: 'Lindqvist', given: 'Erik', birthDate: '19650930', sex: 'M' },
];

/** A blood count's results: LOINC code and name, value, UCUM unit and reference range. */
const BLOOD_COUNT = [
  ['718-7', 'Hemoglobin [Mass/volume] in Blood', ['13.2', '14.8'], 'g/dL', '12.0-17.5'],
  ['6690-2', 'Leukocytes [#/volume] in Blood by Automated count', ['6.4', '9.1'], '10*3/uL', '4.0-11.0'],
  ['777-3', 'Platelets [#/volume] in Blood by Automated count', ['251', '198'], '10*3/uL', '150-400'],
] as const;

/** HL7 TS (YYYYMMDDHHMMSS+0000) of a time. */
function hl7Time(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + '+0000';
}

function msh(type: string, controlId: string, atMs: number): string {
  return `MSH|^~\\&|DEMO LIS|${DEMO_HL7_FACILITY}|CARECHAIN|HOSPITAL|${hl7Time(atMs)}||${type}|${controlId}|P|2.5.1`;
}

function pid(p: WalkIn): string {
  return `PID|1||${p.mrn}^^^DEMOLAB&2.16.840.1.113883.3.9999&ISO^MR||${p.family}^${p.given}||${p.birthDate}|${p.sex}`;
}

/**
 * The demo's messages in the order they are sent, as on the wire (segments ended by CR), each labelled
 * by its type and control id (MSH-10), never by anything of the patient's. Control ids are fixed, so
 * sending them again (a resumed demo) is acknowledged and stores nothing new.
 */
export function demoHl7Messages(nowMs: number): { readonly label: string; readonly text: string }[] {
  const collected = nowMs - 60 * 60 * 1000;
  /** A message under its MSH, labelled by MSH-9's code and trigger and by MSH-10. */
  const message = (type: string, controlId: string, segments: readonly string[]) => ({
    label: `${type.split('^').slice(0, 2).join('^')} ${controlId}`,
    text: [msh(type, controlId, nowMs), ...segments].join('\r'),
  });
  const messages = WALK_INS.flatMap((p, i) => [
    message('ADT^A04^ADT_A01', `DEMO-ADT-${i + 1}`, [
      `EVN|A04|${hl7Time(nowMs)}`,
      pid(p),
      `PV1|1|O|LAB^^^HOSPITAL`,
    ]),
    message('ORU^R01^ORU_R01', `DEMO-ORU-${i + 1}`, [
      pid(p),
      `ORC|RE|DEMO-ORD-${i + 1}|DEMO-FIL-${i + 1}`,
      `OBR|1|DEMO-ORD-${i + 1}|DEMO-FIL-${i + 1}|58410-2^CBC panel - Blood by Automated count^LN|||${hl7Time(collected)}||||||||||||||||||F`,
      ...BLOOD_COUNT.map(
        ([code, name, values, unit, range], k) =>
          `OBX|${k + 1}|NM|${code}^${name}^LN||${values[i]}|${unit}^^UCUM|${range}|N|||F`,
      ),
    ]),
  ]);
  messages.push(
    message('VXU^V04^VXU_V04', 'DEMO-VXU-1', [
      pid(WALK_INS[1]!),
      'ORC|RE|DEMO-IMM-1|DEMO-IMM-1',
      `RXA|0|1|${hl7Time(collected)}||150^Influenza, injectable, quadrivalent, preservative free^CVX|0.5|mL^mL^UCUM||00^New immunization record^NIP001||||||DEMO-LOT-7|||||CP|A`,
    ]),
  );
  return messages;
}

/** Sends the demo's messages to the listener on `port`, one at a time; throws unless each gets AA. */
export async function sendDemoHl7Messages(
  port: number,
  progress: (line: string) => void,
  nowMs = Date.now(),
): Promise<number> {
  const messages = demoHl7Messages(nowMs);
  progress(`Sending ${messages.length} HL7 v2 messages from the demo lab over MLLP (port ${port})…`);
  for (const { label, text } of messages) {
    const ack = await mllpExchange(port, text);
    const code = ackCodeOf(ack);
    if (code !== 'AA') {
      // The ERR segment says why; it names codes and segments, never the message's content.
      const err = ack.split('\r').find((segment) => segment.startsWith('ERR|')) ?? '';
      throw new Error(`the demo hospital answered ${label} with ${code || 'no MSA'} ${err}`.trim());
    }
  }
  return messages.length;
}
