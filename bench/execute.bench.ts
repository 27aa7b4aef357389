// `npm run bench:execute`: the CPU time per tx of executing notary anchors the way a validator does,
// at mempool entry, in the block it builds and in the block it checks, with the ledger's effects cache
// (the mempool records, build and check replay) and without it (every execution runs the handler),
// alternating so the machine's drift lands on both. Signatures are checked before the measured part:
// this is execution only. Ends with one JSON line (µs of process CPU per tx, medians).
import { checkTxStateless } from '../src/core/tx.ts';
import { keyPairFromSeed } from '../src/node/keys.ts';
import { DEFAULT_MEMPOOL_OPTIONS, Mempool } from '../src/node/mempool.ts';
import { anchorTx, openTestChain, seedOf, tempDir, validatorKey } from '../test/harness/chain.ts';

const TXS = 2_000;
const ROUNDS = 6;
const signers = Array.from({ length: 200 }, (_, i) => keyPairFromSeed(seedOf(`execute-bench-${i}`)));

/** µs of CPU per tx for mempool entry + build + check of one block of TXS anchors. */
function cpuMicrosPerTx(withCache: boolean, round: number): number {
  const dir = tempDir('carechain-bench-execute-');
  const { ledger } = openTestChain(dir.path);
  try {
    const tip = ledger.tip();
    const context = {
      chainId: ledger.chainId,
      state: ledger.state,
      nextHeight: tip.height + 1,
      timeMs: tip.timeMs,
    };
    const mempool = new Mempool(
      DEFAULT_MEMPOOL_OPTIONS,
      context,
      undefined,
      withCache ? ledger.effects : undefined,
    );
    const txs = Array.from({ length: TXS }, (_, i) => {
      const signer = signers[i % signers.length]!;
      return checkTxStateless(
        anchorTx(signer, Math.floor(i / signers.length) + 1, `${round}/${i}`),
        ledger.chainId,
      );
    });
    const start = process.cpuUsage();
    for (const { tx, encoded } of txs) mempool.addChecked(tx, encoded);
    const { prepared } = ledger.buildBlock(mempool.reap(TXS), validatorKey.publicKey, null);
    const checked = ledger.prepareBlock(prepared.block, prepared.write.encodedTxs);
    const used = process.cpuUsage(start);
    if (checked.hash !== prepared.hash || prepared.block.txs.length !== TXS) throw new Error('block differs');
    return (used.user + used.system) / TXS;
  } finally {
    ledger.close();
    dir.remove();
  }
}

const without: number[] = [];
const withCache: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  without.push(cpuMicrosPerTx(false, round));
  withCache.push(cpuMicrosPerTx(true, round));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`without the effects cache: ${without.map((x) => x.toFixed(0)).join(', ')} µs/tx`);
console.log(`with it:                   ${withCache.map((x) => x.toFixed(0)).join(', ')} µs/tx`);
console.log(
  JSON.stringify({
    bench: 'execute',
    txs: TXS,
    cpuMicrosPerTxWithout: +median(without).toFixed(1),
    cpuMicrosPerTxWith: +median(withCache).toFixed(1),
    ratio: +(median(withCache) / median(without)).toFixed(3),
  }),
);
