// `carechain up`: starts a local chain with demo transactions and its API, and runs until Ctrl-C.
import { resolve } from 'node:path';
import { buildApiServer } from '../../api/server.ts';
import { systemClock } from '../../node/clock.ts';
import { startDemoLoad } from '../../node/demo-load.ts';
import { loadOrCreateDevnet } from '../../node/devnet.ts';
import { createLogger } from '../../node/logger.ts';
import { CarechainNode } from '../../node/node.ts';

export interface UpOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly demoTxsPerSecond: number;
  readonly blockIntervalMs: number;
}

export async function runUp(options: UpOptions): Promise<void> {
  const logger = createLogger();
  const dataDir = resolve(options.dataDir);
  const { genesis, key, created } = loadOrCreateDevnet(dataDir, systemClock);
  const node = new CarechainNode(
    { dataDir, genesis, key, blockIntervalMs: options.blockIntervalMs, emptyBlockIntervalMs: 5_000 },
    { logger },
  );
  node.start();
  const tip = node.ledger.tip();
  console.log(
    created
      ? `Created chain ${genesis.chainId} in ${dataDir}`
      : `Resuming chain ${genesis.chainId} from ${dataDir} at height ${tip.height}`,
  );
  const stopDemo =
    options.demoTxsPerSecond > 0 ? startDemoLoad(node, dataDir, options.demoTxsPerSecond) : () => {};
  const app = buildApiServer(node, logger);
  const address = await app.listen({ host: options.host, port: options.port });
  console.log(`Node ${key.publicKey.slice(0, 16)}… API listening on ${address}`);
  console.log(`  status:     ${address}/api/v1/status`);
  console.log(`  checkpoint: ${address}/api/v1/checkpoints/latest`);
  console.log('Press Ctrl-C to stop.');
  let lastReported = 0;
  node.on('block', (block) => {
    if (block.height - lastReported >= 10 || block.txHashes.length > 0) {
      if (block.height - lastReported >= 10) {
        console.log(`height ${block.height}  log size ${node.ledger.tip().logSize}`);
        lastReported = block.height;
      }
    }
  });
  await new Promise<void>((done) => {
    const shutdown = (): void => {
      console.log('\nStopping…');
      stopDemo();
      void app.close().then(() => {
        node.stop();
        done();
      });
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}
