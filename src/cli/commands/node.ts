// `carechain node --config <file>`: runs one node of a network, as an institution does on its own
// machine: the ledger, consensus with its peers over mutual TLS, and the API.
import { buildApiServer } from '../../api/server.ts';
import { loadNodeConfig } from '../../node/config.ts';
import { createLogger } from '../../node/logger.ts';
import { CarechainNode } from '../../node/node.ts';
import { untilSignal } from './shutdown.ts';

export async function runNode(options: { config: string }): Promise<void> {
  const config = loadNodeConfig(options.config);
  const logger = createLogger();
  const node = new CarechainNode(
    {
      dataDir: config.dataDir,
      genesis: config.genesis,
      key: config.key,
      blockIntervalMs: 0,
      emptyBlockIntervalMs: 0,
      network: {
        listenHost: config.p2p.host,
        listenPort: config.p2p.port,
        peers: config.peers,
      },
    },
    { logger },
  );
  const { p2pPort } = await node.start();
  const app = buildApiServer(node, logger);
  const address = await app.listen({ host: config.api.host, port: config.api.port });
  const tip = node.ledger.tip();
  const role = node.network?.isValidator ? 'validator' : 'non-validator';
  console.log(
    `${config.name}: ${role} ${config.key.publicKey.slice(0, 16)}… of ${node.ledger.chainId} at height ${tip.height}`,
  );
  console.log(`${config.name}: API listening on ${address}, P2P on ${config.p2p.host}:${p2pPort}`);
  await untilSignal(async () => {
    await app.close();
    await node.stop();
    console.log(`${config.name}: stopped`);
  });
}
