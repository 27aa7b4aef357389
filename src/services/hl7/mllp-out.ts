// One message out to an MLLP receiver (a sender's own listener, for the application ACKs of enhanced
// mode): connect, write the frame (0x0B … 0x1C 0x0D), half-close, and count it delivered once the
// receiver has closed its side in turn without an error, or has answered with a frame of its own.
// Anything else (refused, reset, no close within the timeout) rejects, and the caller tries again later:
// delivery is at least once.
import { connect } from 'node:net';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

export interface MllpTarget {
  readonly host: string;
  readonly port: number;
}

export function sendMllpFrame(target: MllpTarget, text: string, timeoutMs = 10_000): Promise<void> {
  const frame = Buffer.concat([Buffer.from([VT]), Buffer.from(text, 'utf8'), Buffer.from([FS, CR])]);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port }, () => {
      socket.write(frame);
      socket.end();
    });
    let answer = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(new Error('no close from the MLLP receiver')), timeoutMs);
    const settle = (err?: Error): void => {
      clearTimeout(timer);
      if (err === undefined) resolve();
      else reject(err);
    };
    socket.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]).subarray(-2);
      if (answer.at(-2) === FS && answer.at(-1) === CR) {
        socket.destroy();
        settle();
      }
    });
    socket.on('error', (err) => settle(err));
    socket.on('close', (hadError) => settle(hadError ? new Error('the MLLP connection failed') : undefined));
  });
}
