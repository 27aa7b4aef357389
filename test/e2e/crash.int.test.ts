// Acknowledged means durable (DESIGN.md principle 6), on both storage backends. A writer process
// appending blocks is killed with SIGKILL, first at each step inside a block's write (through the ledger
// store's test hook), then at arbitrary moments, many times. After each kill the chain must verify in
// full (no block half-written), hold every block the writer acknowledged, and accept new blocks on
// restart; and the writer must have run with synchronous=FULL (SQLite) / synchronous_commit=on
// (PostgreSQL), without which "acknowledged" would not survive a power loss.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { tempDir } from '../harness/chain.ts';
import { postgresUnavailable, startPostgres, type ThrowawayPostgres } from '../harness/postgres.ts';
import { verifyStorage } from '../../src/node/verify.ts';
import { PostgresStorage, SqliteStorage, type Storage } from '../../src/node/storage/index.ts';
import { BLOCK_WRITE_STEPS } from '../../src/node/store/store.ts';
import { LedgerStore } from '../../src/node/store/store.ts';

const ROUNDS = 10;
const unavailable = postgresUnavailable();
let cluster: ThrowawayPostgres | undefined;
before(async () => {
  if (unavailable === undefined) cluster = await startPostgres();
});
after(() => cluster?.stop());

interface Run {
  readonly acknowledged: Map<number, string>;
  readonly durability: string;
}

/**
 * Runs the writer. With a step, it kills itself there; without, it is killed `extraDelayMs` after it
 * has acknowledged two blocks.
 */
function runWriter(
  dataDir: string,
  database: string,
  options: { step?: string; extraDelayMs?: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', 'test/harness/crash-writer.ts', dataDir, database];
    if (options.step !== undefined) args.push(options.step);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged = new Map<number, string>();
    let durability = '';
    let buffered = '';
    let stderr = '';
    let killScheduled = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, first, second] = line.split(' ');
        if (word === 'durability') durability = first!;
        else acknowledged.set(Number(first), second!);
      }
      if (options.step === undefined && !killScheduled && acknowledged.size >= 2) {
        killScheduled = true;
        setTimeout(() => child.kill('SIGKILL'), options.extraDelayMs ?? 0);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ acknowledged, durability });
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

/** Verifies in full and returns the tip, checking every acknowledged block is there unchanged. */
function checkAfterKill(open: () => Storage, run: Run, label: string): number {
  const result = verifyStorage(open());
  assert.ok(result.ok, `${label}: ${result.ok ? '' : `height ${result.height}: ${result.problem}`}`);
  const store = LedgerStore.open(open(), { readonly: true });
  try {
    const tip = store.tip()!.height;
    for (const [height, hash] of run.acknowledged) {
      assert.ok(height <= tip, `${label}: acknowledged block ${height} lost (tip ${tip})`);
      assert.equal(store.block(height)?.hash, hash, `${label}: block ${height} differs`);
    }
    return tip;
  } finally {
    store.close();
  }
}

const backends = [
  { name: 'SQLite', skip: false as const, durability: 'FULL' },
  { name: 'PostgreSQL', skip: unavailable ?? false, durability: 'on' },
];
let databases = 0;

for (const backend of backends) {
  describe(`kill -9 of a block writer on ${backend.name}`, { skip: backend.skip }, () => {
    const fresh = async () => {
      const dir = tempDir('carechain-crash-');
      after(() => dir.remove());
      const database =
        backend.name === 'PostgreSQL' ? await cluster!.createDatabase(`crash_${++databases}`) : '-';
      const open = (): Storage =>
        database === '-' ? new SqliteStorage(dir.path) : new PostgresStorage(database);
      return { dir: dir.path, database, open };
    };

    test(`a kill at each step inside a block's write leaves the block whole or absent (${BLOCK_WRITE_STEPS.join(', ')})`, async () => {
      for (const step of BLOCK_WRITE_STEPS) {
        const { dir, database, open } = await fresh();
        const run = await runWriter(dir, database, { step });
        assert.equal(run.durability, backend.durability, 'the writer ran with full durability');
        assert.equal(run.acknowledged.size, 2, `${step}: two blocks acknowledged before the kill`);
        const tip = checkAfterKill(open, run, step);
        // Up to the commit row the third block must be absent; once COMMIT returned, present.
        assert.equal(
          tip,
          step === 'committed' ? 3 : 2,
          `${step}: the third block is ${step === 'committed' ? 'whole' : 'absent'}`,
        );
      }
    });

    test(`killed at arbitrary moments ${ROUNDS} times, it loses no acknowledged block and never leaves a partial one`, async () => {
      const { dir, database, open } = await fresh();
      let previousTip = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // Kill delays spread over a few block-write times so kills land in different phases of a write.
        const run = await runWriter(dir, database, { extraDelayMs: 5 + ((round * 37) % 120) });
        assert.equal(run.durability, backend.durability);
        assert.ok(run.acknowledged.size >= 2, 'the writer acknowledged blocks before the kill');
        const tip = checkAfterKill(open, run, `round ${round}`);
        assert.ok(tip > previousTip, 'each restart resumed and extended the chain');
        previousTip = tip;
      }
    });
  });
}
