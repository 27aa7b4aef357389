// One message out to an MLLP receiver (a sender's own listener, for the application ACKs of enhanced
// mode): connect, write the frame (0x0B … 0x1C 0x0D), half-close, and count it delivered once the
// receiver has closed its side in turn without an error, or has answered with a frame of its own.
// Anything else (refused, reset, no close within the timeout) rejects, and the caller tries again later:
// delivery is at least once.
import { connect } from 'node:net';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

/** A message in its MLLP frame. */
export function mllpFrame(text: string): Buffer {
  return Buffer.concat([Buffer.from([VT]), Buffer.from(text, 'utf8'), Buffer.from([FS, CR])]);
}

/** The texts of the complete frames in what arrived so far, and the incomplete rest. */
export function takeMllpFrames(buffer: Buffer): { frames: string[]; rest: Buffer } {
  const frames: string[] = [];
  let rest = buffer;
  for (;;) {
    let end = rest.indexOf(FS);
    while (end >= 0 && rest[end + 1] !== CR) end = rest.indexOf(FS, end + 1);
    if (end < 0) return { frames, rest };
    frames.push(rest.subarray(rest[0] === VT ? 1 : 0, end).toString('utf8'));
    rest = rest.subarray(end + 2);
  }
}

export interface MllpTarget {
  readonly host: string;
  readonly port: number;
}

export function sendMllpFrame(target: MllpTarget, text: string, timeoutMs = 10_000): Promise<void> {
  const frame = mllpFrame(text);
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
      answer = Buffer.concat([answer, chunk]);
      if (takeMllpFrames(answer).frames.length > 0) {
        socket.destroy();
        settle();
      }
    });
    socket.on('error', (err) => settle(err));
    socket.on('close', (hadError) => settle(hadError ? new Error('the MLLP connection failed') : undefined));
  });
}
