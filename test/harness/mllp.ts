// The MLLP client of the HL7 tests is the one `carechain hl7 send` uses (src/cli/mllp-client.ts); here
// also a receiver standing in for a sending system's own MLLP listener, where the application ACKs of
// enhanced acknowledgement mode go.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { takeMllpFrames } from '../../src/services/hl7/mllp-out.ts';

export { ackCodes, mllpAnswers, mllpExchange, onTheWire } from '../../src/cli/mllp-client.ts';

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
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const taken = takeMllpFrames(Buffer.concat([buffer, chunk]));
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

/**
 * Raw bytes as a sender's TCP stack may cut them: `writes` one after another on one connection (frames
 * joined, split, noise between), resolving with the first `count` frames answered.
 */
export function mllpWrites(port: number, writes: readonly Buffer[], count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let buffer: Buffer = Buffer.alloc(0);
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => {
      const next = (i: number): void => {
        if (i < writes.length && !socket.destroyed) socket.write(writes[i]!, () => next(i + 1));
      };
      next(0);
    });
    const timer = setTimeout(
      () => socket.destroy(new Error(`${answers.length} of ${count} answers`)),
      60_000,
    );
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk: Buffer) => {
      const taken = takeMllpFrames(Buffer.concat([buffer, chunk]));
      buffer = taken.rest;
      answers.push(...taken.frames);
      if (answers.length >= count) {
        clearTimeout(timer);
        socket.end();
        resolve(answers);
      }
    });
  });
}
