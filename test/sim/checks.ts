// The simulator's safety and liveness checks. Each returns human-readable violations; an empty list is a
// pass. Safety is checked on every run; liveness only for the window after faults heal, when an honest
// quorum is up and connected.
import { CoreError } from '../../src/core/errors.ts';
import type { ValidatorSet } from '../../src/core/validators.ts';
import { verifyCommit } from '../../src/core/vote.ts';
import {
  checkConflictingCommit,
  evidenceOffender,
  verifyEvidence,
  type ForkProof,
} from '../../src/consensus/index.ts';
import { isValidTx } from './app.ts';
import type { SimNode } from './node.ts';
import type { Recorder } from './recorder.ts';

export interface SafetyInput {
  readonly chainId: string;
  readonly set: ValidatorSet;
  readonly nodes: readonly SimNode[];
  readonly recorder: Recorder;
  /** Keys of byzantine validators: the only ones evidence may name. */
  readonly byzantineKeys: ReadonlySet<string>;
  /** Byzantine keys that equivocated in the open, to all peers: evidence must name each. */
  readonly expectEvidenceAgainst: readonly string[];
}

function short(key: string): string {
  return key.slice(0, 8);
}

function describeFork(proof: ForkProof): string {
  return `fork at height ${proof.height}: ${short(proof.commitA.blockHash)} vs ${short(proof.commitB.blockHash)}, signed both: [${proof.doubleSigners.map(short).join(', ')}]`;
}

/** Conflicting decisions between honest nodes, as fork proofs built from their two commits. */
export function findForks(input: SafetyInput): ForkProof[] {
  const honest = input.nodes.filter((n) => n.honest);
  const proofs: ForkProof[] = [];
  const byHeight = new Map<number, { node: number; hash: string }>();
  for (const node of honest) {
    for (const [height, entry] of input.recorder.committedBy(node.id)) {
      const first = byHeight.get(height);
      if (first === undefined) {
        byHeight.set(height, { node: node.id, hash: entry.blockHash });
      } else if (first.hash !== entry.blockHash) {
        const ours = input.recorder.committedBy(first.node).get(height)!.commit;
        const proof = checkConflictingCommit(input.chainId, input.set, ours, entry.commit);
        if (proof !== null) proofs.push(proof);
      }
    }
  }
  return proofs;
}

export function checkSafety(input: SafetyInput): string[] {
  const violations: string[] = [];
  const { recorder } = input;
  const honest = input.nodes.filter((n) => n.honest);

  // 1. No two honest nodes decide different blocks at one height (a fork), reported with its proof.
  for (const proof of findForks(input)) violations.push(`safety: ${describeFork(proof)}`);
  for (const { reporter, proof } of recorder.forks) {
    violations.push(`safety: node ${reporter} detected ${describeFork(proof)}`);
  }

  // 2. Every commit carries > 2/3 of the power in valid signatures, each signer once.
  const appHashes = new Map<number, string>();
  for (const node of honest) {
    for (const [height, entry] of recorder.committedBy(node.id)) {
      if (entry.commit.height !== height || entry.commit.blockHash !== entry.blockHash) {
        violations.push(`safety: node ${node.id} commit at height ${height} is for another block`);
      }
      try {
        verifyCommit(input.chainId, input.set, entry.commit);
      } catch (e) {
        violations.push(`safety: node ${node.id} commit at height ${height}: ${(e as CoreError).message}`);
      }
      // 3. Identical app state after each height.
      const appHash = appHashes.get(height);
      if (appHash === undefined) appHashes.set(height, entry.appHash);
      else if (appHash !== entry.appHash)
        violations.push(`safety: app hash differs at height ${height} (node ${node.id})`);
    }
  }

  // 4. No honest validator signs two different messages for one height, round and type.
  for (const d of recorder.doubleSigns) violations.push(`safety: ${d}`);

  // 5. Every committed tx applied exactly once, and only valid ones.
  for (const node of honest) {
    for (const [tx, count] of node.app.applied) {
      if (count !== 1) violations.push(`safety: node ${node.id} applied ${tx} ${count} times`);
      if (!isValidTx(tx)) violations.push(`safety: node ${node.id} applied invalid ${tx}`);
    }
  }

  // 6. Evidence verifies, never names an honest validator, and open equivocation always yields some.
  const named = new Set<string>();
  for (const { reporter, evidence } of recorder.evidenceLog) {
    const offender = evidenceOffender(evidence);
    named.add(offender);
    try {
      verifyEvidence(input.chainId, input.set, evidence);
    } catch (e) {
      violations.push(
        `safety: node ${reporter} reported evidence that does not verify: ${(e as Error).message}`,
      );
    }
    if (!input.byzantineKeys.has(offender)) {
      violations.push(
        `safety: node ${reporter} reported evidence against honest validator ${short(offender)}`,
      );
    }
  }
  for (const key of input.expectEvidenceAgainst) {
    if (!named.has(key)) violations.push(`safety: equivocating validator ${short(key)} was never reported`);
  }
  return violations;
}

export interface LivenessInput {
  readonly nodes: readonly SimNode[];
  readonly recorder: Recorder;
  readonly healMs: number;
  /** The highest honest height when faults healed. */
  readonly heightAtHeal: number;
  /** How long after healing (and between later heights) an honest node may go without committing. */
  readonly boundMs: number;
  readonly endMs: number;
  readonly targetHeight: number;
  readonly submittedValid: ReadonlySet<string>;
  readonly mempoolMax: number;
  readonly queueSizeMax: number;
  readonly queueSizeLimit: number;
}

export function checkLiveness(input: LivenessInput): string[] {
  const violations: string[] = [];
  for (const node of input.nodes.filter((n) => n.honest)) {
    if (!node.up) violations.push(`liveness: honest node ${node.id} is down after healing`);
    // Every honest node, lagging and restarted ones included, passes the height reached before healing
    // within the bound, then keeps committing with no gap longer than the bound.
    const times = [...input.recorder.committedBy(node.id)]
      .filter(([h]) => h > input.heightAtHeal)
      .sort((a, b) => a[0] - b[0])
      .map(([, e]) => e.timeMs);
    let previousMs = input.healMs;
    for (const t of [...times, input.endMs]) {
      if (t - previousMs > input.boundMs) {
        violations.push(
          `liveness: node ${node.id} went ${t - previousMs} ms without a commit after ${previousMs} (bound ${input.boundMs} ms)`,
        );
        break;
      }
      previousMs = t;
    }
    if (node.app.height < input.targetHeight) {
      violations.push(
        `liveness: node ${node.id} reached height ${node.app.height}, not ${input.targetHeight}`,
      );
    }
    const missing = [...input.submittedValid].filter((tx) => !node.app.applied.has(tx));
    if (missing.length > 0)
      violations.push(
        `liveness: node ${node.id} never included ${missing.length} valid txs, e.g. ${missing[0]}`,
      );
  }
  if (input.recorder.mempoolSizeMax > input.mempoolMax)
    violations.push('liveness: a mempool passed its bound');
  if (input.queueSizeMax > input.queueSizeLimit) {
    violations.push(`liveness: event queue reached ${input.queueSizeMax} (bound ${input.queueSizeLimit})`);
  }
  return violations;
}
