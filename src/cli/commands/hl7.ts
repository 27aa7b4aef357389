// `carechain hl7 send <file>`: sends an HL7 v2 message file to a node's MLLP listener (as an interface
// engine would) and prints the ACK, one segment a line; exit 0 on AA (or CA), 1 otherwise.
import { readFileSync } from 'node:fs';
import { ackCodes, mllpExchange, onTheWire } from '../mllp-client.ts';

export async function runHl7Send(options: {
  file: string;
  host: string;
  port: number;
  ca?: string;
  cert?: string;
  key?: string;
  timeoutMs: number;
}): Promise<void> {
  const text = onTheWire(readFileSync(options.file, 'utf8'));
  const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path, 'utf8'));
  const ca = read(options.ca);
  const tls =
    ca === undefined
      ? undefined
      : {
          ca,
          ...(options.cert === undefined ? {} : { cert: read(options.cert)! }),
          ...(options.key === undefined ? {} : { key: read(options.key)! }),
        };
  const ack = await mllpExchange(options.port, text, options.timeoutMs, {
    host: options.host,
    ...(tls === undefined ? {} : { tls }),
  });
  console.log(ack.split('\r').filter(Boolean).join('\n'));
  const { msa } = ackCodes(ack);
  if (msa !== 'AA' && msa !== 'CA') process.exitCode = 1;
}
