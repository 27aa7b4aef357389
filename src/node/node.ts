// A carechain node: the ledger, the mempool and block production, with the timers and events that
// the pure layers leave to the shell. The API (src/api) talks to this object only.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { signTx, type TxError } from '../core/tx.ts';
import { systemClock, type Clock } from './env.ts';
import type { KeyPair } from './keys.ts';
import { Ledger } from './ledger.ts';
import {
  DEFAULT_MEMPOOL_OPTIONS,
  Mempool,
  type CheckContext,
  type DroppedTx,
  type MempoolOptions,
} from './mempool.ts';
import { DEFAULT_TX_INTAKE_LIMITS, TxIntake, type TxIntakeLimits } from './intake/tx-intake.ts';
import { NetworkRuntime, type NetworkOptions } from './network.ts';
import { produceSoloBlock, type ProducedBlock } from './solo-producer.ts';
import { openStorage, type Storage } from './storage/index.ts';
import { StoredPendingTxLog } from './store/pending-log.ts';

export interface NodeOptions {
  readonly dataDir: string;
  /**
   * Where the stores live: absent or 'sqlite' for SQLite files in dataDir, a postgres:// URL, or
   * 'memory'. Ignored when a storage is given in NodeDependencies.
   */
  readonly database?: string;
  readonly genesis: unknown;
  readonly key: KeyPair;
  /** Pause between blocks while txs are pending. */
  readonly blockIntervalMs: number;
  /** Longest pause without a block when nothing is pending (empty blocks keep time and liveness visible). */
  readonly emptyBlockIntervalMs: number;
  readonly mempool?: MempoolOptions;
  /** Rate limits on txs from API clients and peers (intake/tx-intake.ts). */
  readonly intake?: TxIntakeLimits;
  /** Present for a member of a multi-validator network; absent for a single-validator dev chain. */
  readonly network?: NetworkOptions;
}

export interface NodeDependencies {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** A storage opened by the caller (the simulator's memory), which the caller also closes. */
  readonly storage?: Storage;
}

export interface CommittedTx {
  readonly hash: string;
  readonly height: number;
  readonly blockHash: string;
}

/** Someone waiting for a tx's commit; `hash` follows the tx when the node re-signs it (finding 9). */
interface Waiter {
  hash: string;
  readonly resolve: (tx: CommittedTx | undefined) => void;
}

/** How many re-signed txs' old hashes are remembered, for a wait that starts after the re-signing. */
const RESIGNED_HASHES_MAX = 10_000;

export interface NodeEvents {
  block: [ProducedBlock];
  dropped: [{ hash: string; error: TxError }];
}

export class CarechainNode extends EventEmitter<NodeEvents> {
  readonly ledger: Ledger;
  readonly mempool: Mempool;
  /** Every store of the node goes through it: ledger, mempool log, vault, directory, break-glass. */
  readonly storage: Storage;
  private readonly ownsStorage: boolean;
  readonly intake: TxIntake;
  readonly key: KeyPair;
  private readonly options: NodeOptions;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** A re-signed own tx's old hash → its new one (oldest first, at most RESIGNED_HASHES_MAX). */
  private readonly resigned = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private networkRuntime: NetworkRuntime | undefined;
  private readonly pendingLog: StoredPendingTxLog;
  private lastBlockAtMs = 0;
  private stopped = true;

  constructor(options: NodeOptions, deps: NodeDependencies) {
    super();
    this.options = options;
    this.logger = deps.logger;
    this.clock = deps.clock ?? systemClock;
    this.key = options.key;
    this.ownsStorage = deps.storage === undefined;
    this.storage = deps.storage ?? openStorage({ dataDir: options.dataDir, database: options.database });
    try {
      // Before anything is opened: a second process signing as this validator must not start.
      this.storage.lockValidator(options.key.publicKey);
      this.ledger = Ledger.open(this.storage, options.genesis);
      this.pendingLog = new StoredPendingTxLog(this.storage.open('mempool'));
    } catch (err) {
      if (this.ownsStorage) this.storage.close();
      throw err;
    }
    this.mempool = new Mempool(
      options.mempool ?? DEFAULT_MEMPOOL_OPTIONS,
      this.checkContext(),
      this.pendingLog,
      this.ledger.effects,
    );
    this.intake = new TxIntake(options.intake ?? DEFAULT_TX_INTAKE_LIMITS, {
      mempool: this.mempool,
      clock: this.clock,
      chainId: this.ledger.chainId,
    });
    this.mempool.onDropped((dropped) => this.resubmitOwn(dropped));
  }

  /** Starts block production (solo) or joins the network; resolves with the P2P port when networked. */
  async start(): Promise<{ p2pPort?: number }> {
    this.stopped = false;
    this.lastBlockAtMs = this.clock.nowMs();
    const tip = this.ledger.tip();
    const restored = this.mempool.restore();
    this.logger.info({ chainId: this.ledger.chainId, height: tip.height, restored }, 'node started');
    if (this.options.network === undefined) {
      this.schedule();
      return {};
    }
    this.networkRuntime = new NetworkRuntime(this.options.network, {
      ledger: this.ledger,
      mempool: this.mempool,
      key: this.key,
      clock: this.clock,
      logger: this.logger,
      onCommitted: (block) => this.afterCommit(block),
      admitPeerTx: (peer, tx) => this.intake.fromPeer(peer, tx),
    });
    const { port } = await this.networkRuntime.start();
    return { p2pPort: port };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.networkRuntime?.stop();
    this.pendingLog.close();
    this.ledger.close();
    if (this.ownsStorage) this.storage.close();
  }

