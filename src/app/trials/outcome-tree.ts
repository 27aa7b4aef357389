// The registration's outcomes, hashed one by one into an RFC 9162 Merkle tree (issue 16 §1, §6), so a
// single outcome can be proved pre-specified without revealing the others' order or needing the whole
// list. Leaves are sorted by hash: the root depends on the set of outcomes, not on how a registry
// happened to list them, and each outcome has one place in the tree.
import { fromHex, toHex } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { CoreError } from '../../core/errors.ts';
import { domainHash } from '../../core/hash.ts';
import {
  appendLeaves,
  inclusionProof,
  leafHash,
  merkleRoot,
  MemoryLogNodeStore,
  verifyInclusionHex,
  type InclusionProofHex,
} from '../../core/merkle/index.ts';
import type { RegisteredOutcome } from './types.ts';

/** The leaf hash of one outcome: every field counts, so a reworded or re-timed outcome is a new leaf. */
export function outcomeLeaf(outcome: RegisteredOutcome): Uint8Array {
  const { kind, measure, timeFrame, description } = outcome;
  return leafHash(domainHash('trial-outcome', canonicalBytes({ kind, measure, timeFrame, description })));
}

/** The leaves in tree order (ascending hex); a duplicate outcome is refused, as it could not be told apart. */
function sortedLeaves(outcomes: readonly RegisteredOutcome[]): string[] {
  const leaves = outcomes.map((o) => toHex(outcomeLeaf(o))).sort();
  for (let i = 1; i < leaves.length; i++) {
    if (leaves[i] === leaves[i - 1]) {
      throw new CoreError('trials.duplicate_outcome', 'the same outcome is registered twice', {
        position: i,
      });
    }
  }
  return leaves;
}

/** The root over all outcomes, in hex: what the registration commits to. */
export function outcomesRoot(outcomes: readonly RegisteredOutcome[]): string {
  const leaves = sortedLeaves(outcomes).map(fromHex);
  return toHex(merkleRoot(leaves));
}

/** The inclusion proof of `outcome` in the tree of `outcomes`; throws if it was not registered. */
export function outcomeProof(
  outcomes: readonly RegisteredOutcome[],
  outcome: RegisteredOutcome,
): InclusionProofHex {
  const leaves = sortedLeaves(outcomes);
  const wanted = toHex(outcomeLeaf(outcome));
  const leafIndex = leaves.indexOf(wanted);
  if (leafIndex < 0) {
    throw new CoreError('trials.unknown_outcome', 'the outcome is not in the registration', {});
  }
  const store = new MemoryLogNodeStore();
  appendLeaves(store, 0, leaves.map(fromHex));
  const auditPath = inclusionProof(store, leafIndex, leaves.length).map(toHex);
  return { leafHash: wanted, leafIndex, treeSize: leaves.length, auditPath };
}

/** Does `proof` show that exactly this `outcome` is under `root`? Never throws. */
export function verifyOutcomeProof(
  outcome: RegisteredOutcome,
  proof: InclusionProofHex,
  root: string,
): boolean {
  return proof.leafHash === toHex(outcomeLeaf(outcome)) && verifyInclusionHex(proof, root);
}
