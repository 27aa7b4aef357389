// A block writer for the crash test: appends blocks of anchors to the chain in argv[2] as fast as it
// can and prints "committed <height> <hash>" after each block is durably stored. The test kills it
// with SIGKILL at arbitrary moments.
import { lastNonce } from '../../src/app/executor.ts';
import { anchorTx, clientKey, openTestChain } from './chain.ts';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: crash-writer <dataDir>');
const chain = openTestChain(dataDir);
let nonce = lastNonce(chain.ledger.store.latestState, clientKey.publicKey);
for (;;) {
  const txs = Array.from({ length: 25 }, () => anchorTx(clientKey, ++nonce));
  const height = chain.addBlock(txs);
  // addBlock returns after the SQLite commit (synchronous=FULL): only then is the block acknowledged.
  process.stdout.write(`committed ${height} ${chain.ledger.tip().hash}\n`);
}
