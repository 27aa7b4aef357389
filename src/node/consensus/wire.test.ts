import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactCommit } from './wire.ts';

const commit = {
  height: 3,
  round: 0,
  blockHash: 'aa'.repeat(32),
  signatures: [{ validator: 'bb'.repeat(32), timeMs: 5, signature: 'cc'.repeat(64) }],
};

test('a synced commit is kept as exactly the fields of Commit', () => {
  assert.deepEqual(exactCommit(commit), commit);
  assert.notEqual(exactCommit(commit), commit); // a copy: nothing of the peer's object is kept
});

test('a synced commit with anything extra, or missing, is refused', () => {
  assert.equal(exactCommit({ ...commit, note: 'x' }), undefined);
  const { round: _round, ...withoutRound } = commit;
  assert.equal(exactCommit(withoutRound), undefined);
  const padded = { ...commit, signatures: [{ ...commit.signatures[0], extra: 1 }] };
  assert.equal(exactCommit(padded), undefined);
  assert.equal(exactCommit({ ...commit, signatures: 'none' }), undefined);
  assert.equal(exactCommit(null), undefined);
  assert.equal(exactCommit([commit]), undefined);
});
