// Acknowledged means durable (DESIGN.md principle 6): a writer process appending blocks is killed with
// SIGKILL at arbitrary moments, many times. After each kill the chain must verify in full (no block
// half-written), hold every block the writer acknowledged, and accept new blocks on restart.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { tempDir } from '../harness/chain.ts';
import { verifyDataDir } from '../../src/node/verify.ts';
import { SqliteStorage } from '../../src/node/storage/sqlite/sqlite-storage.ts';
import { LedgerStore } from '../../src/node/store/store.ts';

const dir = tempDir('carechain-crash-');
after(() => dir.remove());

const ROUNDS = 10;

/** Runs the writer until it has acknowledged `minBlocks` blocks plus a varying extra delay, then kills it. */
function runAndKill(extraDelayMs: number): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/harness/crash-writer.ts', dir.path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged = new Map<number, string>();
    let buffered = '';
    let stderr = '';
    let killScheduled = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [, height, hash] = line.split(' ');
        acknowledged.set(Number(height), hash!);
      }
      if (!killScheduled && acknowledged.size >= 2) {
        killScheduled = true;
        setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acknowledged);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

test(`a block writer killed with SIGKILL ${ROUNDS} times loses no acknowledged block and never leaves a partial one`, async () => {
  let previousTip = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Kill delays spread over a few block-write times so kills land in different phases of a write.
    const acknowledged = await runAndKill(5 + ((round * 37) % 120));
    assert.ok(acknowledged.size >= 2, 'the writer acknowledged blocks before the kill');

    const result = verifyDataDir(dir.path);
    assert.ok(result.ok, `round ${round}: ${result.ok ? '' : `height ${result.height}: ${result.problem}`}`);
    const store = LedgerStore.open(new SqliteStorage(dir.path), { readonly: true });
    try {
      const tip = store.tip()!.height;
      for (const [height, hash] of acknowledged) {
        assert.ok(height <= tip, `round ${round}: acknowledged block ${height} lost (tip ${tip})`);
        assert.equal(store.block(height)?.hash, hash, `round ${round}: block ${height} differs`);
      }
      assert.ok(tip > previousTip, 'each restart resumed and extended the chain');
      previousTip = tip;
    } finally {
      store.close();
    }
  }
});
