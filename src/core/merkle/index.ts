// The global transparency log's Merkle tree (RFC 9162 §2.1): hashing, node storage, appends, roots,
// and inclusion and consistency proofs with their verification.
export { emptyRoot, leafHash, nodeHash } from './hash.ts';
export type { LogNodeReader, LogNodeWriter, NodeWrite } from './store.ts';
export { MemoryLogNodeStore } from './memory-store.ts';
export { appendLeaves, planAppend, type AppendPlan } from './append.ts';
export { rootAt } from './root.ts';
export { listInclusionProof, merkleRoot } from './list-root.ts';
export { consistencyProof, inclusionProof } from './proofs.ts';
export { verifyConsistency, verifyInclusion, verifyInclusionHex, type InclusionProofHex } from './verify.ts';
