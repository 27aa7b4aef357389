// A block writer for the crash test: appends blocks of anchors to the chain in argv[2] (or, given a
// postgres:// URL in argv[3], in PostgreSQL) as fast as it can and prints "committed <height> <hash>"
// after each block is durably stored. First it prints "durability <setting>": the ledger's SQLite
// `synchronous` or PostgreSQL `synchronous_commit`, as this very process has it.
// With a step name in argv[4], it kills itself with SIGKILL at that step of the third block's write
// (BLOCK_WRITE_STEPS, through the ledger store's test hook); otherwise the test kills it at random.
import { lastNonce } from '../../src/app/executor.ts';
import { isPostgresUrl, PostgresStorage } from '../../src/node/storage/index.ts';
import { BLOCK_WRITE_STEPS, type BlockWriteStep } from '../../src/node/store/store.ts';
import { anchorTx, clientKey, openTestChain } from './chain.ts';

const [dataDir, database, killAt] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: crash-writer <dataDir> [postgres-url|-] [step]');
if (killAt !== undefined && !BLOCK_WRITE_STEPS.includes(killAt as BlockWriteStep)) {
  throw new Error(`unknown step ${killAt}`);
}
const chain = openTestChain(
  database !== undefined && isPostgresUrl(database) ? new PostgresStorage(database) : dataDir,
);
const port = chain.ledger.store.port;
const durability =
  port.dialect === 'postgres'
    ? port.get<{ v: string }>('SELECT current_setting(?) AS v', ['synchronous_commit'])!.v
    : { 0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA' }[
        port.get<{ synchronous: number }>('PRAGMA synchronous')!.synchronous
      ];
process.stdout.write(`durability ${durability}\n`);
let nonce = lastNonce(chain.ledger.store.latestState, clientKey.publicKey);
for (let written = 0; ; written++) {
  if (killAt !== undefined && written === 2) {
    chain.ledger.store.onWriteStep = (step) => {
      if (step === killAt) process.kill(process.pid, 'SIGKILL');
    };
  }
  const txs = Array.from({ length: 25 }, () => anchorTx(clientKey, ++nonce));
  const height = chain.addBlock(txs);
  // addBlock returns after the database commit: only then is the block acknowledged.
  process.stdout.write(`committed ${height} ${chain.ledger.tip().hash}\n`);
}
