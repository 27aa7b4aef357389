// The MLLP client of the HL7 tests is the one `carechain hl7 send` uses (src/cli/mllp-client.ts); here
// also a receiver standing in for a sending system's own MLLP listener, where the application ACKs of
// enhanced acknowledgement mode go.
import { createServer, type Server, type Socket } from 'node:net';
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
