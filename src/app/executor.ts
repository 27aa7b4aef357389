// Executes txs against state, deterministically. Used three ways: by a proposer filling a block (a tx
// that fails is left out), by a validator checking a proposal and by `verify` replaying the chain (a tx
// that fails makes the block invalid). Replay protection lives here: each signer's txs must carry
// consecutive nonces, so a replayed tx and a tx from the future are both refused.
import type { Genesis } from '../core/genesis.ts';
import { TxError, type SignedTx } from '../core/tx.ts';
import type { AppModule, TxHandler } from './module.ts';
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

  constructor(base: StateReader, context: BlockContext, handlers = defaultHandlers, hooks = defaultHooks) {
    this.overlay = new StateOverlay(base);
    this.context = context;
    this.handlers = handlers;
    // Before any tx: what the block starts from (a validator set activated at this height, say) is the
    // same whether the block is built, checked, replayed, or holds no tx at all.
    for (const hook of hooks) hook(this.overlay, context);
  }

  /** Applies one stateless-checked tx; on TxError nothing of it is written. */
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
    this.overlay.atomically(() => {
      handler.apply({ ...this.context, state: this.overlay, signer: tx.signer, txHash }, tx.payload);
      this.overlay.set(nonceKey(tx.signer), String(tx.nonce));
    });
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
