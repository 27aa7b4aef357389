// The smoke of `npm run sim:scale`: 4 and 16 validators on the real node code. Both stay safe and live,
// and each node's vote traffic per height grows with n (every node sends its votes to n-1 peers) while
// its share of the block stays level, which is what the full run's projection rests on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaleRun } from './scale.ts';

test('sim:scale smoke: 4 and 16 validators, vote traffic per node grows with n', async () => {
  const small = await scaleRun(4, { loadMs: 1000 });
  const large = await scaleRun(16, { loadMs: 1000 });
  for (const row of [small, large]) {
    assert.deepEqual(row.violations, [], `n=${row.validators}`);
    assert.ok(row.heights >= 3, `n=${row.validators} committed ${row.heights} heights`);
    assert.ok(row.txsPerHeight > 0, `n=${row.validators} carried no txs`);
    assert.ok(Number.isFinite(row.msPerHeight) && row.msPerHeight > 0);
  }
  assert.ok(small.messagesByKind.vote > 0 && small.bytesByKind.proposal > 0, 'traffic was counted');
  // Votes per node per height: about 2(n-1) first sends plus re-gossip; 16/4 validators gives ≥ 3x.
  assert.ok(
    large.messagesByKind.vote >= 3 * small.messagesByKind.vote,
    `vote msgs/node/height ${small.messagesByKind.vote} at 4, ${large.messagesByKind.vote} at 16`,
  );
  assert.ok(large.voteShare > small.voteShare, 'votes take a larger share of the bytes at 16');
  // A node receives each block once whatever n is: proposal bytes per node stay within 3x.
  assert.ok(large.bytesByKind.proposal < 3 * small.bytesByKind.proposal);
});
