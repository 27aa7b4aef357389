import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TxError, type SignedTx } from '../core/tx.ts';
import { EffectsCache } from './effects.ts';
import { BlockExecutor } from './executor.ts';
import type { TxHandler } from './module.ts';

// A probe handler whose writes depend on everything it may read: the keys named in its payload (a
// read of 'X' refuses the tx) and, if asked, the block height. Any replay that skipped a changed input
// would write a different value, or succeed where the tx must fail.
interface Probe {
  readonly reads: string[];
  readonly writes: string[];
  readonly deletes: string[];
  readonly usesHeight: boolean;
  readonly writesX: boolean;
}
const probe: TxHandler = {
  type: 'probe.run',
  fields: ['reads', 'writes', 'deletes', 'usesHeight', 'writesX'],
  apply(ctx, payload) {
    const p = payload as unknown as Probe;
    let seen = ctx.txHash;
    for (const key of p.reads) {
      const value = ctx.state.get(key);
      if (value === 'X') throw new TxError('tx.rejected', `read X at ${key}`);
      seen += `|${value ?? '-'}`;
    }
    if (p.usesHeight) seen += `@${ctx.height}`;
    for (const key of p.writes) ctx.state.set(key, p.writesX ? 'X' : seen);
    for (const key of p.deletes) ctx.state.delete(key);
  },
};
const handlers = new Map([[probe.type, probe]]);
const KEYS = ['a', 'b', 'c', 'd'];

function probeTx(i: number, p: Probe): { tx: SignedTx; hash: string } {
  const tx = {
    chainId: 'test',
    type: probe.type,
    payload: p,
    signer: `s${i}`,
    nonce: 1,
    signature: '',
  } as unknown as SignedTx;
  return { tx, hash: `h${i}` };
}

function stateOf(values: Record<string, string>): { get: (key: string) => string | undefined } {
  return { get: (key) => values[key] };
}

/** Applies txs in order; returns each outcome (ok or the error code) and the sorted writes. */
function run(
  executor: BlockExecutor,
  txs: readonly { tx: SignedTx; hash: string }[],
): { outcomes: string[]; writes: [string, string | null][] } {
  const outcomes = txs.map(({ tx, hash }) => {
    try {
      executor.apply(tx, hash);
      return 'ok';
    } catch (err) {
      if (!(err instanceof TxError)) throw err;
      return err.code;
    }
  });
  return { outcomes, writes: executor.finish('').writes };
}

function executor(base: Record<string, string>, height: number, effects?: EffectsCache): BlockExecutor {
  return new BlockExecutor(stateOf(base), { chainId: 'test', height, timeMs: 0 }, handlers, [], effects);
}

test('a cached tx whose read changed runs again: a digest anchored first by another tx refuses it', () => {
  const effects = new EffectsCache();
  const late = probeTx(1, { reads: ['a'], writes: ['a'], deletes: [], usesHeight: false, writesX: false });
  const first = probeTx(2, { reads: [], writes: ['a'], deletes: [], usesHeight: false, writesX: true });
  // The mempool checked `late` alone: it passed and its effects were kept.
  assert.deepEqual(run(executor({}, 5, effects), [late]).outcomes, ['ok']);
  // The block puts `first` before it: `late` now reads X and must fail, as it does without a cache.
  assert.deepEqual(run(executor({}, 5, effects), [first, late]).outcomes, ['ok', 'tx.rejected']);
  assert.equal(effects.hits, 0);
});

test('a cached tx on the same inputs is replayed, with the writes a run gives', () => {
  const effects = new EffectsCache();
  const tx = probeTx(1, {
    reads: ['a', 'b'],
    writes: ['c'],
    deletes: ['d'],
    usesHeight: true,
    writesX: false,
  });
  const base = { a: '1', d: '4' };
  run(executor(base, 5, effects), [tx]);
  const replayed = run(executor(base, 5, effects), [tx]);
  assert.equal(effects.hits, 1);
  assert.deepEqual(replayed, run(executor(base, 5), [tx]));
  // At another height the handler, which read the height, runs again.
  const next = run(executor(base, 6, effects), [tx]);
  assert.equal(effects.hits, 1);
  assert.deepEqual(next, run(executor(base, 6), [tx]));
});

test('property: with the cache, any block gives the outcomes and writes of a run without it', () => {
  const probeArb = fc.record({
    reads: fc.subarray(KEYS),
    writes: fc.subarray(KEYS),
    deletes: fc.subarray(KEYS),
    usesHeight: fc.boolean(),
    writesX: fc.boolean(),
  });
  const baseArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom('1', '2', 'X'));
  fc.assert(
    fc.property(
      fc.array(probeArb, { minLength: 1, maxLength: 6 }),
      baseArb,
      baseArb,
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.boolean(),
      (probes, mempoolBase, blockBase, mempoolOrder, blockOrder, nextHeight) => {
        const txs = probes.map((p, i) => probeTx(i, p));
        const pick = (order: number[]) => order.map((n) => txs[n % txs.length]!);
        const effects = new EffectsCache();
        // The mempool checks txs in some order on one state (each tx at most once per executor: its
        // nonce), then a block holds them in another order, on a state a commit may have changed.
        run(executor(mempoolBase, 5, effects), [...new Set(pick(mempoolOrder))]);
        const block = [...new Set(pick(blockOrder))];
        const height = nextHeight ? 6 : 5;
        assert.deepEqual(
          run(executor(blockBase, height, effects), block),
          run(executor(blockBase, height), block),
        );
      },
    ),
    { numRuns: 500 },
  );
});
