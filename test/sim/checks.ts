// The simulator's safety and liveness checks. Each returns human-readable violations; an empty list is a
// pass. Safety is checked on every run; liveness only for the window after faults heal, when an honest
// quorum is up and connected. Besides the outcome (no fork), safety checks the protocol's own rules on
// what honest validators signed: never two messages for one step, and never a prevote against their
// lock without a newer polka (the locking rule, which a fork needs unlucky timing to expose).
import { CoreError } from '../../src/core/errors.ts';
import { findValidator, hasQuorum, type ValidatorSet } from '../../src/core/validators.ts';
import { verifyCommit, type Vote } from '../../src/core/vote.ts';
import {
  checkConflictingCommit,
  evidenceHeight,
  evidenceOffender,
  verifyEvidence,
  type ForkProof,
  type Verifier,
} from '../../src/consensus/index.ts';
import type { SimNode } from './node.ts';
import type { Recorder } from './recorder.ts';

export interface SafetyInput {
  readonly chainId: string;
  /** Genesis' set. */
  readonly set: ValidatorSet;
  /**
   * The set that signs each height. Commits, forks, locks and evidence of a height are judged by it, so
   * under churn a vote of a key voted out (or not yet in) counts for nothing.
   */
  readonly setAt: (height: number) => ValidatorSet;
  readonly nodes: readonly SimNode[];
  readonly recorder: Recorder;
  /** Keys of byzantine validators: the only ones evidence may name. */
  readonly byzantineKeys: ReadonlySet<string>;
  /** Byzantine keys that equivocated in the open, to all peers: evidence must name each. */
  readonly expectEvidenceAgainst: readonly string[];
  /** Hashes of txs whose signature does not verify: no honest node may commit one. */
  readonly invalidTxs: ReadonlySet<string>;
  readonly verifier: Verifier;
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
        const proof = checkConflictingCommit(input.chainId, input.setAt(height), ours, entry.commit);
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

  // 0. Node code never throws out of a step (a real node would die) nor logs an error.
  for (const failure of recorder.failures) violations.push(`safety: ${failure}`);

  // 1. No two honest nodes decide different blocks at one height (a fork), reported with its proof.
  for (const proof of findForks(input)) violations.push(`safety: ${describeFork(proof)}`);

  // 2. Every commit carries > 2/3 of the power in valid signatures, each signer once.
  const appHashes = new Map<number, string>();
  for (const node of honest) {
    for (const [height, entry] of recorder.committedBy(node.id)) {
      if (entry.commit.height !== height || entry.commit.blockHash !== entry.blockHash) {
        violations.push(`safety: node ${node.id} commit at height ${height} is for another block`);
      }
      try {
        verifyCommit(input.chainId, input.setAt(height), entry.commit);
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
    for (const [tx, count] of node.applied) {
      if (count !== 1) violations.push(`safety: node ${node.id} applied ${tx.slice(0, 12)} ${count} times`);
      if (input.invalidTxs.has(tx))
        violations.push(`safety: node ${node.id} applied invalid ${tx.slice(0, 12)}`);
    }
  }

  // 7. The locking rule, on what honest validators signed.
  violations.push(...checkLocks(input));

  // 6. Evidence verifies, never names an honest validator, and open equivocation always yields some.
  const named = new Set<string>();
  for (const { reporter, evidence } of recorder.evidenceLog) {
    const offender = evidenceOffender(evidence);
    named.add(offender);
    try {
      verifyEvidence(input.chainId, input.setAt(evidenceHeight(evidence)), evidence);
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

/**
 * An honest validator that precommitted v in round r of a height may later prevote another value w
 * only after a polka for w (prevotes of more than 2/3 of the power) in a round from r on, before the
 * prevote's round (Algorithm 1, lines 22-30). The polkas counted are those of every vote any node sent,
 * with a valid signature: a superset of what any honest node can have seen, so a violation is certain.
 */
export function checkLocks(input: SafetyInput): string[] {
  const power = new Map<string, Map<string, number>>();
  for (const v of input.recorder.votesSent.values()) {
    if (v.type !== 'prevote' || v.blockHash === null) continue;
    const validator = findValidator(input.setAt(v.height), v.validator);
    if (validator === undefined || !input.verifier.vote(input.chainId, v)) continue;
    const key = `${v.height}/${v.round}/${v.blockHash}`;
    const byValidator = power.get(key) ?? new Map<string, number>();
    byValidator.set(v.validator, validator.power);
    power.set(key, byValidator);
  }
  const polka = (height: number, round: number, hash: string): boolean => {
    const byValidator = power.get(`${height}/${round}/${hash}`);
    if (byValidator === undefined) return false;
    return hasQuorum(
      input.setAt(height),
      [...byValidator.values()].reduce((a, b) => a + b, 0),
    );
  };
  const byValidatorHeight = new Map<string, Vote[]>();
  for (const v of input.recorder.honestVotes) {
    const key = `${v.validator}/${v.height}`;
    byValidatorHeight.set(key, [...(byValidatorHeight.get(key) ?? []), v]);
  }
  const violations: string[] = [];
  for (const votes of byValidatorHeight.values()) {
    const ordered = [...votes].sort(
      (a, b) => a.round - b.round || (a.type === b.type ? 0 : a.type === 'prevote' ? -1 : 1),
    );
    let lock: { round: number; hash: string } | null = null;
    for (const v of ordered) {
      if (v.blockHash === null) continue;
      if (v.type === 'precommit') {
        lock = { round: v.round, hash: v.blockHash };
        continue;
      }
      if (lock === null || lock.hash === v.blockHash || v.round <= lock.round) continue;
      let unlocked = false;
      for (let r = lock.round; r < v.round && !unlocked; r++) unlocked = polka(v.height, r, v.blockHash);
      if (!unlocked) {
        violations.push(
          `safety: honest validator ${short(v.validator)} locked on ${short(lock.hash)} in h${v.height} r${lock.round} prevoted ${short(v.blockHash)} in r${v.round} with no polka for it since`,
        );
      }
    }
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
    if (node.height < input.targetHeight) {
      violations.push(`liveness: node ${node.id} reached height ${node.height}, not ${input.targetHeight}`);
    }
    const missing = [...input.submittedValid].filter((tx) => !node.applied.has(tx));
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
