// `carechain verify --data <dir>`: re-checks a stored chain from genesis; exit 0 when whole.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATABASE_FILE } from '../../node/store/store.ts';
import { verifyDataDir } from '../../node/verify.ts';

export function runVerify(options: { data: string; quiet?: boolean }): number {
  const dataDir = resolve(options.data);
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    console.error(`verify: no ledger in ${dataDir} (expected ${DATABASE_FILE})`);
    return 2;
  }
  let lastPrinted = 0;
  const result = verifyDataDir(dataDir, (height, tipHeight) => {
    // Progress for long chains, on stderr so stdout is only the verdict.
    if (!options.quiet && process.stderr.isTTY && height - lastPrinted >= 1000) {
      process.stderr.write(`\rverified ${height}/${tipHeight} blocks`);
      lastPrinted = height;
    }
  });
  if (lastPrinted > 0) process.stderr.write('\n');
  if (!result.ok) {
    console.error(`verify: FAILED at height ${result.height}: ${result.problem}`);
    return 1;
  }
  const s = result.summary;
  console.log(`verify: OK  chain ${s.chainId}`);
  console.log(`  blocks    ${s.blocks}`);
  console.log(`  txs       ${s.txs}`);
  console.log(`  log size  ${s.logSize}`);
  console.log(`  log root  ${s.logRoot}`);
  console.log(`  app hash  ${s.appHash}`);
  return 0;
}
