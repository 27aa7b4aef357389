// A bare MLLP client for the HL7 tests: one message framed 0x0B … 0x1C 0x0D on a fresh TCP connection,
// and the one framed answer read back. Written on node:net rather than @medplum/hl7, so the listener's
// framing is checked by code that does not share it.
import { connect } from 'node:net';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

/** A message as a sender puts it on the wire: segments ended by CR (files on disk may use LF). */
export function onTheWire(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '')
    .join('\r');
}

/** Sends `payload` (a message, or raw bytes for a malformed frame) and resolves with the answer's text. */
export function mllpExchange(port: number, payload: string | Buffer, timeoutMs = 60_000): Promise<string> {
  const frame =
    typeof payload === 'string'
      ? Buffer.concat([Buffer.from([VT]), Buffer.from(payload, 'utf8'), Buffer.from([FS, CR])])
      : payload;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no MLLP answer in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (all.at(-2) === FS && all.at(-1) === CR) {
        clearTimeout(timer);
        socket.end();
        resolve(all.subarray(all[0] === VT ? 1 : 0, all.length - 2).toString('utf8'));
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error('the listener closed the connection without an answer'));
    });
    socket.write(frame);
  });
}

/** MSA-1 and ERR-3.1 of an ACK. */
export function ackCodes(ack: string): { msa: string; err: string | undefined; errText: string | undefined } {
  const segments = ack.split('\r');
  const msa = segments.find((s) => s.startsWith('MSA|'))?.split('|')[1] ?? '';
  const err = segments.find((s) => s.startsWith('ERR|'))?.split('|');
  return { msa, err: err?.[3]?.split('^')[0], errText: err?.[8] };
}
