// Node 20 deadlocks when a garbage collection lands inside the JWK export of a key that
// generateKeyPairSync has just made (the export holds the key's mutex while it allocates; the collected
// generation job's destructor takes the same mutex). ephemeralX25519 runs for every sealed record, so a
// 2,000-entry FHIR transaction hung a whole CI run on it. Here a child process makes ephemeral keys
// under heavy allocation, as sealing does: before the fix it stopped, idle, within seconds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const CIPHER = new URL('./node-cipher.ts', import.meta.url).href;
const KEYS = 100_000;

const child = `
import { ephemeralX25519 } from ${JSON.stringify(CIPHER)};
let garbage = [];
for (let i = 0; i < ${KEYS}; i++) {
  const { publicKey } = ephemeralX25519();
  if (publicKey.length !== 32) throw new Error('not a raw X25519 public key');
  garbage.push('x'.repeat(i % 97) + i); // the allocation between keys that sealing does
  if (garbage.length > 1000) garbage = [];
}
console.log('made ${KEYS}');
`;

test('ephemeral X25519 keys are made under constant garbage collection without a deadlock', () => {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--max-semi-space-size=1', '--input-type=module', '-e', child],
    // A deadlock leaves the child idle for ever; this bounds it (the loop takes seconds).
    { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' },
  );
  assert.equal(run.signal, null, `the child was killed: it hung after ${run.stdout}${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`made ${KEYS}`));
});
