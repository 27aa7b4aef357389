// A second process that tries to run as the test chain's validator on a PostgreSQL database, for the
// advisory lock test: prints "started" when it got the validator, or exits 1 with the error's code.
import { startTestValidator } from './chain.ts';

const [dataDir, database] = process.argv.slice(2);
if (dataDir === undefined || database === undefined)
  throw new Error('usage: validator-claimant <dataDir> <url>');
try {
  const node = startTestValidator(dataDir, database);
  console.log('started');
  await node.stop();
} catch (err) {
  console.error(`${(err as { code?: string }).code}: ${(err as Error).message}`);
  process.exitCode = 1;
}
