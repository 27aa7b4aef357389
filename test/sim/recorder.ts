// What the simulator observes during a run, for the checks in checks.ts: every block a node committed
// (with its commit and the app hash after it), every message an honest validator signed, every piece
// of evidence and fork proof reported, and the high-water marks of the bounded queues.
import type { Commit } from '../../src/core/vote.ts';
import type { ConsensusMessage, ConsensusRecord, Evidence, ForkProof } from '../../src/consensus/index.ts';
import type { SimBlock } from './app.ts';
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
  readonly evidenceLog: { reporter: number; evidence: Evidence }[] = [];
  readonly forks: { reporter: number; proof: ForkProof }[] = [];
  mempoolSizeMax = 0;

  constructor(private readonly now: () => number) {}

  committedBy(node: number): Map<number, CommittedEntry> {
    let m = this.commits.get(node);
    if (m === undefined) {
      m = new Map();
      this.commits.set(node, m);
    }
    return m;
  }

  committed(node: SimNode, block: SimBlock, commit: Commit): void {
    this.committedBy(node.id).set(block.height, {
      blockHash: block.hash,
      commit,
      appHash: node.app.appHash,
      timeMs: this.now(),
      txs: block.txs,
    });
  }

  private signed(node: SimNode, signer: string, key: string, signature: string, description: string): void {
    // Nodes also relay other validators' votes (proofs of lock, catch-up); only their own count here.
    if (!node.honest || signer !== node.publicKey) return;
    const seen = this.signedByHonest.get(key);
    if (seen === undefined) {
      this.signedByHonest.set(key, { signature, description });
    } else if (seen.signature !== signature) {
      this.doubleSigns.push(`honest node ${node.id} signed ${seen.description} and then ${description}`);
    }
  }

  signedMessage(node: SimNode, m: ConsensusMessage<SimBlock>): void {
    if (m.kind === 'vote') {
      const v = m.vote;
      const key = `${v.validator}/${v.height}/${v.round}/${v.type}`;
      this.signed(
        node,
        v.validator,
        key,
        v.signature,
        `${v.type} h${v.height} r${v.round} for ${v.blockHash?.slice(0, 8) ?? 'nil'} t${v.timeMs}`,
      );
    } else {
      const p = m.proposal;
      const key = `${p.proposer}/${p.height}/${p.round}/proposal`;
      this.signed(
        node,
        p.proposer,
        key,
        p.signature,
        `proposal h${p.height} r${p.round} of ${p.blockHash.slice(0, 8)}`,
      );
    }
  }

  persisted(node: SimNode, record: ConsensusRecord<SimBlock>): void {
    if (record.lastPrevote !== null) this.signedMessage(node, { kind: 'vote', vote: record.lastPrevote });
    if (record.lastPrecommit !== null) this.signedMessage(node, { kind: 'vote', vote: record.lastPrecommit });
    if (record.lastProposal !== null) this.signedMessage(node, { kind: 'proposal', ...record.lastProposal });
  }

  evidence(reporter: SimNode, evidence: Evidence): void {
    this.evidenceLog.push({ reporter: reporter.id, evidence });
  }

  fork(reporter: SimNode, proof: ForkProof): void {
    this.forks.push({ reporter: reporter.id, proof });
  }

  mempoolSize(size: number): void {
    this.mempoolSizeMax = Math.max(this.mempoolSizeMax, size);
  }
}
