// The ER7 parser: delimiters declared by the message, repetitions, components, subcomponents, escape
// sequences decoded after splitting, MSH's own numbering, and the messages it must refuse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAck } from './ack.ts';
import { escape, parseEr7, Er7Error, segment, MESSAGE_CHARS_MAX } from './er7.ts';

const MESSAGE = [
  'MSH|^~\\&|LAB|GOOD HEALTH^1.2.3^ISO|EHR|CARE|20260101120000+0100||ORU^R01^ORU_R01|CTRL-1|P|2.5.1',
  'PID|1||555-44-3333^^^HOSP&2.16.840.1.113883.19.5&ISO^MR~999^^^SSA^SS||Doe^Jane^Q~Roe^J||19800214|F',
  'NTE|1||Salmonella \\T\\ Shigella\\F\\screen\\S\\x\\R\\y\\E\\z\\.br\\line2\\X41\\',
].join('\r');

test('fields, repetitions, components and subcomponents, MSH numbered from MSH-1 = the separator', () => {
  const message = parseEr7(MESSAGE);
  const msh = message.segments[0]!;
  assert.equal(msh.get(1), '|');
  assert.equal(msh.get(2), '^~\\&');
  assert.equal(msh.get(4, 2), '1.2.3');
  assert.equal(msh.get(9, 2), 'R01');
  assert.equal(msh.get(10), 'CTRL-1');
  const pid = segment(message, 'PID')!;
  assert.equal(pid.repetitions(3).length, 2);
  assert.equal(pid.get(3, 4, 2), '2.16.840.1.113883.19.5');
  assert.equal(pid.repetitions(3)[1]!.get(5), 'SS');
  assert.deepEqual(
    pid.repetitions(5).map((r) => [r.get(1), r.get(2)]),
    [
      ['Doe', 'Jane'],
      ['Roe', 'J'],
    ],
  );
  assert.equal(pid.get(99), '');
});

test('escape sequences are decoded after splitting, so an escaped delimiter splits nothing', () => {
  const nte = segment(parseEr7(MESSAGE), 'NTE')!;
  assert.equal(nte.get(3), 'Salmonella & Shigella|screen^x~y\\z\nline2A');
  assert.equal(nte.repetitions(3).length, 1);
});

test('a message declaring other delimiters is read with them; LF and CRLF end segments too', () => {
  const text = 'MSH#*@!%#A#F#B#G#2026##ADT*A01#1#P#2.5\r\nPID#1##42*$*$*X%1.2%ISO\nPV1#1#I';
  const message = parseEr7(text);
  assert.equal(message.segments.length, 3);
  assert.equal(message.delimiters.component, '*');
  assert.equal(segment(message, 'PID')!.get(3, 4, 2), '1.2');
});

test('what is not HL7 v2 is refused with an Er7Error, never another exception', () => {
  for (const bad of [
    '',
    'hello',
    'PID|1||x',
    'MSH|^^^^|A',
    'MSH|^~\\&|A\rpid|lower',
    'MSH|^~\\&|A\rTOOLONGNAME|x',
    'x'.repeat(MESSAGE_CHARS_MAX + 1),
  ]) {
    assert.throws(() => parseEr7(bad), Er7Error, JSON.stringify(bad.slice(0, 30)));
  }
});

test('escape() and parse round-trip every delimiter and line breaks', () => {
  const d = parseEr7(MESSAGE).delimiters;
  const text = 'a|b^c&d~e\\f\ng';
  const ack = buildAck({
    header: { controlId: 'X', sendingFacility: text },
    code: 'AE',
    error: { code: '207', text },
    timestamp: '20260101000000+0000',
    controlId: 'ACK-1',
  });
  const parsed = parseEr7(ack);
  assert.equal(segment(parsed, 'MSH')!.get(6), text);
  assert.equal(segment(parsed, 'ERR')!.get(8), text);
  assert.equal(escape('plain', d), 'plain');
});
