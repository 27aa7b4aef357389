// The proposer of an idle chain proposes a tx the moment the mempool admits it, not at its next look at
// the mempool. Until 2026-12-07 it polled every 20 ms, so a lone tx (a beacon query waiting on its
// committed spend) waited 10 ms on average for nothing. In virtual time on the simulator's real node:
// one validator, txs submitted at odd moments while it waits for txs, each committed at the instant it
// arrived. With polling, the same five were 0, 3, 6, 9 and 12 ms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientTx, VALIDATOR_KEYS } from './chain.ts';
import { SimNode } from './node.ts';
import { Rng } from './prng.ts';
import { SIM_TIMEOUTS } from './scenarios.ts';
import { CachedVerifier } from './verifier.ts';
import { runEvents, simWorld } from './world.ts';

test('a tx reaching an idle proposer is committed at once, not at the next poll', async () => {
  const world = simWorld(new Rng(20261207), [10], SIM_TIMEOUTS, new CachedVerifier());
  const node = new SimNode(world.ctx, 0, VALIDATOR_KEYS[0]!, true, null, 0);
  world.nodes.push(node);
  world.queue.after(0, () => node.boot());
  const { commitPauseMs, emptyBlockWaitMs } = world.ctx.params;
  const committedAt = (hash: string): number | undefined =>
    [...world.recorder.committedBy(0).values()].find((entry) => entry.txs.includes(hash))?.timeMs;
  const run = (finished: () => boolean) =>
    runEvents(world, { finished, deadlineMs: () => world.queue.nowMs + 60_000, maxEvents: 1_000_000 });

  await run(() => node.height >= 1);
  const delays: number[] = [];
  for (let nonce = 1; nonce <= 5; nonce++) {
    const { tx, hash } = clientTx(0, nonce, true);
    // Into the proposer's wait: after the commit pause, before it gives up and proposes an empty block.
    const lastCommit = Math.max(...[...world.recorder.committedBy(0).values()].map((e) => e.timeMs));
    const offset = 3 + ((nonce * 37) % Math.max(1, emptyBlockWaitMs - 10));
    let submittedAt = 0;
    world.queue.at(lastCommit + commitPauseMs + offset, () => {
      submittedAt = world.queue.nowMs;
      assert.equal(node.submitTx(tx), 'accepted');
    });
    await run(() => committedAt(hash) !== undefined);
    delays.push(committedAt(hash)! - submittedAt);
  }
  assert.deepEqual(delays, [0, 0, 0, 0, 0], `virtual ms from submission to commit: ${delays.join(', ')}`);
});
