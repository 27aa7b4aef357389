// `carechain dev`: a single-validator development chain with demo transactions and its API, in one
// process, until Ctrl-C. The consortium of `carechain up` is the realistic setup; this is the quick one.
import { resolve } from 'node:path';
import { buildApiServer } from '../../api/server.ts';
import { NodeWitness } from '../../services/witness/node-witness.ts';
import { checkApiExposure } from '../../node/api-tls.ts';
import { systemClock } from '../../node/env.ts';
import { startDemoLoad } from '../demo-load.ts';
import { StartedParts, untilSignal } from './shutdown.ts';
import { loadOrCreateDevnet } from '../../node/devnet.ts';
import { createLogger } from '../../node/logger.ts';
import { CarechainNode } from '../../node/node.ts';

export interface DevOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly demoTxsPerSecond: number;
  readonly blockIntervalMs: number;
  /** Allows a plain-HTTP API off loopback (node/api-tls.ts); dev has no TLS of its own. */
  readonly insecureHttp?: boolean;
}

export async function runDev(options: DevOptions): Promise<void> {
  checkApiExposure({ host: options.host }, { insecureHttp: options.insecureHttp === true });
  const logger = createLogger();
  const dataDir = resolve(options.dataDir);
  const { genesis, key, created } = loadOrCreateDevnet(dataDir, systemClock);
  const node = new CarechainNode(
    { dataDir, genesis, key, blockIntervalMs: options.blockIntervalMs, emptyBlockIntervalMs: 5_000 },
    { logger },
  );
  const parts = new StartedParts();
  await parts.starting(async () => {
    parts.add(() => node.stop());
    await node.start();
    const tip = node.ledger.tip();
    console.log(
      created
        ? `Created chain ${genesis.chainId} in ${dataDir}`
        : `Resuming chain ${genesis.chainId} from ${dataDir} at height ${tip.height}`,
    );
    const witness = new NodeWitness(node, {}, { logger });
    parts.add(() => witness.stop());
    witness.start();
    const app = buildApiServer(node, logger, { witness });
    parts.add(() => app.close());
    const address = await app.listen({ host: options.host, port: options.port });
    if (options.demoTxsPerSecond > 0) {
      const stopDemo = startDemoLoad([address], dataDir, options.demoTxsPerSecond);
      parts.add(stopDemo);
    }
    console.log(`Node ${key.publicKey.slice(0, 16)}… API listening on ${address}`);
    console.log(`  status:     ${address}/api/v1/status`);
    console.log(`  checkpoint: ${address}/api/v1/checkpoints/latest (C2SP: ${address}/checkpoint)`);
    console.log('Press Ctrl-C to stop.');
  });
  let lastReported = 0;
  node.on('block', (block) => {
    if (block.height - lastReported >= 10) {
      console.log(`height ${block.height}  log size ${node.ledger.tip().logSize}`);
      lastReported = block.height;
    }
  });
  await untilSignal(async () => {
    console.log('\nStopping…');
    await parts.stopAll();
  });
}
