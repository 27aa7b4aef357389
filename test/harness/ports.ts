/**
 * Port ranges for tests that start `carechain up`, which takes a base port and uses base+i for APIs and
 * base+1000+i for P2P. The range is drawn below Linux's ephemeral range (32768–60999 by default): a range
 * inside it can be checked free and then handed by the kernel to some other test's outgoing connection
 * before `up` binds it (CI saw EADDRINUSE that way).
 */
import { createServer } from 'node:net';

const LOWEST_BASE = 10_000;
const HIGHEST_BASE = 30_000;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A base port with `organisations` API ports and as many P2P ports (1000 higher) all free, and the demo
 * hospital's HL7 port (2000 higher, `up --hl7-port`'s default for a base port other than 8081).
 */
export async function freeBasePort(organisations: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = LOWEST_BASE + Math.floor(Math.random() * (HIGHEST_BASE - LOWEST_BASE));
    const ports = [
      ...Array.from({ length: organisations }, (_, i) => [base + i, base + 1000 + i]).flat(),
      base + 2000,
    ];
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free port range');
}
