// The Merkle Tree Hash (RFC 9162 §2.1.1) of a short list held in memory, such as a block's txs, with no
// node store: leaves fold into a stack of complete subtrees (one per set bit of the count so far), which
// then fold together from the right.
import { toHex } from '../bytes.ts';
import { HASH_BYTES } from '../crypto/index.ts';
import { CoreError } from '../errors.ts';
import { appendLeaves } from './append.ts';
import { emptyRoot, nodeHash } from './hash.ts';
import { MemoryLogNodeStore } from './memory-store.ts';
import { inclusionProof } from './proofs.ts';
import type { InclusionProofHex } from './verify.ts';

/** MTH over `leafHashes` (each an RFC 9162 leaf hash, see leafHash). */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  const stack: { level: number; hash: Uint8Array }[] = [];
  for (const [position, leaf] of leafHashes.entries()) {
    if (leaf.length !== HASH_BYTES) {
      throw new CoreError('merkle.invalid_hash', 'a leaf hash must be 32 bytes', {
        position,
        length: leaf.length,
      });
    }
    let top = { level: 0, hash: leaf };
    while (stack.length > 0 && stack[stack.length - 1]!.level === top.level) {
      const left = stack.pop()!;
      top = { level: top.level + 1, hash: nodeHash(left.hash, top.hash) };
    }
    stack.push(top);
  }
  let root = stack.pop()?.hash;
  if (root === undefined) return emptyRoot();
  for (let left = stack.pop(); left !== undefined; left = stack.pop()) root = nodeHash(left.hash, root);
  return root;
}

/**
 * The inclusion proof (RFC 9162 §2.1.3.1) of leaf `leafIndex` in the tree over `leafHashes`, in hex as
 * served, for lists small enough to hash again in memory (a batch of readings, a month of days).
 */
export function listInclusionProof(leafHashes: readonly Uint8Array[], leafIndex: number): InclusionProofHex {
  const store = new MemoryLogNodeStore();
  appendLeaves(store, 0, leafHashes);
  const auditPath = inclusionProof(store, leafIndex, leafHashes.length).map(toHex);
  return { leafHash: toHex(leafHashes[leafIndex]!), leafIndex, treeSize: leafHashes.length, auditPath };
}
