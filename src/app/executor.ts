// Executes txs against state, deterministically. Used three ways: by a proposer filling a block (a tx
// that fails is left out), by a validator checking a proposal and by `verify` replaying the chain (a tx
// that fails makes the block invalid). Replay protection lives here: each signer's txs must carry
// consecutive nonces, so a replayed tx and a tx from the future are both refused.
import type { Genesis } from '../core/genesis.ts';
import { TxError, type SignedTx } from '../core/tx.ts';
import type { EffectsCache } from './effects.ts';
import type { PayloadObject } from './payload.ts';
import { handlerPayload, type AppModule, type TxContext, type TxHandler } from './module.ts';
import { beginBlockHooks, handlerTable, APP_MODULES } from './registry.ts';
import { nextAppHash, StateOverlay, type StateReader } from './state.ts';

export function nonceKey(signer: string): string {
  return `nonce/${signer}`;
}

/** The last nonce a signer used, 0 before its first tx. */
export function lastNonce(state: StateReader, signer: string): number {
  const value = state.get(nonceKey(signer));
  return value === undefined ? 0 : Number(value);
}

export interface BlockContext {
  readonly chainId: string;
  readonly height: number;
  readonly timeMs: number;
}

export interface ExecutionResult {
  readonly writes: [string, string | null][];
  readonly appHash: string;
}

const defaultHandlers = handlerTable(APP_MODULES);
const defaultHooks = beginBlockHooks(APP_MODULES);

export class BlockExecutor {
  private readonly overlay: StateOverlay;
  private readonly context: BlockContext;
  private readonly handlers: ReadonlyMap<string, TxHandler>;
  private readonly effects: EffectsCache | undefined;

  /** With effects, a tx executed before on the same inputs has its writes replayed (see apply). */
  constructor(
    base: StateReader,
    context: BlockContext,
    handlers = defaultHandlers,
    hooks = defaultHooks,
    effects?: EffectsCache,
  ) {
    this.overlay = new StateOverlay(base);
    this.context = context;
    this.handlers = handlers;
    this.effects = effects;
    // Before any tx: what the block starts from (a validator set activated at this height, say) is the
    // same whether the block is built, checked, replayed, or holds no tx at all.
    for (const hook of hooks) hook(this.overlay, context);
  }

  /**
   * Applies one stateless-checked tx; on TxError nothing of it is written. The nonce is always checked
   * here; the handler runs unless the effects cache holds this tx's effects and every input they came
   * from is the same now (replayed).
   */
  apply(tx: SignedTx, txHash: string): void {
    const handler = this.handlers.get(tx.type);
    if (handler === undefined) {
      throw new TxError('tx.unknown_type', `no module handles ${tx.type}`, { type: tx.type });
    }
    const expected = lastNonce(this.overlay, tx.signer) + 1;
    if (tx.nonce < expected) {
      throw new TxError('tx.nonce_replayed', 'nonce already used', { expected, actual: tx.nonce });
    }
    if (tx.nonce > expected) {
      throw new TxError('tx.nonce_gap', 'nonce skips ahead of the signer’s next nonce', {
        expected,
        actual: tx.nonce,
      });
    }
    // Checked before any handler code runs, whether the handler runs or its effects are replayed.
    const payload = handlerPayload(handler, tx.payload);
    this.overlay.atomically(() => {
      if (!this.replayed(txHash)) this.execute(handler, tx.signer, payload, txHash);
      this.overlay.set(nonceKey(tx.signer), String(tx.nonce));
    });
  }

  /**
   * Writes the cached effects of txHash if the handler would compute them again: the block fields it
   * read and every state value it read are the same as when it ran (a handler is a pure function of
   * those and the tx, which the hash fixes, signature included).
   */
  private replayed(txHash: string): boolean {
    const effects = this.effects?.get(txHash);
    if (effects === undefined) return false;
    const { height, timeMs } = this.context;
    if (effects.height !== undefined && effects.height !== height) return false;
    if (effects.timeMs !== undefined && effects.timeMs !== timeMs) return false;
    for (const [key, value] of effects.reads) if (this.overlay.get(key) !== value) return false;
    for (const [key, value] of effects.writes) {
      if (value === null) this.overlay.delete(key);
      else this.overlay.set(key, value);
    }
    this.effects!.hits++;
    return true;
  }

  /** Runs the handler; with a cache, records what it read and wrote for a later replay. */
  private execute(handler: TxHandler, signer: string, payload: PayloadObject, txHash: string): void {
    const context = this.context;
    const cache = this.effects;
    if (cache === undefined) {
      handler.apply({ ...context, state: this.overlay, signer, txHash }, payload);
      return;
    }
    let height: number | undefined;
    let timeMs: number | undefined;
    const ctx: TxContext = {
      chainId: context.chainId,
      state: this.overlay,
      signer,
      txHash,
      get height() {
        height = context.height;
        return height;
      },
      get timeMs() {
        timeMs = context.timeMs;
        return timeMs;
      },
    };
    const recorded = this.overlay.recordEffects(() => handler.apply(ctx, payload));
    cache.misses++;
    if (recorded !== undefined) {
      cache.set(txHash, { reads: recorded.reads, writes: recorded.writes, height, timeMs });
    }
  }

  /** Reads through the pending writes, e.g. to check a mempool tx against the block being built. */
  get state(): StateReader {
    return this.overlay;
  }

  finish(previousAppHash: string): ExecutionResult {
    const writes = this.overlay.sortedWrites();
    return { writes, appHash: nextAppHash(previousAppHash, writes) };
  }
}

/** The state before block 1: each module's genesis, hashed on top of the genesis hash. */
export function executeGenesis(
  genesis: Genesis,
  genesisHashHex: string,
  modules: readonly AppModule[] = APP_MODULES,
): ExecutionResult {
  const overlay = new StateOverlay({ get: () => undefined });
  for (const module of modules) module.initGenesis?.(overlay, genesis);
  const writes = overlay.sortedWrites();
  return { writes, appHash: nextAppHash(genesisHashHex, writes) };
}
