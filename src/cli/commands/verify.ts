// `carechain verify --data <dir>` (SQLite) or `--database postgres://…`: re-checks a stored chain from
// genesis; exit 0 when whole.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isPostgresUrl, PostgresStorage, SqliteStorage, type Storage } from '../../node/storage/index.ts';
import { DATABASE_FILE } from '../../node/store/store.ts';
import { verifyStorage } from '../../node/verify.ts';

function chosenStorage(options: { data?: string; database?: string }): Storage | undefined {
  if (options.database !== undefined) {
    if (!isPostgresUrl(options.database)) {
      console.error('verify: --database must be a postgres:// URL');
      return undefined;
    }
    return new PostgresStorage(options.database);
  }
  if (options.data === undefined) {
    console.error('verify: give --data <dir> (SQLite) or --database <postgres://…>');
    return undefined;
  }
  const dataDir = resolve(options.data);
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    console.error(`verify: no ledger in ${dataDir} (expected ${DATABASE_FILE})`);
    return undefined;
  }
  return new SqliteStorage(dataDir);
}

export function runVerify(options: { data?: string; database?: string; quiet?: boolean }): number {
  const storage = chosenStorage(options);
  if (storage === undefined) return 2;
  let lastPrinted = 0;
  const result = verifyStorage(storage, (height, tipHeight) => {
    // Progress for long chains, on stderr so stdout is only the verdict.
    if (!options.quiet && process.stderr.isTTY && height - lastPrinted >= 1000) {
      process.stderr.write(`\rverified ${height}/${tipHeight} blocks`);
      lastPrinted = height;
    }
  });
  storage.close();
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
