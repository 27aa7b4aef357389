// MLLP framing as TCP really delivers it (frames joined, split anywhere, noise outside frames, frames
// that never end) and the frame's text by its MSH-18 character set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CharsetError, decodeFrame, MllpDeframer } from './mllp.ts';

const frame = (text: string) =>
  Buffer.concat([Buffer.from([0x0b]), Buffer.from(text), Buffer.from([0x1c, 0x0d])]);
const texts = (frames: Uint8Array[]) => frames.map((f) => Buffer.from(f).toString('utf8'));

test('two frames in one read are two messages', () => {
  const d = new MllpDeframer(1000);
  const { frames, overflow } = d.push(Buffer.concat([frame('MSH|one'), frame('MSH|two')]));
  assert.deepEqual(texts(frames), ['MSH|one', 'MSH|two']);
  assert.equal(overflow, false);
});

test('a frame one byte a read, the end block split between reads, is one message', () => {
  const d = new MllpDeframer(1000);
  const out: Uint8Array[] = [];
  for (const byte of frame('MSH|é\r')) out.push(...d.push(Buffer.from([byte])).frames);
  assert.deepEqual(texts(out), ['MSH|é\r']);
});

test('bytes before the start block and between frames are dropped; FS not followed by CR is data', () => {
  const d = new MllpDeframer(1000);
  const bytes = Buffer.concat([
    Buffer.from('noise\r\n'),
    frame('MSH|a\x1cb'),
    Buffer.from('\n'),
    frame('MSH|c'),
  ]);
  assert.deepEqual(texts(d.push(bytes).frames), ['MSH|a\x1cb', 'MSH|c']);
});

test('a start block inside a frame starts it again', () => {
  const d = new MllpDeframer(1000);
  assert.deepEqual(texts(d.push(Buffer.concat([Buffer.from('\x0bMSH|lost'), frame('MSH|kept')])).frames), [
    'MSH|kept',
  ]);
});

test('more bytes than the bound without an end block is an overflow, restarted frames or not', () => {
  const one = new MllpDeframer(100);
  assert.equal(one.push(Buffer.from(`\x0b${'A'.repeat(99)}`)).overflow, false);
  assert.equal(one.push(Buffer.from('AA')).overflow, true);
  const restarted = new MllpDeframer(100);
  let overflow = false;
  for (let i = 0; i < 5; i += 1) overflow = restarted.push(Buffer.from(`\x0b${'A'.repeat(30)}`)).overflow;
  assert.equal(overflow, true);
  const framed = new MllpDeframer(100);
  for (let i = 0; i < 5; i += 1) assert.equal(framed.push(frame('A'.repeat(60))).overflow, false);
});

const msh18 = (charset: string) =>
  `MSH|^~\\&|LIS|LAB|CC|HOSP|20260101||ORU^R01|C1|P|2.5.1||||||${charset}\rPID|1||1||`;

test('MSH-18 8859/1 is read as Latin-1; absent, invalid UTF-8 is read as Latin-1 too', () => {
  const latin1 = (text: string) => Buffer.from(text, 'latin1');
  assert.match(decodeFrame(latin1(`${msh18('8859/1')}Müller^José`)), /Müller\^José$/);
  assert.match(decodeFrame(latin1(`${msh18('')}Müller`)), /Müller$/);
  assert.match(decodeFrame(Buffer.from(`${msh18('UNICODE UTF-8')}Müller`)), /Müller$/);
  assert.match(decodeFrame(Buffer.from(`${msh18('')}Müller`)), /Müller$/);
});

test('a message that declares UTF-8 and is not, or a character set we do not read, is refused', () => {
  assert.throws(() => decodeFrame(Buffer.from(`${msh18('UNICODE UTF-8')}M\xfcller`, 'latin1')), CharsetError);
  assert.throws(() => decodeFrame(Buffer.from(msh18('ISO IR87'))), CharsetError);
});
