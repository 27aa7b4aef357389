// One long-lived MLLP connection that sends a message and waits for its ACK, then the next: how an
// interface engine talks to a listener. A connection per message would measure TCP set-up and the
// listener's connection cap, not the HL7 path.
import { connect, type Socket } from 'node:net';
import { mllpFrame, takeMllpFrames } from '../../src/services/hl7/mllp-out.ts';

export interface MllpSession {
  exchange(text: string, timeoutMs?: number): Promise<string>;
  close(): void;
}

export async function openMllpSession(port: number, host = '127.0.0.1'): Promise<MllpSession> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect({ host, port }, () => resolve(s));
    s.once('error', reject);
  });
  let buffer: Buffer = Buffer.alloc(0);
  let waiting: { resolve: (ack: string) => void; reject: (err: Error) => void } | undefined;
  const failWaiting = (err: Error): void => {
    waiting?.reject(err);
    waiting = undefined;
  };
  socket.on('error', failWaiting);
  socket.on('close', () => failWaiting(new Error('the listener closed the connection')));
  socket.on('data', (chunk: Buffer) => {
    const { frames, rest } = takeMllpFrames(Buffer.concat([buffer, chunk]));
    buffer = rest;
    const [ack] = frames;
    if (ack !== undefined && waiting !== undefined) {
      waiting.resolve(ack);
      waiting = undefined;
    }
  });
  return {
    exchange(text, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => failWaiting(new Error(`no ACK in ${timeoutMs} ms`)), timeoutMs);
        waiting = {
          resolve: (ack) => (clearTimeout(timer), resolve(ack)),
          reject: (err) => (clearTimeout(timer), reject(err)),
        };
        socket.write(mllpFrame(text));
      });
    },
    close: () => socket.destroy(),
  };
}
