// The MLLP client of the HL7 tests is the one `carechain hl7 send` uses (src/cli/mllp-client.ts); here
// also what enhanced acknowledgement mode needs: a client that reads several answers on one connection,
// and a receiver standing in for a sending system's own listener (where its application ACKs go).
import { connect, createServer, type Server, type Socket } from 'node:net';

export { ackCodes, mllpExchange, onTheWire } from '../../src/cli/mllp-client.ts';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

const framed = (text: string) =>
  Buffer.concat([Buffer.from([VT]), Buffer.from(text, 'utf8'), Buffer.from([FS, CR])]);

/** Splits what arrived into complete frames' texts; returns them and the incomplete rest. */
function takeFrames(buffer: Buffer): { frames: string[]; rest: Buffer } {
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

/** Sends a message on a fresh connection and resolves with the first `count` frames answered on it. */
export function mllpAnswers(port: number, text: string, count: number, timeoutMs = 120_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => socket.write(framed(text)));
    const got: string[] = [];
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${got.length} of ${count} MLLP answers in ${timeoutMs} ms: ${got.join(' / ')}`));
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = takeFrames(Buffer.concat([buffer, chunk]));
      buffer = rest;
      got.push(...frames);
      if (got.length >= count) {
        clearTimeout(timer);
        socket.end();
        resolve(got.slice(0, count));
      }
    });
  });
}

export interface MllpReceiver {
  /** Every frame received so far, in arrival order. */
  readonly frames: string[];
  stop(): Promise<void>;
}

/** An MLLP listener on 127.0.0.1:port that keeps what it receives and answers nothing. */
export async function startMllpReceiver(port: number): Promise<MllpReceiver> {
  const frames: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const taken = takeFrames(Buffer.concat([buffer, chunk]));
      buffer = taken.rest;
      frames.push(...taken.frames);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    frames,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
