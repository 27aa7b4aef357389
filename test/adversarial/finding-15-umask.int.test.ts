// Finding 15 (issue 10, "data directories use the default umask"): a node's folders are 0700 and its
// files 0600 whatever umask it was started with. `carechain init` makes the node folder, then a real
// `carechain node` process starts and opens its stores; every folder and file under the node folder is then
// checked. Before the fix, the data directory was 0755 and the ledger and vault files 0644.
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../harness/chain.ts';
import { makeNetwork } from '../harness/network.ts';
import { startNodeProcess, type NodeProcess } from '../harness/process.ts';

const root = tempDir('carechain-finding15-');
let node: NodeProcess | undefined;

after(async () => {
  node?.child.kill('SIGKILL');
  if (node !== undefined) await node.exited;
  root.remove();
});

function walk(dir: string): { path: string; dir: boolean; mode: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    const mode = statSync(path).mode & 0o777;
    return entry.isDirectory() ? [{ path, dir: true, mode }, ...walk(path)] : [{ path, dir: false, mode }];
  });
}

test('a node’s data directory is 0700 and its files 0600, even started under umask 022', async () => {
  const previous = process.umask(0o022);
  try {
    const net = await makeNetwork(root.path, ['hospital']);
    const dir = net.dirs[0]!;
    // As if left by an older version: an open data folder must be closed again on start.
    chmodSync(dir, 0o755);
    node = await startNodeProcess(dir, 120_000);
    assert.equal((await fetch(`${net.apiUrls[0]!}/api/v1/status`)).status, 200);
    const entries = walk(join(dir, 'data'));
    assert.ok(
      entries.some((e) => !e.dir && /\.sqlite$|\.db$/.test(e.path)),
      'a database file was written',
    );
    const dataMode = statSync(join(dir, 'data')).mode & 0o777;
    assert.equal(dataMode.toString(8), '700', 'data directory');
    for (const entry of entries) {
      const expected = entry.dir ? '700' : '600';
      assert.equal(entry.mode.toString(8), expected, entry.path);
    }
    for (const key of ['node-key.json', 'admin-key.json']) {
      assert.equal((statSync(join(dir, key)).mode & 0o777).toString(8), '600', key);
    }
  } finally {
    process.umask(previous);
  }
});