  get network(): NetworkRuntime | undefined {
    return this.networkRuntime;
  }

  /** Admits a tx to the mempool and gossips it; throws TxError or NodeError with a stable code. */
  submit(input: unknown): string {
    const candidate = this.mempool.add(input);
    // Txs from clients are on disk before the client hears "accepted"; gossiped ones are batched.
    this.pendingLog.flush();
    this.networkRuntime?.gossipTx(candidate.tx);
    return candidate.hash;
  }

  /**
   * A tx from an API client at address `client`: through the intake's limits (429 and 403 codes), then
   * as submit(). The node's own txs go through submit() directly.
   */
  submitFromClient(client: string, input: unknown): string {
    const candidate = this.intake.fromClient(client, input);
    this.pendingLog.flush();
    this.networkRuntime?.gossipTx(candidate.tx);
    return candidate.hash;
  }

  /**
   * Resolves when the tx is committed, or with undefined after timeoutMs or once it was refused at
   * commit. If the node re-signs its own tx (resubmitOwn), the wait follows it and resolves with the
   * hash that committed.
   */
  waitForCommit(hash: string, timeoutMs: number): Promise<CommittedTx | undefined> {
    let current = hash;
    for (let next = this.resigned.get(current); next !== undefined; next = this.resigned.get(current)) {
      current = next;
    }
    const stored = this.ledger.store.tx(current);
    if (stored !== undefined) {
      const blockHash = this.ledger.store.block(stored.height)?.hash ?? '';
      return Promise.resolve({ hash: current, height: stored.height, blockHash });
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        hash: current,
        resolve: (tx) => {
          clearTimeout(timeout);
          const set = this.waiters.get(waiter.hash);
          set?.delete(waiter);
          if (set?.size === 0) this.waiters.delete(waiter.hash);
          resolve(tx);
        },
      };
      const timeout = setTimeout(() => waiter.resolve(undefined), timeoutMs);
      this.addWaiter(waiter);
    });
  }

  private addWaiter(waiter: Waiter): void {
    const set = this.waiters.get(waiter.hash) ?? new Set<Waiter>();
    set.add(waiter);
    this.waiters.set(waiter.hash, set);
  }

  /**
   * Finding 9 (issue 10): the node's own txs (access events, record registrations, supply events,
   * evidence) share one nonce sequence. One that fails when its block is applied (an access event whose
   * consent was revoked or ran out in the block before it) leaves every later one behind a nonce gap,
   * and each would be dropped and its read or write wait out its timeout with 503. Those are re-signed
   * here, in their order, with fresh nonces and resubmitted, and their waiters follow them; the waiters
   * of one that failed for its own reason are told at once.
   */
  private resubmitOwn(dropped: readonly DroppedTx[]): void {
    for (const { hash, error, tx } of dropped) {
      if (tx.signer !== this.key.publicKey) continue;
      if (error.code !== 'tx.nonce_gap') {
        this.settle(hash);
        continue;
      }
      const nonce = this.mempool.nextNonce(this.key.publicKey);
      const fresh = signTx(this.key.seed, { chainId: tx.chainId, type: tx.type, payload: tx.payload, nonce });
      try {
        this.follow(hash, this.submit(fresh));
      } catch (err) {
        const code = err instanceof Error && 'code' in err ? String(err.code) : 'unknown';
        this.logger.warn({ type: tx.type, code }, 'a re-signed own tx was refused');
        this.settle(hash);
      }
    }
  }

  /** Moves the waiters of `from` to its re-signed tx `to`. */
  private follow(from: string, to: string): void {
    this.resigned.set(from, to);
    if (this.resigned.size > RESIGNED_HASHES_MAX) this.resigned.delete(this.resigned.keys().next().value!);
    const set = this.waiters.get(from);
    if (set === undefined) return;
    this.waiters.delete(from);
    for (const waiter of set) {
      waiter.hash = to;
      this.addWaiter(waiter);
    }
  }

  /** Resolves the waiters of a tx that will not commit. */
  private settle(hash: string): void {
    for (const waiter of [...(this.waiters.get(hash) ?? [])]) waiter.resolve(undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), this.options.blockIntervalMs);
  }

  private tick(): void {
    if (this.stopped) return;
    try {
      const idleMs = this.clock.nowMs() - this.lastBlockAtMs;
      if (this.mempool.size > 0 || idleMs >= this.options.emptyBlockIntervalMs) this.produce();
    } catch (err) {
      this.logger.error({ err }, 'block production failed');
    }
    this.schedule();
  }

  private produce(): void {
    const produced = produceSoloBlock(this.ledger, this.mempool, this.key, this.clock);
    this.lastBlockAtMs = this.clock.nowMs();
    for (const { hash, error } of this.mempool.update(produced.txHashes, this.checkContext())) {
      this.emit('dropped', { hash, error });
    }
    this.afterCommit(produced);
  }

  private afterCommit(produced: ProducedBlock): void {
    for (const hash of produced.txHashes) {
      for (const waiter of [...(this.waiters.get(hash) ?? [])]) {
        waiter.resolve({ hash, height: produced.height, blockHash: produced.hash });
      }
    }
    this.logger.debug({ height: produced.height, txs: produced.txHashes.length }, 'block committed');
    this.emit('block', produced);
  }

  private checkContext(): CheckContext {
    const tip = this.ledger.tip();
    return {
      chainId: this.ledger.chainId,
      state: this.ledger.store.latestState,
      nextHeight: tip.height + 1,
      timeMs: tip.timeMs,
    };
  }
}
