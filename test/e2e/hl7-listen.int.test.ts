// `carechain hl7 listen`, the receiving end for trying a feed, as a real process on a real socket: it
// answers AA to a message with that message's MSH-10, AR to a frame that is not HL7 v2, prints one line
// a message naming the sender, type and control id but none of the message (unless --show), and stops
// on Ctrl-C.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { sharedTestdata } from '../harness/files.ts';
import { freePorts, waitFor } from '../harness/http.ts';
import { ackCodes, mllpExchange, onTheWire } from '../harness/mllp.ts';
import { spawnCarechain, stopProcesses, type CarechainProcess } from '../harness/process.ts';

const ADMISSION = onTheWire(readFileSync(sharedTestdata('hl7v2', 'ADT-A01-01.hl7'), 'utf8'));
const field = (segment: string, n: number) =>
  ADMISSION.split('\r')
    .find((s) => s.startsWith(`${segment}|`))!
    .split('|')[n]!;
const CONTROL_ID = field('MSH', 9); // MSH-10: MSH-1 is the separator itself
const FAMILY = field('PID', 5).split('^')[0]!;

let port = 0;
let listener: CarechainProcess | undefined;
before(async () => {
  [port] = (await freePorts(1)) as [number];
  listener = await spawnCarechain(['hl7', 'listen', '--port', String(port)], { ready: /test receiver on/ });
});
after(() => stopProcesses([listener]));

test('a message is answered AA with its control id, and one line names it without its content', async () => {
  assert.ok(CONTROL_ID.length > 0 && FAMILY.length > 1, 'the sample has MSH-10 and a family name');
  const ack = await mllpExchange(port, ADMISSION);
  assert.equal(ackCodes(ack).msa, 'AA', ack);
  assert.equal(
    ack
      .split('\r')
      .find((s) => s.startsWith('MSA|'))!
      .split('|')[2],
    CONTROL_ID,
  );
  // Printed before the ACK is sent, but the pipe may be read after the ACK arrives.
  const lineOf = () =>
    listener!
      .output()
      .split('\n')
      .find((l) => l.includes(CONTROL_ID));
  assert.ok(await waitFor(() => lineOf() !== undefined, 10_000), listener!.output());
  const line = lineOf()!;
  assert.match(line, /ADT\^A01/);
  assert.match(line, /-> AA$/);
  assert.ok(!listener!.output().includes(FAMILY), 'no patient data is printed without --show');
});

test('a frame that is not HL7 v2 is answered AR, and the receiver keeps listening', async () => {
  const ack = await mllpExchange(port, 'hello, this is not HL7\r');
  assert.equal(ackCodes(ack).msa, 'AR', ack);
  assert.equal(ackCodes(await mllpExchange(port, ADMISSION)).msa, 'AA');
});

test('Ctrl-C stops it with exit code 0', async () => {
  listener!.child.kill('SIGINT');
  assert.equal(await listener!.exited, 0);
});
