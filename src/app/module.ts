// What an app module provides: handlers for its tx types, and its genesis state.
import type { CanonicalValue } from '../core/canonical.ts';
import type { Genesis } from '../core/genesis.ts';
import { exactObject, type PayloadObject } from './payload.ts';
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
  /**
   * The payload's fields. The executor checks them once, before apply (exactObject): a payload that is
   * not an object, lacks one of these or has any field beyond them and `optionalFields` is invalid.
   */
  readonly fields: readonly string[];
  /** Fields the payload may carry besides `fields`. */
  readonly optionalFields?: readonly string[];
  /** Applies a tx; throws TxError('tx.invalid_payload' | 'tx.rejected') and then has written nothing. */
  apply(ctx: TxContext, payload: PayloadObject): void;
}

/** A tx's payload as its handler receives it: an object with exactly the fields the handler declares. */
export function handlerPayload(handler: TxHandler, payload: CanonicalValue): PayloadObject {
  return exactObject(payload, `${handler.type} payload`, handler.fields, handler.optionalFields);
}

/** The block a beginBlock hook runs for. */
export interface BlockInfo {
  readonly chainId: string;
  readonly height: number;
  readonly timeMs: number;
}

export interface AppModule {
  readonly name: string;
  readonly handlers: readonly TxHandler[];
  /**
   * Runs before the block's first tx, in every block, empty ones included (governance activates a
   * scheduled validator set here). Must be deterministic and must not throw on any state the module's
   * own txs can leave; writing nothing keeps the block's app hash as it would be without the hook.
   */
  readonly beginBlock?: (state: StateOverlay, block: BlockInfo) => void;
  /** Writes this module's initial state from genesis (its own part is genesis.app[name]). */
  initGenesis?(state: StateOverlay, genesis: Genesis): void;
}
