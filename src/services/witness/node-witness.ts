// Everything C2SP a member node serves (issue 15), composed once per node: the cosigned checkpoint
// (GET /checkpoint), its keys and policy, tlog-proof files for any tx, its own tlog-witness
// (POST /add-checkpoint, state in the node's 'witness' store) and fork reports from outside witnesses.
import type { Logger } from 'pino';
import { formatProof, formatVkey } from '../../core/c2sp/index.ts';
import { fromHex } from '../../core/bytes.ts';
import type { CarechainNode } from '../../node/node.ts';
import { proveInclusion } from '../../node/proofs.ts';
import { WitnessStateStore } from '../../node/storage/witness-state.ts';
import { ServiceError } from '../errors.ts';
import { CosignedCheckpoints } from './cosigned-checkpoints.ts';
import { reportFork } from './fork-report.ts';
import type { ForkEvidenceKind } from '../../app/consensus/fork-evidence.ts';
import { Witness } from './witness.ts';

export interface WitnessKeys {
  readonly origin: string;
  readonly node: { readonly log: string; readonly witness: string } | null;
  readonly members: readonly {
    readonly orgId: string;
    readonly policyName: string;
    readonly nodeKey: string;
    readonly power: number;
    readonly log: string;
    readonly witness: string;
  }[];
}

export class NodeWitness {
  readonly checkpoints: CosignedCheckpoints;
  private readonly node: CarechainNode;
  private readonly logger: Logger;
  private readonly store: WitnessStateStore;
  private made: Witness | undefined;

  constructor(node: CarechainNode, options: { pullIntervalMs?: number }, deps: { logger: Logger }) {
    this.node = node;
    this.logger = deps.logger;
    this.checkpoints = new CosignedCheckpoints(node, options, deps);
    this.store = WitnessStateStore.open(node.storage);
  }

  /**
   * This node's tlog-witness, made once its key is a member's node key (at start, or from the commit
   * that admits it); undefined before. Its state is the node's 'witness' store either way.
   */
  get witness(): Witness | undefined {
    if (this.made !== undefined) return this.made;
    const me = this.checkpoints.me;
    if (me === undefined) return undefined;
    this.made = new Witness(
      {
        seed: this.node.key.seed,
        cosigner: me.cosigner,
        // The logs of the tip's identity: a member voted in may sign as the log from its admission.
        logs: (origin) => {
          const identity = this.checkpoints.identity;
          return origin === identity.origin ? identity.witnesses.map((w) => w.log) : undefined;
        },
      },
      {
        store: this.store,
        nowMs: () => Date.now(),
        onFork: (refused) => {
          try {
            this.reportFork(refused.kind, refused.note);
          } catch (err) {
            this.logger.warn({ err }, 'a refused checkpoint was not reported as fork evidence');
          }
        },
      },
    );
    return this.made;
  }

  start(): void {
    this.checkpoints.start();
  }

  stop(): void {
    this.checkpoints.stop();
  }

  keys(): WitnessKeys {
    const { identity } = this.checkpoints;
    const me = identity.byNodeKey(this.node.key.publicKey);
    return {
      origin: identity.origin,
      node: me === undefined ? null : { log: formatVkey(me.log), witness: formatVkey(me.cosigner) },
      members: identity.witnesses.map((w) => ({
        orgId: w.orgId,
        policyName: w.policyName,
        nodeKey: w.nodeKey,
        power: w.power,
        log: formatVkey(w.log),
        witness: formatVkey(w.cosigner),
      })),
    };
  }

  policy(): string {
    return this.checkpoints.policyInForce().text;
  }

  /** A c2sp.org/tlog-proof@v1 of a committed tx against the latest cosigned checkpoint; extra = the tx. */
  tlogProof(txHash: string): string {
    const stored = this.node.ledger.tx(txHash);
    if (stored === undefined)
      throw new ServiceError('tx.not_found', 'no committed tx has that hash', { txHash });
    const checkpoint = this.checkpoints.latest();
    if (stored.logIndex >= checkpoint.size) {
      throw new ServiceError('proof.out_of_range', 'the tx is not yet under a cosigned checkpoint; retry', {
        leafIndex: stored.logIndex,
        treeSize: checkpoint.size,
      });
    }
    const inclusion = proveInclusion(this.node.ledger, txHash, checkpoint.height);
    return formatProof({
      extra: stored.encoded,
      index: inclusion.leafIndex,
      path: inclusion.auditPath.map(fromHex),
      checkpoint: checkpoint.note,
    });
  }

  /** Commits fork evidence reported by a witness, once checked against this chain's own log. */
  reportFork(kind: ForkEvidenceKind, note: string): string {
    return reportFork(this.node, this.checkpoints.identity, this.logger, { kind, note });
  }
}
