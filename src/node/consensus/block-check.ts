// Checks a block that came from a peer (a proposal or block sync) before the ledger executes it: every
// tx must pass the stateless check (shape, size, chain, signature). Txs this node already verified (in
// its mempool, or in a block it checked before) are not verified twice.
import { encodeTx, checkTxStateless, txHashOfBytes } from '../../core/tx.ts';
import type { Block } from '../../core/block.ts';
import { TxError } from '../../core/tx.ts';
import { CoreError } from '../../core/errors.ts';
import { BoundedMap } from '../../core/bounded-map.ts';

/** A bounded set of tx hashes whose signatures verified; cleared whole when full. */
export class VerifiedTxCache {
  private readonly hashes: BoundedMap<string, true>;
  constructor(sizeMax = 200_000) {
    this.hashes = new BoundedMap(sizeMax);
  }
  has(hash: string): boolean {
    return this.hashes.has(hash);
  }
  add(hash: string): void {
    this.hashes.set(hash, true);
  }
}

/** Returns the encoded txs of a block after checking each; throws CoreError naming the first bad tx. */
export function checkBlockTxs(
  block: Block,
  chainId: string,
  alreadyVerified: (hash: string) => boolean,
  cache: VerifiedTxCache,
): Uint8Array[] {
  return block.txs.map((tx, i) => {
    let encoded: Uint8Array;
    try {
      encoded = encodeTx(tx);
    } catch {
      throw new CoreError('block.bad_tx', `tx ${i} is not canonical`, { position: i });
    }
    const hash = txHashOfBytes(encoded);
    if (alreadyVerified(hash) || cache.has(hash)) return encoded;
    try {
      const checked = checkTxStateless(JSON.parse(new TextDecoder().decode(encoded)), chainId);
      cache.add(hash);
      return checked.encoded;
    } catch (err) {
      if (err instanceof TxError) {
        throw new CoreError('block.bad_tx', `tx ${i}: ${err.message}`, { position: i, code: err.code });
      }
      throw err;
    }
  });
}
