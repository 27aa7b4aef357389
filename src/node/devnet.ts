// A local development chain in one data directory: a node key and a genesis naming that node as the
// sole validator, created on first start and reused afterwards so a restart resumes the stored chain.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Genesis } from '../core/genesis.ts';
import { loadOrCreateKeyFile, type KeyPair } from './keys.ts';
import type { Clock } from './env.ts';
import { makePrivateDir } from './private-dir.ts';

export const GENESIS_FILE = 'genesis.json';
export const NODE_KEY_FILE = 'node-key.json';

export function loadOrCreateDevnet(
  dataDir: string,
  clock: Clock,
): { genesis: Genesis; key: KeyPair; created: boolean } {
  makePrivateDir(dataDir);
  const key = loadOrCreateKeyFile(join(dataDir, NODE_KEY_FILE));
  const genesisPath = join(dataDir, GENESIS_FILE);
  if (existsSync(genesisPath)) {
    return { genesis: JSON.parse(readFileSync(genesisPath, 'utf8')) as Genesis, key, created: false };
  }
  const genesis: Genesis = {
    chainId: 'carechain-dev',
    genesisTimeMs: clock.nowMs(),
    validators: [{ publicKey: key.publicKey, power: 10, name: 'dev-validator' }],
    app: {},
  };
  writeFileSync(genesisPath, JSON.stringify(genesis, null, 2) + '\n');
  return { genesis, key, created: true };
}
