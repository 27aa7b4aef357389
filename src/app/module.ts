// What an app module provides: handlers for its tx types, and its genesis state.
import type { CanonicalValue } from '../core/canonical.ts';
import type { Genesis } from '../core/genesis.ts';
import type { StateOverlay } from './state.ts';

export interface TxContext {
  readonly chainId: string;
  readonly state: StateOverlay;
  readonly signer: string;
  readonly txHash: string;
  readonly height: number;
  readonly timeMs: number;
}

export interface TxHandler {
  /** "module.action". */
  readonly type: string;
  /** Applies a tx; throws TxError('tx.invalid_payload' | 'tx.rejected') and then has written nothing. */
  apply(ctx: TxContext, payload: CanonicalValue): void;
}

export interface AppModule {
  readonly name: string;
  readonly handlers: readonly TxHandler[];
  /** Writes this module's initial state from genesis (its own part is genesis.app[name]). */
  initGenesis?(state: StateOverlay, genesis: Genesis): void;
}
