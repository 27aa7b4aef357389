// What the simulator observes during a run, for the checks in checks.ts: every block a node committed
// (with its commit and the app hash after it, read back from its ledger), every message an honest
// validator signed, every vote any node sent (for the locking check), every piece of evidence reported,
// what any node's code threw or logged as an error, and the high-water marks of the bounded queues.
import type { ConsensusRecord, Evidence, Proposal } from '../../src/consensus/index.ts';
import type { BlockValue, WireMessage } from '../../src/node/consensus/wire.ts';
import type { Commit, Vote } from '../../src/core/vote.ts';
import type { ValidatorSet } from '../../src/core/validators.ts';
import type { SimNode } from './node.ts';

export interface CommittedEntry {
  readonly blockHash: string;
  readonly commit: Commit;
  readonly appHash: string;
  readonly timeMs: number;
  readonly txs: readonly string[];
}

export interface SignedEntry {
  readonly signature: string;
  readonly description: string;
}

export class Recorder {
  /** Per node id, per height. */
  readonly commits = new Map<number, Map<number, CommittedEntry>>();
  /** Per honest signer, "height/round/type" -> what it signed; a second, different entry is a violation. */
  readonly signedByHonest = new Map<string, SignedEntry>();
  readonly doubleSigns: string[] = [];
  /** Each distinct vote an honest validator signed, in the order first seen (for the locking check). */
  readonly honestVotes: Vote[] = [];
  /** Every distinct vote any node sent (honest or not, valid signature or not), by signature. */
  readonly votesSent = new Map<string, Vote>();
  readonly evidenceLog: { reporter: number; evidence: Evidence }[] = [];
  /** Exceptions that escaped node code (a real node would have died), and errors it logged. */
  readonly failures: string[] = [];
  mempoolSizeMax = 0;
  /**
   * Per height, the set that signed it and the one that signs the next, as the first honest node to
   * commit it read them from its chain (honest nodes agree: the checks compare their app hashes).
   */
  readonly sets = new Map<number, { readonly signed: ValidatorSet; readonly next: ValidatorSet }>();

  constructor(private readonly now: () => number) {}

  committedBy(node: number): Map<number, CommittedEntry> {
    let m = this.commits.get(node);
    if (m === undefined) {
      m = new Map();
      this.commits.set(node, m);
    }
    return m;
  }

  committed(node: SimNode, height: number, txHashes: readonly string[]): void {
    const store = node.ledger.store;
    const stored = store.block(height)!;
    this.committedBy(node.id).set(height, {
      blockHash: stored.hash,
      commit: store.commit(height)!,
      appHash: stored.block.header.appHash,
      timeMs: this.now(),
      txs: txHashes,
    });
    if (node.honest && !this.sets.has(height)) {
      const { last, next } = node.ledger.chainSets();
      this.sets.set(height, { signed: last, next });
    }
  }

  /** The set that signs `height`: recorded, else announced by the height before, else `fallback`. */
  setAt(height: number, fallback: ValidatorSet): ValidatorSet {
    return this.sets.get(height)?.signed ?? this.sets.get(height - 1)?.next ?? fallback;
  }

  /** Just the signing sets by height, for the churn check. */
  signingSets(): Map<number, ValidatorSet> {
    return new Map([...this.sets].map(([height, sets]) => [height, sets.signed]));
  }

  /** True the first time an honest node's own signature is seen. */
  private signed(
    node: SimNode,
    signer: string,
    key: string,
    signature: string,
    description: string,
  ): boolean {
    // Nodes also relay other validators' votes (proofs of lock, catch-up); only their own count here.
    if (!node.honest || signer !== node.publicKey) return false;
    const seen = this.signedByHonest.get(key);
    if (seen === undefined) {
      this.signedByHonest.set(key, { signature, description });
      return true;
    } else if (seen.signature !== signature) {
      this.doubleSigns.push(`honest node ${node.id} signed ${seen.description} and then ${description}`);
      return true;
    }
    return false;
  }

  signedVote(node: SimNode, v: Vote): void {
    const first = this.signed(
      node,
      v.validator,
      `${v.validator}/${v.height}/${v.round}/${v.type}`,
      v.signature,
      `${v.type} h${v.height} r${v.round} for ${v.blockHash?.slice(0, 8) ?? 'nil'} t${v.timeMs}`,
    );
    if (first) this.honestVotes.push(v);
  }

  signedProposal(node: SimNode, p: Proposal): void {
    this.signed(
      node,
      p.proposer,
      `${p.proposer}/${p.height}/${p.round}/proposal`,
      p.signature,
      `proposal h${p.height} r${p.round} of ${p.blockHash.slice(0, 8)}`,
    );
  }

  /** A gossip message as it leaves a node. */
  sent(node: SimNode, m: WireMessage): void {
    if (m.t === 'vote') {
      this.votesSent.set(m.vote.signature, m.vote);
      this.signedVote(node, m.vote);
    } else if (m.t === 'proposal') {
      this.signedProposal(node, m.proposal);
    }
  }

  persisted(node: SimNode, record: ConsensusRecord<BlockValue>): void {
    if (record.lastPrevote !== null) this.signedVote(node, record.lastPrevote);
    if (record.lastPrecommit !== null) this.signedVote(node, record.lastPrecommit);
    if (record.lastProposal !== null) this.signedProposal(node, record.lastProposal.proposal);
  }

  evidence(reporter: SimNode, evidence: Evidence): void {
    this.evidenceLog.push({ reporter: reporter.id, evidence });
  }

  threw(node: SimNode, err: unknown): void {
    const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
    this.failures.push(`node ${node.id} threw: ${message}`);
  }

  /** A line the node logged at level error or above. */
  logged(node: SimNode, line: string): void {
    const { msg, err } = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    this.failures.push(
      `node ${node.id} logged an error: ${msg ?? ''}${err?.message ? `: ${err.message}` : ''}`,
    );
  }

  mempoolSize(size: number): void {
    this.mempoolSizeMax = Math.max(this.mempoolSizeMax, size);
  }
}
