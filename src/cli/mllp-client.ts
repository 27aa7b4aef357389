// A minimal MLLP client (one message framed 0x0B … 0x1C 0x0D on a fresh connection, the framed answers
// read back: one, or in enhanced mode the accept and the application ACK), over TCP or TLS: `carechain hl7 send` and the tests use it. Written on node:net and
// node:tls with the outbound feed's framing (services/hl7/mllp-out.ts), not the listener's deframer
// (app/hl7/mllp.ts), so the listener's framing is checked by code that does not share it.
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { mllpFrame, takeMllpFrames } from '../services/hl7/mllp-out.ts';

/** TLS for the exchange: the CA the listener's certificate chains to, and a client certificate for mTLS. */
export interface MllpTls {
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
}

/** A message as a sender puts it on the wire: segments ended by CR (files on disk may use LF). */
export function onTheWire(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '')
    .join('\r');
}

/** Sends `payload` (a message, or raw bytes for a malformed frame) and resolves with the answer's text. */
export async function mllpExchange(
  port: number,
  payload: string | Buffer,
  timeoutMs = 60_000,
  options: MllpOptions = {},
): Promise<string> {
  const [answer] = await mllpAnswers(port, payload, 1, timeoutMs, options);
  return answer!;
}

export interface MllpOptions {
  readonly host?: string;
  readonly tls?: MllpTls;
}

/**
 * Sends `payload` and resolves with the first `count` frames answered on the same connection (in
 * enhanced acknowledgement mode, the accept ACK and then the application ACK).
 */
export function mllpAnswers(
  port: number,
  payload: string | Buffer,
  count: number,
  timeoutMs = 60_000,
  options: MllpOptions = {},
): Promise<string[]> {
  const frame = typeof payload === 'string' ? mllpFrame(payload) : payload;
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const socket: Socket =
      options.tls === undefined
        ? connect({ host, port }, () => socket.write(frame))
        : connectTls({ host, port, ...options.tls }, () => socket.write(frame));
    const answers: string[] = [];
    let buffer: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${answers.length} of ${count} MLLP answers in ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the listener closed the connection without an answer')));
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = takeMllpFrames(Buffer.concat([buffer, chunk]));
      buffer = rest;
      answers.push(...frames);
      if (answers.length >= count) {
        clearTimeout(timer);
        socket.end();
        resolve(answers.slice(0, count));
      }
    });
  });
}

/** MSA-1, ERR-3.1 and ERR-8 of an ACK. */
export function ackCodes(ack: string): { msa: string; err: string | undefined; errText: string | undefined } {
  const segments = ack.split('\r');
  const msa = segments.find((s) => s.startsWith('MSA|'))?.split('|')[1] ?? '';
  const err = segments.find((s) => s.startsWith('ERR|'))?.split('|');
  return { msa, err: err?.[3]?.split('^')[0], errText: err?.[8] };
}
